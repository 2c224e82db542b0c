package spec

import (
	"fmt"
	"strings"
	"testing"
)

// base is the file every row of the reload diff matrix edits.
const base = `
refresh: 100ms
managers:
  builds:
    limit: 2
    tasks:
      - {name: vet, command: [go, vet]}
      - {name: test, command: [go, test], restart: on-failure}
  stack:
    tasks:
      - {name: web, command: [python3, -m, http.server]}
pools:
  io:
    max_workers: 2
    tasks:
      - {name: sync, command: [rsync]}
pollers:
  disk: {period: 2s, command: [df]}
  load: {period: 1s, command: [cat, /proc/loadavg]}
`

// changes renders a plan compactly: "builds:updated[vet:replaced]" for each
// group that is not unchanged, with the tasks that are not unchanged, plus flags.
func changes(p Plan) string {
	var out []string
	tasks := func(ds []TaskDiff) string {
		var ts []string
		for _, d := range ds {
			if d.Change != Unchanged {
				ts = append(ts, d.Name+":"+d.Change.String())
			}
		}
		if len(ts) == 0 {
			return ""
		}
		return "[" + strings.Join(ts, " ") + "]"
	}
	if p.RefreshChanged {
		out = append(out, "refresh="+p.Refresh.String())
	}
	for _, d := range p.Managers {
		if d.Change != Unchanged {
			s := fmt.Sprintf("m/%s:%s%s", d.Name, d.Change, tasks(d.Tasks))
			if d.LimitChanged {
				s += "+limit"
			}
			if d.WatchChanged {
				s += "+watch"
			}
			out = append(out, s)
		}
	}
	for _, d := range p.Pools {
		if d.Change != Unchanged {
			s := fmt.Sprintf("p/%s:%s%s", d.Name, d.Change, tasks(d.Tasks))
			if d.Resized {
				s += "+resized"
			}
			out = append(out, s)
		}
	}
	for _, d := range p.Pollers {
		if d.Change != Unchanged {
			s := fmt.Sprintf("q/%s:%s", d.Name, d.Change)
			if d.PeriodChanged {
				s += "+period"
			}
			if d.MinWaitChanged {
				s += "+min_wait"
			}
			if d.TimeoutChanged {
				s += "+timeout"
			}
			out = append(out, s)
		}
	}
	return strings.Join(out, " ")
}

// TestDiffMatrix is the reload diff matrix: each row edits the base file and
// says what a reload must do; everything not named must be unchanged.
func TestDiffMatrix(t *testing.T) {
	tests := []struct {
		name    string
		from    string // replaced in base
		to      string
		want    string
		summary string
	}{
		{"nothing", "", "", "", "no changes"},
		{"comment and layout only", "refresh: 100ms", "# hi\nrefresh:   100ms # same", "", "no changes"},
		{"task order", "      - {name: vet, command: [go, vet]}\n      - {name: test, command: [go, test], restart: on-failure}",
			"      - {name: test, command: [go, test], restart: on-failure}\n      - {name: vet, command: [go, vet]}", "", "no changes"},
		{"refresh", "refresh: 100ms", "refresh: 1s", "refresh=1s", "refresh 1s"},
		{"task added", "      - {name: vet, command: [go, vet]}",
			"      - {name: vet, command: [go, vet]}\n      - {name: lint, command: [golint]}", "m/builds:updated[lint:added]", "1 task started"},
		{"task removed", "      - {name: vet, command: [go, vet]}\n", "", "m/builds:updated[vet:removed]", "1 task halted"},
		{"task command changed", "[go, vet]", "[go, vet, ./...]", "m/builds:updated[vet:replaced]", "1 task restarted"},
		{"task env changed", "[go, vet]}", "[go, vet], env: {A: b}}", "m/builds:updated[vet:replaced]", ""},
		{"task restart policy changed", "restart: on-failure", "restart: always", "m/builds:updated[test:replaced]", ""},
		{"task defaults spelled out", "{name: vet, command: [go, vet]}",
			"{name: vet, command: [go, vet], restart: never, stop_signal: TERM, stop_grace: 5s, backoff: {initial: 500ms}}", "", "no changes"},
		{"task moved to another manager", "      - {name: vet, command: [go, vet]}\n      - {name: test",
			"      - {name: test", "m/builds:updated[vet:removed] m/stack:updated[vet:added]", "1 task started, 1 halted"},
		{"manager limit", "limit: 2", "limit: 4", "m/builds:updated+limit", "manager builds limit 2→4"},
		{"manager watch", "limit: 2", "limit: 2\n    watch: false", "m/builds:updated+watch", ""},
		{"manager added", "pools:", "  more: {}\npools:", "m/more:added", ""},
		{"manager removed", "  stack:\n    tasks:\n      - {name: web, command: [python3, -m, http.server]}\n", "",
			"m/stack:removed[web:removed]", "1 task halted"},
		{"pool resized", "max_workers: 2", "max_workers: 8", "p/io:updated+resized", "pool io 2→8 workers"},
		{"pool type changed", "max_workers: 2", "max_workers: 2\n    task_type: disk", "p/io:replaced[sync:replaced]", "1 task restarted"},
		{"pool daemon changed", "max_workers: 2", "max_workers: 2\n    daemon: true", "p/io:replaced[sync:replaced]", ""},
		{"pool task changed", "[rsync]", "[rsync, -a]", "p/io:updated[sync:replaced]", ""},
		{"pool task explicit default type", "{name: sync, command: [rsync]}", "{name: sync, type: io, command: [rsync]}", "", "no changes"},
		{"poller period", "period: 2s", "period: 5s", "q/disk:updated+period", "1 poller retimed"},
		{"poller min_wait and timeout", "period: 2s,", "period: 2s, min_wait: 1ms, timeout: 1s,", "q/disk:updated+min_wait+timeout", ""},
		{"poller command", "[df]", "[df, -P]", "q/disk:replaced", "1 poller restarted"},
		{"poller concurrency", "[df]}", "[df], concurrency: 2}", "q/disk:replaced", ""},
		{"poller period and command", "period: 2s, command: [df]", "period: 3s, command: [df, -h]", "q/disk:replaced+period", ""},
		{"poller removed", "  load: {period: 1s, command: [cat, /proc/loadavg]}\n", "", "q/load:removed", "1 poller stopped"},
		{"poller added", "pollers:\n", "pollers:\n  mem: {period: 1s, command: [free]}\n", "q/mem:added", "1 poller started"},
	}
	old := mustParse(t, "/w/spindle.yaml", base)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			src := strings.Replace(base, tc.from, tc.to, 1)
			if tc.from != "" && !strings.Contains(base, tc.from) {
				t.Fatalf("base does not hold %q", tc.from)
			}
			if tc.name == "task moved to another manager" {
				src = strings.Replace(src, "python3, -m, http.server]}", "python3, -m, http.server]}\n      - {name: vet, command: [go, vet]}", 1)
			}
			p := Diff(old, mustParse(t, "/w/spindle.yaml", src))
			if got := changes(p); got != tc.want {
				t.Errorf("changes = %q, want %q", got, tc.want)
			}
			if tc.summary != "" {
				if got := p.Summary(); got != tc.summary {
					t.Errorf("Summary = %q, want %q", got, tc.summary)
				}
			}
			if p.Empty() != (tc.want == "") {
				t.Errorf("Empty = %v with changes %q", p.Empty(), tc.want)
			}
		})
	}
}

// TestDiffReportsEverything checks that every group and task of both files is
// in the plan exactly once, with Old and New set as its Change says.
func TestDiffReportsEverything(t *testing.T) {
	old := mustParse(t, "/w/s.yaml", base)
	src := strings.Replace(base, "  stack:", "  other:", 1)
	p := Diff(old, mustParse(t, "/w/s.yaml", src))
	var names []string
	for _, d := range p.Managers {
		names = append(names, d.Name+":"+d.Change.String())
		for _, td := range d.Tasks {
			if (td.Old == nil) != (td.Change == Added) || (td.New == nil) != (td.Change == Removed) {
				t.Errorf("task %s: Old/New do not match %s", td.Name, td.Change)
			}
		}
	}
	if got, want := strings.Join(names, " "), "builds:unchanged other:added stack:removed"; got != want {
		t.Errorf("managers = %q, want %q", got, want)
	}
	if len(p.Pools) != 1 || p.Pools[0].Change != Unchanged || len(p.Pollers) != 2 {
		t.Errorf("pools/pollers = %+v / %+v", p.Pools, p.Pollers)
	}
}

func TestDiffNil(t *testing.T) {
	f := mustParse(t, "/w/s.yaml", base)
	start := Diff(nil, f)
	if got, want := start.Summary(), "4 tasks started; 2 pollers started"; got != want {
		t.Errorf("Diff(nil, f).Summary = %q, want %q", got, want)
	}
	stop := Diff(f, nil)
	if got, want := stop.Summary(), "4 tasks halted; 2 pollers stopped"; got != want {
		t.Errorf("Diff(f, nil).Summary = %q, want %q", got, want)
	}
	if p := Diff(f, f); !p.Empty() {
		t.Errorf("Diff(f, f) is not empty: %s", changes(p))
	}
	if s := Change(9).String(); s != "change(9)" {
		t.Errorf("Change(9) = %q", s)
	}
}
