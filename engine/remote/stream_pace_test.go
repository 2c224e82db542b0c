package remote

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/spindle-tui/spindle/model"
)

// TestPacer: the first snapshot goes at once; one that comes sooner than
// every after the last is held until it is due, and a newer one replaces it;
// one that comes later goes at once. every 0 holds nothing.
func TestPacer(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p := pacer{every: 100 * time.Millisecond}
		defer p.stop()
		snap := func(seq uint64) model.Snapshot { return model.Snapshot{Seq: seq} }
		if p.hold(snap(1)) {
			t.Fatal("the first snapshot was held")
		}
		if p.due() != nil {
			t.Fatal("due with nothing held")
		}
		time.Sleep(10 * time.Millisecond)
		if !p.hold(snap(2)) {
			t.Fatal("snapshot 2, 10ms after 1, went at once")
		}
		time.Sleep(40 * time.Millisecond)
		if !p.hold(snap(3)) {
			t.Fatal("snapshot 3, 50ms after 1, went at once")
		}
		began := time.Now()
		<-p.due()
		if waited := time.Since(began); waited != 50*time.Millisecond {
			t.Errorf("due after %v, want 50ms (100ms after snapshot 1)", waited)
		}
		if s, ok := p.take(); !ok || s.Seq != 3 {
			t.Fatalf("took %d (%v), want the newest, 3", s.Seq, ok)
		}
		if _, ok := p.take(); ok {
			t.Fatal("a second take found a snapshot")
		}
		time.Sleep(150 * time.Millisecond)
		if p.hold(snap(4)) {
			t.Fatal("snapshot 4, 150ms after the last, was held")
		}
		time.Sleep(20 * time.Millisecond)
		if !p.hold(snap(5)) {
			t.Fatal("snapshot 5, 20ms after 4, went at once")
		}
		time.Sleep(90 * time.Millisecond) // past due, and not taken yet
		if p.hold(snap(6)) {
			t.Fatal("snapshot 6, 110ms after 4, was held")
		}
		if p.due() != nil {
			t.Fatal("snapshot 5 still due after 6 went")
		}

		zero := pacer{}
		for seq := range uint64(3) {
			if zero.hold(snap(seq)) {
				t.Fatalf("every 0 held snapshot %d", seq)
			}
		}
	})
}

// TestStreamEvery: a client that asks for a snapshot every 100ms gets no
// more than that while the engine publishes every 5ms, and the newest state
// reaches it when it is due; one that asks nothing gets them all.
func TestStreamEvery(t *testing.T) {
	e := newEngine(t)
	ticking(t, e, 2)
	s, err := Listen(context.Background(), e, shortSocket(t))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	count := func(opts ...ClientOption) (n int, last model.Snapshot) {
		c, err := Dial(context.Background(), s.Addr(), opts...)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		ch, cancel := c.Subscribe()
		defer cancel()
		end := time.After(time.Second)
		for {
			select {
			case snap := <-ch:
				n++
				last = snap
			case <-end:
				return n, last
			}
		}
	}
	paced, _ := count(WithStreamEvery(100 * time.Millisecond))
	all, _ := count()
	t.Logf("in 1s: %d snapshots at every=100ms, %d without", paced, all)
	if paced > 12 || paced < 3 {
		t.Errorf("%d snapshots in 1s at every=100ms, want about 10 (at most 12)", paced)
	}
	if all < 3*paced {
		t.Errorf("%d snapshots in 1s without every, %d with: the pacing changed nothing", all, paced)
	}

	// A change followed by a quiet engine is sent when it is due, not dropped.
	c, err := Dial(context.Background(), s.Addr(), WithStreamEvery(300*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	ch, cancel := c.Subscribe()
	defer cancel()
	<-ch
	id := startBlocker(t, e, "late")
	deadline := time.After(5 * time.Second)
	for {
		select {
		case snap := <-ch:
			for _, task := range snap.Tasks {
				if task.ID == id {
					return
				}
			}
		case <-deadline:
			t.Fatal("the task added after the first snapshot never reached the paced client")
		}
	}
}

// TestStreamEveryRefused: an every that is not a duration, is negative or is
// over a minute is refused with a 400 that names it.
func TestStreamEveryRefused(t *testing.T) {
	e := newEngine(t)
	srv := httptest.NewServer(Handler(e))
	defer srv.Close()
	for _, v := range []string{"often", "-1s", "2m", "10"} {
		req, _ := http.NewRequest(http.MethodGet, srv.URL+pathStream+"?every="+v, nil)
		req.Header.Set(headerStreamVersion, "2")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var body errorBody
		_ = json.NewDecoder(resp.Body).Decode(&body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusBadRequest || body.Code != codeBadValue || !strings.Contains(body.Error, `every="`+v+`"`) {
			t.Errorf("every=%s: %d %+v, want 400 %s naming it", v, resp.StatusCode, body, codeBadValue)
		}
	}
}
