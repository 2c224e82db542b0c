package remote

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/spindle-tui/spindle/model"
)

// maxEventBytes bounds one server-sent event (a snapshot's JSON, after gzip);
// a larger one is taken for a broken stream.
const maxEventBytes = 64 << 20

// errStreamEnded is why a stream the server closed cleanly is retried.
var errStreamEnded = errors.New("the server ended the stream")

// errStreamIdle is the cause a silent stream is cut with.
var errStreamIdle = errors.New("stream idle")

// Subscribe streams the engine's snapshots (GET /v1/stream) in a goroutine
// and returns them on a channel of capacity 1, latest wins, as the engine's
// own Subscribe does. When the connection drops it delivers the last snapshot
// again with SourceError set ("connection lost: ...; reconnecting in 1s") and
// reconnects with a backoff from 1 s up to 5 s until cancelled; the next
// snapshot from the server clears it. Snapshots are rebuilt from the
// stream's deltas (protocol v2, StreamVersion); a server of another version
// is such an error, saying which side to upgrade (ErrStreamVersion). cancel
// (idempotent) and Close end the subscription and close the channel.
func (c *Client) Subscribe() (<-chan model.Snapshot, func()) {
	ch := make(chan model.Snapshot, 1)
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		close(ch)
		return ch, func() {}
	}
	c.wg.Add(1) // under mu: Close's Wait never races an Add
	c.mu.Unlock()
	ctx, cancel := context.WithCancel(c.ctx)
	done := make(chan struct{})
	go func() {
		defer c.wg.Done()
		defer close(done)
		defer close(ch)
		c.follow(ctx, ch)
	}()
	return ch, func() {
		cancel()
		<-done
	}
}

// follow keeps a stream open until ctx is done, reconnecting with backoff. A
// stream that fell out of step (a delta the client cannot apply) is
// reconnected at once, without an error on screen: the server starts the new
// connection with a full snapshot. Only once in a row, so a server that keeps
// sending bad deltas is retried with backoff like any other failure.
func (c *Client) follow(ctx context.Context, ch chan model.Snapshot) {
	var last model.Snapshot
	have, resynced := false, false
	wait := c.cfg.minBackoff
	for {
		got := false
		err := c.streamOnce(ctx, func(s model.Snapshot) {
			last, have, got = s, true, true
			offer(ch, s)
		})
		if ctx.Err() != nil {
			return
		}
		if errors.Is(err, errResync) && got && !resynced {
			resynced = true
			continue
		}
		resynced = false
		if got {
			wait = c.cfg.minBackoff
		}
		s := last
		if !have {
			s = model.Snapshot{Source: c.Addr()}
		}
		s.SourceError = fmt.Sprintf("connection lost: %v; reconnecting in %s", err, wait)
		if errors.Is(err, ErrStreamVersion) { // not lost: refused, until one side is upgraded
			s.SourceError = fmt.Sprintf("%v; retrying in %s", err, wait)
		}
		offer(ch, s)
		t := time.NewTimer(wait)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return
		}
		wait = min(wait*2, c.cfg.maxBackoff)
	}
}

// offer puts s on ch, replacing an unread snapshot: latest wins, never blocks.
// Only the follow goroutine sends, so the loop ends at once.
func offer(ch chan model.Snapshot, s model.Snapshot) {
	for {
		select {
		case ch <- s:
			return
		default:
		}
		select {
		case <-ch:
		default:
		}
	}
}

// streamOnce reads one stream connection until it fails, passing each
// snapshot to deliver. It always returns an error saying why it ended.
func (c *Client) streamOnce(ctx context.Context, deliver func(model.Snapshot)) error {
	ctx, cut := context.WithCancelCause(ctx)
	defer cut(nil)
	watchdog := time.AfterFunc(c.cfg.idle, func() { cut(errStreamIdle) })
	defer watchdog.Stop()
	why := func(err error) error {
		if errors.Is(context.Cause(ctx), errStreamIdle) {
			return fmt.Errorf("no data for %s", c.cfg.idle)
		}
		return err
	}

	url := c.base + pathStream
	if c.cfg.every > 0 {
		url += "?every=" + c.cfg.every.String()
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	req.Header.Set("Accept", "text/event-stream")
	req.Header.Set(headerStreamVersion, strconv.Itoa(StreamVersion))
	req.Header.Set("Accept-Encoding", "gzip") // set by hand: the body is ungzipped here, as it streams
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return why(transportError(err))
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return responseError(resp)
	}
	if err := checkServerVersion(resp, c.Addr()); err != nil {
		return err
	}
	body := io.Reader(resp.Body)
	if strings.EqualFold(resp.Header.Get("Content-Encoding"), "gzip") {
		z, err := gzip.NewReader(resp.Body)
		if err != nil {
			return why(fmt.Errorf("bad gzip stream: %w", err))
		}
		defer z.Close()
		body = z
	}
	sse := newEventReader(body)
	var snap model.Snapshot
	have := false
	for {
		name, data, err := sse.next(func() { watchdog.Reset(c.cfg.idle) })
		if err != nil {
			if errors.Is(err, io.EOF) {
				return errStreamEnded
			}
			return why(err)
		}
		switch name {
		case "full":
			if snap, err = loadFull(data); err != nil {
				return err
			}
			have = true
		case "delta":
			if !have {
				return fmt.Errorf("%w: a delta before any full snapshot", errResync)
			}
			if snap, err = applyDelta(snap, data); err != nil {
				return err
			}
		default:
			continue // not one of ours: skipped
		}
		deliver(snap)
	}
}

// eventReader reads server-sent events: "event:" and "data:" fields, events
// ended by a blank line, comments (":") ignored.
type eventReader struct {
	r    *bufio.Reader
	line []byte
	data []byte
}

func newEventReader(r io.Reader) *eventReader {
	return &eventReader{r: bufio.NewReaderSize(r, 64<<10)}
}

// next returns the next event's name ("message" when unnamed) and data.
// alive is called for every line read, comments included (heartbeats).
func (er *eventReader) next(alive func()) (string, []byte, error) {
	name := ""
	er.data = er.data[:0]
	hasData := false
	for {
		line, err := er.readLine()
		if err != nil {
			return "", nil, err
		}
		alive()
		if len(line) == 0 { // end of an event
			if !hasData {
				name = ""
				continue
			}
			if name == "" {
				name = "message"
			}
			return name, er.data, nil
		}
		if line[0] == ':' {
			continue
		}
		field, value, _ := bytes.Cut(line, []byte(":"))
		value = bytes.TrimPrefix(value, []byte(" "))
		switch string(field) {
		case "event":
			name = string(value)
		case "data":
			if hasData {
				er.data = append(er.data, '\n')
			}
			er.data = append(er.data, value...)
			hasData = true
		}
	}
}

// readLine returns one line without its "\n" or "\r\n", however long, up to
// maxEventBytes.
func (er *eventReader) readLine() ([]byte, error) {
	er.line = er.line[:0]
	for {
		chunk, err := er.r.ReadSlice('\n')
		er.line = append(er.line, chunk...)
		if len(er.line) > maxEventBytes {
			return nil, fmt.Errorf("event over %d bytes", maxEventBytes)
		}
		switch {
		case err == nil:
			return bytes.TrimSuffix(bytes.TrimSuffix(er.line, []byte("\n")), []byte("\r")), nil
		case errors.Is(err, bufio.ErrBufferFull):
			continue
		default:
			return nil, err
		}
	}
}
