package remote

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/spindle-tui/spindle/engine"
	"github.com/spindle-tui/spindle/model"
)

// fakeEngine is a FleetEngine the test feeds snapshots and whose commands it
// reads back.
type fakeEngine struct {
	ch   chan model.Snapshot
	stop func()

	mu   sync.Mutex
	cmds []model.Command
	logs []model.LogEntry
	qs   []model.LogQuery
	gor  model.Goroutines
	fail error // what Apply returns
	gerr error // what Goroutines returns
}

func newFakeEngine() *fakeEngine {
	f := &fakeEngine{ch: make(chan model.Snapshot, 1)}
	f.stop = sync.OnceFunc(func() { close(f.ch) })
	return f
}

func (f *fakeEngine) Subscribe() (<-chan model.Snapshot, func()) { return f.ch, f.stop }

func (f *fakeEngine) Apply(_ context.Context, cmd model.Command) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.cmds = append(f.cmds, cmd)
	return f.fail
}

func (f *fakeEngine) Goroutines(context.Context) (model.Goroutines, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.gerr != nil {
		return model.Goroutines{}, f.gerr
	}
	return f.gor, nil
}

func (f *fakeEngine) ReadLogs(_ context.Context, q model.LogQuery) (model.LogBatch, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.qs = append(f.qs, q)
	var b model.LogBatch
	for _, l := range f.logs {
		if l.Seq > q.Since {
			b.Lines = append(b.Lines, l)
		}
	}
	b.Next = q.Since + 1
	if n := len(b.Lines); n > 0 {
		b.Next = b.Lines[n-1].Seq + 1
	}
	return b, nil
}

func (f *fakeEngine) commands() []model.Command {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.cmds)
}

var fleetT0 = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

// engineSnap is one engine's picture: the same ids and names on every engine.
func engineSnap(seq uint64, source string, at time.Time) model.Snapshot {
	s := model.Snapshot{Seq: seq, Time: at, Source: source, Leaked: 1,
		Tasks: []model.Task{
			{ID: "t1f", Name: "fetch", Group: "crawl", State: model.StateRunning},
			{ID: "t20", Name: "child", Group: "io", Parent: "t1f", State: model.StateQueued,
				Deps: []model.Dependency{{ID: "t1f", Name: "fetch", Group: "crawl"}}},
		},
		Managers: []model.Manager{{Name: "crawl", Limit: 2}},
		Pools:    []model.Pool{{Name: "io", Owner: "t1f"}},
		Pollers:  []model.Poller{{Name: "disk", Group: "temps"}},
		Replicas: []model.ReplicaSet{{Name: "web", Manager: "crawl", Target: "t1f"}},
		Events:   []model.Event{{Time: at, Task: "t1f", Group: "crawl", Text: source + " started"}},
	}
	s.Counts[model.StateRunning], s.Counts[model.StateQueued] = 1, 1
	return s
}

// fleetOf returns a fleet over fakes named by names, subscribed, and the fakes.
func fleetOf(t *testing.T, names ...string) (*Fleet, map[string]*fakeEngine, <-chan model.Snapshot, func()) {
	fakes := map[string]*fakeEngine{}
	var ms []FleetMember
	for _, n := range names {
		fakes[n] = newFakeEngine()
		ms = append(ms, FleetMember{Name: n, Addr: "/run/" + n + ".sock", Engine: fakes[n]})
	}
	f := NewFleet(ms, 0)
	ch, cancel := f.Subscribe()
	t.Cleanup(cancel)
	return f, fakes, ch, cancel
}

// nextMerged waits (in the bubble) for the merged snapshot after what was sent.
func nextMerged(t *testing.T, ch <-chan model.Snapshot) model.Snapshot {
	t.Helper()
	time.Sleep(DefaultFleetRefresh) // the coalescing window
	synctest.Wait()
	select {
	case s := <-ch:
		return s
	default:
		t.Fatal("no merged snapshot")
		return model.Snapshot{}
	}
}

// TestFleetMergeQualifies: two engines with the same ids and names merge
// into one snapshot where every id and name is unique, qualified by origin,
// every row carries its origin, the counts add up and the events interleave.
func TestFleetMergeQualifies(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		_, fakes, ch, _ := fleetOf(t, "web", "api")
		fakes["api"].ch <- engineSnap(1, "api.yaml", fleetT0)
		fakes["web"].ch <- engineSnap(7, "web.yaml", fleetT0.Add(time.Second))
		s := nextMerged(t, ch)

		var ids []model.TaskID
		for _, tk := range s.Tasks {
			ids = append(ids, tk.ID)
			if !strings.HasPrefix(string(tk.ID), tk.Origin+"/") || !strings.HasPrefix(tk.Group, tk.Origin+"/") {
				t.Errorf("task %s of %s: group %s not qualified", tk.ID, tk.Origin, tk.Group)
			}
		}
		want := []model.TaskID{"api/t1f", "api/t20", "web/t1f", "web/t20"}
		if !slices.Equal(ids, want) {
			t.Errorf("ids %v, want %v", ids, want)
		}
		child := s.Tasks[1]
		if child.Parent != "api/t1f" || child.Deps[0].ID != "api/t1f" || child.Deps[0].Group != "api/crawl" || child.Name != "child" {
			t.Errorf("child's links not qualified (or its name was): %+v", child)
		}
		tests := []struct{ what, got, want string }{
			{"managers", s.Managers[0].Name + " " + s.Managers[1].Name, "api/crawl web/crawl"},
			{"pools", s.Pools[0].Name + " " + string(s.Pools[0].Owner) + " " + s.Pools[1].Origin, "api/io api/t1f web"},
			{"pollers", s.Pollers[1].Name + " " + s.Pollers[1].Group, "web/disk web/temps"},
			{"replicas", s.Replicas[0].Name + " " + s.Replicas[0].Manager + " " + string(s.Replicas[0].Target), "api/web api/crawl api/t1f"},
			{"events, newest first", s.Events[0].Origin + " " + string(s.Events[0].Task) + " " + s.Events[1].Origin, "web web/t1f api"},
			{"origins", s.Origins[0].Name + " " + s.Origins[0].Source + " " + s.Origins[1].Name, "api api.yaml web"},
			{"source", s.Source, "2 engines"},
		}
		for _, tc := range tests {
			if tc.got != tc.want {
				t.Errorf("%s: %q, want %q", tc.what, tc.got, tc.want)
			}
		}
		if s.Counts[model.StateRunning] != 2 || s.Leaked != 2 || !s.Time.Equal(fleetT0.Add(time.Second)) {
			t.Errorf("counts %v leaked %d time %v: not summed / not the newest", s.Counts, s.Leaked, s.Time)
		}
		// The engines' own snapshots are untouched (their slices are shared).
		raw := engineSnap(1, "api.yaml", fleetT0)
		fakes["api"].ch <- raw
		_ = nextMerged(t, ch)
		if raw.Tasks[0].ID != "t1f" || raw.Pools[0].Name != "io" {
			t.Errorf("the engine's snapshot was modified: %+v", raw.Tasks[0])
		}
	})
}

// TestFleetCoalesces: a burst of snapshots from the engines is merged once
// per refresh, the latest of each.
func TestFleetCoalesces(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		_, fakes, ch, _ := fleetOf(t, "a", "b")
		fakes["a"].ch <- engineSnap(1, "a", fleetT0)
		first := nextMerged(t, ch)
		for i := range uint64(20) {
			fakes["a"].ch <- engineSnap(2+i, "a", fleetT0.Add(time.Duration(i+1)*time.Millisecond))
			fakes["b"].ch <- engineSnap(2+i, "b", fleetT0.Add(time.Duration(i+1)*time.Millisecond))
			synctest.Wait()
		}
		s := nextMerged(t, ch)
		if s.Seq > first.Seq+2 {
			t.Errorf("20 snapshots per engine became %d merges, want at most 2", s.Seq-first.Seq)
		}
		if !s.Time.Equal(fleetT0.Add(20 * time.Millisecond)) {
			t.Errorf("merged time %v, want the latest", s.Time)
		}
	})
}

// TestFleetRoutes: every command goes to the engine that owns what it names,
// with the engine's own name; the *_all ones go to every engine; a name
// without a known origin fails, naming it.
func TestFleetRoutes(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f, fakes, ch, _ := fleetOf(t, "api", "db", "web")
		for n, fk := range fakes {
			fk.ch <- engineSnap(1, n, fleetT0)
		}
		_ = nextMerged(t, ch)
		ctx := context.Background()
		tests := []struct {
			cmd    model.Command
			to     string
			want   model.Command
			errIs  error
			errHas string
		}{
			{cmd: model.Command{Op: model.OpHalt, Target: "db/t1f"}, to: "db", want: model.Command{Op: model.OpHalt, Target: "t1f"}},
			{cmd: model.Command{Op: model.OpRestart, Target: "poller:web/disk"}, to: "web", want: model.Command{Op: model.OpRestart, Target: "poller:disk"}},
			{cmd: model.Command{Op: model.OpRun, Group: "api/crawl"}, to: "api", want: model.Command{Op: model.OpRun, Group: "crawl"}},
			{cmd: model.Command{Op: model.OpResize, Pool: "web/io", Step: 1}, to: "web", want: model.Command{Op: model.OpResize, Pool: "io", Step: 1}},
			{cmd: model.Command{Op: model.OpSetPeriod, Poller: "db/disk", Step: -1}, to: "db", want: model.Command{Op: model.OpSetPeriod, Poller: "disk", Step: -1}},
			{cmd: model.Command{Op: model.OpHalt, Target: "cache/t1f"}, errIs: ErrUnknownOrigin, errHas: `no engine "cache" in this fleet (the engines: api, db, web)`},
			{cmd: model.Command{Op: model.OpHalt, Target: "t1f"}, errIs: ErrUnknownOrigin, errHas: "halt t1f: names no engine"},
		}
		for _, tc := range tests {
			before := map[string]int{}
			for n, fk := range fakes {
				before[n] = len(fk.commands())
			}
			err := f.Apply(ctx, tc.cmd)
			if tc.errIs != nil {
				if !errors.Is(err, tc.errIs) || !strings.Contains(err.Error(), tc.errHas) {
					t.Errorf("%s: error %v, want %v saying %q", tc.cmd, err, tc.errIs, tc.errHas)
				}
				continue
			}
			if err != nil {
				t.Errorf("%s: %v", tc.cmd, err)
			}
			for n, fk := range fakes {
				got := fk.commands()[before[n]:]
				switch {
				case n == tc.to && (len(got) != 1 || got[0] != tc.want):
					t.Errorf("%s: %s got %v, want [%v]", tc.cmd, n, got, tc.want)
				case n != tc.to && len(got) != 0:
					t.Errorf("%s: %s got %v, want nothing", tc.cmd, n, got)
				}
			}
		}
		if err := f.Apply(ctx, model.Command{Op: model.OpPauseAll}); err != nil {
			t.Fatal(err)
		}
		for n, fk := range fakes {
			if c := fk.commands(); c[len(c)-1].Op != model.OpPauseAll {
				t.Errorf("pause_all did not reach %s: %v", n, c)
			}
		}
		// An engine's refusal keeps its sentinel and says whose it is.
		fakes["db"].fail = &APIError{Status: 404, Code: codeUnknownTask, Message: "no task t9"}
		err := f.Apply(ctx, model.Command{Op: model.OpHalt, Target: "db/t9"})
		if !errors.Is(err, engine.ErrUnknownTask) || err.Error() != "db: no task t9" {
			t.Errorf("refusal: %v", err)
		}
	})
}

// TestFleetStale: an engine whose client delivers its last snapshot again
// with an error (the connection dropped) keeps its rows, marked stale, and
// commands to it fail naming it; its next picture clears it. The others go on.
func TestFleetStale(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f, fakes, ch, _ := fleetOf(t, "api", "web")
		api, web := engineSnap(1, "api", fleetT0), engineSnap(1, "web", fleetT0)
		fakes["api"].ch <- api
		fakes["web"].ch <- web
		_ = nextMerged(t, ch)

		lost := web
		lost.SourceError = "connection lost: EOF; reconnecting in 1s"
		fakes["web"].ch <- lost
		fakes["api"].ch <- engineSnap(2, "api", fleetT0.Add(time.Second))
		s := nextMerged(t, ch)
		if o := s.Origins[1]; !o.Stale || o.Error != lost.SourceError || s.Origins[0].Stale {
			t.Errorf("origins %+v: want web stale with its error, api not", s.Origins)
		}
		if n := countOrigin(s, "web"); n != 2 {
			t.Errorf("web's rows: %d, want its last 2 kept", n)
		}
		if !strings.Contains(s.SourceError, "web: connection lost") {
			t.Errorf("source error %q does not say which engine", s.SourceError)
		}
		err := f.Apply(context.Background(), model.Command{Op: model.OpHalt, Target: "web/t1f"})
		if !errors.Is(err, ErrOriginDown) || !strings.Contains(err.Error(), "engine web is not connected (connection lost: EOF") {
			t.Errorf("command to the stale engine: %v", err)
		}
		if len(fakes["web"].commands()) != 0 {
			t.Errorf("sent to a stale engine: %v", fakes["web"].commands())
		}

		// A client that never connected says so with no picture.
		fakes["web"].ch <- model.Snapshot{Source: "/run/web.sock", SourceError: "connection lost: refused; reconnecting in 2s"}
		s = nextMerged(t, ch)
		if !s.Origins[1].Stale || countOrigin(s, "web") != 2 {
			t.Errorf("a second drop lost the rows or the mark: %+v", s.Origins[1])
		}

		// Back: a new engine on the address starts its Seq again.
		fakes["web"].ch <- engineSnap(1, "web", fleetT0.Add(3*time.Second))
		s = nextMerged(t, ch)
		if s.Origins[1].Stale || s.SourceError != "" {
			t.Errorf("web came back and is still stale: %+v %q", s.Origins[1], s.SourceError)
		}
		if err := f.Apply(context.Background(), model.Command{Op: model.OpHalt, Target: "web/t1f"}); err != nil {
			t.Errorf("command after the reconnect: %v", err)
		}
	})
}

// countOrigin counts the tasks of origin in s.
func countOrigin(s model.Snapshot, origin string) int {
	n := 0
	for _, tk := range s.Tasks {
		if tk.Origin == origin {
			n++
		}
	}
	return n
}

// TestFleetLogs: the logs of several engines merge in time order with the
// tasks qualified; a read goes on where each engine's stood; a query for
// one engine's task asks only that one, with its own id.
func TestFleetLogs(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f, fakes, _, _ := fleetOf(t, "api", "web")
		line := func(seq uint64, sec int, task, text string) model.LogEntry {
			return model.LogEntry{Seq: seq, Time: fleetT0.Add(time.Duration(sec) * time.Second), Task: model.TaskID(task), Text: text}
		}
		fakes["api"].logs = []model.LogEntry{line(1, 1, "t1", "a1"), line(2, 3, "t1", "a2")}
		fakes["web"].logs = []model.LogEntry{line(1, 2, "t1", "w1"), line(2, 4, "poller:disk", "w2")}
		ctx := context.Background()
		b, err := f.ReadLogs(ctx, model.LogQuery{Tail: 100})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, l := range b.Lines {
			got = append(got, l.Text+"@"+string(l.Task))
		}
		want := []string{"a1@api/t1", "w1@web/t1", "a2@api/t1", "w2@poller:web/disk"}
		if !slices.Equal(got, want) || b.Lines[3].Seq <= b.Lines[0].Seq {
			t.Errorf("lines %v, want %v with increasing seqs", got, want)
		}
		fakes["web"].mu.Lock()
		fakes["web"].logs = append(fakes["web"].logs, line(3, 5, "t1", "w3"))
		fakes["web"].mu.Unlock()
		b, err = f.ReadLogs(ctx, model.LogQuery{Since: b.Next - 1})
		if err != nil {
			t.Fatal(err)
		}
		if len(b.Lines) != 1 || b.Lines[0].Text != "w3" || b.Lines[0].Origin != "web" {
			t.Errorf("resumed read: %+v, want only w3", b.Lines)
		}
		if _, err := f.ReadLogs(ctx, model.LogQuery{Tasks: []model.TaskID{"web/t1"}}); err != nil {
			t.Fatal(err)
		}
		if q := fakes["web"].qs[len(fakes["web"].qs)-1]; !slices.Equal(q.Tasks, []model.TaskID{"t1"}) || len(fakes["api"].qs) != 2 {
			t.Errorf("one engine's task: web asked %v, api asked %d times", q.Tasks, len(fakes["api"].qs))
		}
		if _, err := f.ReadLogs(ctx, model.LogQuery{Tasks: []model.TaskID{"cache/t1"}}); !errors.Is(err, ErrUnknownOrigin) {
			t.Errorf("unknown origin: %v", err)
		}
	})
}

// TestOriginNames: short, distinct, no "/".
func TestOriginNames(t *testing.T) {
	tests := []struct {
		addrs, sources, want []string
	}{
		{[]string{"/r/a.sock", "/r/b.sock"}, []string{"./deploy/api.yaml", "db.yml"}, []string{"api", "db"}},
		{[]string{"/r/spindle-12.sock", "127.0.0.1:7070"}, []string{"", ""}, []string{"spindle-12", "127.0.0.1:7070"}},
		{[]string{"/a", "/b", "/c"}, []string{"demo", "demo", "web"}, []string{"a", "b", "web"}},
		{[]string{"/a"}, []string{"my service"}, []string{"my-service"}},
		{[]string{"/t/sd-a.sock", "/t/sd-b.sock"}, []string{"spindle.yaml", "spindle.yaml"}, []string{"sd-a", "sd-b"}},
		{[]string{"/r/spindle-12.sock", "/r/spindle-13.sock"}, []string{"demo", "demo"}, []string{"demo-1", "demo-2"}},
		{[]string{"/t/x.sock", "/u/x.sock"}, []string{"app", "app"}, []string{"app-1", "app-2"}},
		{[]string{"/t/api.sock", "/t/b.sock", "/t/c.sock"}, []string{"api", "w", "w"}, []string{"api", "b", "c"}},
		{[]string{"/t/x.sock", "/t/b.sock", "/t/c.sock"}, []string{"b", "w", "w"}, []string{"b", "w", "c"}},
	}
	for _, tc := range tests {
		if got := OriginNames(tc.addrs, tc.sources); !slices.Equal(got, tc.want) {
			t.Errorf("OriginNames(%v, %v) = %v, want %v", tc.addrs, tc.sources, got, tc.want)
		}
	}
}

// TestCompareNatural: numbers in origin names go by value.
func TestCompareNatural(t *testing.T) {
	names := []string{"demo-10", "demo-2", "api", "demo-1", "demo-02x", "db"}
	slices.SortFunc(names, compareNatural)
	if want := []string{"api", "db", "demo-1", "demo-2", "demo-02x", "demo-10"}; !slices.Equal(names, want) {
		t.Errorf("%v, want %v", names, want)
	}
}
