package distributed_test

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// redisServer is a real redis-server on a free loopback port, with its data in
// a temporary directory; the test's end stops it.
type redisServer struct {
	t    *testing.T
	Addr string
	dir  string
	port int
	cmd  *exec.Cmd
	aof  bool
}

// startRedis starts redis-server for t. With aof it keeps its data in an
// append-only file (fsynced on every write), so that a restart loses nothing.
// Without the binary it skips, unless CI is set: then it fails.
func startRedis(t *testing.T, aof bool) *redisServer {
	t.Helper()
	if _, err := exec.LookPath("redis-server"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("redis-server not found and CI is set: install it (apt-get install redis-server; .ci/run does): %v", err)
		}
		t.Skipf("redis-server not found (apt-get install redis-server): %v", err)
	}
	r := &redisServer{t: t, dir: t.TempDir(), port: freePort(t), aof: aof}
	r.Addr = net.JoinHostPort("127.0.0.1", strconv.Itoa(r.port))
	r.start()
	t.Cleanup(r.stop)
	return r
}

func (r *redisServer) start() {
	r.t.Helper()
	args := []string{"--port", strconv.Itoa(r.port), "--bind", "127.0.0.1", "--dir", r.dir, "--save", "", "--daemonize", "no", "--loglevel", "warning"}
	if r.aof {
		args = append(args, "--appendonly", "yes", "--appendfsync", "always")
	} else {
		args = append(args, "--appendonly", "no")
	}
	cmd := exec.Command("redis-server", args...)
	log, err := os.Create(filepath.Join(r.dir, fmt.Sprintf("redis-%d.log", time.Now().UnixNano())))
	if err != nil {
		r.t.Fatal(err)
	}
	cmd.Stdout, cmd.Stderr = log, log
	if err := cmd.Start(); err != nil {
		r.t.Fatalf("start redis-server: %v", err)
	}
	r.cmd = cmd
	for {
		c, err := net.Dial("tcp", r.Addr)
		if err == nil {
			_, _ = c.Write([]byte("PING\r\n"))
			line, _ := bufio.NewReader(c).ReadString('\n')
			c.Close()
			if strings.HasPrefix(line, "+PONG") {
				return
			}
		}
		if cmd.ProcessState != nil {
			r.t.Fatalf("redis-server exited")
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// stop ends the server gracefully (SIGTERM: it flushes its append-only file)
// and waits for it.
func (r *redisServer) stop() {
	if r.cmd == nil {
		return
	}
	_ = r.cmd.Process.Signal(syscall.SIGTERM)
	_ = r.cmd.Wait()
	r.cmd = nil
}

// restart stops the server and starts it again on the same port and data.
func (r *redisServer) restart() {
	r.stop()
	r.start()
}

// freePort returns a loopback TCP port free a moment ago.
func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// eventually polls cond every 20ms until it holds or ctx is done.
func eventually(ctx context.Context, t *testing.T, what string, cond func() bool) {
	t.Helper()
	for !cond() {
		select {
		case <-ctx.Done():
			t.Fatalf("gave up waiting for %s: %v", what, ctx.Err())
		case <-time.After(20 * time.Millisecond):
		}
	}
}
