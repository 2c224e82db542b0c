package remote

import (
	"context"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/spindle-tui/spindle/engine"
	"github.com/spindle-tui/spindle/model"
)

// TestStreamLoad runs 50 concurrent stream clients on loopback for about two
// seconds while the engine changes, then shuts the server down: every client
// got snapshots, shutdown ended every stream within its grace, and (TestMain)
// no goroutine is left.
func TestStreamLoad(t *testing.T) {
	const clients = 50
	e := newEngine(t)
	ticking(t, e, 4) // stream_slow_test.go
	s, err := Listen(context.Background(), e, "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}

	var counts [clients]atomic.Int64
	var wg sync.WaitGroup
	subs := make([]func(), clients)
	conns := make([]*Client, clients)
	for i := range clients {
		c, err := Dial(context.Background(), s.Addr(), WithClientToken(s.Token()), withBackoff(time.Hour, time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		conns[i] = c
		ch, cancel := c.Subscribe()
		subs[i] = cancel
		wg.Go(func() {
			for snap := range ch {
				if snap.SourceError != "" {
					return // the server went away: the test is over for this client
				}
				counts[i].Add(1)
			}
		})
	}
	time.Sleep(2 * time.Second)

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := s.Shutdown(ctx); err != nil {
		t.Fatalf("shutdown with %d streams: %v", clients, err)
	}
	for i := range clients {
		subs[i]()
		conns[i].Close()
	}
	wg.Wait()
	total := int64(0)
	for i := range clients {
		n := counts[i].Load()
		total += n
		if n < 3 {
			t.Errorf("client %d got %d snapshots in 2s", i, n)
		}
	}
	t.Logf("%d clients got %d snapshots in all", clients, total)
}

// TestReconnect: when the server goes the client keeps the last frame with
// SourceError set and retries; when it comes back the error clears.
func TestReconnect(t *testing.T) {
	e := newEngine(t)
	id := startBlocker(t, e, "survivor")
	path := shortSocket(t)
	s, err := Listen(context.Background(), e, path)
	if err != nil {
		t.Fatal(err)
	}
	c, err := Dial(context.Background(), path, withBackoff(10*time.Millisecond, 40*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	ch, cancel := c.Subscribe()
	defer cancel()
	first := next(t, ch, "a live frame", func(s model.Snapshot) bool {
		_, ok := taskState(s, id)
		return ok && s.SourceError == ""
	})

	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	lost := next(t, ch, "connection lost", func(s model.Snapshot) bool { return s.SourceError != "" })
	if !strings.HasPrefix(lost.SourceError, "connection lost: ") || !strings.Contains(lost.SourceError, "; reconnecting in ") {
		t.Errorf("SourceError %q", lost.SourceError)
	}
	if _, ok := taskState(lost, id); !ok || lost.Source != first.Source {
		t.Errorf("the last frame was not kept: %+v", lost)
	}
	// Retries back off: the wait grows to the maximum.
	next(t, ch, "backoff at its maximum", func(s model.Snapshot) bool {
		return strings.HasSuffix(s.SourceError, "reconnecting in 40ms")
	})

	s2 := listenT(t, e, path)
	_ = s2
	next(t, ch, "the error cleared", func(s model.Snapshot) bool { return s.SourceError == "" })
	if err := e.Apply(context.Background(), model.Command{Op: model.OpHalt, Target: id}); err != nil {
		t.Fatal(err)
	}
	next(t, ch, "frames flowing again", func(s model.Snapshot) bool {
		st, _ := taskState(s, id)
		return st == model.StateHalted
	})
}

// TestStreamIdle: a stream that says nothing (not even a heartbeat) for the
// idle time is cut and retried; heartbeats keep a quiet one alive.
func TestStreamIdle(t *testing.T) {
	tests := []struct {
		name      string
		heartbeat time.Duration
		wantCut   bool
	}{
		{"silent server", time.Hour, true},
		{"heartbeats", 10 * time.Millisecond, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEngine(t) // idle: publishes its first snapshot, then nothing
			s := listenT(t, e, shortSocket(t), withHeartbeat(tt.heartbeat))
			c := dialT(t, s, withIdle(150*time.Millisecond), withBackoff(time.Hour, time.Hour))
			ch, cancel := c.Subscribe()
			defer cancel()
			next(t, ch, "the first frame", func(s model.Snapshot) bool { return s.SourceError == "" })
			select {
			case snap := <-ch:
				if !tt.wantCut || !strings.Contains(snap.SourceError, "no data for 150ms") {
					t.Fatalf("got %q", snap.SourceError)
				}
			case <-time.After(600 * time.Millisecond):
				if tt.wantCut {
					t.Fatal("the silent stream was not cut")
				}
			}
		})
	}
}

// TestSubscribeDeadServer: subscribing when the server is gone delivers a
// frame saying so at once, and cancel closes the channel.
func TestSubscribeDeadServer(t *testing.T) {
	e := newEngine(t)
	s, err := Listen(context.Background(), e, shortSocket(t))
	if err != nil {
		t.Fatal(err)
	}
	c, err := Dial(context.Background(), s.Addr())
	if err != nil {
		t.Fatal(err)
	}
	_ = s.Close()
	ch, cancel := c.Subscribe()
	snap := <-ch
	if !strings.HasPrefix(snap.SourceError, "connection lost") || snap.Source != s.Addr() {
		t.Errorf("first frame %+v", snap)
	}
	cancel()
	cancel() // idempotent
	for range ch {
	}
	c.Close()
	ch2, cancel2 := c.Subscribe() // after Close: closed at once
	if _, ok := <-ch2; ok {
		t.Error("subscription after Close delivered")
	}
	cancel2()
}

// TestStreamEndsWithEngine: closing the engine ends the streams (after its
// final snapshot) and the client says the connection was lost.
func TestStreamEndsWithEngine(t *testing.T) {
	e := engine.New(engine.WithRefresh(5 * time.Millisecond))
	s := listenT(t, e, shortSocket(t))
	c := dialT(t, s, withBackoff(time.Hour, time.Hour))
	ch, cancel := c.Subscribe()
	defer cancel()
	next(t, ch, "a frame", func(s model.Snapshot) bool { return true })
	if err := e.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	snap := next(t, ch, "the end", func(s model.Snapshot) bool { return s.SourceError != "" })
	if !strings.Contains(snap.SourceError, errStreamEnded.Error()) {
		t.Errorf("SourceError %q", snap.SourceError)
	}
}

// TestEventReader reads events split across lines, with comments and CRLF.
func TestEventReader(t *testing.T) {
	in := ": hello\r\n\r\nevent: snapshot\ndata: {\"a\":\ndata: 1}\n\ndata:plain\n\nevent: other\n"
	er := newEventReader(strings.NewReader(in))
	want := []struct{ name, data string }{{"snapshot", "{\"a\":\n1}"}, {"message", "plain"}}
	for _, w := range want {
		name, data, err := er.next(func() {})
		if err != nil || name != w.name || string(data) != w.data {
			t.Fatalf("got %q %q %v, want %q %q", name, data, err, w.name, w.data)
		}
	}
	if _, _, err := er.next(func() {}); err == nil {
		t.Error("no error at the end of the input")
	}
}
