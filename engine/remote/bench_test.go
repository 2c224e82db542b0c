package remote

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/spindle-tui/spindle/model"
)

// BenchmarkApplyRoundTrip measures one command through the client, the Unix
// socket, the server and the engine (a refused one: the engine does no work).
func BenchmarkApplyRoundTrip(b *testing.B) {
	e := newEngine(b)
	s := listenT(b, e, shortSocket(b))
	c := dialT(b, s)
	cmd := model.Command{Op: model.OpHalt, Target: "t404"}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if err := c.Apply(ctx, cmd); err == nil {
			b.Fatal("no error")
		}
	}
}

// BenchmarkMetrics measures a scrape of /metrics (collecting, gathering and
// encoding the exposition) of a snapshot with 20 managers, 20 pools and 100
// pollers.
func BenchmarkMetrics(b *testing.B) {
	s := bigSnapshot(0)
	for i := range 20 {
		s.Managers = append(s.Managers, model.Manager{Name: fmt.Sprintf("m%d", i)})
		s.Pools = append(s.Pools, model.Pool{Name: fmt.Sprintf("p%d", i)})
	}
	for i := range 100 {
		s.Pollers = append(s.Pollers, model.Poller{Name: fmt.Sprintf("poller %d", i), Alive: true, Started: true})
	}
	h := newMetricsHandler(func() model.Snapshot { return s }, discardLogger())
	req := httptest.NewRequest(http.MethodGet, pathMetrics, nil)
	w := &discardResponse{}
	b.ReportAllocs()
	for b.Loop() {
		h.ServeHTTP(w, req)
	}
}

// bigSnapshot returns a snapshot of n running tasks.
func bigSnapshot(n int) model.Snapshot {
	now := time.Now()
	s := model.Snapshot{Seq: 1, Time: now, Source: "bench"}
	for i := range n {
		s.Tasks = append(s.Tasks, model.Task{ID: model.TaskID(fmt.Sprintf("t%d", i)), Name: "fetch page",
			Group: "crawl", State: model.StateRunning, Created: now, Started: now, Done: 3, Total: 10})
	}
	return s
}

// discardResponse is an http.ResponseWriter that drops what it is given.
type discardResponse struct{}

func (*discardResponse) Header() http.Header         { return http.Header{} }
func (*discardResponse) WriteHeader(int)             {}
func (*discardResponse) Write(p []byte) (int, error) { return len(p), nil }
