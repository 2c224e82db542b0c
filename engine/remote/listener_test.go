package remote

import (
	"bufio"
	"io"
	"net"
	"strings"
	"sync/atomic"
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
	if _, err := io.WriteString(c, "GET /v1/stream HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer k\r\nSpindle-Stream: 2\r\n\r\n"); err != nil {
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
