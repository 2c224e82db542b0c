package remote

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/spindle-tui/spindle/engine"
)

// shutdownGrace bounds how long Close and Serve wait for requests in flight.
const shutdownGrace = 5 * time.Second

// Server is a running control API. Get one with Listen; end it with Close or
// Shutdown. It does not close the engine.
type Server struct {
	addr      string // the socket path or host:port bound
	unix      bool
	token     string
	tokenFile string // where the token is kept, "" for none
	ownFile   bool   // the server wrote tokenFile for itself: removed on shutdown
	log       *slog.Logger
	srv       *http.Server
	done      chan struct{} // closed by Shutdown: ends every stream
	served    chan struct{} // closed when srv.Serve has returned

	once sync.Once
	err  error
}

// Serve serves e's control API on addr until ctx is done, then shuts down
// (ending every stream) and returns nil; it returns the error if it cannot
// listen. It logs the address (and the token file, when there is one) to the
// logger given with WithLogger, or to slog.Default. It is the one-liner to embed:
//
//	go remote.Serve(ctx, e, "") // a Unix socket in the runtime dir
//
// See Listen for the address forms and the auth rules.
func Serve(ctx context.Context, e *engine.Engine, addr string, opts ...Option) error {
	// slog.Default first, so that a WithLogger in opts replaces it.
	opts = append([]Option{WithLogger(slog.Default())}, opts...)
	s, err := Listen(ctx, e, addr, opts...)
	if err != nil {
		return err
	}
	<-ctx.Done()
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), shutdownGrace)
	defer cancel()
	return s.Shutdown(sctx)
}

// Listen starts serving e's control API on addr and returns at once; ctx
// bounds only the setup. The address forms:
//
//   - "": a Unix socket at DefaultSocketDir()/spindle-<pid>.sock (the directory
//     0700, created if need be)
//   - "unix:/path", or any path containing "/": that Unix socket
//   - "host:port", ":port": TCP; ":port" binds 127.0.0.1 (all interfaces with
//     WithAllowRemote)
//
// A Unix socket is created 0600 (a stale one left by a dead process is
// removed; a live one is ErrSocketInUse) and removed on close; it needs no
// token unless WithToken or WithTokenFile gives one. TCP must be loopback
// unless WithAllowRemote (else an error wrapping ErrNotLoopback that names the
// fix), and always has a token: WithToken's, WithTokenFile's, or a generated
// one, written 0600 to DefaultSocketDir()/spindle-<pid>-<port>.token (TokenFile)
// and removed on shutdown. The token itself is never logged.
//
// Every connection is bounded (see WithMaxConns): at most DefaultMaxConns at
// once, and none accepted while fewer than a reserve of file descriptors are
// free (a quarter of RLIMIT_NOFILE, 64 to 1024), so API clients can never take
// the descriptors the engine needs to start processes; a refused connection
// is answered 503. Headers must come within 5 s, bodies within 10 s, idle
// keep-alives are closed after 30 s, and a request without the token has its
// connection closed after the answer.
func Listen(ctx context.Context, e *engine.Engine, addr string, opts ...Option) (*Server, error) {
	cfg := newServerConfig(opts)
	ln, unix, err := listen(ctx, addr, &cfg)
	if err != nil {
		return nil, err
	}
	s := &Server{
		addr:   ln.Addr().String(),
		unix:   unix,
		log:    cfg.log,
		done:   make(chan struct{}),
		served: make(chan struct{}),
	}
	port := ""
	if !unix {
		_, port, _ = net.SplitHostPort(s.addr)
	}
	if s.tokenFile, s.ownFile, err = setupToken(&cfg, port); err != nil {
		_ = ln.Close()
		return nil, err
	}
	s.token = cfg.token
	to := cfg.timeouts
	s.srv = &http.Server{
		Handler:           newAPI(e, cfg, s.done).routes(),
		ReadHeaderTimeout: to.readHeader,
		ReadTimeout:       to.read,
		WriteTimeout:      to.write,
		IdleTimeout:       to.idle,
		MaxHeaderBytes:    maxHeaderBytes,
		ErrorLog:          slog.NewLogLogger(cfg.log.Handler(), slog.LevelWarn),
	}
	go func() {
		defer close(s.served)
		if err := s.srv.Serve(newGuardedListener(ln, &cfg)); err != nil && !errors.Is(err, http.ErrServerClosed) {
			s.log.Error("control API stopped", "err", err)
		}
	}()
	attrs := []any{"addr", s.addr}
	if s.tokenFile != "" {
		attrs = append(attrs, "token_file", s.tokenFile)
	}
	s.log.Info("spindle control API listening", attrs...)
	return s, nil
}

// maxHeaderBytes bounds a request's header: the API's requests carry a
// path and a token.
const maxHeaderBytes = 16 << 10

// listen binds the listener addr names (TCP on loopback unless
// cfg.allowRemote). It reports whether it is a Unix socket.
func listen(ctx context.Context, addr string, cfg *serverConfig) (net.Listener, bool, error) {
	var lc net.ListenConfig
	var ep endpoint
	if addr == "" {
		ep.unix = defaultSocketPath()
		if err := ensureSocketDir(filepath.Dir(ep.unix)); err != nil {
			return nil, false, err
		}
	} else {
		var err error
		if ep, err = parseAddr(addr); err != nil {
			return nil, false, err
		}
	}
	if ep.unix != "" {
		path := ep.unix
		if len(path) > maxSocketPath {
			return nil, false, fmt.Errorf("remote: socket path %s is %d bytes, over the %d the kernel allows; choose a shorter one", path, len(path), maxSocketPath)
		}
		if err := removeStaleSocket(ctx, path); err != nil {
			return nil, false, err
		}
		ln, err := lc.Listen(ctx, "unix", path)
		if err != nil {
			return nil, false, fmt.Errorf("remote: listen: %w", err)
		}
		if err := os.Chmod(path, 0o600); err != nil {
			_ = ln.Close()
			return nil, false, fmt.Errorf("remote: socket permissions: %w", err)
		}
		return ln, true, nil
	}
	host, port, _ := net.SplitHostPort(ep.tcp)
	if !cfg.allowRemote {
		if err := checkLoopback(ctx, host); err != nil {
			return nil, false, err
		}
		if host == "" {
			host = "127.0.0.1"
		}
	}
	ln, err := lc.Listen(ctx, "tcp", net.JoinHostPort(host, port))
	if err != nil {
		return nil, false, fmt.Errorf("remote: listen: %w", err)
	}
	return ln, false, nil
}

// newToken returns 32 random hex characters.
func newToken() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (it crashes the program instead)
	return hex.EncodeToString(b[:])
}

// Addr returns what the server is bound to: the socket path, or host:port with
// the real port when ":0" was asked. Pass it to Dial (or `spindle attach`).
func (s *Server) Addr() string { return s.addr }

// Token returns the bearer token clients must send, or "" when there is none
// (a Unix socket without WithToken).
func (s *Server) Token() string { return s.token }

// TokenFile returns the file the token is kept in (WithTokenFile's, or the one
// written for a generated token), or "" when there is none.
func (s *Server) TokenFile() string { return s.tokenFile }

// Shutdown stops the server: it stops accepting, ends every stream, and waits
// for requests in flight until ctx is done (then cuts them). The Unix socket is
// removed. It is idempotent; later calls return the first call's result.
func (s *Server) Shutdown(ctx context.Context) error {
	s.once.Do(func() {
		close(s.done)
		err := s.srv.Shutdown(ctx)
		if err != nil {
			_ = s.srv.Close()
		}
		<-s.served
		for _, own := range []struct {
			path string
			is   bool
		}{{s.addr, s.unix}, {s.tokenFile, s.ownFile}} {
			if !own.is {
				continue
			}
			if rerr := os.Remove(own.path); rerr != nil && !errors.Is(rerr, os.ErrNotExist) && err == nil {
				err = rerr
			}
		}
		if err != nil {
			s.err = fmt.Errorf("remote: shutdown: %w", err)
		}
		s.log.Info("spindle control API stopped", "addr", s.addr)
	})
	return s.err
}

// Close is Shutdown with a grace of 5 s.
func (s *Server) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	return s.Shutdown(ctx)
}
