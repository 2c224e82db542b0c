package remote

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/spindle-tui/spindle/engine"
	"github.com/spindle-tui/spindle/model"
	"github.com/spindle-tui/spindle/ui"
)

// The client is a dashboard source, like the engine.
var _ ui.Source = (*Client)(nil)

func TestMain(m *testing.M) {
	// Sockets and token files of servers without an address go to a runtime
	// dir of the tests' own, not the user's.
	dir, err := os.MkdirTemp("", "sp")
	if err != nil {
		panic(err)
	}
	os.Setenv("XDG_RUNTIME_DIR", dir)
	code := m.Run()
	if code == 0 {
		if err := goleak.Find(); err != nil {
			fmt.Fprintln(os.Stderr, "goleak:", err)
			code = 1
		}
	}
	_ = os.RemoveAll(dir)
	os.Exit(code)
}

// newEngine returns an engine with a fast refresh, closed at the end of the test.
func newEngine(t testing.TB) *engine.Engine {
	t.Helper()
	e := engine.New(engine.WithRefresh(5*time.Millisecond), engine.WithSource("test"), engine.WithKillGrace(time.Second))
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := e.Close(ctx); err != nil {
			t.Errorf("engine close: %v", err)
		}
	})
	return e
}

// blocker runs until halted.
func blocker(ctx context.Context) error {
	<-ctx.Done()
	return engine.ErrHalted
}

// startBlocker adds a manager "crawl" running one blocker task and returns its id.
func startBlocker(t testing.TB, e *engine.Engine, name string) model.TaskID {
	t.Helper()
	m := e.NewManager("crawl", 1)
	id, err := m.Append(name, blocker)
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Run(); err != nil {
		t.Fatal(err)
	}
	waitState(t, e, id, model.StateRunning)
	return id
}

// taskState returns the state of id in s.
func taskState(s model.Snapshot, id model.TaskID) (model.State, bool) {
	for _, t := range s.Tasks {
		if t.ID == id {
			return t.State, true
		}
	}
	return 0, false
}

// waitState polls the engine until task id is in state st (or fails after 10 s).
func waitState(t testing.TB, e *engine.Engine, id model.TaskID, st model.State) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		if got, ok := taskState(e.Snapshot(), id); ok && got == st {
			return
		}
		if time.Now().After(deadline) {
			got, _ := taskState(e.Snapshot(), id)
			t.Fatalf("task %s is %s, want %s", id, got, st)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// shortSocket returns a socket path short enough for sun_path, in a directory
// removed at the end of the test.
func shortSocket(t testing.TB) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "sp")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.RemoveAll(dir) })
	return dir + "/s.sock"
}

// listenT starts a server on addr, shut down at the end of the test.
func listenT(t testing.TB, e *engine.Engine, addr string, opts ...Option) *Server {
	t.Helper()
	s, err := Listen(context.Background(), e, addr, opts...)
	if err != nil {
		t.Fatalf("listen %q: %v", addr, err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("server close: %v", err)
		}
	})
	return s
}

// dialT dials s with its token, closed at the end of the test.
func dialT(t testing.TB, s *Server, opts ...ClientOption) *Client {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	c, err := Dial(ctx, s.Addr(), append([]ClientOption{WithClientToken(s.Token())}, opts...)...)
	if err != nil {
		t.Fatalf("dial %s: %v", s.Addr(), err)
	}
	t.Cleanup(c.Close)
	return c
}

// next receives from ch until pred holds, failing after 10 s.
func next(t testing.TB, ch <-chan model.Snapshot, what string, pred func(model.Snapshot) bool) model.Snapshot {
	t.Helper()
	timeout := time.After(10 * time.Second)
	for {
		select {
		case s, ok := <-ch:
			if !ok {
				t.Fatalf("waiting for %s: channel closed", what)
			}
			if pred(s) {
				return s
			}
		case <-timeout:
			t.Fatalf("waiting for %s: timed out", what)
		}
	}
}

// discardLogger returns a logger that writes nothing.
func discardLogger() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }
