package remote

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"maps"
	"math"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"

	"github.com/spindle-tui/spindle/engine"
	"github.com/spindle-tui/spindle/model"
)

// TestMetrics scrapes a served engine with a manager, a pool and pollers and
// checks the exposition parses and carries what the snapshot says.
func TestMetrics(t *testing.T) {
	e := newEngine(t)
	startBlocker(t, e, "stubborn")
	ctx, pool, err := engine.ResolvePool(context.Background(), e, "io")
	if err != nil {
		t.Fatal(err)
	}
	if err := pool.Start(engine.PoolConfig{MaxWorkers: 2, TaskType: "io"}); err != nil {
		t.Fatal(err)
	}
	for range 3 {
		fut, err := pool.Submit(ctx, "io", func(context.Context) error { return nil })
		if err != nil {
			t.Fatal(err)
		}
		if err := fut.Wait(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := pool.Submit(ctx, "cpu", func(context.Context) error { return nil }); err == nil {
		t.Fatal("wrong type accepted")
	}
	ran := make(chan struct{}, 8)
	p := e.NewPoller(`disk "root"`, time.Hour, func(context.Context) (any, error) {
		ran <- struct{}{}
		return nil, errors.New("full")
	})
	if err := p.Start(); err != nil {
		t.Fatal(err)
	}
	<-ran
	for p.Stats().Errors < 1 {
		time.Sleep(time.Millisecond)
	}
	e.NewPoller("idle", time.Hour, nil)

	s := listenT(t, e, "127.0.0.1:0")
	req, _ := http.NewRequest(http.MethodGet, "http://"+s.Addr()+pathMetrics, nil)
	req.Header.Set("Authorization", "Bearer "+s.Token())
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer http.DefaultClient.CloseIdleConnections()
	defer drain(resp)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %s", resp.Status)
	}
	if f := expfmt.ResponseFormat(resp.Header); f.FormatType() != expfmt.TypeTextPlain {
		t.Errorf("content type %q, want the text format", resp.Header.Get("Content-Type"))
	}
	fams := parseExposition(t, resp.Body)
	tests := []struct {
		family string
		labels []string // name, value, ...: the series' whole label set
		want   float64
	}{
		{"spindle_tasks", []string{"group", "crawl", "kind", "manager", "state", "running"}, 1},
		{"spindle_tasks", []string{"group", "crawl", "kind", "manager", "state", "done"}, 0},
		{"spindle_tasks", []string{"group", "io", "kind", "pool", "state", "done"}, 3},
		{"spindle_pool_workers", []string{"pool", "io", "kind", "max"}, 2},
		{"spindle_pool_queued", []string{"pool", "io"}, 0},
		{"spindle_pool_tasks_total", []string{"pool", "io", "result", "submitted"}, 3},
		{"spindle_pool_tasks_total", []string{"pool", "io", "result", "rejected"}, 1},
		{"spindle_pool_tasks_total", []string{"pool", "io", "result", "halted"}, 0},
		{"spindle_tasks", []string{"group", "io", "kind", "pool", "state", "halted"}, 0},
		{"spindle_pollers", []string{"state", "running"}, 1},
		{"spindle_pollers", []string{"state", "idle"}, 1},
		{"spindle_poller_runs_total", []string{"poller", `disk "root"`}, 1},
		{"spindle_poller_errors_total", []string{"poller", `disk "root"`}, 1},
		{"spindle_poller_skipped_total", []string{"poller", `disk "root"`}, 0},
		{"spindle_leaked_goroutines", nil, 0},
	}
	for _, tt := range tests {
		if _, ok := fams[tt.family]; !ok {
			t.Errorf("no family %s", tt.family)
			continue
		}
		if got, ok := sampleValue(fams, tt.family, tt.labels...); !ok || got != tt.want {
			t.Errorf("%s%q = %v (present %v), want %v", tt.family, tt.labels, got, ok, tt.want)
		}
	}
	for name, typ := range map[string]dto.MetricType{
		"spindle_tasks": dto.MetricType_GAUGE, "spindle_pool_tasks_total": dto.MetricType_COUNTER,
		"spindle_poller_delay_seconds": dto.MetricType_GAUGE, "spindle_poller_usage_ratio": dto.MetricType_GAUGE,
		"spindle_poller_runs_total": dto.MetricType_COUNTER,
	} {
		if got := fams[name].GetType(); got != typ {
			t.Errorf("%s type %s, want %s", name, got, typ)
		}
	}
}

// TestMetricsFamilies pins every family's type, help text and label names:
// they are an interface dashboards and the README rely on.
func TestMetricsFamilies(t *testing.T) {
	snap := model.Snapshot{
		Managers: []model.Manager{{Name: "crawl"}},
		Pools:    []model.Pool{{Name: "io"}},
		Pollers:  []model.Poller{{Name: "disk"}},
	}
	fams := parseExposition(t, scrape(t, snap, discardLogger()).Body)
	tests := []struct {
		name   string
		typ    dto.MetricType
		help   string
		labels []string
	}{
		{"spindle_tasks", dto.MetricType_GAUGE,
			"Tasks by current state, per manager or pool (kind). Finished states count every task that ended so.",
			[]string{"group", "kind", "state"}},
		{"spindle_pool_workers", dto.MetricType_GAUGE,
			"Pool workers: busy running a task, and the pool's maximum.", []string{"kind", "pool"}},
		{"spindle_pool_queued", dto.MetricType_GAUGE,
			"Work submitted to a pool and waiting for a worker.", []string{"pool"}},
		{"spindle_pool_tasks_total", dto.MetricType_COUNTER,
			"Pool work by result: submitted, done, failed, halted (halted, killed or dropped before it finished), rejected (wrong task type or pool stopped).",
			[]string{"pool", "result"}},
		{"spindle_pollers", dto.MetricType_GAUGE, "Pollers by state: idle, running, paused, killed.", []string{"state"}},
		{"spindle_poller_runs_total", dto.MetricType_COUNTER, "Poller runs finished.", []string{"poller"}},
		{"spindle_poller_errors_total", dto.MetricType_COUNTER, "Poller runs that failed or timed out.", []string{"poller"}},
		{"spindle_poller_skipped_total", dto.MetricType_COUNTER,
			"Poller ticks skipped because a run overran.", []string{"poller"}},
		{"spindle_poller_delay_seconds", dto.MetricType_GAUGE,
			"How late the poller's last run started against its deadline.", []string{"poller"}},
		{"spindle_poller_usage_ratio", dto.MetricType_GAUGE,
			"Poller busy fraction over its recent periods (can pass 1 with concurrency above 1).", []string{"poller"}},
		{"spindle_leaked_goroutines", dto.MetricType_GAUGE,
			"Goroutines killed but not returned (abandoned); Go cannot stop them.", nil},
	}
	if len(fams) != len(tests) {
		t.Errorf("%d families, want %d", len(fams), len(tests))
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, ok := fams[tt.name]
			if !ok {
				t.Fatal("missing")
			}
			if f.GetType() != tt.typ || f.GetHelp() != tt.help {
				t.Errorf("type %s help %q, want %s %q", f.GetType(), f.GetHelp(), tt.typ, tt.help)
			}
			for _, m := range f.GetMetric() {
				var names []string
				for _, l := range m.GetLabel() {
					names = append(names, l.GetName())
				}
				if !slices.Equal(names, tt.labels) {
					t.Errorf("labels %q, want %q", names, tt.labels)
				}
			}
		})
	}
}

// TestMetricsUntrustedNames checks that names users chose are escaped, that
// special values survive, and that a bad series costs only itself, never the
// scrape.
func TestMetricsUntrustedNames(t *testing.T) {
	tests := []struct {
		name    string
		pollers []model.Poller
		line    string // a line the exposition must hold, verbatim
		poller  string // the poller label to look up after parsing
		want    float64
		logged  bool // whether the scrape logs an error
	}{
		{"escaped", []model.Poller{{Name: "q\"b\\n\nl", Usage: math.Inf(1)}},
			`spindle_poller_usage_ratio{poller="q\"b\\n\nl"} +Inf`, "q\"b\\n\nl", math.Inf(1), false},
		{"nan", []model.Poller{{Name: "nan", Usage: math.NaN()}},
			`spindle_poller_usage_ratio{poller="nan"} NaN`, "nan", math.NaN(), false},
		{"fraction", []model.Poller{{Name: "quarter", Usage: 0.25}},
			`spindle_poller_usage_ratio{poller="quarter"} 0.25`, "quarter", 0.25, false},
		{"invalid utf-8", []model.Poller{{Name: "bad\xff", Usage: 1}},
			"spindle_poller_usage_ratio{poller=\"bad\uFFFD\"} 1", "bad\uFFFD", 1, false},
		{"duplicate", []model.Poller{{Name: "twin", Usage: 0.5}, {Name: "twin", Usage: 0.5}},
			`spindle_leaked_goroutines 0`, "twin", 0.5, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var logs bytes.Buffer
			log := slog.New(slog.NewTextHandler(&logs, nil))
			rec := scrape(t, model.Snapshot{Pollers: tt.pollers}, log)
			if rec.Code != http.StatusOK {
				t.Fatalf("status %d: %s", rec.Code, rec.Body)
			}
			text := rec.Body.String()
			if !slices.Contains(strings.Split(text, "\n"), tt.line) {
				t.Errorf("no line %s in\n%s", tt.line, text)
			}
			fams := parseExposition(t, strings.NewReader(text))
			got, ok := sampleValue(fams, "spindle_poller_usage_ratio", "poller", tt.poller)
			if !ok || !(got == tt.want || math.IsNaN(got) && math.IsNaN(tt.want)) {
				t.Errorf("usage %v (present %v), want %v", got, ok, tt.want)
			}
			if logged := logs.Len() > 0; logged != tt.logged {
				t.Errorf("logged %v, want %v: %s", logged, tt.logged, logs.String())
			}
		})
	}
}

// scrape serves GET /metrics of snap to a recorder, logging to log.
func scrape(t *testing.T, snap model.Snapshot, log *slog.Logger) *httptest.ResponseRecorder {
	t.Helper()
	rec := httptest.NewRecorder()
	newMetricsHandler(func() model.Snapshot { return snap }, log).
		ServeHTTP(rec, httptest.NewRequest(http.MethodGet, pathMetrics, nil))
	return rec
}

// parseExposition reads the text exposition with Prometheus' own parser, which
// is strict: it fails on bad names, bad escapes, repeated HELP or TYPE, and a
// family's samples not kept together.
func parseExposition(t *testing.T, r io.Reader) map[string]*dto.MetricFamily {
	t.Helper()
	var p expfmt.TextParser
	fams, err := p.TextToMetricFamilies(r)
	if err != nil {
		t.Fatalf("exposition does not parse: %v", err)
	}
	return fams
}

// sampleValue returns the value of the series of family whose label set is
// exactly labels (name, value, ...), in any order.
func sampleValue(fams map[string]*dto.MetricFamily, family string, labels ...string) (float64, bool) {
	want := map[string]string{}
	for i := 0; i+1 < len(labels); i += 2 {
		want[labels[i]] = labels[i+1]
	}
	for _, m := range fams[family].GetMetric() {
		got := map[string]string{}
		for _, l := range m.GetLabel() {
			got[l.GetName()] = l.GetValue()
		}
		if !maps.Equal(got, want) {
			continue
		}
		switch {
		case m.Gauge != nil:
			return m.GetGauge().GetValue(), true
		case m.Counter != nil:
			return m.GetCounter().GetValue(), true
		default:
			return m.GetUntyped().GetValue(), true
		}
	}
	return 0, false
}
