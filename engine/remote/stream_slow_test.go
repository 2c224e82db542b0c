package remote

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/spindle-tui/spindle/engine"
	"github.com/spindle-tui/spindle/model"
)

// ticking starts n tasks that report progress every millisecond until
// halted (an engine that publishes every refresh) and returns their ids.
func ticking(t testing.TB, e *engine.Engine, n int) []model.TaskID {
	t.Helper()
	m := e.NewManager("tick", n)
	ids := make([]model.TaskID, n)
	for i := range n {
		id, err := m.Append("ticker", func(ctx context.Context) error {
			for k := int64(0); ; k++ {
				engine.Progress(ctx, k%100, 100)
				select {
				case <-time.After(time.Millisecond):
				case <-ctx.Done():
					return engine.ErrHalted
				}
			}
		})
		if err != nil {
			t.Fatal(err)
		}
		ids[i] = id
	}
	if err := m.Run(); err != nil {
		t.Fatal(err)
	}
	return ids
}

// tickingEngine returns an engine running two ticking tasks, their ids,
// and a subscription of its own to it (for haltAndSettle).
func tickingEngine(t testing.TB) (*engine.Engine, []model.TaskID, <-chan model.Snapshot) {
	t.Helper()
	e := newEngine(t)
	ids := ticking(t, e, 2)
	sub, unsub := e.Subscribe()
	t.Cleanup(unsub)
	return e, ids, sub
}

// haltAndSettle halts ids and returns the engine's last published snapshot
// once it publishes no more (read from sub, a subscription of its own).
func haltAndSettle(t testing.TB, e *engine.Engine, sub <-chan model.Snapshot, ids []model.TaskID) model.Snapshot {
	t.Helper()
	for _, id := range ids {
		if err := e.Apply(context.Background(), model.Command{Op: model.OpHalt, Target: id}); err != nil {
			t.Fatal(err)
		}
		waitState(t, e, id, model.StateHalted)
	}
	var last model.Snapshot
	for {
		select {
		case last = <-sub:
		case <-time.After(200 * time.Millisecond): // 40 refreshes without a change
			return last
		}
	}
}

// TestStreamSlowConsumer: a dashboard that stops reading for a while gets
// the latest state when it reads again, not the backlog of what it missed.
func TestStreamSlowConsumer(t *testing.T) {
	e, ids, sub := tickingEngine(t)
	c := dialT(t, listenT(t, e, shortSocket(t)))
	ch, cancel := c.Subscribe()
	defer cancel()
	next(t, ch, "a frame", func(model.Snapshot) bool { return true })
	time.Sleep(300 * time.Millisecond) // not reading: the engine publishes ~60 times
	want := haltAndSettle(t, e, sub, ids)
	reads := 0
	got := next(t, ch, "the latest snapshot", func(s model.Snapshot) bool {
		reads++
		return s.Seq == want.Seq
	})
	if reads > 5 {
		t.Errorf("%d reads to the latest snapshot: the backlog was replayed", reads)
	}
	if !reflect.DeepEqual(got, wireNormal(t, want)) {
		t.Errorf("got %+v\nwant %+v", got, want)
	}
}

// blockingResponse is a ResponseWriter whose writes wait while pause is held:
// a client that stopped reading.
type blockingResponse struct {
	pause sync.Mutex
	mu    sync.Mutex
	buf   bytes.Buffer
	hdr   http.Header
}

func (b *blockingResponse) Header() http.Header { return b.hdr }
func (b *blockingResponse) WriteHeader(int)     {}
func (b *blockingResponse) Flush()              {}
func (b *blockingResponse) Write(p []byte) (int, error) {
	b.pause.Lock()
	b.pause.Unlock() //nolint:staticcheck // waits for the pause to end
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// events returns the complete events written so far, as name and data.
func (b *blockingResponse) events() [][2]string {
	b.mu.Lock()
	defer b.mu.Unlock()
	var out [][2]string
	chunks := strings.Split(b.buf.String(), "\n\n")
	for _, c := range chunks[:len(chunks)-1] { // the last is not complete yet
		name, data, _ := strings.Cut(c, "\ndata: ")
		if n, ok := strings.CutPrefix(name, "event: "); ok {
			out = append(out, [2]string{n, data})
		}
	}
	return out
}

// TestStreamServerHoldsNoQueue: while a client does not read, the server
// queues nothing for it; when it reads again it gets one delta to the latest
// snapshot (against the last one it was actually sent), not every one missed.
func TestStreamServerHoldsNoQueue(t *testing.T) {
	e, ids, sub := tickingEngine(t)
	done := make(chan struct{})
	a := newAPI(e, newServerConfig([]Option{withStreamGzip(0)}), done)
	w := &blockingResponse{hdr: http.Header{}}
	req := httptest.NewRequest(http.MethodGet, pathStream, nil)
	req.Header.Set(headerStreamVersion, "2")
	served := make(chan struct{})
	go func() {
		defer close(served)
		a.stream(w, req)
	}()
	defer func() {
		close(done)
		<-served
	}()
	waitFor(t, "the full snapshot", func() bool { return len(w.events()) > 0 })
	w.pause.Lock() // the client stops reading
	time.Sleep(300 * time.Millisecond)
	want := haltAndSettle(t, e, sub, ids)
	before := len(w.events())
	w.pause.Unlock()

	var rebuilt model.Snapshot
	waitFor(t, "the latest snapshot", func() bool {
		for _, ev := range w.events() {
			var err error
			if ev[0] == "full" {
				rebuilt, err = loadFull([]byte(ev[1]))
			} else {
				rebuilt, err = applyDelta(rebuilt, []byte(ev[1]))
			}
			if err != nil {
				t.Fatalf("event %s: %v", ev[0], err)
			}
		}
		return rebuilt.Seq == want.Seq
	})
	if after := len(w.events()) - before; after > 3 {
		t.Errorf("%d events after the client read again, want at most 3 (the one cut short, the latest)", after)
	}
	if !reflect.DeepEqual(rebuilt, wireNormal(t, want)) {
		t.Errorf("rebuilt %+v\nwant %+v", rebuilt, want)
	}
}

// TestStreamMatchesEngine: through a real server, gzipped or not, every
// snapshot the client rebuilds is the engine's of the same Seq.
func TestStreamMatchesEngine(t *testing.T) {
	for _, level := range []int{0, defaultStreamGzip} {
		t.Run(map[bool]string{true: "gzip", false: "plain"}[level != 0], func(t *testing.T) {
			e := newEngine(t)
			ticking(t, e, 3)
			startBlocker(t, e, "still")
			var mu sync.Mutex
			published := map[uint64]model.Snapshot{}
			sub, unsub := e.Subscribe()
			recorded := make(chan struct{})
			go func() {
				defer close(recorded)
				for s := range sub {
					mu.Lock()
					published[s.Seq] = s
					mu.Unlock()
				}
			}()
			s := listenT(t, e, "127.0.0.1:0", withStreamGzip(level))
			resp := streamGetToken(t, "http://"+s.Addr(), s.Token())
			if resp.Uncompressed != (level != 0) {
				t.Errorf("gzip level %d: the body gzipped is %v", level, resp.Uncompressed)
			}
			resp.Body.Close()

			ch, cancel := dialT(t, s).Subscribe()
			matched := 0
			for range 40 {
				got := next(t, ch, "a snapshot", func(model.Snapshot) bool { return true })
				mu.Lock()
				want, ok := published[got.Seq]
				mu.Unlock()
				if !ok {
					continue // the recorder skipped it (latest wins)
				}
				matched++
				if !reflect.DeepEqual(got, wireNormal(t, want)) {
					t.Fatalf("snapshot %d:\n got %+v\nwant %+v", got.Seq, got, want)
				}
			}
			cancel()
			unsub()
			<-recorded
			if matched < 5 {
				t.Errorf("only %d of 40 snapshots compared", matched)
			}
		})
	}
}

// streamGetToken opens a stream at base with the token, for its headers.
func streamGetToken(t *testing.T, base, token string) *http.Response {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, base+pathStream, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set(headerStreamVersion, "2")
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := testHTTP(t).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	return resp
}
