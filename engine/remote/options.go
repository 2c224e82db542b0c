package remote

import (
	"compress/gzip"
	"context"
	"io"
	"log/slog"
	"os"
	"time"

	"github.com/spindle-tui/spindle/model"
)

// TokenEnv is the environment variable TokenFrom reads.
const TokenEnv = "SPINDLE_TOKEN"

// heartbeatEvery is how often an idle stream gets a comment line, so proxies
// and the client can tell a quiet engine from a dead connection.
const heartbeatEvery = 15 * time.Second

// Option configures a server (Serve, Listen, Handler).
type Option func(*serverConfig)

// serverConfig is what the Options set.
type serverConfig struct {
	token       string
	tokenFile   string
	allowRemote bool
	log         *slog.Logger
	heartbeat   time.Duration
	apply       func(context.Context, model.Command) error // nil: the engine's Apply
	maxConns    int
	fdUsage     func() (open, limit int, ok bool)
	timeouts    timeouts
	streamGzip  int // the gzip level (compress/gzip) of streams to clients that accept it; 0: none
}

// timeouts are the http.Server's, and the write deadline of each stream event.
type timeouts struct {
	readHeader, read, write, idle, event time.Duration
}

// defaultTimeouts bound every connection: a request's header must come within
// 5 s and its body within 10 s (a command is at most 64 KiB), an answer be
// written within 30 s, and an idle keep-alive is closed after 30 s. A stream
// lifts the read and write deadlines and sets a write deadline per event.
var defaultTimeouts = timeouts{
	readHeader: 5 * time.Second,
	read:       10 * time.Second,
	write:      30 * time.Second,
	idle:       30 * time.Second,
	event:      30 * time.Second,
}

func newServerConfig(opts []Option) serverConfig {
	c := serverConfig{heartbeat: heartbeatEvery, maxConns: DefaultMaxConns, fdUsage: fdUsage, timeouts: defaultTimeouts, streamGzip: defaultStreamGzip}
	for _, o := range opts {
		o(&c)
	}
	if c.log == nil {
		c.log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	return c
}

// WithToken makes every request but /healthz carry "Authorization: Bearer t".
// Over TCP a token is generated when none is given (and written to a file, see
// Listen); on a Unix socket there is none unless given (the socket's
// permissions are the auth).
func WithToken(t string) Option {
	return func(c *serverConfig) { c.token = t }
}

// WithTokenFile keeps the token in the file at path: when the file exists the
// token is read from it (see ReadTokenFile); when it does not, the token
// (WithToken's, else a generated one) is written there, 0600, and kept for the
// next start. Clients read it with ReadTokenFile (`--token-file`).
func WithTokenFile(path string) Option {
	return func(c *serverConfig) { c.tokenFile = path }
}

// WithMaxConns caps the connections the server holds at once (default
// DefaultMaxConns); past it a new connection is answered 503 and closed.
func WithMaxConns(n int) Option {
	return func(c *serverConfig) { c.maxConns = max(n, 1) }
}

// WithAllowRemote lets Listen bind a TCP address that is not loopback (the
// CLI's --allow-remote). The bearer token still guards every request.
func WithAllowRemote() Option {
	return func(c *serverConfig) { c.allowRemote = true }
}

// WithLogger logs the server's life (listening, shutdown) and failed requests
// to l. The default discards them.
func WithLogger(l *slog.Logger) Option {
	return func(c *serverConfig) { c.log = l }
}

// WithApply sends the commands POST /v1/commands accepts to f instead of the
// engine's Apply: for a host that handles some commands itself (the task-file
// runner reloads on model.OpReload) and passes the rest to the engine. f's
// errors are mapped to statuses as the engine's are.
func WithApply(f func(ctx context.Context, cmd model.Command) error) Option {
	return func(c *serverConfig) { c.apply = f }
}

// defaultStreamGzip is the gzip level of streams (BENCHMARKS.md, "Stream":
// what it saves against what it costs).
const defaultStreamGzip = gzip.DefaultCompression

// withStreamGzip sets the gzip level of streams, 0 for none (tests, benchmarks).
func withStreamGzip(level int) Option {
	return func(c *serverConfig) { c.streamGzip = level }
}

// withTimeouts changes the connection timeouts (for tests).
func withTimeouts(t timeouts) Option {
	return func(c *serverConfig) { c.timeouts = t }
}

// withFDUsage replaces the count of open descriptors (for tests).
func withFDUsage(f func() (open, limit int, ok bool)) Option {
	return func(c *serverConfig) { c.fdUsage = f }
}

// withHeartbeat changes the stream heartbeat interval (for tests).
func withHeartbeat(d time.Duration) Option {
	return func(c *serverConfig) { c.heartbeat = d }
}

// ClientOption configures a Client in Dial.
type ClientOption func(*clientConfig)

// clientConfig is what the ClientOptions set.
type clientConfig struct {
	token      string
	minBackoff time.Duration // the first reconnect wait
	maxBackoff time.Duration // the longest reconnect wait
	idle       time.Duration // a stream silent this long is taken for dead
	every      time.Duration // the stream's ?every: at most a snapshot this often (0: all)
}

// WithClientToken sends "Authorization: Bearer t" with every request.
func WithClientToken(t string) ClientOption {
	return func(c *clientConfig) { c.token = t }
}

// WithStreamEvery asks the server (Subscribe's stream) for at most one
// snapshot every d, the newest when it is due: a dashboard that draws a frame
// every d decodes no snapshot it would not draw. 0, the default, takes every
// snapshot the engine publishes. A server older than this option sends them
// all.
func WithStreamEvery(d time.Duration) ClientOption {
	return func(c *clientConfig) { c.every = min(max(d, 0), maxStreamEvery) }
}

// withBackoff changes the reconnect backoff bounds (for tests).
func withBackoff(minimum, maximum time.Duration) ClientOption {
	return func(c *clientConfig) { c.minBackoff, c.maxBackoff = minimum, maximum }
}

// withIdle changes how long a silent stream is trusted (for tests).
func withIdle(d time.Duration) ClientOption {
	return func(c *clientConfig) { c.idle = d }
}

// TokenFrom returns flagValue if it is set, else $SPINDLE_TOKEN: how the CLI's
// --token flag and the environment combine.
func TokenFrom(flagValue string) string {
	if flagValue != "" {
		return flagValue
	}
	return os.Getenv(TokenEnv)
}
