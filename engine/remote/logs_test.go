package remote

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/spindle-tui/spindle/engine"
	"github.com/spindle-tui/spindle/model"
)

// logServer serves an engine with a task that Logf's n lines ("line 0" ...)
// and then waits to be halted.
func logServer(t *testing.T, n int, paced bool) (*engine.Engine, *Server, model.TaskID) {
	t.Helper()
	e := newEngine(t)
	m := e.NewManager("m", 1)
	id, err := m.Append("talker", func(ctx context.Context) error {
		for i := range n {
			engine.Logf(ctx, "line %d", i)
			if paced && i%50 == 0 {
				time.Sleep(time.Millisecond)
			}
		}
		<-ctx.Done()
		return engine.ErrHalted
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Run(); err != nil {
		t.Fatal(err)
	}
	s, err := Listen(context.Background(), e, "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return e, s, id
}

// sseLines reads log events from one connection until it has want of them
// (or the stream ends), then drops the connection mid-stream.
func sseLines(t *testing.T, s *Server, id model.TaskID, since uint64, want int) []model.LogEntry {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel() // kills the connection, whatever the server is sending
	url := fmt.Sprintf("http://%s%s?task=%s&stream=log&follow=1&since_seq=%d", s.Addr(), pathLogs, id, since)
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	req.Header.Set("Authorization", "Bearer "+s.Token())
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "text/event-stream" {
		t.Fatalf("GET %s: %s %s", url, resp.Status, resp.Header.Get("Content-Type"))
	}
	var got []model.LogEntry
	sc := bufio.NewScanner(resp.Body)
	for len(got) < want && sc.Scan() {
		if data, ok := bytes.CutPrefix(sc.Bytes(), []byte("data: ")); ok {
			var l model.LogEntry
			if err := json.Unmarshal(data, &l); err != nil {
				t.Fatalf("event %q: %v", data, err)
			}
			got = append(got, l)
		}
	}
	return got
}

// A client that kills its connection mid-stream and reconnects with the last
// seq it saw gets every line once, in order.
func TestLogStreamResumesBySeq(t *testing.T) {
	const n = 3000
	_, s, id := logServer(t, n, true)
	var all []model.LogEntry
	var since uint64
	for _, chunk := range []int{7, 500, 1, 1200, n} {
		if len(all) >= n {
			break
		}
		got := sseLines(t, s, id, since, min(chunk, n-len(all)))
		all = append(all, got...)
		since = all[len(all)-1].Seq
	}
	if len(all) != n {
		t.Fatalf("got %d lines over the reconnects, want %d", len(all), n)
	}
	for i, l := range all {
		if l.Text != fmt.Sprintf("line %d", i) || (i > 0 && l.Seq <= all[i-1].Seq) {
			t.Fatalf("line %d is %q (seq %d after %d)", i, l.Text, l.Seq, all[max(i-1, 0)].Seq)
		}
	}
}

// The client's FollowLogs reconnects by itself: a server that goes away and
// comes back (here: every connection cut by a short write timeout is not
// practical, so the test cuts the client's connections) loses nothing.
func TestFollowLogsAndReadLogs(t *testing.T) {
	const n = 400
	_, s, id := logServer(t, n, false)
	c, err := Dial(context.Background(), s.Addr(), WithClientToken(s.Token()))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	q := model.LogQuery{Tasks: []model.TaskID{id}, Streams: []model.LogStream{model.StreamLog}}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	var got []string
	err = c.FollowLogs(ctx, q, func(b model.LogBatch) error {
		for _, l := range b.Lines {
			got = append(got, l.Text)
		}
		if len(got)%97 == 0 {
			c.http.CloseIdleConnections()
			c.cancelLogStreams()
		}
		if len(got) >= n {
			return errDone
		}
		return nil
	})
	if len(got) != n || got[n-1] != fmt.Sprintf("line %d", n-1) {
		t.Fatalf("followed %d lines (err %v)", len(got), err)
	}
	b, err := c.ReadLogs(ctx, model.LogQuery{Tasks: q.Tasks, Streams: q.Streams, Tail: 3})
	if err != nil || len(b.Lines) != 3 || b.Lines[2].Text != fmt.Sprintf("line %d", n-1) {
		t.Fatalf("ReadLogs tail 3: %+v, %v", b, err)
	}
	if _, err := c.ReadLogs(ctx, model.LogQuery{Streams: []model.LogStream{"nope"}}); err == nil || !strings.Contains(err.Error(), `stream "nope"`) {
		t.Fatalf("a bad stream: %v", err)
	}
}

var errDone = fmt.Errorf("done")

func TestLogsCLI(t *testing.T) {
	_, s, _ := logServer(t, 30, false)
	opts := []ClientOption{WithClientToken(s.Token())}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	tests := []struct {
		name string
		o    LogsOptions
		want string
	}{
		{"by name, tail", LogsOptions{Tasks: []string{"talker"}, Tail: 2}, "line 28\nline 29\n"},
		{"grep", LogsOptions{Tasks: []string{"talker"}, Grep: regexp.MustCompile(`^line 1[0-2]$`)}, "line 10\nline 11\nline 12\n"},
		{"json", LogsOptions{Tasks: []string{"talker"}, Tail: 1, JSON: true}, `"text":"line 29"`},
		{"every task, named", LogsOptions{Tail: 1}, "talker | line 29\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.o.Addr = s.Addr()
			var out strings.Builder
			if err := Logs(ctx, &out, tt.o, opts...); err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(out.String(), tt.want) || (!tt.o.JSON && !strings.HasSuffix(out.String(), tt.want)) {
				t.Fatalf("printed %q, want %q", out.String(), tt.want)
			}
		})
	}
	err := Logs(ctx, &strings.Builder{}, LogsOptions{Addr: s.Addr(), Tasks: []string{"nobody"}}, opts...)
	if err == nil || !strings.Contains(err.Error(), `no task has the id or name "nobody"`) {
		t.Fatalf("an unknown task: %v", err)
	}
	// -f prints what comes and ends with its context.
	fctx, stop := context.WithTimeout(ctx, 300*time.Millisecond)
	defer stop()
	var out strings.Builder
	if err := Logs(fctx, &out, LogsOptions{Addr: s.Addr(), Tasks: []string{"talker"}, Follow: true, Tail: 1}, opts...); err != nil {
		t.Fatal(err)
	}
	if out.String() != "line 29\n" {
		t.Fatalf("-f printed %q", out.String())
	}
}
