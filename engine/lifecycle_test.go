package engine_test

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/spindle-tui/spindle/engine"
	"github.com/spindle-tui/spindle/model"
)

func TestEndings(t *testing.T) {
	tests := []struct {
		name      string
		fn        engine.Func
		want      model.State
		wantErr   string
		wantStack bool
		event     string // an event text expected, with %s for `id "target"`
		level     model.Level
	}{
		{"nil is done", returns(nil), model.StateDone, "", false, "", ""},
		{"an error is failed", returns(errors.New("disk full")), model.StateFailed, "disk full", false,
			"%s failed: disk full", model.LevelError},
		{"a panic is failed with its stack", func(context.Context) error { panic("boom\nsecond line") },
			model.StateFailed, "panic: boom\nsecond line", true, "%s panicked: panic: boom", model.LevelError},
		{"Goexit is failed", func(context.Context) error { runtime.Goexit(); return nil },
			model.StateFailed, "exited without returning (runtime.Goexit)", false, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				e := engine.New()
				defer closeEngine(t, e)
				id := started(tt.fn)(t, e, nil)
				task := taskOf(t, e, id)
				if task.State != tt.want || task.Error != tt.wantErr {
					t.Fatalf("state %s error %q, want %s %q", task.State, task.Error, tt.want, tt.wantErr)
				}
				if hasStack := strings.Contains(task.Stack, "goroutine"); hasStack != tt.wantStack {
					t.Fatalf("stack %q", task.Stack)
				}
				if task.Ended.IsZero() || task.Started.IsZero() || task.Created.IsZero() {
					t.Fatalf("times not set: %+v", task)
				}
				if tt.event != "" {
					text := fmt.Sprintf(tt.event, string(id)+` "target"`)
					if !hasEvent(e.Snapshot(), tt.level, text) {
						t.Fatalf("no %s event %q in %+v", tt.level, text, e.Snapshot().Events)
					}
				}
			})
		})
	}
}

func TestKillWithinAndPastTheGrace(t *testing.T) {
	tests := []struct {
		name       string
		returnsIn  time.Duration // after the kill
		want       model.State
		wantLeaked int
	}{
		{"returns in time: killed", 500 * time.Millisecond, model.StateKilled, 0},
		{"returns too late: abandoned", 5 * time.Second, model.StateAbandoned, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				e := engine.New(engine.WithKillGrace(2 * time.Second))
				defer closeEngine(t, e)
				m := e.NewManager("m", 1)
				slow := func(ctx context.Context) error {
					<-ctx.Done()
					time.Sleep(tt.returnsIn) // ignores the kill for a while
					return ctx.Err()
				}
				id := mustAppend(t, m, "target", slow)
				next := mustAppend(t, m, "next", untilHalted)
				_ = m.Watch()
				synctest.Wait()
				if err := apply(e, model.OpKill, id); err != nil {
					t.Fatal(err)
				}
				synctest.Wait()
				if got := stateOf(t, e, id); got != model.StateHalting {
					t.Fatalf("during the grace: %s", got)
				}
				time.Sleep(3 * time.Second)
				synctest.Wait()
				s := e.Snapshot()
				if got := stateOf(t, e, id); got != tt.want || s.Leaked != tt.wantLeaked {
					t.Fatalf("state %s leaked %d, want %s %d", got, s.Leaked, tt.want, tt.wantLeaked)
				}
				if got := stateOf(t, e, next); got != model.StateRunning {
					t.Fatalf("the slot was not freed: next is %s", got)
				}
				if tt.want == model.StateAbandoned {
					text := string(id) + ` "target" did not return within 2s of kill; goroutine leaked`
					if !hasEvent(s, model.LevelWarn, text) {
						t.Fatalf("no abandon event in %+v", s.Events)
					}
					time.Sleep(5 * time.Second) // the goroutine returns after all
					synctest.Wait()
					s = e.Snapshot()
					if s.Leaked != 0 || stateOf(t, e, id) != model.StateAbandoned {
						t.Fatalf("after the late return: leaked %d state %s", s.Leaked, stateOf(t, e, id))
					}
					if ev := s.Events[0]; ev.Task != id || !strings.Contains(ev.Text, "after being abandoned") {
						t.Fatalf("latest event %+v", ev)
					}
				}
			})
		})
	}
}

func TestRestartOfAKilledStubbornTaskRequeuesIt(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := engine.New(engine.WithKillGrace(time.Second))
		defer closeEngine(t, e)
		release := make(chan struct{})
		defer close(release)
		id := started(stubborn(release))(t, e, release)
		_ = apply(e, model.OpKill, id)
		if err := apply(e, model.OpRestart, id); err != nil {
			t.Fatal(err)
		}
		time.Sleep(2 * time.Second)
		synctest.Wait()
		task := taskOf(t, e, id)
		if task.State != model.StateRunning || task.Restarts != 1 || e.Snapshot().Leaked != 1 {
			t.Fatalf("%+v leaked %d", task, e.Snapshot().Leaked)
		}
	})
}

func TestPanicLeavesTheProcessAndOtherTasksAlone(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := engine.New()
		defer closeEngine(t, e)
		m := e.NewManager("m", 2)
		bad := mustAppend(t, m, "bad", func(context.Context) error {
			var m map[string]int
			m["x"] = 1 // a runtime panic, not just a panic(value)
			return nil
		})
		good := mustAppend(t, m, "good", checkpointLoop)
		_ = m.Watch()
		time.Sleep(5 * time.Millisecond)
		synctest.Wait()
		task := taskOf(t, e, bad)
		if task.State != model.StateFailed || !strings.HasPrefix(task.Error, "panic: assignment to entry in nil map") ||
			!strings.Contains(task.Stack, "TestPanicLeavesTheProcessAndOtherTasksAlone") {
			t.Fatalf("bad: %+v", task)
		}
		if got := stateOf(t, e, good); got != model.StateRunning {
			t.Fatalf("good: %s", got)
		}
	})
}

func TestHistoryRingEvictionKeepsCounts(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := engine.New(engine.WithHistory(3))
		defer closeEngine(t, e)
		m := e.NewManager("m", 1) // one at a time: they finish in order
		var ids []model.TaskID
		for i := range 10 {
			err := error(nil)
			if i%2 == 1 {
				err = errors.New("odd")
			}
			ids = append(ids, mustAppend(t, m, fmt.Sprint(i), returns(err)))
		}
		_ = m.Watch()
		synctest.Wait()
		s := e.Snapshot()
		if len(s.Tasks) != 3 {
			t.Fatalf("%d tasks in snapshot, want the 3 of the ring", len(s.Tasks))
		}
		if s.Counts[model.StateDone] != 5 || s.Counts[model.StateFailed] != 5 || s.Counts.Total() != 10 {
			t.Fatalf("engine counts %v", s.Counts)
		}
		if c := s.Managers[0].Counts; c != s.Counts {
			t.Fatalf("manager counts %v", c)
		}
		for i := 1; i < len(s.Tasks); i++ {
			if s.Tasks[i-1].Ended.Before(s.Tasks[i].Ended) {
				t.Fatal("history not newest first")
			}
		}
		inRing := s.Tasks[2].ID
		if err := apply(e, model.OpRestart, inRing); err != nil {
			t.Fatalf("restart of a task in the ring: %v", err)
		}
		evicted := ids[0]
		if err := apply(e, model.OpRestart, evicted); !errors.Is(err, engine.ErrUnknownTask) {
			t.Fatalf("restart of an evicted task: %v", err)
		}
		synctest.Wait()
		if s := e.Snapshot(); s.Counts.Total() != 10 {
			t.Fatalf("counts after restart %v", s.Counts)
		}
	})
}

func TestQueuePreviewIsBounded(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := engine.New(engine.WithQueuePreview(5))
		defer closeEngine(t, e)
		m := e.NewManager("m", 1)
		var ids []model.TaskID
		for range 50 {
			ids = append(ids, mustAppend(t, m, "q", untilHalted))
		}
		if err := apply(e, model.OpHalt, ids[2]); err != nil { // a tombstone in the preview
			t.Fatal(err)
		}
		s := e.Snapshot()
		var queued []model.TaskID
		for _, task := range s.Tasks {
			if task.State == model.StateQueued {
				queued = append(queued, task.ID)
			}
		}
		want := []model.TaskID{ids[0], ids[1], ids[3], ids[4], ids[5]}
		if fmt.Sprint(queued) != fmt.Sprint(want) || s.Managers[0].Queued != 49 {
			t.Fatalf("preview %v (queued %d), want %v", queued, s.Managers[0].Queued, want)
		}
		_ = m.Run()
		synctest.Wait()
		if got := stateOf(t, e, ids[0]); got != model.StateRunning {
			t.Fatalf("head: %s", got)
		}
	})
}

func TestLogAndProgress(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := engine.New(engine.WithLogLines(30))
		defer closeEngine(t, e)
		step := make(chan struct{})
		id := started(func(ctx context.Context) error {
			for i := range 100 {
				engine.Logf(ctx, "line %d", i)
			}
			engine.Progress(ctx, 40, 100)
			<-step
			engine.Logf(ctx, "last")
			<-ctx.Done()
			return nil
		})(t, e, nil)
		first := taskOf(t, e, id)
		if len(first.Log) != 30 || first.Log[0].Text != "line 70" || first.Log[29].Text != "line 99" {
			t.Fatalf("log %d lines: %v .. %v", len(first.Log), first.Log[0], first.Log[len(first.Log)-1])
		}
		if first.Done != 40 || first.Total != 100 || first.Progress() != 0.4 {
			t.Fatalf("progress %d/%d", first.Done, first.Total)
		}
		step <- struct{}{}
		synctest.Wait()
		second := taskOf(t, e, id)
		if got := second.Log[len(second.Log)-1].Text; got != "last" || len(second.Log) != 30 {
			t.Fatalf("tail %q, %d lines", got, len(second.Log))
		}
		if first.Log[29].Text != "line 99" {
			t.Fatal("an earlier snapshot's log changed")
		}
		_ = apply(e, model.OpHalt, id)
	})
}

func TestSnapshotLogIsAtMost50Lines(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := engine.New()
		defer closeEngine(t, e)
		id := started(func(ctx context.Context) error {
			for i := range 1000 {
				engine.Logf(ctx, "%d", i)
			}
			return nil
		})(t, e, nil)
		log := taskOf(t, e, id).Log
		if len(log) != 50 || log[49].Text != "999" {
			t.Fatalf("%d lines, last %v", len(log), log[len(log)-1])
		}
	})
}

func TestHelpersWithoutATask(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	engine.Progress(ctx, 1, 2) // no-ops, no panic
	engine.Logf(ctx, "nobody hears this")
	if err := engine.Checkpoint(ctx); err != nil {
		t.Fatalf("live ctx: %v", err)
	}
	cancel()
	if err := engine.Checkpoint(ctx); !errors.Is(err, engine.ErrHalted) {
		t.Fatalf("done ctx: %v", err)
	}
}
