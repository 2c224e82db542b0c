package engine_test

import (
	"errors"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/spindle-tui/spindle/engine"
)

var errNoAnswer = errors.New("dial rack-1: connection refused")

// TestPollDictExpire: a key whose source stops answering keeps its value until
// the value is exactly Expire old, then Get refuses it with an *ExpiredError
// that says the age and carries the last read's error; a read that works
// again makes it fresh.
func TestPollDictExpire(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := engine.New()
		defer closeEngine(t, e)
		src := newRack()
		d := engine.NewPollDict(e, "temps", src.read, nil)
		if err := d.Add("rack-1", time.Second, engine.Expire(3*time.Second)); err != nil {
			t.Fatal(err)
		}
		synctest.Wait() // the first read, at 0s, worked
		src.mu.Lock()
		src.fail = errNoAnswer
		src.mu.Unlock()

		time.Sleep(3*time.Second - time.Nanosecond)
		synctest.Wait()
		if v, err := d.Get("rack-1"); err != nil || v != 21.5 {
			t.Fatalf("Get 1ns before expiry = %v, %v; want the value", v, err)
		}
		p, _ := d.Poller("rack-1")
		if st := p.Stats(); st.Expire() != 3*time.Second || st.Expired(time.Now()) {
			t.Fatalf("stats before expiry: Expire %s, expired %v", st.Expire(), st.Expired(time.Now()))
		}

		time.Sleep(time.Nanosecond)
		v, err := d.Get("rack-1")
		var ee *engine.ExpiredError
		switch {
		case !errors.As(err, &ee) || !errors.Is(err, engine.ErrExpired):
			t.Fatalf("Get at the exact age = %v, %v; want an *ExpiredError", v, err)
		case ee.Age != 3*time.Second || ee.Expire != 3*time.Second || ee.Key != "rack-1" || v != 0:
			t.Fatalf("ExpiredError %+v, value %v", ee, v)
		case !errors.Is(err, errNoAnswer):
			t.Fatalf("%v does not carry the last read's error", err)
		}
		want := `engine: poll dict "temps" key rack-1: value expired: 3s old, expires after 3s; last read: dial rack-1: connection refused`
		if err.Error() != want {
			t.Fatalf("error\n got %s\nwant %s", err, want)
		}
		if st := p.Stats(); !st.Expired(time.Now()) {
			t.Fatalf("stats at expiry: not expired (value at %s)", st.ValueAt)
		}

		src.mu.Lock()
		src.fail = nil
		src.mu.Unlock()
		time.Sleep(time.Second) // the read at 4s works
		synctest.Wait()
		if v, err := d.Get("rack-1"); err != nil || v != 21.5 {
			t.Fatalf("Get after a good read = %v, %v", v, err)
		}
	})
}

// TestPollDictNoExpire: without Expire a value never expires, however old.
func TestPollDictNoExpire(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := engine.New()
		defer closeEngine(t, e)
		src := newRack()
		d := engine.NewPollDict(e, "temps", src.read, nil)
		if err := d.Add("rack-1", time.Second); err != nil {
			t.Fatal(err)
		}
		synctest.Wait()
		src.mu.Lock()
		src.fail = errNoAnswer
		src.mu.Unlock()
		time.Sleep(time.Hour)
		if v, err := d.Get("rack-1"); err != nil || v != 21.5 {
			t.Fatalf("Get an hour on = %v, %v", v, err)
		}
	})
}

// update is one OnUpdate call.
type update struct {
	key string
	v   float64
	err string
}

// TestPollDictOnUpdate: the callback sees every read, the poller's and Set's,
// with the value or the error.
func TestPollDictOnUpdate(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := engine.New()
		defer closeEngine(t, e)
		src := newRack()
		var mu sync.Mutex
		var got []update
		onUpdate := engine.OnUpdate(func(key string, v float64, err error) {
			mu.Lock()
			defer mu.Unlock()
			u := update{key: key, v: v}
			if err != nil {
				u.err = err.Error()
			}
			got = append(got, u)
		})
		d := engine.NewPollDict(e, "temps", src.read, src.write)
		if err := d.Add("rack-1", time.Second, onUpdate, engine.MinWait(0)); err != nil {
			t.Fatal(err)
		}
		synctest.Wait()
		src.mu.Lock()
		src.fail = errNoAnswer
		src.mu.Unlock()
		time.Sleep(time.Second)
		synctest.Wait()
		src.mu.Lock()
		src.fail = nil
		src.mu.Unlock()
		if err := d.Set(t.Context(), "rack-1", 25); err != nil {
			t.Fatal(err)
		}
		mu.Lock()
		defer mu.Unlock()
		want := []update{{"rack-1", 21.5, ""}, {"rack-1", 0, errNoAnswer.Error()}, {"rack-1", 25, ""}}
		if len(got) != len(want) {
			t.Fatalf("updates %+v, want %+v", got, want)
		}
		for i := range want {
			if got[i] != want[i] {
				t.Fatalf("update %d: %+v, want %+v", i, got[i], want[i])
			}
		}
	})
}

// TestPollDictOnUpdateWrongTypes: an OnUpdate for other types is refused by Add.
func TestPollDictOnUpdateWrongTypes(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := engine.New()
		defer closeEngine(t, e)
		d := engine.NewPollDict(e, "temps", newRack().read, nil)
		err := d.Add("rack-1", time.Second, engine.OnUpdate(func(int, string, error) {}))
		if err == nil || !strings.Contains(err.Error(), "func(string, float64, error)") {
			t.Fatalf("Add with a mistyped OnUpdate: %v", err)
		}
		if d.Len() != 0 {
			t.Fatalf("the key was added anyway")
		}
	})
}
