package remote

import (
	"bytes"
	"encoding/json"
	"errors"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/spindle-tui/spindle/model"
)

var spaces = regexp.MustCompile(` +`)

func statusFixture() model.Snapshot {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	var counts model.StateCounts
	counts[model.StateRunning], counts[model.StateQueued], counts[model.StateDone] = 1, 1, 4
	return model.Snapshot{
		Seq: 9, Time: now, Source: "spindle.yaml", SourceError: "spindle.yaml:3:5: unknown field \"limt\"",
		Counts: counts,
		Tasks: []model.Task{
			{ID: "t1", Name: "fetch page 7", Group: "crawl", State: model.StateRunning, Created: now.Add(-time.Minute),
				Started: now.Add(-90 * time.Second), Done: 3, Total: 4},
			{ID: "t2", Name: "fetch page 8", Group: "crawl", State: model.StateQueued, Created: now.Add(-2 * time.Hour)},
			{ID: "t0", Name: "vet", Group: "builds", State: model.StateFailed, Created: now.Add(-time.Hour),
				Ended: now.Add(-30 * time.Second), Error: "exit status 1\nmore", Restarts: 2},
		},
		Managers: []model.Manager{{Name: "crawl", Limit: 3, Running: 1, Queued: 1, Watching: true, Counts: counts}},
		Pools:    []model.Pool{{Name: "io", Type: "io", State: model.PoolRunning, MaxWorkers: 4, Busy: 2, Done: 10, Halted: 2, Rejected: 1}},
		Pollers: []model.Poller{{Name: "disk", Period: 2 * time.Second, Started: true, Alive: true, Count: 12,
			Delay: 26574 * time.Microsecond, Usage: 0.25, Value: "42%"}},
		Events: []model.Event{{Time: now.Add(-5 * time.Second), Text: "halt t3"}},
	}
}

func TestWriteStatus(t *testing.T) {
	var b bytes.Buffer
	if err := WriteStatus(&b, statusFixture(), false); err != nil {
		t.Fatal(err)
	}
	out := spaces.ReplaceAllString(b.String(), " ") // column widths are tabwriter's business
	for _, want := range []string{
		"SOURCE spindle.yaml", "running 1, queued 1, done 4", "ERROR spindle.yaml:3:5",
		"LAST EVENT 5s ago: halt t3",
		"MANAGER", "crawl 3 1 1 yes 4 0 0",
		"POOL", "io running io 2/4 0 10 0 2 1 no",
		"POLLER", "disk running 2s 12 0 0 27ms 25% 42%",
		"ID NAME GROUP STATE AGE PROGRESS RESTARTS ERROR",
		"t1 fetch page 7 crawl running 1m30s 75% 0 -",
		"t2 fetch page 8 crawl queued 2h - 0 -",
		"t0 vet builds failed 30s - 2 exit status 1…",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("status lacks %q:\n%s", want, out)
		}
	}

	var empty bytes.Buffer
	if err := WriteStatus(&empty, model.Snapshot{}, false); err != nil {
		t.Fatal(err)
	}
	if got := empty.String(); got != "SOURCE -  ·  TASKS no tasks  ·  LEAKED 0\n" {
		t.Errorf("empty status %q", got)
	}

	b.Reset()
	if err := WriteStatus(&b, statusFixture(), true); err != nil {
		t.Fatal(err)
	}
	var back model.Snapshot
	if err := json.Unmarshal(b.Bytes(), &back); err != nil || back.Seq != 9 || len(back.Tasks) != 3 {
		t.Errorf("JSON status does not round-trip: %v %+v", err, back)
	}
}

func TestParseCtl(t *testing.T) {
	tests := []struct {
		args []string
		want model.Command
		err  string
	}{
		{[]string{"halt", "t3"}, model.Command{Op: model.OpHalt, Target: "t3"}, ""},
		{[]string{"PAUSE", "t3"}, model.Command{Op: model.OpPause, Target: "t3"}, ""},
		{[]string{"resume", "poller:disk"}, model.Command{Op: model.OpResume, Poller: "disk"}, ""},
		{[]string{"restart", "poller:disk"}, model.Command{Op: model.OpRestart, Poller: "disk"}, ""},
		{[]string{"halt", "pool:io"}, model.Command{Op: model.OpHalt, Pool: "io"}, ""},
		{[]string{"kill", "pool:io"}, model.Command{}, "not killed"},
		{[]string{"halt"}, model.Command{}, "got 1 arguments"},
		{nil, model.Command{}, "got 0 arguments"},
		{[]string{"halt", "t3", "t4"}, model.Command{}, "got 3 arguments"},
		{[]string{"explode", "t3"}, model.Command{}, `unknown verb "explode"`},
		{[]string{"halt_all", "t3"}, model.Command{}, `unknown verb`},
		{[]string{"halt", ""}, model.Command{}, "empty id"},
		{[]string{"halt", "poller:"}, model.Command{}, "empty id"},
		{[]string{"halt", "web\u202e"}, model.Command{}, "U+202E"},
		{[]string{"halt", "web"}, model.Command{Op: model.OpHalt, Target: "web"}, ""},
	}
	for _, tt := range tests {
		got, err := ParseCtl(tt.args)
		if tt.err == "" {
			if err != nil || got != tt.want {
				t.Errorf("ParseCtl(%q) = %+v, %v; want %+v", tt.args, got, err, tt.want)
			}
			continue
		}
		if !errors.Is(err, ErrUsage) || !strings.Contains(err.Error(), tt.err) || strings.Count(err.Error(), "usage") > 0 {
			t.Errorf("ParseCtl(%q) error %v, want usage error saying %q", tt.args, err, tt.err)
		}
	}
}
