package remote

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/spindle-tui/spindle/model"
)

// pathLogs serves the log store.
const pathLogs = "/v1/logs"

// logsQuery returns the query string of q, for GET /v1/logs.
func logsQuery(q model.LogQuery, follow bool) string {
	v := url.Values{}
	for _, t := range q.Tasks {
		v.Add("task", string(t))
	}
	for _, s := range q.Streams {
		v.Add("stream", string(s))
	}
	if q.Since > 0 {
		v.Set("since_seq", strconv.FormatUint(q.Since, 10))
	}
	if q.Tail > 0 {
		v.Set("tail", strconv.Itoa(q.Tail))
	}
	if !q.SinceTime.IsZero() {
		v.Set("since_time", q.SinceTime.Format(time.RFC3339Nano))
	}
	if q.Limit > 0 {
		v.Set("limit", strconv.Itoa(q.Limit))
	}
	if follow {
		v.Set("follow", "1")
	}
	return v.Encode()
}

// parseLogsQuery reads GET /v1/logs's parameters: task (repeated; ids, or
// poller:NAME), stream (repeated), since_seq (the last seq the client has;
// the Last-Event-ID header says the same on an SSE reconnect), tail, since (a
// duration back from now) or since_time (RFC 3339), limit, follow.
func parseLogsQuery(r *http.Request) (q model.LogQuery, follow bool, err error) {
	v := r.URL.Query()
	for _, t := range v["task"] {
		q.Tasks = append(q.Tasks, model.TaskID(t))
	}
	for _, s := range v["stream"] {
		switch st := model.LogStream(s); st {
		case model.StreamStdout, model.StreamStderr, model.StreamLog, model.StreamSpindle, model.StreamProbe:
			q.Streams = append(q.Streams, st)
		default:
			return q, false, fmt.Errorf("stream %q: want stdout, stderr, log, spindle or probe", s)
		}
	}
	since := v.Get("since_seq")
	if id := r.Header.Get("Last-Event-ID"); id != "" {
		since = id
	}
	if since != "" {
		if q.Since, err = strconv.ParseUint(since, 10, 64); err != nil {
			return q, false, fmt.Errorf("since_seq %q: want a sequence number", since)
		}
	}
	if s := v.Get("tail"); s != "" {
		if q.Tail, err = strconv.Atoi(s); err != nil || q.Tail < 0 {
			return q, false, fmt.Errorf("tail %q: want a number of lines", s)
		}
	}
	if s := v.Get("since"); s != "" {
		d, err := time.ParseDuration(s)
		if err != nil || d < 0 {
			return q, false, fmt.Errorf("since %q: want a duration such as 5m", s)
		}
		q.SinceTime = time.Now().Add(-d)
	}
	if s := v.Get("since_time"); s != "" {
		if q.SinceTime, err = time.Parse(time.RFC3339Nano, s); err != nil {
			return q, false, fmt.Errorf("since_time %q: want RFC 3339", s)
		}
	}
	if s := v.Get("limit"); s != "" {
		if q.Limit, err = strconv.Atoi(s); err != nil || q.Limit < 0 {
			return q, false, fmt.Errorf("limit %q: want a number of lines", s)
		}
	}
	follow = v.Get("follow") == "1" || v.Get("follow") == "true"
	return q, follow, nil
}

// logs handles GET /v1/logs: without follow, one JSON model.LogBatch (what
// the query selects, up to its limit: go on with since_seq = next-1); with
// follow=1, server-sent events: a "log" event per line (its id the line's
// seq, so a reconnecting EventSource resumes by itself), a "gap" event
// ({"count": n}) before lines when n were evicted unread. The stream never
// waits on the engine: a slow client only falls behind, and learns by a gap
// what it missed.
func (a *api) logs(w http.ResponseWriter, r *http.Request) {
	q, follow, err := parseLogsQuery(r)
	if err != nil {
		writeError(w, http.StatusBadRequest, codeBadValue, err.Error())
		return
	}
	rd := a.e.Logs(q)
	if !follow {
		writeJSON(w, "logs", rd.Read())
		return
	}
	rc, deadline, ok := a.openEvents(w)
	if !ok {
		return
	}
	ctx := r.Context()
	beat := time.NewTicker(a.cfg.heartbeat)
	defer beat.Stop()
	var buf []byte
	for {
		changed := rd.Changed() // before Read: a line appended after it wakes us
		b := rd.Read()
		if len(b.Lines) == 0 && b.Gap == 0 {
			if !a.waitLogs(r, changed, beat.C, w, rc, deadline) {
				return
			}
			continue
		}
		buf = appendLogEvents(buf[:0], b)
		deadline()
		if _, err := w.Write(buf); err != nil || rc.Flush() != nil {
			a.cfg.log.Debug("logs client gone", "remote", r.RemoteAddr, "err", err)
			return
		}
		if ctx.Err() != nil {
			return
		}
	}
}

// waitLogs waits for new lines, pinging an idle stream; false: the stream ends.
func (a *api) waitLogs(r *http.Request, changed <-chan struct{}, beat <-chan time.Time, w http.ResponseWriter, rc *http.ResponseController, deadline func()) bool {
	select {
	case <-changed:
		return true
	case <-beat:
		deadline()
		if _, err := w.Write([]byte(": ping\n\n")); err != nil || rc.Flush() != nil {
			return false
		}
		return true
	case <-r.Context().Done():
		return false
	case <-a.done:
		return false
	}
}

// appendLogEvents appends b as SSE events.
func appendLogEvents(buf []byte, b model.LogBatch) []byte {
	if b.Gap > 0 {
		buf = fmt.Appendf(buf, "event: gap\ndata: {\"count\":%d}\n\n", b.Gap)
	}
	for i := range b.Lines {
		data, _ := json.Marshal(&b.Lines[i]) // JSON has no raw newline: one data line
		buf = fmt.Appendf(buf, "id: %d\nevent: log\ndata: %s\n\n", b.Lines[i].Seq, data)
	}
	return buf
}
