package ui

import (
	"testing"
	"testing/synctest"
	"time"

	"github.com/spindle-tui/spindle/model"
)

// TestWaitSnapshotPacesFrames: a snapshot that comes before the frame's time
// waits for it and is replaced by any newer one (latest wins, nothing
// queues); one that comes later is delivered at once; quitting ends the wait;
// a subscription closed during the wait still delivers what came first.
func TestWaitSnapshotPacesFrames(t *testing.T) {
	frame := 250 * time.Millisecond
	seqOf := func(msg any) uint64 {
		t.Helper()
		s, ok := msg.(snapshotMsg)
		if !ok {
			t.Fatalf("got %T, want a snapshot", msg)
		}
		return s.snap.Seq
	}
	t.Run("a newer snapshot replaces the held one", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			src := newFakeSource()
			ch, cancel := src.Subscribe()
			defer cancel()
			start := time.Now()
			got := make(chan any, 1)
			go func() { got <- waitSnapshotCmd(ch, start.Add(frame), nil)() }()
			for i := uint64(1); i <= 2; i++ { // 100 ms and 200 ms: both before the frame
				time.Sleep(100 * time.Millisecond)
				src.publish(model.Snapshot{Seq: i})
			}
			msg := <-got
			if seq := seqOf(msg); seq != 2 {
				t.Errorf("delivered seq %d, want 2 (the newest)", seq)
			}
			if d := time.Since(start); d != frame {
				t.Errorf("delivered after %v, want at the frame, %v", d, frame)
			}
		})
	})
	t.Run("a snapshot after the frame's time comes at once", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			src := newFakeSource()
			ch, cancel := src.Subscribe()
			defer cancel()
			start := time.Now()
			got := make(chan any, 1)
			go func() { got <- waitSnapshotCmd(ch, start.Add(frame), nil)() }()
			time.Sleep(400 * time.Millisecond)
			src.publish(model.Snapshot{Seq: 7})
			if seq := seqOf(<-got); seq != 7 {
				t.Errorf("delivered seq %d, want 7", seq)
			}
			if d := time.Since(start); d != 400*time.Millisecond {
				t.Errorf("delivered after %v, want at once (400ms)", d)
			}
		})
	})
	t.Run("quitting ends the wait", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			src := newFakeSource()
			ch, cancel := src.Subscribe()
			defer cancel()
			stop := make(chan struct{})
			got := make(chan any, 1)
			go func() { got <- waitSnapshotCmd(ch, time.Now().Add(frame), stop)() }()
			src.publish(model.Snapshot{Seq: 1})
			synctest.Wait()
			close(stop)
			if msg := <-got; msg != nil {
				t.Errorf("got %T after quit, want nothing", msg)
			}
		})
	})
	t.Run("a close during the wait delivers the held snapshot first", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			src := newFakeSource()
			ch, _ := src.Subscribe()
			got := make(chan any, 1)
			go func() { got <- waitSnapshotCmd(ch, time.Now().Add(frame), nil)() }()
			src.publish(model.Snapshot{Seq: 3})
			synctest.Wait()
			src.shut()
			if seq := seqOf(<-got); seq != 3 {
				t.Errorf("delivered seq %d, want 3", seq)
			}
			if _, ok := waitSnapshotCmd(ch, time.Time{}, nil)().(sourceClosedMsg); !ok {
				t.Error("the next wait does not say the source closed")
			}
		})
	})
}

// TestClockLeavesFreshFramesAlone: the clock moves ages on only while no
// snapshot has come for half a tick, or for one and a half frame intervals;
// a dashboard drawing snapshots several times a second gets no extra frame
// from it.
func TestClockLeavesFreshFramesAlone(t *testing.T) {
	for _, tc := range []struct {
		frame        time.Duration // the frame interval (0: every snapshot)
		fresh, stale time.Duration // ticks this long after the last snapshot
	}{
		{0, 100 * time.Millisecond, 3 * time.Second},
		// At 500ms a frame the next snapshot is due 500ms after the last: a
		// tick 600ms after it (that snapshot a little late) leaves it alone.
		{500 * time.Millisecond, 600 * time.Millisecond, 800 * time.Millisecond},
	} {
		synctest.Test(t, func(t *testing.T) {
			h := newHarness(t)
			h.m.opts.frame = tc.frame
			before := h.m.snap.Time
			h.send(clockMsg(time.Now().Add(tc.fresh)))
			if !h.m.snap.Time.Equal(before) {
				t.Errorf("frame %v: a tick %v after a snapshot moved the frame's time to %v", tc.frame, tc.fresh, h.m.snap.Time)
			}
			h.send(clockMsg(time.Now().Add(tc.stale)))
			if want := before.Add(tc.stale); !h.m.snap.Time.Equal(want) {
				t.Errorf("frame %v: a tick %v after the last snapshot: time %v, want %v", tc.frame, tc.stale, h.m.snap.Time, want)
			}
		})
	}
}
