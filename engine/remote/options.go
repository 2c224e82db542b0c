package remote

import (
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
	allowRemote bool
	log         *slog.Logger
	heartbeat   time.Duration
	apply       func(context.Context, model.Command) error // nil: the engine's Apply
}

func newServerConfig(opts []Option) serverConfig {
	c := serverConfig{heartbeat: heartbeatEvery}
	for _, o := range opts {
		o(&c)
	}
	if c.log == nil {
		c.log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	return c
}

// WithToken makes every request but /healthz carry "Authorization: Bearer t".
// Over TCP a token is generated when none is given; on a Unix socket there is
// none unless given (the socket's permissions are the auth).
func WithToken(t string) Option {
	return func(c *serverConfig) { c.token = t }
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
}

// WithClientToken sends "Authorization: Bearer t" with every request.
func WithClientToken(t string) ClientOption {
	return func(c *clientConfig) { c.token = t }
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
