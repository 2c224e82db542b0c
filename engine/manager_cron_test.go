package engine_test

import (
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/spindle-tui/spindle/engine"
	"github.com/spindle-tui/spindle/model"
)

// taskNamed returns the snapshot's task called name.
func taskNamed(t *testing.T, e *engine.Engine, name string) model.Task {
	t.Helper()
	for _, k := range e.Snapshot().Tasks {
		if k.Name == name {
			return k
		}
	}
	t.Fatalf("no task %q", name)
	return model.Task{}
}

// TestScheduledTask: a scheduled task is appended at its first time (not
// before, and though its manager does not watch), restarted at each later
// time with the same id, and its poller says how each run ended.
func TestScheduledTask(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := engine.New()
		defer closeEngine(t, e)
		t0 := time.Now().UTC()
		m := e.NewManager("jobs", 1)
		s, err := engine.ParseCron("CRON_TZ=UTC 0 3 * * *")
		if err != nil {
			t.Fatal(err)
		}
		var runs atomic.Int64
		p, err := m.Schedule("backup", s, func(ctx context.Context) error {
			if runs.Add(1) == 2 {
				return errors.New("disk full")
			}
			time.Sleep(10 * time.Second)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		synctest.Wait()
		if n := len(e.Snapshot().Tasks); n != 0 || !p.Stats().Next.Equal(t0.Add(3*time.Hour)) {
			t.Fatalf("before 03:00: %d tasks, next %s", n, p.Stats().Next)
		}

		sleepUntil(t0.Add(3*time.Hour+10*time.Second), 0)
		first := taskNamed(t, e, "backup")
		st := p.Stats()
		if first.State != model.StateDone || st.Count != 1 || st.Value != string(first.ID)+" done in 10s" || st.Delay != 0 {
			t.Fatalf("after the first run: task %s %s; poller count %d value %q delay %s", first.ID, first.State, st.Count, st.Value, st.Delay)
		}

		sleepUntil(t0.Add(27*time.Hour+time.Second), 0) // the second run fails
		second := taskNamed(t, e, "backup")
		st = p.Stats()
		if second.ID != first.ID || second.Restarts != 1 || second.State != model.StateFailed {
			t.Fatalf("second run: task %s %s restarts %d", second.ID, second.State, second.Restarts)
		}
		if st.Errors != 1 || !strings.Contains(st.LastError, "disk full") {
			t.Fatalf("poller after a failed run: errors %d, last %q", st.Errors, st.LastError)
		}
	})
}

// TestScheduledTaskOverrun: a time that comes while the task still runs is
// skipped; the next start is late against its own time only.
func TestScheduledTaskOverrun(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := engine.New()
		defer closeEngine(t, e)
		t0 := time.Now().UTC()
		m := e.NewManager("jobs", 1)
		s, _ := engine.ParseCron("CRON_TZ=UTC */10 * * * *")
		var runs atomic.Int64
		p, err := m.Schedule("report", s, func(ctx context.Context) error {
			if runs.Add(1) == 1 {
				time.Sleep(25 * time.Minute) // 00:10 to 00:35: 00:20 and 00:30 pass
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		sleepUntil(t0.Add(35*time.Minute), 0)
		st := p.Stats()
		if runs.Load() != 2 || st.Skipped != 1 || st.Delay != 5*time.Minute {
			t.Fatalf("after the overrun: %d runs, skipped %d, delay %s", runs.Load(), st.Skipped, st.Delay)
		}
	})
}

// TestScheduledTaskRemoved: Unschedule ends a schedule and forgets its task;
// removing the manager ends the others.
func TestScheduledTaskRemoved(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := engine.New()
		defer closeEngine(t, e)
		t0 := time.Now().UTC()
		m := e.NewManager("jobs", 1)
		s, _ := engine.ParseCron("CRON_TZ=UTC * * * * *")
		for _, name := range []string{"tick", "tock"} {
			if _, err := m.Schedule(name, s, func(context.Context) error { return nil }); err != nil {
				t.Fatal(err)
			}
		}
		sleepUntil(t0.Add(time.Minute), 0)
		if n := len(e.Snapshot().Tasks); n != 2 {
			t.Fatalf("%d tasks after the first minute", n)
		}
		if err := m.Unschedule(context.Background(), "tick"); err != nil {
			t.Fatal(err)
		}
		if _, ok := e.Poller("tick"); ok || len(e.Snapshot().Tasks) != 1 {
			t.Fatalf("after Unschedule: poller still there %v, %d tasks", ok, len(e.Snapshot().Tasks))
		}
		if err := m.Unschedule(context.Background(), "tick"); !errors.Is(err, engine.ErrUnknownPoller) {
			t.Fatalf("Unschedule twice: %v", err)
		}
		if err := e.RemoveManager(context.Background(), "jobs"); err != nil {
			t.Fatal(err)
		}
		if _, ok := e.Poller("tock"); ok {
			t.Fatalf("the schedule of a removed manager stays")
		}
	})
}
