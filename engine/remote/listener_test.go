package remote

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/spindle-tui/spindle/engine"
	"github.com/spindle-tui/spindle/model"
)

// rawConn opens a TCP connection to addr that sends nothing by itself.
func rawConn(t *testing.T, addr string) net.Conn {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return c
}

// readAnswer reads what the server sends on c within 5 s, until it closes.
func readAnswer(c net.Conn) (string, error) {
	_ = c.SetReadDeadline(time.Now().Add(5 * time.Second))
	b, err := io.ReadAll(c)
	return string(b), err
}

// healthz asks /healthz on a new connection and returns the status line.
func healthz(addr string) (string, error) {
	c, err := net.Dial("tcp", addr)
	if err != nil {
		return "", err
	}
	defer c.Close()
	if _, err := io.WriteString(c, "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"); err != nil {
		return "", err
	}
	out, err := readAnswer(c)
	line, _, _ := strings.Cut(out, "\r\n")
	return line, err
}

// TestConnectionCap holds the most connections the server takes, idle: the
// next is answered 503 saying why and closed; when one goes, a new one is
// served.
func TestConnectionCap(t *testing.T) {
	e := newEngine(t)
	s := listenT(t, e, "127.0.0.1:0", WithMaxConns(3), withFDUsage(func() (int, int, bool) { return 0, 0, false }))
	held := []net.Conn{rawConn(t, s.Addr()), rawConn(t, s.Addr()), rawConn(t, s.Addr())}
	waitFor(t, "the fourth connection refused", func() bool {
		out, _ := readAnswer(rawConn(t, s.Addr()))
		return strings.HasPrefix(out, "HTTP/1.1 503 ") && strings.Contains(out, "too many connections (3, the most this server holds)")
	})
	_ = held[0].Close()
	waitFor(t, "a connection served after one went", func() bool {
		line, _ := healthz(s.Addr())
		return line == "HTTP/1.1 200 OK"
	})
}

// TestFDReserveRefuses: while open descriptors reach into the reserve, new
// connections are refused with a message naming the limit.
func TestFDReserveRefuses(t *testing.T) {
	e := newEngine(t)
	var open atomic.Int64
	open.Store(1000 - 250)
	s := listenT(t, e, "127.0.0.1:0", withFDUsage(func() (int, int, bool) { return int(open.Load()), 1000, true }))
	if line, err := healthz(s.Addr()); line != "HTTP/1.1 200 OK" {
		t.Fatalf("with the reserve free: %q %v", line, err)
	}
	open.Store(1000 - 249)
	out, _ := readAnswer(rawConn(t, s.Addr()))
	if !strings.HasPrefix(out, "HTTP/1.1 503 ") || !strings.Contains(out, "too many open files (751 of the limit 1000; 250 are kept") {
		t.Errorf("in the reserve: %q", out)
	}
}

// TestConnectionTimeouts: a connection that sends no header, an idle
// keep-alive, a slow body, and a request without the token are each closed by
// the server.
func TestConnectionTimeouts(t *testing.T) {
	e := newEngine(t)
	short := timeouts{readHeader: 200 * time.Millisecond, read: 300 * time.Millisecond, write: time.Second, idle: 200 * time.Millisecond, event: time.Second}
	s := listenT(t, e, "127.0.0.1:0", WithToken("k"), withTimeouts(short))
	tests := []struct {
		name, send, want string
	}{
		{"no header", "", ""},
		{"half a header", "GET /v1/snapshot HTTP/1.1\r\nHost: x\r\n", ""},
		{"idle keep-alive", "GET /v1/snapshot HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer k\r\n\r\n", "HTTP/1.1 200 OK"},
		{"slow body", "POST /v1/commands HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer k\r\nContent-Length: 100\r\n\r\n{\"op\":", "HTTP/1.1 400"},
		{"healthz without the token", "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n", "HTTP/1.1 200 OK"},
		{"refused without the token", "GET /v1/snapshot HTTP/1.1\r\nHost: x\r\n\r\n", "HTTP/1.1 401"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := rawConn(t, s.Addr())
			if _, err := io.WriteString(c, tt.send); err != nil {
				t.Fatal(err)
			}
			out, err := readAnswer(c) // returns when the server closes
			if err != nil {
				t.Fatalf("the server did not close the connection: %v (read %q)", err, out)
			}
			if !strings.HasPrefix(out, tt.want) {
				t.Errorf("answer %q, want it to start %q", out, tt.want)
			}
		})
	}
}

// TestStreamOutlivesTimeouts: a stream lasts well past the read and write
// timeouts, heartbeats and all.
func TestStreamOutlivesTimeouts(t *testing.T) {
	e := newEngine(t)
	short := timeouts{readHeader: 100 * time.Millisecond, read: 100 * time.Millisecond, write: 100 * time.Millisecond, idle: 100 * time.Millisecond, event: time.Second}
	s := listenT(t, e, "127.0.0.1:0", WithToken("k"), withTimeouts(short), withHeartbeat(20*time.Millisecond))
	c := rawConn(t, s.Addr())
	if _, err := io.WriteString(c, "GET /v1/stream HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer k\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	r := bufio.NewReader(c)
	until := time.Now().Add(time.Second) // ten times every timeout
	pings := 0
	for time.Now().Before(until) {
		_ = c.SetReadDeadline(time.Now().Add(5 * time.Second))
		line, err := r.ReadString('\n')
		if err != nil {
			t.Fatalf("stream cut after %d pings: %v", pings, err)
		}
		if strings.HasPrefix(line, ": ping") {
			pings++
		}
	}
	if pings < 10 {
		t.Errorf("%d pings in a second at 20 ms", pings)
	}
}

// waitFor polls cond for up to 10 s.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// fdChildEnv marks the server process of TestFDReserveRealLimit.
const fdChildEnv = "SPINDLE_TEST_FD_SERVER"

// TestFDReserveRealLimit runs a server in a child process whose descriptor
// limit is 256, with a supervised process, and opens 400 idle connections to
// it (as an unauthenticated client may: /healthz needs no token). The server
// refuses the connections past its reserve, and restarting the process still
// works (it used to fail with "too many open files").
func TestFDReserveRealLimit(t *testing.T) {
	if os.Getenv(fdChildEnv) != "" {
		fdServerChild()
		return
	}
	if testing.Short() {
		t.Skip("spawns a server process")
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestFDReserveRealLimit$")
	cmd.Env = append(os.Environ(), fdChildEnv+"=1")
	stdin, _ := cmd.StdinPipe()
	stdout, _ := cmd.StdoutPipe()
	cmd.Stderr = os.Stderr
	must(t, cmd.Start())
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()
	out := bufio.NewScanner(stdout)
	if !out.Scan() {
		t.Fatal("the server child said nothing")
	}
	addr := strings.TrimPrefix(out.Text(), "addr ")

	conns := make([]net.Conn, 400)
	for i := range conns {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatalf("dial: %v", err)
		}
		defer c.Close()
		conns[i] = c
	}
	refused, held := 0, 0
	// One more connection, refused: once it is answered, the server has
	// accepted (and answered, if refused) every connection before it.
	last := rawConn(t, addr)
	if out, err := readAnswer(last); errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("connection 401 not refused: %q", out)
	}
	for _, c := range conns {
		_ = c.SetReadDeadline(time.Now().Add(10 * time.Millisecond))
		var buf [256]byte
		n, err := c.Read(buf[:])
		switch {
		case n > 0 && strings.Contains(string(buf[:n]), "503"):
			refused++
		case errors.Is(err, os.ErrDeadlineExceeded):
			held++
		}
	}
	t.Logf("400 connections: %d held, %d refused", held, refused)
	if refused == 0 || held > 256-64 {
		t.Errorf("%d held, %d refused: want refusals before the reserve of 64 of 256", held, refused)
	}
	if _, err := io.WriteString(stdin, "restart\n"); err != nil {
		t.Fatal(err)
	}
	if !out.Scan() || out.Text() != "restarted" {
		t.Fatalf("restart with the connections held: %s", out.Text())
	}
}

// fdServerChild is the server of TestFDReserveRealLimit: it lowers its soft
// descriptor limit to 256, supervises one process, serves on loopback, and
// restarts the process when asked on stdin, saying how that went.
func fdServerChild() {
	fail := func(err error) { fmt.Println("error", err); os.Exit(1) }
	var rl syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &rl); err != nil {
		fail(err)
	}
	rl.Cur = 256
	if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &rl); err != nil {
		fail(err)
	}
	e := engine.New(engine.WithRefresh(5 * time.Millisecond))
	m := e.NewManager("svc", 1)
	id, err := m.AppendProcess("sleeper", engine.ProcessSpec{Command: []string{"sleep", "653"}})
	if err != nil {
		fail(err)
	}
	if err := m.Run(); err != nil {
		fail(err)
	}
	// Connections that send nothing are held as long as the test needs (the
	// header timeout is TestConnectionTimeouts' business).
	long := defaultTimeouts
	long.readHeader = time.Minute
	s, err := Listen(context.Background(), e, "127.0.0.1:0", WithToken("k"), withTimeouts(long))
	if err != nil {
		fail(err)
	}
	fmt.Println("addr", s.Addr())
	in := bufio.NewScanner(os.Stdin)
	for in.Scan() {
		first := pidOf(e, id)
		if err := e.Apply(context.Background(), model.Command{Op: model.OpRestart, Target: id}); err != nil {
			fail(err)
		}
		deadline := time.Now().Add(10 * time.Second)
		for {
			task := taskOf(e, id)
			if task.State == model.StateRunning && task.PID != 0 && task.PID != first {
				fmt.Println("restarted")
				break
			}
			if task.State.Finished() || time.Now().After(deadline) {
				fmt.Printf("%s: %s\n", task.State, task.Error)
				break
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
	_ = e.Close(context.Background())
	os.Exit(0)
}

func taskOf(e *engine.Engine, id model.TaskID) model.Task {
	for _, t := range e.Snapshot().Tasks {
		if t.ID == id {
			return t
		}
	}
	return model.Task{}
}

func pidOf(e *engine.Engine, id model.TaskID) int {
	deadline := time.Now().Add(10 * time.Second)
	for taskOf(e, id).PID == 0 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	return taskOf(e, id).PID
}
