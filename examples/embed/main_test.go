package main

import (
	"bytes"
	"context"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/spindle-tui/spindle/engine/remote"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// lockedBuffer is a log destination safe to read while the service writes.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestRun serves the example on a socket, checks its workload through the
// API, and stops it the way a signal does.
func TestRun(t *testing.T) {
	dir, err := os.MkdirTemp("", "sp")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(dir)
	sock := dir + "/e.sock"
	ctx, cancel := context.WithCancel(context.Background())
	var logs lockedBuffer
	done := make(chan error, 1)
	go func() { done <- run(ctx, sock, "", &logs) }()

	var c *remote.Client
	for i := 0; ; i++ {
		if c, err = remote.Dial(context.Background(), sock); err == nil {
			break
		}
		if i > 1000 {
			t.Fatalf("dial: %v", err)
		}
		time.Sleep(5 * time.Millisecond)
	}
	defer c.Close()
	deadline := time.Now().Add(10 * time.Second)
	for {
		s, err := c.Snapshot(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if len(s.Managers) == 1 && len(s.Pools) == 1 && len(s.Pollers) == 2 && s.Pools[0].Submitted > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("workload not up: %d managers, %d pools, %d pollers", len(s.Managers), len(s.Pools), len(s.Pollers))
		}
		time.Sleep(10 * time.Millisecond)
	}
	if !strings.Contains(logs.String(), "addr="+sock) {
		t.Errorf("address not logged: %s", logs.String())
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("run: %v", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("run did not return after its context ended")
	}
}
