package engine_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/spindle-tui/spindle/engine"
)

// rack is a fake source of temperatures, one per rack, that can fail a read.
type rack struct {
	mu    sync.Mutex
	temps map[string]float64
	reads map[string]int
	fail  error
}

func newRack() *rack {
	return &rack{temps: map[string]float64{"rack-1": 21.5, "rack-2": 30}, reads: map[string]int{}}
}

func (r *rack) read(_ context.Context, key string) (float64, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.reads[key]++
	if r.fail != nil {
		return 0, r.fail
	}
	return r.temps[key], nil
}

func (r *rack) write(_ context.Context, key string, v float64) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.temps[key] = v
	return nil
}

func (r *rack) readsOf(key string) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.reads[key]
}

func TestPollDict(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := engine.New()
		defer closeEngine(t, e)
		src := newRack()
		d := engine.NewPollDict(e, "temps", src.read, src.write)
		if _, err := d.Get("rack-1"); !errors.Is(err, engine.ErrUnknownKey) {
			t.Fatalf("Get before Add: %v", err)
		}
		if err := d.Add("rack-1", 100*time.Millisecond); err != nil {
			t.Fatal(err)
		}
		if err := d.Add("rack-2", time.Second); err != nil {
			t.Fatal(err)
		}
		synctest.Wait()
		if v, err := d.Get("rack-1"); err != nil || v != 21.5 {
			t.Fatalf("Get rack-1 = %v, %v", v, err)
		}

		// Each key at its own period.
		time.Sleep(950 * time.Millisecond)
		synctest.Wait()
		if r1, r2 := src.readsOf("rack-1"), src.readsOf("rack-2"); r1 != 10 || r2 != 1 {
			t.Fatalf("reads rack-1 %d rack-2 %d, want 10 and 1", r1, r2)
		}

		// Set writes through and refreshes at once.
		if err := d.Set(context.Background(), "rack-2", 35); err != nil {
			t.Fatal(err)
		}
		if v, _ := d.Get("rack-2"); v != 35 || src.readsOf("rack-2") != 2 {
			t.Fatalf("after Set: %v, %d reads", v, src.readsOf("rack-2"))
		}
		if err := d.Set(context.Background(), "rack-9", 1); !errors.Is(err, engine.ErrUnknownKey) {
			t.Fatalf("Set unknown: %v", err)
		}

		// Each key is a poller row, grouped under the dict.
		s := e.Snapshot()
		if len(s.Pollers) != 2 || s.Pollers[0].Name != "temps[rack-1]" || s.Pollers[0].Group != "temps" ||
			s.Pollers[0].Value != "21.5" {
			t.Fatalf("pollers %+v", s.Pollers)
		}

		// Adding a key again changes its period.
		if err := d.Add("rack-2", 200*time.Millisecond); err != nil {
			t.Fatal(err)
		}
		if p, _ := d.Poller("rack-2"); p.Stats().Period != 200*time.Millisecond {
			t.Fatalf("period %s", p.Stats().Period)
		}

		if err := d.Remove("rack-1"); err != nil {
			t.Fatal(err)
		}
		if _, err := d.Get("rack-1"); !errors.Is(err, engine.ErrUnknownKey) {
			t.Fatalf("Get after Remove: %v", err)
		}
		if err := d.Remove("rack-1"); !errors.Is(err, engine.ErrUnknownKey) {
			t.Fatalf("second Remove: %v", err)
		}
		synctest.Wait()
		if s := e.Snapshot(); len(s.Pollers) != 1 || d.Len() != 1 {
			t.Fatalf("after Remove: %d pollers, %d keys", len(s.Pollers), d.Len())
		}
	})
}

func TestPollDictErrors(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := engine.New()
		defer closeEngine(t, e)
		src := newRack()
		errOffline := errors.New("sensor offline")
		src.fail = errOffline
		d := engine.NewPollDict(e, "temps", src.read, nil)
		if err := d.Add("rack-1", time.Second); err != nil {
			t.Fatal(err)
		}
		synctest.Wait()
		_, err := d.Get("rack-1")
		if !errors.Is(err, engine.ErrNoValue) || !errors.Is(err, errOffline) {
			t.Fatalf("Get with failing reads: %v", err)
		}
		if err := d.Set(context.Background(), "rack-1", 3); !errors.Is(err, engine.ErrNilFunc) {
			t.Fatalf("Set on a read-only dict: %v", err)
		}
		if p, _ := d.Poller("rack-1"); p.Stats().Errors != 1 {
			t.Fatalf("errors %d", p.Stats().Errors)
		}
		if err := engine.NewPollDict[string, int](e, "x", nil, nil).Add("k", time.Second); !errors.Is(err, engine.ErrNilFunc) {
			t.Fatalf("Add without read: %v", err)
		}
	})
}
