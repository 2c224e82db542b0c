package engine_test

import (
	"context"
	"slices"
	"strconv"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/spindle-tui/spindle/engine"
	"github.com/spindle-tui/spindle/model"
)

// recorder is a poll func that notes when each run started (as an offset from
// t0) and then works for the given durations, one per run (the last repeats).
type recorder struct {
	t0    time.Time
	work  []time.Duration
	mu    sync.Mutex
	start []time.Duration
}

func newRecorder(work ...time.Duration) *recorder {
	return &recorder{t0: time.Now(), work: work}
}

func (r *recorder) poll(ctx context.Context) (any, error) {
	r.mu.Lock()
	n := len(r.start)
	r.start = append(r.start, time.Since(r.t0))
	r.mu.Unlock()
	if len(r.work) > 0 {
		d := r.work[min(n, len(r.work)-1)]
		select {
		case <-time.After(d):
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	return n, nil
}

func (r *recorder) starts() []time.Duration {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.start)
}

func ms(vs ...int) []time.Duration {
	out := make([]time.Duration, len(vs))
	for i, v := range vs {
		out[i] = time.Duration(v) * time.Millisecond
	}
	return out
}

// sleepUntil sleeps until d after t0 and lets every goroutine settle.
func sleepUntil(t0 time.Time, d time.Duration) {
	time.Sleep(time.Until(t0.Add(d)))
	synctest.Wait()
}

func mustStart(t *testing.T, p *engine.Poller) {
	t.Helper()
	if err := p.Start(); err != nil {
		t.Fatalf("Start %s: %v", p.Name(), err)
	}
}

// TestPollerSchedule checks when runs start, against absolute deadlines, for
// run times that fit the period, overrun it, MinWait and Concurrency
// (TestPollerMinWait has MinWait's overruns).
func TestPollerSchedule(t *testing.T) {
	tests := []struct {
		name        string
		period      time.Duration
		work        []time.Duration
		opts        []engine.PollerOption
		until       time.Duration
		wantStarts  []time.Duration
		wantSkipped int64
	}{
		{
			name: "exact count after N periods", period: 100 * time.Millisecond, until: 950 * time.Millisecond,
			wantStarts: ms(0, 100, 200, 300, 400, 500, 600, 700, 800, 900),
		},
		{
			name: "run time is compensated", period: 100 * time.Millisecond, work: ms(30, 70, 99, 10),
			until:      550 * time.Millisecond,
			wantStarts: ms(0, 100, 200, 300, 400, 500),
		},
		{
			name: "overrun skips ahead with concurrency 1", period: 100 * time.Millisecond, work: ms(250),
			until: 1100 * time.Millisecond,
			// 250 serves 200 (100 skipped), 500 serves 500 (300, 400 skipped),
			// 750 serves 700 (600 skipped), 1000 serves 1000 (800, 900 skipped).
			wantStarts:  ms(0, 250, 500, 750, 1000),
			wantSkipped: 6,
		},
		{
			name: "min wait does not bind when runs fit", period: 100 * time.Millisecond, work: ms(50),
			opts: []engine.PollerOption{engine.MinWait(20 * time.Millisecond)}, until: 350 * time.Millisecond,
			wantStarts: ms(0, 100, 200, 300),
		},
		{
			name: "concurrency 3 keeps every deadline", period: 100 * time.Millisecond, work: ms(250),
			opts: []engine.PollerOption{engine.Concurrency(3)}, until: 650 * time.Millisecond,
			wantStarts: ms(0, 100, 200, 300, 400, 500, 600),
		},
		{
			name: "concurrency 2 waits for a slot", period: 100 * time.Millisecond, work: ms(250),
			opts: []engine.PollerOption{engine.Concurrency(2)}, until: 650 * time.Millisecond,
			// 0-250 and 100-350 fill both slots: 200 runs at 250 and 300 at 350;
			// then both are taken until 500, which serves 500 (400 is skipped).
			wantStarts:  ms(0, 100, 250, 350, 500, 600),
			wantSkipped: 1,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				starts, s := runSchedule(t, tt.period, tt.work, tt.opts, tt.until)
				if !slices.Equal(starts, tt.wantStarts) {
					t.Fatalf("starts %v, want %v", starts, tt.wantStarts)
				}
				if s.Skipped != tt.wantSkipped {
					t.Fatalf("skipped %d, want %d", s.Skipped, tt.wantSkipped)
				}
			})
		})
	}
}

// runSchedule runs a poller of a recorder with work (see recorder) in a
// synctest bubble until until, and returns when its runs started and its stats.
func runSchedule(t *testing.T, period time.Duration, work []time.Duration, opts []engine.PollerOption,
	until time.Duration) ([]time.Duration, model.Poller) {
	t.Helper()
	e := engine.New()
	defer closeEngine(t, e)
	rec := newRecorder(work...)
	p := e.NewPoller("p", period, rec.poll, opts...)
	mustStart(t, p)
	sleepUntil(rec.t0, until)
	return rec.starts(), p.Stats()
}

func TestPollerTimingStats(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := engine.New()
		defer closeEngine(t, e)
		rec := newRecorder(ms(250)...)
		p := e.NewPoller("slow", 100*time.Millisecond, rec.poll)
		mustStart(t, p)
		sleepUntil(rec.t0, 1100*time.Millisecond)
		s := p.Stats()
		// Runs at 0, 250 (50 late), 500, 750 (50 late), 1000; four have ended.
		if s.Count != 4 || s.Delay != 0 || s.AccDelay != 100*time.Millisecond {
			t.Fatalf("count %d delay %s acc %s", s.Count, s.Delay, s.AccDelay)
		}
		if want := ms(0, 50, 0, 50, 0); !slices.Equal(s.Delays, want) {
			t.Fatalf("delays %v, want %v", s.Delays, want)
		}
		if want := ms(250, 250, 250, 250); !slices.Equal(s.Durations, want) {
			t.Fatalf("durations %v, want %v", s.Durations, want)
		}
		if !s.Last.Equal(rec.t0.Add(time.Second)) || s.Duration != 250*time.Millisecond {
			t.Fatalf("last %v duration %s", s.Last.Sub(rec.t0), s.Duration)
		}
		// The run under way ends at 1250; the latest passed deadline is then 1200.
		if !s.Next.Equal(rec.t0.Add(1100*time.Millisecond)) || s.Value != "3" {
			t.Fatalf("next %v value %q", s.Next.Sub(rec.t0), s.Value)
		}
		if !s.Started || s.Paused || !s.Alive || s.PollerState() != "running" {
			t.Fatalf("state %+v", s)
		}
	})
}

func TestPollerUsage(t *testing.T) {
	tests := []struct {
		name   string
		work   time.Duration
		opts   []engine.PollerOption
		at     time.Duration
		want   float64
		within float64
	}{
		{"a quarter busy", 25 * time.Millisecond, nil, 1050 * time.Millisecond, 0.25, 0},
		// Young: the window is the 150ms since start, [0,25) and [100,125) busy.
		{"window clipped to the start", 25 * time.Millisecond, nil, 150 * time.Millisecond, 50.0 / 150, 1e-9},
		// Back to back: every instant of the window is busy.
		{"overrun is fully busy", 250 * time.Millisecond, nil, 2100 * time.Millisecond, 1, 0},
		{"overlapping runs pass 1", 250 * time.Millisecond, []engine.PollerOption{engine.Concurrency(3)}, 2050 * time.Millisecond, 2.5, 1e-9},
		{"idle work", 0, nil, 2000 * time.Millisecond, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				e := engine.New()
				defer closeEngine(t, e)
				var work []time.Duration
				if tt.work > 0 {
					work = []time.Duration{tt.work}
				}
				rec := newRecorder(work...)
				p := e.NewPoller("u", 100*time.Millisecond, rec.poll, tt.opts...)
				mustStart(t, p)
				sleepUntil(rec.t0, tt.at)
				if got := p.Stats().Usage; got < tt.want-tt.within || got > tt.want+tt.within {
					t.Fatalf("usage %v, want %v", got, tt.want)
				}
			})
		})
	}
}

func TestPollerPauseResumeNoBurst(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := engine.New()
		defer closeEngine(t, e)
		rec := newRecorder()
		p := e.NewPoller("p", 100*time.Millisecond, rec.poll)
		mustStart(t, p)
		sleepUntil(rec.t0, 250*time.Millisecond)
		if err := p.Pause(); err != nil {
			t.Fatal(err)
		}
		synctest.Wait()
		if s := p.Stats(); !s.Paused || !s.Next.IsZero() || s.PollerState() != "paused" {
			t.Fatalf("after pause %+v", s)
		}
		sleepUntil(rec.t0, 1050*time.Millisecond)
		if err := p.Resume(); err != nil {
			t.Fatal(err)
		}
		synctest.Wait()
		if n := len(rec.starts()); n != 3 {
			t.Fatalf("%d runs right after resume, want 3 (no burst)", n)
		}
		sleepUntil(rec.t0, 1350*time.Millisecond)
		// Back on the same grid: 1100, 1200, 1300.
		if got, want := rec.starts(), ms(0, 100, 200, 1100, 1200, 1300); !slices.Equal(got, want) {
			t.Fatalf("starts %v, want %v", got, want)
		}
		if s := p.Stats(); s.Skipped != 0 || s.AccDelay != 0 {
			t.Fatalf("skipped %d acc delay %s: paused ticks must not count", s.Skipped, s.AccDelay)
		}
	})
}

func TestPollerStartPaused(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := engine.New()
		defer closeEngine(t, e)
		rec := newRecorder()
		p := e.NewPoller("p", 100*time.Millisecond, rec.poll, engine.StartPaused())
		if s := p.Stats(); s.Started || s.PollerState() != "idle" {
			t.Fatalf("before Start %+v", s)
		}
		mustStart(t, p)
		sleepUntil(rec.t0, 500*time.Millisecond)
		if s := p.Stats(); !s.Started || !s.Paused || len(rec.starts()) != 0 {
			t.Fatalf("started paused: %+v, %d runs", s, len(rec.starts()))
		}
		if err := p.Resume(); err != nil {
			t.Fatal(err)
		}
		sleepUntil(rec.t0, 750*time.Millisecond)
		if got, want := rec.starts(), ms(500, 600, 700); !slices.Equal(got, want) {
			t.Fatalf("starts %v, want %v", got, want)
		}
	})
}

func TestPollerSetPeriodAtNextDeadline(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := engine.New()
		defer closeEngine(t, e)
		rec := newRecorder()
		p := e.NewPoller("p", 100*time.Millisecond, rec.poll)
		mustStart(t, p)
		sleepUntil(rec.t0, 250*time.Millisecond)
		// Last deadline 200: the next becomes 400, then every 200ms.
		if err := p.SetPeriod(200 * time.Millisecond); err != nil {
			t.Fatal(err)
		}
		synctest.Wait()
		if s := p.Stats(); s.Period != 200*time.Millisecond || !s.Next.Equal(rec.t0.Add(400*time.Millisecond)) {
			t.Fatalf("period %s next %v", s.Period, s.Next.Sub(rec.t0))
		}
		sleepUntil(rec.t0, 650*time.Millisecond)
		// Last deadline 600: 600+50 has come, so the next run is now, then every 50ms.
		if err := p.SetPeriod(50 * time.Millisecond); err != nil {
			t.Fatal(err)
		}
		sleepUntil(rec.t0, 760*time.Millisecond)
		want := ms(0, 100, 200, 400, 600, 650, 700, 750)
		if got := rec.starts(); !slices.Equal(got, want) {
			t.Fatalf("starts %v, want %v", got, want)
		}
		if s := p.Stats(); s.Skipped != 0 || s.AccDelay != 0 {
			t.Fatalf("skipped %d acc delay %s", s.Skipped, s.AccDelay)
		}
	})
}

func TestPollerTimeoutErrorsAndValues(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := engine.New()
		defer closeEngine(t, e)
		n := 0
		p := e.NewPoller("flaky", 100*time.Millisecond, func(ctx context.Context) (any, error) {
			n++
			switch n % 4 {
			case 1:
				return "ok " + strconv.Itoa(n), nil
			case 2:
				<-ctx.Done() // outlasts the timeout
				return nil, ctx.Err()
			case 3:
				panic("boom")
			}
			return nil, nil // a nil value keeps the last one
		}, engine.Timeout(30*time.Millisecond))
		mustStart(t, p)
		time.Sleep(350 * time.Millisecond)
		synctest.Wait()
		s := p.Stats()
		if s.Count != 4 || s.Errors != 2 || s.LastError != "panic: boom" || s.Value != "ok 1" {
			t.Fatalf("count %d errors %d last error %q value %q", s.Count, s.Errors, s.LastError, s.Value)
		}
		if s.Durations[1] != 30*time.Millisecond {
			t.Fatalf("timed-out run took %s", s.Durations[1])
		}
		time.Sleep(200 * time.Millisecond) // run 5 succeeds, run 6 times out
		synctest.Wait()
		if s := p.Stats(); s.Value != "ok 5" || s.LastError != "engine: poll timed out after 30ms" {
			t.Fatalf("value %q last error %q", s.Value, s.LastError)
		}
	})
}
