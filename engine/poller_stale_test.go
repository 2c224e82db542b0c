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

// TestPollerSaysWhenItsValueIsStale: after a failed run the last good value
// is still shown, so the stats say how many runs in a row failed since and
// when that value came.
func TestPollerSaysWhenItsValueIsStale(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := engine.New()
		defer closeEngine(t, e)
		var fail atomic.Bool
		p := e.NewPoller("disk", time.Second, func(context.Context) (any, error) {
			if fail.Load() {
				return nil, errors.New("df: no such disk")
			}
			return "42%", nil
		})
		mustStart(t, p)
		synctest.Wait()
		good := time.Now()
		if s := p.Stats(); s.Value != "42%" || s.Failing != 0 || !s.ValueAt.Equal(good) {
			t.Fatalf("after a good run: value %q, failing %d, value at %v (want %v)", s.Value, s.Failing, s.ValueAt, good)
		}
		fail.Store(true)
		time.Sleep(2500 * time.Millisecond) // two failed runs
		if s := p.Stats(); s.Value != "42%" || s.Failing != 2 || !s.ValueAt.Equal(good) {
			t.Errorf("after two failed runs: value %q, failing %d, value at %v (want 42%%, 2, %v)", s.Value, s.Failing, s.ValueAt, good)
		}
		fail.Store(false)
		time.Sleep(time.Second)
		if s := p.Stats(); s.Failing != 0 || !s.ValueAt.After(good) {
			t.Errorf("after a good run again: failing %d, value at %v", s.Failing, s.ValueAt)
		}
	})
}
