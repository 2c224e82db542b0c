package remote

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/spindle-tui/spindle/model"
)

// ReadLogs returns one batch of the lines q selects (the ui.Source method):
// go on from batch.Next-1 as q.Since.
func (c *Client) ReadLogs(ctx context.Context, q model.LogQuery) (model.LogBatch, error) {
	return getJSON[model.LogBatch](ctx, c, pathLogs+"?"+logsQuery(q, false), "logs")
}

// reconnectDelay is how long FollowLogs waits before it reconnects a stream
// that broke.
const reconnectDelay = 200 * time.Millisecond

// FollowLogs streams the lines q selects to fn, one batch per event (a line,
// or a gap), until ctx is done or fn returns an error. A stream that breaks is
// reconnected from the last sequence number fn was given, so fn sees every
// line once, in order; lines evicted meanwhile arrive as a batch with Gap.
// An error response (a bad query, a wrong token) ends it.
func (c *Client) FollowLogs(ctx context.Context, q model.LogQuery, fn func(model.LogBatch) error) error {
	for {
		err := c.followOnce(ctx, &q, fn)
		var api *APIError
		switch {
		case ctx.Err() != nil:
			return ctx.Err()
		case errors.Is(err, context.Canceled):
			continue // the connection was cut, not ctx: reconnect at once
		case errors.As(err, &api), errors.Is(err, errStop):
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(reconnectDelay):
		}
	}
}

// errStop wraps fn's error, which ends FollowLogs.
var errStop = errors.New("stopped")

// followOnce reads one SSE connection, moving q on as lines arrive.
func (c *Client) followOnce(ctx context.Context, q *model.LogQuery, fn func(model.LogBatch) error) error {
	ctx, cut := context.WithCancel(ctx)
	defer cut()
	c.logCut.Store(&cut)
	resp, err := c.do(ctx, http.MethodGet, pathLogs+"?"+logsQuery(*q, true), nil)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return responseError(resp)
	}
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 64<<10), 4<<20)
	var event string
	for sc.Scan() {
		line := sc.Bytes()
		switch {
		case bytes.HasPrefix(line, []byte("event: ")):
			event = string(line[len("event: "):])
		case bytes.HasPrefix(line, []byte("data: ")):
			b, err := decodeLogEvent(event, line[len("data: "):])
			if err != nil {
				return err
			}
			if n := len(b.Lines); n > 0 {
				// From here on the stream resumes after this line.
				q.Since, q.Tail, q.SinceTime = b.Lines[n-1].Seq, 0, time.Time{}
				b.Next = q.Since + 1
			}
			if err := fn(b); err != nil {
				return fmt.Errorf("%w: %w", errStop, err)
			}
		}
	}
	if err := sc.Err(); err != nil {
		return err
	}
	return errors.New("remote: the log stream ended")
}

// cancelLogStreams drops the connection of the current FollowLogs stream, as
// a network failure would (for tests).
func (c *Client) cancelLogStreams() {
	if cut := c.logCut.Load(); cut != nil {
		(*cut)()
	}
}

func decodeLogEvent(event string, data []byte) (model.LogBatch, error) {
	var b model.LogBatch
	switch event {
	case "log":
		var l model.LogEntry
		if err := json.Unmarshal(data, &l); err != nil {
			return b, fmt.Errorf("remote: decoding a log line: %w", err)
		}
		b.Lines = []model.LogEntry{l}
	case "gap":
		var g struct {
			Count uint64 `json:"count"`
		}
		if err := json.Unmarshal(data, &g); err != nil {
			return b, fmt.Errorf("remote: decoding a gap: %w", err)
		}
		b.Gap = g.Count
	}
	return b, nil
}

// ReadLogs answers ErrNotEngine: a Go service seen through its pprof has no
// task logs.
func (s *PprofSource) ReadLogs(context.Context, model.LogQuery) (model.LogBatch, error) {
	return model.LogBatch{}, ErrNotEngine
}
