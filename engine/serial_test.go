package engine_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/spindle-tui/spindle/engine"
	"github.com/spindle-tui/spindle/model"
)

// TestSerialOrder: calls from many goroutines at once run one at a time, in
// the order they were queued, and each caller gets its own call's result.
func TestSerialOrder(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := engine.New()
		defer closeEngine(t, e)
		s := e.NewSerial("device")
		const callers = 50
		var (
			mu        sync.Mutex // makes queueing and recording its order one step
			queued    []int
			ranMu     sync.Mutex
			ran       []int
			running   atomic.Int32
			overlaps  atomic.Int32
			wg        sync.WaitGroup
			wrongBack atomic.Int32
		)
		for i := range callers {
			wg.Go(func() {
				mu.Lock()
				f := s.Go(func(context.Context) (any, error) {
					if running.Add(1) > 1 {
						overlaps.Add(1)
					}
					defer running.Add(-1)
					time.Sleep(time.Millisecond) // others queue meanwhile
					ranMu.Lock()
					ran = append(ran, i)
					ranMu.Unlock()
					return i * i, nil
				})
				queued = append(queued, i)
				mu.Unlock()
				if v, err := f.Result(context.Background()); err != nil || v != i*i {
					wrongBack.Add(1)
				}
			})
		}
		wg.Wait()
		switch {
		case overlaps.Load() != 0:
			t.Fatalf("%d calls overlapped", overlaps.Load())
		case wrongBack.Load() != 0:
			t.Fatalf("%d callers got another's result", wrongBack.Load())
		case !slices.Equal(ran, queued):
			t.Fatalf("ran in order %v\nqueued in order %v", ran, queued)
		}
		st := s.Manager().Stats()
		if !st.Serial || st.Limit != 1 || st.Counts[model.StateDone] != callers {
			t.Fatalf("manager stats %+v", st)
		}
	})
}

// TestSerialResults: Do hands back the value, the error, a panic as an error;
// the queue goes on after each.
func TestSerialResults(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := engine.New()
		defer closeEngine(t, e)
		s := e.NewSerial("device")
		ctx := context.Background()
		errBusy := errors.New("device busy")
		if v, err := s.Do(ctx, func(context.Context) (any, error) { return "ok", nil }); v != "ok" || err != nil {
			t.Fatalf("Do = %v, %v", v, err)
		}
		if v, err := s.Do(ctx, func(context.Context) (any, error) { return 7, errBusy }); v != 7 || !errors.Is(err, errBusy) {
			t.Fatalf("Do with an error = %v, %v", v, err)
		}
		if _, err := s.Do(ctx, func(context.Context) (any, error) { panic("boom") }); err == nil || !strings.Contains(err.Error(), "panic: boom") {
			t.Fatalf("Do of a panic = %v", err)
		}
		f := s.Go(nil)
		if err := f.Wait(ctx); !errors.Is(err, engine.ErrNilFunc) {
			t.Fatalf("Go(nil): %v", err)
		}
		var done atomic.Value
		f = s.Go(func(context.Context) (any, error) { return 1, nil })
		f.OnDone(func(err error) { done.Store(err == nil) })
		if v, err := f.Result(ctx); v != 1 || err != nil {
			t.Fatalf("Result = %v, %v", v, err)
		}
		synctest.Wait()
		if done.Load() != true {
			t.Fatalf("OnDone not called")
		}
		s.Manager().SetLimit(4)
		if st := s.Manager().Stats(); st.Limit != 1 {
			t.Fatalf("a serial queue's limit became %d", st.Limit)
		}
	})
}

// TestSerialHalted: a caller whose context ends while its call waits takes it
// out of the queue; a call halted from the dashboard before it runs resolves
// with ErrHalted; the calls after go on in order.
func TestSerialHalted(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := engine.New()
		defer closeEngine(t, e)
		s := e.NewSerial("device")
		release := make(chan struct{})
		var ran []string
		call := func(name string) engine.CallFunc {
			return func(context.Context) (any, error) { ran = append(ran, name); return name, nil }
		}
		first := s.Go(func(context.Context) (any, error) { <-release; ran = append(ran, "first"); return nil, nil })
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		gaveUp := make(chan error, 1)
		go func() { _, err := s.Do(ctx, call("impatient")); gaveUp <- err }()
		synctest.Wait()
		halted := s.Go(call("halted"))
		last := s.Go(call("last"))
		synctest.Wait()
		if err := e.Apply(context.Background(), model.Command{Op: model.OpHalt, Target: halted.ID()}); err != nil {
			t.Fatal(err)
		}
		if err := <-gaveUp; !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("Do past its deadline = %v", err)
		}
		close(release)
		if v, err := last.Result(context.Background()); v != "last" || err != nil {
			t.Fatalf("last = %v, %v", v, err)
		}
		if err := first.Wait(context.Background()); err != nil {
			t.Fatal(err)
		}
		if err := halted.Wait(context.Background()); !errors.Is(err, engine.ErrHalted) || !strings.Contains(err.Error(), "halted before it ran") {
			t.Fatalf("halted call: %v", err)
		}
		if !slices.Equal(ran, []string{"first", "last"}) {
			t.Fatalf("ran %v", ran)
		}
	})
}

// TestSerialClose: Close drops the calls still queued (they resolve with
// ErrHalted) and Go after Close resolves with ErrClosed.
func TestSerialClose(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := engine.New()
		s := e.NewSerial("device")
		running := s.Go(func(ctx context.Context) (any, error) { <-ctx.Done(); return nil, engine.ErrHalted })
		queued := s.Go(func(context.Context) (any, error) { return 1, nil })
		synctest.Wait()
		closeEngine(t, e)
		if err := running.Wait(context.Background()); !errors.Is(err, engine.ErrHalted) {
			t.Fatalf("running call: %v", err)
		}
		if err := queued.Wait(context.Background()); !errors.Is(err, engine.ErrHalted) {
			t.Fatalf("queued call: %v", err)
		}
		if _, err := s.Do(context.Background(), func(context.Context) (any, error) { return nil, nil }); !errors.Is(err, engine.ErrClosed) {
			t.Fatalf("Do after Close: %v", err)
		}
	})
}
