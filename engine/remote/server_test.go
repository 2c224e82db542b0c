package remote

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/spindle-tui/spindle/engine"
	"github.com/spindle-tui/spindle/model"
)

// TestRoundTrip dials a served engine over loopback TCP and a Unix socket:
// snapshot, stream, a command, and its effect on both sides.
func TestRoundTrip(t *testing.T) {
	tests := []struct {
		name      string
		addr      func(t *testing.T) string
		wantToken bool
	}{
		{"tcp loopback", func(*testing.T) string { return "127.0.0.1:0" }, true},
		{"tcp :0", func(*testing.T) string { return ":0" }, true},
		{"unix path", func(t *testing.T) string { return shortSocket(t) }, false},
		{"unix: prefix", func(t *testing.T) string { return "unix:" + shortSocket(t) }, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEngine(t)
			id := startBlocker(t, e, "fetch page 7")
			s := listenT(t, e, tt.addr(t))
			if got := s.Token() != ""; got != tt.wantToken {
				t.Fatalf("token %q, want one: %v", s.Token(), tt.wantToken)
			}
			if tt.wantToken && len(s.Token()) != 32 {
				t.Errorf("generated token %q is not 32 hex chars", s.Token())
			}
			c := dialT(t, s)

			snap, err := c.Snapshot(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if st, ok := taskState(snap, id); !ok || st != model.StateRunning || snap.Source != "test" {
				t.Fatalf("snapshot: task %s %v %v, source %q", id, st, ok, snap.Source)
			}

			ch, cancel := c.Subscribe()
			defer cancel()
			next(t, ch, "running task", func(s model.Snapshot) bool {
				st, _ := taskState(s, id)
				return st == model.StateRunning
			})
			if err := c.Apply(context.Background(), model.Command{Op: model.OpHalt, Target: id}); err != nil {
				t.Fatalf("halt: %v", err)
			}
			next(t, ch, "halted task on the client", func(s model.Snapshot) bool {
				st, _ := taskState(s, id)
				return st == model.StateHalted
			})
			waitState(t, e, id, model.StateHalted)

			err = c.Apply(context.Background(), model.Command{Op: model.OpPause, Target: id})
			if !errors.Is(err, engine.ErrBadTransition) {
				t.Fatalf("pause a halted task: %v, want ErrBadTransition", err)
			}
			local := e.Apply(context.Background(), model.Command{Op: model.OpPause, Target: id})
			if err.Error() != local.Error() {
				t.Errorf("remote error %q, local %q: want the same text", err, local)
			}
		})
	}
}

// TestAuth checks the bearer token over TCP: none, wrong, right, and that
// /healthz stays open.
func TestAuth(t *testing.T) {
	e := newEngine(t)
	s := listenT(t, e, "127.0.0.1:0", WithToken("sesame"))
	if s.Token() != "sesame" {
		t.Fatalf("token %q", s.Token())
	}
	tests := []struct {
		name   string
		header string
		path   string
		want   int
	}{
		{"no token", "", pathSnapshot, http.StatusUnauthorized},
		{"wrong token", "Bearer open", pathSnapshot, http.StatusUnauthorized},
		{"not bearer", "Basic sesame", pathSnapshot, http.StatusUnauthorized},
		{"right token", "Bearer sesame", pathSnapshot, http.StatusOK},
		{"scheme case", "bearer sesame", pathMetrics, http.StatusOK},
		{"metrics without", "", pathMetrics, http.StatusUnauthorized},
		{"stream without", "", pathStream, http.StatusUnauthorized},
		{"healthz without", "", pathHealth, http.StatusOK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, _ := http.NewRequest(http.MethodGet, "http://"+s.Addr()+tt.path, nil)
			if tt.header != "" {
				req.Header.Set("Authorization", tt.header)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			_ = drain(resp)
			if resp.StatusCode != tt.want {
				t.Errorf("status %d, want %d", resp.StatusCode, tt.want)
			}
		})
	}
	http.DefaultClient.CloseIdleConnections()

	dials := []struct {
		name, token, want string
	}{
		{"dial without", "", "needs a token"},
		{"dial wrong", "open", "refused the token"},
		{"dial right", "sesame", ""},
	}
	for _, tt := range dials {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Dial(context.Background(), s.Addr(), WithClientToken(tt.token))
			if tt.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				c.Close()
				return
			}
			if !errors.Is(err, ErrUnauthorized) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("dial: %v, want ErrUnauthorized saying %q", err, tt.want)
			}
		})
	}
}

// TestUnixTokenOptional: a Unix socket has no token unless one is given.
func TestUnixTokenOptional(t *testing.T) {
	e := newEngine(t)
	s := listenT(t, e, shortSocket(t), WithToken("k"))
	if _, err := Dial(context.Background(), s.Addr()); !errors.Is(err, ErrUnauthorized) {
		t.Fatalf("dial without the given token: %v", err)
	}
	dialT(t, s)
}

// TestListenErrors covers addresses Listen refuses.
func TestListenErrors(t *testing.T) {
	e := newEngine(t)
	notSocket := shortSocket(t)
	if err := os.WriteFile(notSocket, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	live := listenT(t, e, shortSocket(t))
	tests := []struct {
		name string
		addr string
		opts []Option
		is   error
		want string
	}{
		{"non-loopback", "192.0.2.1:0", nil, ErrNotLoopback, "--allow-remote"},
		{"bad port", "127.0.0.1:http2", nil, nil, "bad port"},
		{"no port", "localhost", nil, nil, "host:port"},
		{"empty unix", "unix:", nil, nil, "empty socket path"},
		{"long path", "/tmp/" + strings.Repeat("x", 120), nil, nil, "over the"},
		{"not a socket", notSocket, nil, nil, "not a socket"},
		{"in use", live.Addr(), nil, ErrSocketInUse, "another server"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := Listen(context.Background(), e, tt.addr, tt.opts...)
			if err == nil {
				_ = s.Close()
				t.Fatal("listen succeeded")
			}
			if tt.is != nil && !errors.Is(err, tt.is) {
				t.Errorf("error %v, want %v", err, tt.is)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not say %q", err, tt.want)
			}
		})
	}
}

// TestAllowRemote binds all interfaces with WithAllowRemote.
func TestAllowRemote(t *testing.T) {
	e := newEngine(t)
	s := listenT(t, e, ":0", WithAllowRemote())
	if host, _, _ := net.SplitHostPort(s.Addr()); host == "127.0.0.1" {
		t.Errorf("bound %s with WithAllowRemote, want all interfaces", s.Addr())
	}
	if s.Token() == "" {
		t.Error("no token over TCP")
	}
}

// TestUnixSocketLife: the socket is 0600, a stale one is replaced, and it is
// removed on close; the default path lives in DefaultSocketDir.
func TestUnixSocketLife(t *testing.T) {
	e := newEngine(t)
	path := shortSocket(t)
	stale, err := net.Listen("unix", path)
	if err != nil {
		t.Fatal(err)
	}
	stale.(*net.UnixListener).SetUnlinkOnClose(false)
	_ = stale.Close() // leaves the file, as a crashed process would

	s, err := Listen(context.Background(), e, path)
	if err != nil {
		t.Fatalf("listen over a stale socket: %v", err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("socket mode %v, want 0600", fi.Mode().Perm())
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("socket left after close: %v", err)
	}

	t.Setenv("XDG_RUNTIME_DIR", strings.TrimSuffix(path, "/s.sock"))
	d := listenT(t, e, "")
	if !strings.HasPrefix(d.Addr(), DefaultSocketDir()+"/spindle-") {
		t.Errorf("default socket %s not in %s", d.Addr(), DefaultSocketDir())
	}
	if fi, err := os.Stat(DefaultSocketDir()); err != nil || fi.Mode().Perm() != 0o700 {
		t.Errorf("socket dir: %v %v", fi.Mode().Perm(), err)
	}
	c, err := Dial(context.Background(), "") // finds the socket
	if err != nil {
		t.Fatalf("dial with no address: %v", err)
	}
	if c.Addr() != d.Addr() {
		t.Errorf("found %s, want %s", c.Addr(), d.Addr())
	}
	c.Close()
}

// TestServe runs the blocking form until its context ends.
func TestServe(t *testing.T) {
	e := newEngine(t)
	path := shortSocket(t)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- Serve(ctx, e, path, WithLogger(discardLogger())) }()
	var c *Client
	for i := 0; ; i++ {
		var err error
		if c, err = Dial(context.Background(), path); err == nil {
			break
		}
		if i > 500 {
			t.Fatalf("dial: %v", err)
		}
		time.Sleep(5 * time.Millisecond)
	}
	ch, unsub := c.Subscribe()
	next(t, ch, "a snapshot", func(model.Snapshot) bool { return true })
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("serve: %v", err)
	}
	unsub()
	c.Close()
	if err := Serve(context.Background(), e, "192.0.2.1:1"); !errors.Is(err, ErrNotLoopback) {
		t.Errorf("serve on a public address: %v", err)
	}
}

// TestHandlerMounted serves Handler from a mux of one's own.
func TestHandlerMounted(t *testing.T) {
	e := newEngine(t)
	mux := http.NewServeMux()
	mux.Handle("/", Handler(e, WithToken("t")))
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: mux}
	go func() { _ = srv.Serve(ln) }()
	defer srv.Close()
	c, err := Dial(context.Background(), ln.Addr().String(), WithClientToken("t"))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := c.Snapshot(context.Background()); err != nil {
		t.Fatal(err)
	}
}

func TestTokenFrom(t *testing.T) {
	t.Setenv(TokenEnv, "from-env")
	tests := []struct{ flag, want string }{{"", "from-env"}, {"flag", "flag"}}
	for _, tt := range tests {
		if got := TokenFrom(tt.flag); got != tt.want {
			t.Errorf("TokenFrom(%q) = %q, want %q", tt.flag, got, tt.want)
		}
	}
}

// TestDialErrors: a dead address and a server that is not spindle.
func TestDialErrors(t *testing.T) {
	if _, err := Dial(context.Background(), shortSocket(t)); err == nil || !strings.Contains(err.Error(), "cannot reach") {
		t.Errorf("dial a missing socket: %v", err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusTeapot)
		_, _ = io.WriteString(w, "short and stout")
	})}
	go func() { _ = srv.Serve(ln) }()
	defer srv.Close()
	if _, err := Dial(context.Background(), ln.Addr().String()); err == nil || !strings.Contains(err.Error(), "not a spindle server") {
		t.Errorf("dial a teapot: %v", err)
	}
	if _, err := Dial(context.Background(), "no-port"); err == nil {
		t.Error("dial a bad address succeeded")
	}
}
