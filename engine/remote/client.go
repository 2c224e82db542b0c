package remote

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/spindle-tui/spindle/model"
)

// ErrUnauthorized is matched (errors.Is) by the error of Dial, Apply and
// Snapshot when the server refuses the token (or wants one and got none).
var ErrUnauthorized = errors.New("remote: unauthorized")

// maxErrorBody bounds how much of an error response a client reads.
const maxErrorBody = 64 << 10

// APIError is a refusal from the server: a 4xx or 5xx answer. Its text is the
// server's message, which for engine errors is the engine's own, so a status
// bar reads the same attached as local. errors.Is matches the engine sentinel
// its code stands for (engine.ErrUnknownTask for "unknown_task", ...), and
// ErrUnauthorized for a 401.
type APIError struct {
	Status  int    // the HTTP status
	Code    string // the API's error code, e.g. "unknown_task", "bad_transition"
	Message string // the server's message
}

// Error returns the server's message.
func (e *APIError) Error() string { return e.Message }

// Unwrap returns the engine sentinel the code stands for, if any.
func (e *APIError) Unwrap() error {
	if e.Status == http.StatusUnauthorized {
		return ErrUnauthorized
	}
	return sentinelFor(e.Code)
}

// Client talks to a served engine. It satisfies ui.Source (Subscribe, Apply),
// so the dashboard runs attached to it. Get one with Dial; Close it when done.
// All methods are safe for concurrent use.
type Client struct {
	addrMu sync.Mutex
	addr   string // what the user gave, or the socket found, for messages
	base   string // "http://host:port", or "http://spindle" for a socket
	token  string
	cfg    clientConfig
	http   *http.Client

	ctx    context.Context // cancelled by Close: ends every subscription
	cancel context.CancelFunc
	mu     sync.Mutex // guards closed and the wg.Add of Subscribe
	closed bool
	wg     sync.WaitGroup // one per subscription goroutine

	logCut atomic.Pointer[context.CancelFunc] // drops the current log stream (tests: client_logs.go)
}

// Dial connects to the server at addr (the forms Listen takes) and checks it
// once: it answers /healthz, and it accepts the token, so a wrong or missing
// token fails here, wrapping ErrUnauthorized, with a message saying how to
// give one. With addr "" the client uses the newest socket in
// DefaultSocketDir, and looks for the newest again for every new connection:
// a stream that lost its server finds the server started after it (socket
// names carry the pid). A given address is kept.
func Dial(ctx context.Context, addr string, opts ...ClientOption) (*Client, error) {
	cfg := clientConfig{minBackoff: time.Second, maxBackoff: 5 * time.Second, idle: 3 * heartbeatEvery}
	for _, o := range opts {
		o(&cfg)
	}
	c := &Client{addr: addr, token: cfg.token, cfg: cfg}
	var ep endpoint
	if addr == "" {
		p, err := findSocket()
		if err != nil {
			return nil, err
		}
		c.addr, ep.unix = p, p
	} else {
		var err error
		if ep, err = parseAddr(addr); err != nil {
			return nil, err
		}
	}
	// Idle connections go before the server's 30 s IdleTimeout closes them.
	tr := &http.Transport{MaxIdleConnsPerHost: 4, IdleConnTimeout: 15 * time.Second}
	base := "http://spindle"
	if ep.unix != "" {
		path, find := ep.unix, addr == ""
		tr.DialContext = func(ctx context.Context, _, _ string) (net.Conn, error) {
			if find {
				p, err := findSocket()
				if err != nil {
					return nil, err
				}
				path = p
				c.setAddr(p)
			}
			var d net.Dialer
			return d.DialContext(ctx, "unix", path)
		}
	} else {
		host, port, _ := net.SplitHostPort(ep.tcp)
		if host == "" {
			host = "127.0.0.1"
		}
		base = "http://" + net.JoinHostPort(host, port)
		tr.DialContext = (&net.Dialer{Timeout: 5 * time.Second}).DialContext
	}
	c.base, c.http = base, &http.Client{Transport: tr}
	c.ctx, c.cancel = context.WithCancel(context.Background())
	if err := c.check(ctx); err != nil {
		c.Close()
		return nil, err
	}
	return c, nil
}

// dialCheckTimeout bounds Dial's checks when its context has no deadline.
const dialCheckTimeout = 10 * time.Second

// check asks /healthz, then a snapshot, to fail fast on a bad address or token.
func (c *Client) check(ctx context.Context) error {
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, dialCheckTimeout)
		defer cancel()
	}
	resp, err := c.do(ctx, http.MethodGet, pathHealth, nil)
	if err != nil {
		return fmt.Errorf("remote: cannot reach spindle at %s: %w", c.Addr(), withoutAddr(transportError(err)))
	}
	_ = drain(resp)
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("remote: %s is not a spindle server: /healthz answered %s", c.Addr(), resp.Status)
	}
	if _, err := c.Snapshot(ctx); err != nil {
		if errors.Is(err, ErrUnauthorized) {
			if c.token == "" {
				return &saidError{fmt.Sprintf("remote: %s needs a token: give --token-file FILE or set %s", c.Addr(), TokenEnv), ErrUnauthorized}
			}
			return &saidError{fmt.Sprintf("remote: %s refused the token: check --token-file or %s", c.Addr(), TokenEnv), ErrUnauthorized}
		}
		return err
	}
	return nil
}

// Addr returns the address the client was dialled with, or the socket found
// last (with no address, each connection takes the newest).
func (c *Client) Addr() string {
	c.addrMu.Lock()
	defer c.addrMu.Unlock()
	return c.addr
}

func (c *Client) setAddr(a string) {
	c.addrMu.Lock()
	c.addr = a
	c.addrMu.Unlock()
}

// do sends one request with the token.
func (c *Client) do(ctx context.Context, method, path string, body []byte) (*http.Response, error) {
	var r io.Reader
	if body != nil {
		r = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, r)
	if err != nil {
		return nil, err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	return c.http.Do(req)
}

// Snapshot fetches the engine's current snapshot (for `spindle status`).
func (c *Client) Snapshot(ctx context.Context) (model.Snapshot, error) {
	return getJSON[model.Snapshot](ctx, c, pathSnapshot, "snapshot")
}

// getJSON GETs path and decodes its JSON body into a T; what names the thing
// fetched in errors ("snapshot from ADDR: …").
func getJSON[T any](ctx context.Context, c *Client, path, what string) (T, error) {
	var v T
	resp, err := c.do(ctx, http.MethodGet, path, nil)
	if err != nil {
		return v, fmt.Errorf("remote: %s from %s: %w", what, c.Addr(), withoutAddr(transportError(err)))
	}
	defer drain(resp)
	if resp.StatusCode != http.StatusOK {
		return v, responseError(resp)
	}
	if err := json.NewDecoder(resp.Body).Decode(&v); err != nil {
		return v, fmt.Errorf("remote: decoding %s from %s: %w", what, c.Addr(), err)
	}
	return v, nil
}

// Apply sends cmd to the engine. A refusal is an *APIError whose text is the
// server's (the engine's) message and which matches the engine's sentinels
// with errors.Is; a transport failure says the command could not be sent.
func (c *Client) Apply(ctx context.Context, cmd model.Command) error {
	body, err := json.Marshal(cmd)
	if err != nil {
		return fmt.Errorf("remote: %s: %w", cmd, err)
	}
	resp, err := c.do(ctx, http.MethodPost, pathCommands, body)
	if err != nil {
		return fmt.Errorf("remote: sending %s to %s: %w", cmd, c.Addr(), withoutAddr(transportError(err)))
	}
	defer drain(resp)
	if resp.StatusCode/100 != 2 {
		return responseError(resp)
	}
	return nil
}

// Close ends every subscription (waiting for their goroutines, so their
// channels are closed when it returns) and releases idle connections.
func (c *Client) Close() {
	c.mu.Lock()
	c.closed = true
	c.mu.Unlock()
	c.cancel()
	c.wg.Wait()
	c.http.CloseIdleConnections()
}

// responseError turns an error response into an *APIError.
func responseError(resp *http.Response) error {
	data, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
	e := &APIError{Status: resp.StatusCode}
	var body errorBody
	if json.Unmarshal(data, &body) == nil && body.Error != "" {
		e.Code, e.Message = body.Code, body.Error
		return e
	}
	e.Message = "remote: server answered " + resp.Status
	if text := strings.TrimSpace(string(data)); text != "" {
		e.Message += ": " + text
	}
	return e
}

// transportError drops the *url.Error wrapping of a failed request (which
// repeats the method and URL) and keeps what went wrong: "dial unix
// /run/user/1000/spindle/spindle-42.sock: connect: connection refused".
func transportError(err error) error {
	if ue, ok := errors.AsType[*url.Error](err); ok {
		return ue.Err
	}
	return err
}

// withoutAddr drops the operation and address of a *net.OpError ("dial unix
// /path: ") for messages that name the address already: "cannot reach
// spindle at /path: connect: connection refused".
func withoutAddr(err error) error {
	if oe, ok := errors.AsType[*net.OpError](err); ok && oe.Err != nil {
		return oe.Err
	}
	return err
}

// drain reads what is left of a body (so the connection is reused) and closes it.
func drain(resp *http.Response) error {
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, maxErrorBody))
	return resp.Body.Close()
}
