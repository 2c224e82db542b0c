package remote

import (
	"encoding/json"
	"io"
	"net/http"
	"time"

	"github.com/spindle-tui/spindle/model"
)

// stream handles GET /v1/stream: server-sent events, one "snapshot" event per
// snapshot the engine publishes to this client's own subscription (coalesced
// and latest-wins, so a slow client skips frames and never holds the engine).
// An idle stream gets a ": ping" comment every heartbeat. It ends when the
// client goes, the engine closes, or the server shuts down.
func (a *api) stream(w http.ResponseWriter, r *http.Request) {
	rc, deadline, ok := a.openEvents(w)
	if !ok {
		return
	}

	snaps, cancel := a.e.Subscribe()
	defer cancel()
	beat := time.NewTicker(a.cfg.heartbeat)
	defer beat.Stop()
	for {
		var err error
		select {
		case s, ok := <-snaps:
			if !ok {
				return // the engine closed; its final snapshot went out before
			}
			deadline()
			err = a.writeSnapshotEvent(w, s)
		case <-beat.C:
			deadline()
			_, err = w.Write([]byte(": ping\n\n"))
		case <-r.Context().Done():
			return
		case <-a.done:
			return
		}
		if err == nil {
			err = rc.Flush()
		}
		if err != nil {
			a.cfg.log.Debug("stream client gone", "remote", r.RemoteAddr, "err", err)
			return
		}
	}
}

// openEvents starts a server-sent event stream on w. A stream lasts: it lifts
// the server's read deadline (a GET has no body to wait for; the client going
// is seen by the request's context) and bounds each event's write instead (a
// client that stops reading is cut): call deadline before each write. ok is
// false when the client is already gone.
func (a *api) openEvents(w http.ResponseWriter) (rc *http.ResponseController, deadline func(), ok bool) {
	rc = http.NewResponseController(w)
	_ = rc.SetReadDeadline(time.Time{})
	deadline = func() { _ = rc.SetWriteDeadline(time.Now().Add(a.cfg.timeouts.event)) }
	deadline()
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Accel-Buffering", "no") // keep reverse proxies from buffering events
	w.WriteHeader(http.StatusOK)
	return rc, deadline, rc.Flush() == nil
}

// writeSnapshotEvent writes s as one event.
func (a *api) writeSnapshotEvent(w http.ResponseWriter, s model.Snapshot) error {
	data, err := a.encode(s)
	if err != nil {
		return err
	}
	// Three writes into the response's buffer rather than one copy per client
	// of a snapshot shared by all of them.
	if _, err := io.WriteString(w, "event: snapshot\ndata: "); err != nil {
		return err
	}
	if _, err := w.Write(data); err != nil {
		return err
	}
	_, err = io.WriteString(w, "\n\n")
	return err
}

// encode returns the JSON of s, reusing the last encoding when s is the same
// snapshot (Seq is unique per snapshot). JSON has no raw newlines, so it fits
// one SSE data line.
func (a *api) encode(s model.Snapshot) ([]byte, error) {
	a.enc.Lock()
	defer a.enc.Unlock()
	if a.enc.data != nil && a.enc.seq == s.Seq {
		return a.enc.data, nil
	}
	data, err := json.Marshal(s)
	if err != nil {
		return nil, err
	}
	a.enc.seq, a.enc.data = s.Seq, data
	return data, nil
}
