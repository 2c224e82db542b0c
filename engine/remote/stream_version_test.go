package remote

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/spindle-tui/spindle/model"
)

// TestStreamVersion: the server answers its version on every stream request
// and refuses a client of another one (an old client sends no header) with a
// message naming both and the side to upgrade.
func TestStreamVersion(t *testing.T) {
	e := newEngine(t)
	srv := httptest.NewServer(Handler(e))
	defer srv.Close()
	tests := []struct {
		name, header string // header "": none sent
		status       int
		want         string // in the error message, or the first event's name
	}{
		{"an old client sends none", "", http.StatusBadRequest, "spindle server speaks stream v2, this client v1: upgrade the client"},
		{"a newer client", "3", http.StatusBadRequest, "spindle server speaks stream v2, this client v3: upgrade the server"},
		{"not a number", "two", http.StatusBadRequest, `spindle server speaks stream v2; this client sent Spindle-Stream "two", not a version`},
		{"this version", "2", http.StatusOK, "full"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			resp := streamGet(t, ctx, srv.URL, tt.header)
			defer resp.Body.Close()
			if resp.StatusCode != tt.status || resp.Header.Get(headerStreamVersion) != "2" {
				t.Fatalf("status %d, %s %q; want %d, \"2\"", resp.StatusCode, headerStreamVersion, resp.Header.Get(headerStreamVersion), tt.status)
			}
			if tt.status != http.StatusOK {
				var body errorBody
				if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
					t.Fatal(err)
				}
				if body.Code != codeStreamVersion || body.Error != tt.want {
					t.Errorf("got %+v, want code %s and %q", body, codeStreamVersion, tt.want)
				}
				return
			}
			name, _, err := newEventReader(resp.Body).next(func() {})
			if err != nil || name != tt.want {
				t.Errorf("first event %q (%v), want %q", name, err, tt.want)
			}
		})
	}
}

// streamGet opens GET /v1/stream at base, sending version (none when "").
func streamGet(t *testing.T, ctx context.Context, base, version string) *http.Response {
	t.Helper()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+pathStream, nil)
	if err != nil {
		t.Fatal(err)
	}
	if version != "" {
		req.Header.Set(headerStreamVersion, version)
	}
	resp, err := testHTTP(t).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	return resp
}

// testHTTP returns an HTTP client whose idle connections are closed at the
// end of the test (no goroutine outlives it).
func testHTTP(t *testing.T) *http.Client {
	tr := &http.Transport{}
	t.Cleanup(tr.CloseIdleConnections)
	return &http.Client{Transport: tr}
}

// fakeServer serves /healthz and /v1/snapshot like a spindle server, and
// /v1/stream with stream; it counts stream connections.
func fakeServer(t *testing.T, stream http.HandlerFunc) (*httptest.Server, *atomic.Int32) {
	t.Helper()
	var conns atomic.Int32
	mux := http.NewServeMux()
	mux.HandleFunc("GET "+pathHealth, func(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, "ok\n") })
	mux.HandleFunc("GET "+pathSnapshot, func(w http.ResponseWriter, _ *http.Request) {
		_ = json.NewEncoder(w).Encode(model.Snapshot{Seq: 1, Source: "fake"})
	})
	mux.HandleFunc("GET "+pathStream, func(w http.ResponseWriter, r *http.Request) {
		conns.Add(1)
		stream(w, r)
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv, &conns
}

// sse writes events to w and flushes; each is a name and its data.
func sse(w http.ResponseWriter, events ...string) {
	for i := 0; i+1 < len(events); i += 2 {
		fmt.Fprintf(w, "event: %s\ndata: %s\n\n", events[i], events[i+1])
	}
	w.(http.Flusher).Flush()
}

// TestClientStreamVersion: a client against a server of another version
// says so in SourceError (and keeps retrying: the server may be upgraded),
// never misreads its events.
func TestClientStreamVersion(t *testing.T) {
	v1 := func(w http.ResponseWriter, r *http.Request) { // spindle before v2: no header, whole snapshots
		w.Header().Set("Content-Type", "text/event-stream")
		sse(w, "snapshot", `{"seq":5,"source":"old"}`)
		<-r.Context().Done()
	}
	v3 := func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set(headerStreamVersion, "3")
		sse(w, "full", `{"seq":5,"source":"new"}`)
		<-r.Context().Done()
	}
	v3Refuses := func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set(headerStreamVersion, "3")
		err := &VersionError{Server: 3, Client: parseStreamVersion(r.Header.Get(headerStreamVersion))}
		writeError(w, http.StatusBadRequest, codeStreamVersion, err.Error())
	}
	tests := []struct {
		name   string
		stream http.HandlerFunc
		want   string // ADDR: the server's address
	}{
		{"an old server", v1, "spindle server at ADDR speaks stream v1, this client v2: upgrade the server"},
		{"a newer server", v3, "spindle server at ADDR speaks stream v3, this client v2: upgrade the client"},
		{"a newer server refusing", v3Refuses, "spindle server speaks stream v3, this client v2: upgrade the client"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, _ := fakeServer(t, tt.stream)
			addr := strings.TrimPrefix(srv.URL, "http://")
			c, err := Dial(context.Background(), addr, withBackoff(time.Hour, time.Hour))
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			ch, cancel := c.Subscribe()
			defer cancel()
			snap := next(t, ch, "the error", func(s model.Snapshot) bool { return s.SourceError != "" })
			if snap.Seq != 0 || snap.Source == "old" || snap.Source == "new" {
				t.Errorf("the client read a snapshot of another version: %+v", snap)
			}
			want := strings.ReplaceAll(tt.want, "ADDR", addr)
			if !strings.HasPrefix(snap.SourceError, want+"; retrying in ") {
				t.Errorf("SourceError %q\nwant %q and the retry", snap.SourceError, want)
			}
		})
	}
}

// TestStreamResync: a delta that does not fit what the client has (here
// against another base) makes it reconnect at once for a full snapshot,
// without showing an error, and it never hands out a wrong picture.
func TestStreamResync(t *testing.T) {
	var first atomic.Bool
	srv, conns := fakeServer(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set(headerStreamVersion, "2")
		if first.CompareAndSwap(false, true) {
			sse(w, "full", `{"seq":5,"source":"first"}`, "delta", `{"base":4,"top":{"seq":6,"source":"wrong"}}`)
		} else {
			sse(w, "full", `{"seq":9,"source":"second"}`)
		}
		<-r.Context().Done()
	})
	c, err := Dial(context.Background(), strings.TrimPrefix(srv.URL, "http://"), withBackoff(time.Hour, time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	ch, cancel := c.Subscribe()
	defer cancel()
	next(t, ch, "the second connection's snapshot", func(s model.Snapshot) bool {
		if s.SourceError != "" || s.Source == "wrong" {
			t.Fatalf("got %+v", s)
		}
		return s.Source == "second"
	})
	if n := conns.Load(); n != 2 {
		t.Errorf("%d stream connections, want 2", n)
	}
}

// TestStreamEventsAfterFull: on a live engine a stream starts with the whole
// snapshot and goes on with deltas, each far smaller than it.
func TestStreamEventsAfterFull(t *testing.T) {
	e := newEngine(t)
	m := e.NewManager("done", 200)
	for i := range 200 {
		if _, err := m.Append(fmt.Sprintf("finished %d", i), func(context.Context) error { return nil }); err != nil {
			t.Fatal(err)
		}
	}
	if err := m.Run(); err != nil {
		t.Fatal(err)
	}
	// Finished first: 200 tasks ending while the stream runs would be a
	// delta of 200 changed rows, as it should.
	waitFor(t, "200 tasks done", func() bool { return e.Snapshot().Counts[model.StateDone] == 200 })
	ticking(t, e, 2)
	srv := httptest.NewServer(Handler(e))
	defer srv.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	resp := streamGet(t, ctx, srv.URL, "2")
	defer resp.Body.Close()
	er := &eventReader{r: bufio.NewReaderSize(resp.Body, 64<<10)}
	name, data, err := er.next(func() {})
	if err != nil || name != "full" {
		t.Fatalf("first event %q: %v", name, err)
	}
	full := len(data)
	for i := range 20 {
		name, data, err := er.next(func() {})
		if err != nil {
			t.Fatal(err)
		}
		if name != "delta" || len(data) > full/10 {
			t.Fatalf("event %d: %q of %d bytes, the full snapshot %d", i, name, len(data), full)
		}
	}
}
