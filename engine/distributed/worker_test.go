package distributed_test

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"
)

// workerBin is the testworker program, built once by TestMain.
var workerBin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "spindle-testworker")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	workerBin = filepath.Join(dir, "testworker")
	build := exec.Command("go", "build", "-o", workerBin, "./internal/testworker")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "build testworker:", err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	if code == 0 {
		// go-redis's redial loop (pool.tryDial), started while Redis was
		// down, sees its pool closed only when its 1 s sleep ends: look
		// again for up to 3 s.
		err := goleak.Find()
		for end := time.Now().Add(3 * time.Second); err != nil && time.Now().Before(end); err = goleak.Find() {
			time.Sleep(100 * time.Millisecond)
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "goleak:", err)
			code = 1
		}
	}
	os.Exit(code)
}

// worker is one testworker process: an engine in a process of its own that
// works the shared queue. Its stdout lines are collected.
type worker struct {
	t    *testing.T
	name string
	cmd  *exec.Cmd

	mu    sync.Mutex
	lines []string
	more  chan struct{} // signalled on every line
	ended chan struct{}
}

// startWorker runs testworker with args against redis at addr and waits for
// it to say ready.
func startWorker(ctx context.Context, t *testing.T, name, addr string, args ...string) *worker {
	t.Helper()
	args = append([]string{"-redis", addr, "-origin", name}, args...)
	cmd := exec.Command(workerBin, args...)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	w := &worker{t: t, name: name, cmd: cmd, more: make(chan struct{}, 1), ended: make(chan struct{})}
	go func() {
		defer close(w.ended)
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			w.mu.Lock()
			w.lines = append(w.lines, sc.Text())
			w.mu.Unlock()
			select {
			case w.more <- struct{}{}:
			default:
			}
		}
	}()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-w.ended
		_ = cmd.Wait()
	})
	w.waitFor(ctx, "ready")
	return w
}

// waitFor waits until the worker has printed a line starting with prefix.
func (w *worker) waitFor(ctx context.Context, prefix string) {
	w.t.Helper()
	for {
		for _, l := range w.snapshot() {
			if strings.HasPrefix(l, prefix) {
				return
			}
		}
		select {
		case <-w.more:
		case <-w.ended:
			w.t.Fatalf("worker %s ended before printing %q", w.name, prefix)
		case <-ctx.Done():
			w.t.Fatalf("worker %s: no %q: %v", w.name, prefix, ctx.Err())
		}
	}
}

func (w *worker) snapshot() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]string(nil), w.lines...)
}

// done returns the payloads the worker completed, one entry per completion.
func (w *worker) done() []string {
	var out []string
	for _, l := range w.snapshot() {
		if f := strings.Fields(l); len(f) >= 2 && f[0] == "done" {
			out = append(out, f[1])
		}
	}
	return out
}

// kill SIGKILLs the worker and waits for it.
func (w *worker) kill() {
	_ = w.cmd.Process.Kill()
	<-w.ended
	_ = w.cmd.Wait()
}
