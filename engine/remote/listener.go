package remote

import (
	"fmt"
	"log/slog"
	"net"
	"sync"
	"sync/atomic"
	"time"
)

// DefaultMaxConns is how many connections a server holds at once unless
// WithMaxConns says otherwise; more are answered 503 and closed.
const DefaultMaxConns = 256

// fdReserve returns how many file descriptors below limit a server leaves
// free for the engine (child processes need pipes; a restart must not fail with
// "too many open files" because API clients hold the last ones): a quarter of
// the limit, at least 64 and at most 1024.
func fdReserve(limit int) int { return min(max(limit/4, 64), 1024) }

// rejectDrains bounds the refused connections drained at once (each holds a
// descriptor for up to rejectLinger); past it they are closed at once.
const rejectDrains = 8

// rejectLinger is how long a refused connection is read from after its 503,
// so the client reads the answer rather than a reset.
const rejectLinger = time.Second

// guardedListener caps the connections it hands out and refuses new ones
// while the process is near its file descriptor limit. A refused connection
// gets a 503 with a JSON error body and is closed.
type guardedListener struct {
	net.Listener
	max     int
	fds     func() (open, limit int, ok bool)
	log     *slog.Logger
	active  atomic.Int64
	drains  chan struct{}
	refused atomic.Int64
}

func newGuardedListener(ln net.Listener, cfg *serverConfig) *guardedListener {
	return &guardedListener{Listener: ln, max: cfg.maxConns, fds: cfg.fdUsage, log: cfg.log,
		drains: make(chan struct{}, rejectDrains)}
}

// Accept returns the next connection it does not refuse.
func (l *guardedListener) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		if why := l.refusal(); why != "" {
			l.refuse(c, why)
			continue
		}
		l.active.Add(1)
		return &guardedConn{Conn: c, l: l}, nil
	}
}

// refusal says why a new connection must be refused, or "".
func (l *guardedListener) refusal() string {
	if n := l.active.Load(); n >= int64(l.max) {
		return fmt.Sprintf("too many connections (%d, the most this server holds)", n)
	}
	if open, limit, ok := l.fds(); ok && open > limit-fdReserve(limit) {
		return fmt.Sprintf("too many open files (%d of the limit %d; %d are kept for the work this server supervises)",
			open, limit, fdReserve(limit))
	}
	return ""
}

// refuse answers c 503 and closes it; the first refusal in a row is logged.
func (l *guardedListener) refuse(c net.Conn, why string) {
	if l.refused.Add(1) == 1 {
		l.log.Warn("refusing API connections", "reason", why)
	}
	body := fmt.Sprintf(`{"error":%q,"code":"unavailable"}`+"\n", "spindle control API: "+why)
	resp := "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\nConnection: close\r\n" +
		fmt.Sprintf("Content-Length: %d\r\n\r\n%s", len(body), body)
	_ = c.SetDeadline(time.Now().Add(rejectLinger))
	_, _ = c.Write([]byte(resp))
	select {
	case l.drains <- struct{}{}:
		go func() {
			defer func() { <-l.drains }()
			linger(c)
		}()
	default:
		_ = c.Close()
	}
}

// linger half-closes c and reads what the client sent until it closes or the
// deadline passes, so that closing does not reset the answer away.
func linger(c net.Conn) {
	defer c.Close()
	if cw, ok := c.(interface{ CloseWrite() error }); ok {
		_ = cw.CloseWrite()
	}
	var buf [512]byte
	for {
		if _, err := c.Read(buf[:]); err != nil {
			return
		}
	}
}

// guardedConn gives its slot back when closed.
type guardedConn struct {
	net.Conn
	l    *guardedListener
	once sync.Once
}

// Close closes the connection and frees its slot (once).
func (c *guardedConn) Close() error {
	err := c.Conn.Close()
	c.once.Do(func() {
		if c.l.active.Add(-1) < int64(c.l.max) {
			c.l.refused.Store(0)
		}
	})
	return err
}
