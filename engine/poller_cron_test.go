package engine_test

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/spindle-tui/spindle/engine"
)

// counting is a poll function that counts its runs.
func counting(n *atomic.Int64) engine.PollFunc {
	return func(context.Context) (any, error) { return n.Add(1), nil }
}

// TestCronPoller: a cron poller's first run is at the first cron time, not at
// Start; it runs on each cron time, across a minute boundary, with its delay
// measured against that time; its stats say the schedule, the zone and the
// next time in it; its period cannot change.
func TestCronPoller(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := engine.New()
		defer closeEngine(t, e)
		t0 := time.Now().UTC() // synctest: 2000-01-01 00:00:00 UTC
		time.Sleep(30*time.Second + 500*time.Millisecond)
		var n atomic.Int64
		p := e.NewPoller("every minute", time.Hour, counting(&n), engine.Cron("CRON_TZ=UTC * * * * *"))
		if err := p.Start(); err != nil {
			t.Fatal(err)
		}
		synctest.Wait()
		st := p.Stats()
		switch {
		case n.Load() != 0:
			t.Fatalf("ran at Start: %d runs", n.Load())
		case !st.Next.Equal(t0.Add(time.Minute)) || st.Next.Location().String() != "UTC":
			t.Fatalf("Next %s, want %s in UTC", st.Next, t0.Add(time.Minute))
		case st.Schedule() != "CRON_TZ=UTC * * * * *" || st.Extra.Zone != "UTC" || st.Period != time.Minute:
			t.Fatalf("Schedule %q Zone %q Period %s", st.Schedule(), st.Extra.Zone, st.Period)
		}

		sleepUntil(t0.Add(time.Minute), 0) // across the minute boundary
		st = p.Stats()
		if n.Load() != 1 || st.Delay != 0 || !st.Last.Equal(t0.Add(time.Minute)) || !st.Next.Equal(t0.Add(2*time.Minute)) {
			t.Fatalf("after 00:01: %d runs, delay %s, last %s, next %s", n.Load(), st.Delay, st.Last, st.Next)
		}
		sleepUntil(t0.Add(3*time.Minute+time.Second), 0)
		if n.Load() != 3 {
			t.Fatalf("after 00:03:01: %d runs, want 3", n.Load())
		}

		for _, err := range []error{p.SetPeriod(time.Second), second(p.ScalePeriod(1))} {
			if !errors.Is(err, engine.ErrInvalidSchedule) {
				t.Fatalf("period change of a cron poller: %v", err)
			}
		}
	})
}

func second[T any](_ T, err error) error { return err }

// TestCronPollerLate: a run that outlasts the next cron times skips them, and
// the next run's delay is measured against the latest cron time it serves.
func TestCronPollerLate(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := engine.New()
		defer closeEngine(t, e)
		t0 := time.Now().UTC()
		var n atomic.Int64
		p := e.NewPoller("slow", 0, func(ctx context.Context) (any, error) {
			if n.Add(1) == 1 {
				time.Sleep(150 * time.Second) // from 00:01 to 00:03:30: 00:02 and 00:03 pass
			}
			return nil, nil
		}, engine.Cron("CRON_TZ=UTC * * * * *"))
		if err := p.Start(); err != nil {
			t.Fatal(err)
		}
		sleepUntil(t0.Add(3*time.Minute+30*time.Second), 0)
		st := p.Stats()
		if n.Load() != 2 || st.Skipped != 1 || st.Delay != 30*time.Second || !st.Next.Equal(t0.Add(4*time.Minute)) {
			t.Fatalf("after the overrun: %d runs, skipped %d, delay %s, next %s", n.Load(), st.Skipped, st.Delay, st.Next)
		}
	})
}

// TestCronPollerDayAndDST: a daily poller in New York runs at local midnight
// across a day boundary, and a 1:30 poller runs once on the day the fall-back
// repeats 1:30.
func TestCronPollerDayAndDST(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := engine.New()
		defer closeEngine(t, e)
		ny := mustZone(t, "America/New_York")
		var daily, dst atomic.Int64
		pd := e.NewPoller("midnight", 0, counting(&daily), engine.Cron("CRON_TZ=America/New_York 0 0 * * *"))
		if err := pd.Start(); err != nil {
			t.Fatal(err)
		}
		midnight := time.Date(2000, 1, 1, 0, 0, 0, 0, ny) // 05:00 UTC, after the bubble's 00:00 UTC
		if st := pd.Stats(); !st.Next.Equal(midnight) {
			t.Fatalf("Next %s, want %s", st.Next, midnight)
		}
		sleepUntil(midnight.Add(time.Second), 0)
		if st := pd.Stats(); daily.Load() != 1 || !st.Next.Equal(midnight.AddDate(0, 0, 1)) || st.Next.Format("MST") != "EST" {
			t.Fatalf("after midnight: %d runs, next %s", daily.Load(), st.Next)
		}
		pd.Kill()

		sleepUntil(time.Date(2000, 10, 29, 0, 0, 0, 0, ny), 0)
		p := e.NewPoller("one thirty", 0, counting(&dst), engine.Cron("CRON_TZ=America/New_York 30 1 * * *"))
		if err := p.Start(); err != nil {
			t.Fatal(err)
		}
		first := time.Date(2000, 10, 29, 5, 30, 0, 0, time.UTC) // 1:30 EDT
		sleepUntil(first.Add(time.Second), 0)
		if st := p.Stats(); dst.Load() != 1 || st.Delay != 0 || !st.Next.Equal(time.Date(2000, 10, 30, 6, 30, 0, 0, time.UTC)) {
			t.Fatalf("after 1:30 EDT: %d runs, delay %s, next %s", dst.Load(), st.Delay, st.Next)
		}
		sleepUntil(first.Add(2*time.Hour), 0) // 1:30 EST came and went
		if dst.Load() != 1 {
			t.Fatalf("1:30 ran %d times on the day it repeats", dst.Load())
		}
	})
}

// TestCronPollerBadExpression: Start returns the *CronError; the poller shows
// and stays idle.
func TestCronPollerBadExpression(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := engine.New()
		defer closeEngine(t, e)
		p := e.NewPoller("bad", 0, counting(new(atomic.Int64)), engine.Cron("0 25 * * *"))
		var ce *engine.CronError
		if err := p.Start(); !errors.As(err, &ce) || ce.Field != "hour" {
			t.Fatalf("Start = %v", err)
		}
		if st := p.Stats(); st.Started {
			t.Fatalf("started anyway")
		}
	})
}

// TestCronPollerResume: a paused cron poller resumes at the next cron time,
// without making up the ones it missed.
func TestCronPollerResume(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := engine.New()
		defer closeEngine(t, e)
		t0 := time.Now().UTC()
		var n atomic.Int64
		p := e.NewPoller("paused", 0, counting(&n), engine.Cron("CRON_TZ=UTC */10 * * * *"), engine.StartPaused())
		if err := p.Start(); err != nil {
			t.Fatal(err)
		}
		sleepUntil(t0.Add(25*time.Minute), 0)
		if err := p.Resume(); err != nil {
			t.Fatal(err)
		}
		synctest.Wait()
		if st := p.Stats(); n.Load() != 0 || !st.Next.Equal(t0.Add(30*time.Minute)) {
			t.Fatalf("resumed: %d runs, next %s", n.Load(), st.Next)
		}
		if err := p.Pause(); err != nil {
			t.Fatal(err)
		}
		sleepUntil(t0.Add(45*time.Minute), 0)
		if err := p.Resume(); err != nil {
			t.Fatal(err)
		}
		sleepUntil(t0.Add(50*time.Minute+time.Second), 0)
		if st := p.Stats(); n.Load() != 1 || st.Skipped != 0 || st.Delay != 0 {
			t.Fatalf("after resume: %d runs, skipped %d, delay %s", n.Load(), st.Skipped, st.Delay)
		}
	})
}
