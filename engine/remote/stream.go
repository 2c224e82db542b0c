package remote

import (
	"compress/gzip"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/spindle-tui/spindle/model"
)

// stream handles GET /v1/stream (protocol v2, stream_version.go): server-sent
// events, a "full" event with the whole snapshot first, then one "delta" event
// per snapshot the engine publishes to this client's own subscription, against
// the last snapshot this connection was sent. The subscription is coalesced
// and latest-wins, so a slow client skips to the latest state and the server
// holds no queue for it: its state is the last frame it was sent (and, when
// gzipped, its compressor, about 0.8 MB). An
// idle stream gets a ": ping" comment every heartbeat. The body is gzipped
// when the client accepts it. It ends when the client goes, the engine
// closes, or the server shuts down. A client of another version is refused
// with a 400 that names both versions. With ?every=D (a Go duration, up to
// maxStreamEvery) the client is sent at most one snapshot per D, the newest
// when it is due: a dashboard that draws two frames a second is sent two.
func (a *api) stream(w http.ResponseWriter, r *http.Request) {
	w.Header().Set(headerStreamVersion, strconv.Itoa(StreamVersion))
	if err := checkClientVersion(r); err != nil {
		writeError(w, http.StatusBadRequest, codeStreamVersion, err.Error())
		return
	}
	every, err := streamEvery(r)
	if err != nil {
		writeError(w, http.StatusBadRequest, codeBadValue, err.Error())
		return
	}
	gz := a.cfg.streamGzip != 0 && acceptsGzip(r)
	if gz {
		w.Header().Set("Content-Encoding", "gzip")
	}
	w.Header().Add("Vary", "Accept-Encoding")
	rc, deadline, ok := a.openEvents(w)
	if !ok {
		return
	}
	out := &eventWriter{w: w, rc: rc}
	if gz {
		z, _ := gzip.NewWriterLevel(w, a.cfg.streamGzip) // a valid level: a constant, or a test's
		defer z.Close()
		out.z = z
	}

	snaps, cancel := a.e.Subscribe()
	defer cancel()
	beat := time.NewTicker(a.cfg.heartbeat)
	defer beat.Stop()
	var sent *frame // the last frame this client was sent
	pace := pacer{every: every}
	defer pace.stop()
	for {
		var err error
		select {
		case s, ok := <-snaps:
			if !ok {
				if held, ok := pace.take(); ok { // the engine's final snapshot
					deadline()
					_, _ = a.sendSnapshot(out, sent, held)
				}
				return
			}
			if pace.hold(s) {
				continue
			}
			deadline()
			sent, err = a.sendSnapshot(out, sent, s)
		case <-pace.due():
			if held, ok := pace.take(); ok {
				deadline()
				sent, err = a.sendSnapshot(out, sent, held)
			}
		case <-beat.C:
			deadline()
			err = out.event("", nil)
		case <-r.Context().Done():
			return
		case <-a.done:
			return
		}
		if err != nil {
			a.cfg.log.Debug("stream client gone", "remote", r.RemoteAddr, "err", err)
			return
		}
	}
}

// sendSnapshot sends s as a delta against sent (a full snapshot when sent is
// nil) and returns the frame sent.
func (a *api) sendSnapshot(out *eventWriter, sent *frame, s model.Snapshot) (*frame, error) {
	if sent != nil && sent.seq == s.Seq {
		return sent, nil
	}
	f, data, err := a.frames.next(sent, &s)
	if err != nil {
		a.cfg.log.Error("stream: encoding a snapshot", "err", err)
		return sent, err
	}
	name := "delta"
	if sent == nil {
		name = "full"
	}
	return f, out.event(name, data)
}

// acceptsGzip reports whether the request's Accept-Encoding lists gzip.
func acceptsGzip(r *http.Request) bool {
	for _, v := range r.Header.Values("Accept-Encoding") {
		for part := range strings.SplitSeq(v, ",") {
			enc, q, _ := strings.Cut(strings.TrimSpace(part), ";")
			if strings.EqualFold(strings.TrimSpace(enc), "gzip") && strings.ReplaceAll(q, " ", "") != "q=0" {
				return true
			}
		}
	}
	return false
}

// eventWriter writes server-sent events to a response, through gzip when z
// is set, flushing each.
type eventWriter struct {
	w  io.Writer
	z  *gzip.Writer
	rc *http.ResponseController
}

// event writes one event named name (a ": ping" comment when name is "")
// with data on one line (JSON has no raw newlines), and flushes it.
func (ew *eventWriter) event(name string, data []byte) error {
	w := ew.w
	if ew.z != nil {
		w = ew.z
	}
	var err error
	if name == "" {
		_, err = io.WriteString(w, ": ping\n\n")
	} else {
		err = writeAll(w, "event: ", name, "\ndata: ", data, "\n\n")
	}
	if err == nil && ew.z != nil {
		err = ew.z.Flush()
	}
	if err == nil {
		err = ew.rc.Flush()
	}
	return err
}

// writeAll writes strings and byte slices to w in turn, without joining
// them into one copy.
func writeAll(w io.Writer, parts ...any) error {
	for _, p := range parts {
		var err error
		switch p := p.(type) {
		case string:
			_, err = io.WriteString(w, p)
		case []byte:
			_, err = w.Write(p)
		}
		if err != nil {
			return err
		}
	}
	return nil
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
