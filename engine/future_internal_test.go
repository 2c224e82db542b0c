package engine

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
)

// TestFutureSettleRacesWaiters settles futures (with nil, with an error, or
// by finishing their first run) while others wait on them and register
// callbacks: every waiter gets the result, every callback runs exactly once
// with it, and only the first settle counts.
func TestFutureSettleRacesWaiters(t *testing.T) {
	boom := errors.New("boom")
	const rounds = 2000
	for i := range rounds {
		f := &Future{}
		f.ctx.src = &jobSource{values: context.Background()}
		var want error
		settle := func() []func(error) { return f.settle(nil) }
		switch i % 3 {
		case 1:
			want = boom
			settle = func() []func(error) { return f.settle(boom) }
		case 2:
			settle = func() []func(error) { f.ctx.finish(); return f.settle(nil) } // a worker's plain success
		}
		var calls atomic.Int32
		var wg sync.WaitGroup
		start := make(chan struct{})
		for range 3 {
			wg.Go(func() {
				<-start
				f.OnDone(func(err error) {
					calls.Add(1)
					if err != want {
						t.Errorf("round %d: callback got %v, want %v", i, err, want)
					}
				})
			})
			wg.Go(func() {
				<-start
				if err := f.Wait(context.Background()); err != want {
					t.Errorf("round %d: Wait returned %v, want %v", i, err, want)
				}
			})
		}
		wg.Go(func() {
			<-start
			cbs := settle()
			runCallbacks(cbs, want)
			if again := f.settle(errors.New("late")); again != nil {
				t.Errorf("round %d: a second settle returned callbacks", i)
			}
		})
		close(start)
		wg.Wait()
		if n := calls.Load(); n != 3 {
			t.Fatalf("round %d: %d callbacks ran, want 3", i, n)
		}
		if err := f.Wait(context.Background()); err != want {
			t.Fatalf("round %d: after settling Wait returned %v, want %v", i, err, want)
		}
		if i%3 == 2 && (f.ctx.Err() == nil || f.ctx.Value(runKey{}) != nil) {
			t.Fatalf("round %d: finishOK left the context live", i)
		}
	}
}
