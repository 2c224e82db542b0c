package engine_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/spindle-tui/spindle/engine"
	"github.com/spindle-tui/spindle/model"
)

// firstRunThen is a task function whose first run ends the way first does
// and whose later runs wait until halted; it counts its runs.
type firstRunThen struct {
	mu    sync.Mutex
	runs  int
	first func(ctx context.Context) error
}

func (f *firstRunThen) fn(ctx context.Context) error {
	f.mu.Lock()
	f.runs++
	n := f.runs
	f.mu.Unlock()
	if n == 1 {
		return f.first(ctx)
	}
	return untilHalted(ctx)
}

func (f *firstRunThen) count() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.runs
}

// policies are the restart policies; policyRestarts, which ends of a run each
// one restarts.
var (
	policies       = []engine.RestartPolicy{engine.RestartNever, engine.RestartOnFailure, engine.RestartAlways}
	policyRestarts = map[engine.RestartPolicy]map[model.State]bool{
		engine.RestartNever:     {},
		engine.RestartOnFailure: {model.StateFailed: true},
		engine.RestartAlways:    {model.StateFailed: true, model.StateDone: true},
	}
)

// TestGoroutineRestartPolicy: policy × how the first run ended. An error and
// a panic are failures (restarted by on-failure and always), a nil return is
// restarted only by always, and what the user halted or killed (or what was
// abandoned) never is. A restarted task waits out its backoff first, holding
// no slot, with its retry time shown.
func TestGoroutineRestartPolicy(t *testing.T) {
	const grace = time.Second
	outcomes := []struct {
		name  string
		first func(ctx context.Context) error
		op    model.Op    // applied while the first run runs; "" for none
		ended model.State // how the first run ends
	}{
		{"nil", returns(nil), "", model.StateDone},
		{"error", returns(errors.New("disk full")), "", model.StateFailed},
		{"panic", func(context.Context) error { panic("boom") }, "", model.StateFailed},
		{"halt", untilHalted, model.OpHalt, model.StateHalted},
		{"kill", untilHalted, model.OpKill, model.StateKilled},
		{"kill, abandoned", func(context.Context) error { time.Sleep(time.Hour); return nil }, model.OpKill, model.StateAbandoned},
	}
	for _, policy := range policies {
		for _, oc := range outcomes {
			t.Run(policy.String()+"/"+oc.name, func(t *testing.T) {
				synctest.Test(t, func(t *testing.T) {
					e := engine.New(engine.WithKillGrace(grace))
					defer func() {
						time.Sleep(time.Hour) // an abandoned run returns, so nothing leaks
						closeEngine(t, e)
					}()
					m := e.NewManager("m", 1)
					f := &firstRunThen{first: oc.first}
					id, err := m.Append("target", f.fn, engine.WithRestart(engine.RestartSpec{
						Policy: policy, Backoff: engine.Backoff{Initial: 10 * time.Second, Jitter: -1}}))
					if err != nil {
						t.Fatal(err)
					}
					_ = m.Watch()
					synctest.Wait()
					if oc.op != "" {
						if err := apply(e, oc.op, id); err != nil {
							t.Fatal(err)
						}
						time.Sleep(2 * grace) // past the kill grace
						synctest.Wait()
					}
					want := oc.ended
					restarted := policyRestarts[policy][oc.ended]
					if restarted {
						want = model.StateBackoff
					}
					got := taskOf(t, e, id)
					if got.State != want || got.Kind != model.KindGoroutine {
						t.Fatalf("after the first run: %s (%s), want %s", got.State, got.Kind, want)
					}
					if restarted {
						if got.Retry.IsZero() || e.Snapshot().Managers[0].Running != 0 {
							t.Fatalf("in backoff: retry %v, manager %+v", got.Retry, e.Snapshot().Managers[0])
						}
						if oc.ended == model.StateFailed && got.Error == "" {
							t.Fatalf("in backoff, the failure is not shown")
						}
					}
					time.Sleep(11 * time.Second)
					synctest.Wait()
					got = taskOf(t, e, id)
					wantRuns, wantRestarts, wantState := 1, 0, oc.ended
					if restarted {
						wantRuns, wantRestarts, wantState = 2, 1, model.StateRunning
					}
					if f.count() != wantRuns || got.Restarts != wantRestarts || got.State != wantState {
						t.Fatalf("after the backoff: %d runs, restarts %d, %s; want %d, %d, %s",
							f.count(), got.Restarts, got.State, wantRuns, wantRestarts, wantState)
					}
				})
			})
		}
	}
}

// TestGoroutineRestartBackoffJitter: each restart waits the doubled delay
// (capped at Max) less at most Jitter of it, and the event says how long.
func TestGoroutineRestartBackoffJitter(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := engine.New()
		defer closeEngine(t, e)
		m := e.NewManager("m", 1)
		var mu sync.Mutex
		var starts []time.Time
		crash := func(context.Context) error {
			mu.Lock()
			defer mu.Unlock()
			starts = append(starts, time.Now())
			return errors.New("crash")
		}
		const jitter = 0.5
		id, err := m.Append("crashy", crash, engine.WithRestart(engine.RestartSpec{
			Policy:      engine.RestartOnFailure,
			Backoff:     engine.Backoff{Initial: time.Second, Max: 8 * time.Second, Jitter: jitter},
			MaxRestarts: 6,
		}))
		if err != nil {
			t.Fatal(err)
		}
		_ = m.Watch()
		time.Sleep(time.Minute)
		synctest.Wait()
		if got := stateOf(t, e, id); got != model.StateFatal {
			t.Fatalf("state %s, want fatal", got)
		}
		mu.Lock()
		defer mu.Unlock()
		checkBackoffGaps(t, starts, []time.Duration{1, 2, 4, 8, 8, 8}, jitter) // seconds: doubling, capped
	})
}

// checkBackoffGaps checks that the runs started at starts waited, before each
// restart, the base delay (in seconds) less at most jitter of it.
func checkBackoffGaps(t *testing.T, starts []time.Time, base []time.Duration, jitter float64) {
	t.Helper()
	if len(starts) != len(base)+1 {
		t.Fatalf("%d runs, want %d", len(starts), len(base)+1)
	}
	for i, b := range base {
		hi := b * time.Second
		lo := time.Duration(float64(hi) * (1 - jitter))
		if gap := starts[i+1].Sub(starts[i]); gap < lo || gap > hi {
			t.Errorf("delay before restart %d: %s, want within [%s, %s]", i+1, gap, lo, hi)
		}
	}
}

// TestGoroutineRestartWindow: a task that fails every time goes fatal after
// MaxRestarts restarts within the window; with restarts spread wider than
// the window, the old ones slide out of it and it keeps restarting.
func TestGoroutineRestartWindow(t *testing.T) {
	tests := []struct {
		name      string
		window    time.Duration
		wantFatal bool
	}{
		// Restarts are decided at 0s, 4s, 8s, … (a constant 4s backoff).
		{"two within 9s: the third end is fatal", 9 * time.Second, true},
		{"at most two within 5s: never fatal", 5 * time.Second, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				e := engine.New()
				defer closeEngine(t, e)
				m := e.NewManager("m", 1)
				id, err := m.Append("crashy", returns(errors.New("crash")), engine.WithRestart(engine.RestartSpec{
					Policy:      engine.RestartOnFailure,
					Backoff:     engine.Backoff{Initial: 4 * time.Second, Max: 4 * time.Second, Jitter: -1},
					MaxRestarts: 2,
					Window:      tt.window,
				}))
				if err != nil {
					t.Fatal(err)
				}
				_ = m.Watch()
				time.Sleep(41 * time.Second)
				synctest.Wait()
				got := taskOf(t, e, id)
				s := e.Snapshot()
				fatal := fmt.Sprintf(`%s "crashy" fatal: failed after 2 restarts within %s; not restarting`, id, tt.window)
				if tt.wantFatal {
					if got.State != model.StateFatal || got.Restarts != 2 || !hasEvent(s, model.LevelError, fatal) {
						t.Fatalf("%s after %d restarts, events %v", got.State, got.Restarts, s.Events)
					}
					return
				}
				if got.State == model.StateFatal || got.Restarts != 10 {
					t.Fatalf("%s after %d restarts, want still restarting after 10", got.State, got.Restarts)
				}
				want := fmt.Sprintf(`%s "crashy" failed; restarting in 4s (restart 2 of 2 within %s)`, id, tt.window)
				if !hasEvent(s, model.LevelInfo, want) {
					t.Fatalf("no event %q in %v", want, s.Events)
				}
				if err := apply(e, model.OpHalt, id); err != nil { // in backoff: halted, no restart
					t.Fatal(err)
				}
			})
		})
	}
}

// TestWithRestartBadSpec: a policy or jitter out of range is Append's error,
// and nothing is queued.
func TestWithRestartBadSpec(t *testing.T) {
	tests := []struct {
		name string
		spec engine.RestartSpec
		want error
	}{
		{"policy", engine.RestartSpec{Policy: 7}, engine.ErrBadRestartPolicy},
		{"jitter", engine.RestartSpec{Policy: engine.RestartAlways, Backoff: engine.Backoff{Jitter: 1.5}}, engine.ErrBadBackoff},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := engine.New()
			defer closeEngine(t, e)
			m := e.NewManager("m", 1)
			_, err := m.Append("bad", returns(nil), engine.WithRestart(tt.spec))
			if !errors.Is(err, tt.want) {
				t.Fatalf("Append: %v, want %v", err, tt.want)
			}
			if n := e.Snapshot().Counts.Total(); n != 0 {
				t.Fatalf("%d tasks after a bad Append", n)
			}
		})
	}
}
