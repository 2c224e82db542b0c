package remote

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/spindle-tui/spindle/engine"
	"github.com/spindle-tui/spindle/model"
)

// TestMetrics scrapes a served engine with a manager, a pool and pollers and
// checks the exposition parses and carries what the snapshot says.
func TestMetrics(t *testing.T) {
	e := newEngine(t)
	id := startBlocker(t, e, "stubborn")
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
	if ct := resp.Header.Get("Content-Type"); ct != metricsContentType {
		t.Errorf("content type %q", ct)
	}
	fams, err := parseExposition(resp.Body)
	if err != nil {
		t.Fatalf("exposition does not parse: %v", err)
	}
	_ = id
	tests := []struct {
		family string
		labels string
		want   float64
	}{
		{"spindle_tasks", `group="crawl",kind="manager",state="running"`, 1},
		{"spindle_tasks", `group="crawl",kind="manager",state="done"`, 0},
		{"spindle_tasks", `group="io",kind="pool",state="done"`, 3},
		{"spindle_pool_workers", `pool="io",kind="max"`, 2},
		{"spindle_pool_queued", `pool="io"`, 0},
		{"spindle_pool_tasks_total", `pool="io",result="submitted"`, 3},
		{"spindle_pool_tasks_total", `pool="io",result="rejected"`, 1},
		{"spindle_pollers", `state="running"`, 1},
		{"spindle_pollers", `state="idle"`, 1},
		{"spindle_poller_runs_total", `poller="disk \"root\""`, 1},
		{"spindle_poller_errors_total", `poller="disk \"root\""`, 1},
		{"spindle_poller_skipped_total", `poller="disk \"root\""`, 0},
		{"spindle_leaked_goroutines", ``, 0},
	}
	for _, tt := range tests {
		f, ok := fams[tt.family]
		if !ok {
			t.Errorf("no family %s", tt.family)
			continue
		}
		if got, ok := f.samples[tt.labels]; !ok || got != tt.want {
			t.Errorf("%s{%s} = %v (present %v), want %v", tt.family, tt.labels, got, ok, tt.want)
		}
	}
	for name, typ := range map[string]string{
		"spindle_tasks": "gauge", "spindle_pool_tasks_total": "counter", "spindle_poller_delay_seconds": "gauge",
		"spindle_poller_usage_ratio": "gauge", "spindle_poller_runs_total": "counter",
	} {
		if fams[name].typ != typ {
			t.Errorf("%s type %q, want %s", name, fams[name].typ, typ)
		}
	}
}

// TestWriteMetricsEscaping checks label escaping and special values.
func TestWriteMetricsEscaping(t *testing.T) {
	f := &metricFamily{name: "x", typ: "gauge", help: "a\\b\nc"}
	f.add(math.Inf(1), "l", "q\"b\\n\nl")
	f.add(math.NaN(), "l", "nan")
	f.add(0.25, "l", "quarter")
	var b strings.Builder
	w := bufio.NewWriter(&b)
	writeMetrics(w, []*metricFamily{f, {name: "empty", typ: "gauge"}})
	_ = w.Flush()
	want := "# HELP x a\\\\b\\nc\n# TYPE x gauge\nx{l=\"q\\\"b\\\\n\\nl\"} +Inf\nx{l=\"nan\"} NaN\nx{l=\"quarter\"} 0.25\n"
	if b.String() != want {
		t.Errorf("got\n%s\nwant\n%s", b.String(), want)
	}
	fams, err := parseExposition(strings.NewReader(b.String()))
	if err != nil {
		t.Fatal(err)
	}
	if v := fams["x"].samples[`l="q\"b\\n\nl"`]; !math.IsInf(v, 1) {
		t.Errorf("parsed %v", v)
	}
	_ = model.StateDone
}

// parsedFamily is one family as parseExposition reads it; samples are keyed by
// their label text as written.
type parsedFamily struct {
	typ     string
	help    string
	samples map[string]float64
}

var (
	metricName = regexp.MustCompile(`^[a-zA-Z_:][a-zA-Z0-9_:]*$`)
	labelName  = regexp.MustCompile(`^[a-zA-Z_][a-zA-Z0-9_]*$`)
)

// parseExposition is a strict reader of the Prometheus text format 0.0.4 (the
// client libraries' parser cannot be built here): HELP and TYPE once per
// family and before its samples, valid names, well-formed and escaped label
// values, float values, no duplicate series, a family's samples together.
func parseExposition(r io.Reader) (map[string]*parsedFamily, error) {
	fams := map[string]*parsedFamily{}
	done := map[string]bool{} // families whose samples are over
	current := ""
	family := func(name string) *parsedFamily {
		f := fams[name]
		if f == nil {
			f = &parsedFamily{samples: map[string]float64{}}
			fams[name] = f
		}
		return f
	}
	sc := bufio.NewScanner(r)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		fail := func(format string, args ...any) error {
			return fmt.Errorf("line %d %q: %s", n, line, fmt.Sprintf(format, args...))
		}
		if strings.HasPrefix(line, "#") {
			parts := strings.SplitN(line, " ", 4)
			if len(parts) < 3 || (parts[1] != "HELP" && parts[1] != "TYPE") {
				continue // a plain comment
			}
			name := parts[2]
			if !metricName.MatchString(name) || done[name] {
				return nil, fail("bad or repeated family %q", name)
			}
			f := family(name)
			if len(f.samples) > 0 {
				return nil, fail("%s after samples", parts[1])
			}
			if parts[1] == "TYPE" {
				if f.typ != "" || len(parts) != 4 {
					return nil, fail("repeated or empty TYPE")
				}
				switch parts[3] {
				case "gauge", "counter", "untyped", "summary", "histogram":
				default:
					return nil, fail("bad type %q", parts[3])
				}
				f.typ = parts[3]
			} else if len(parts) == 4 {
				f.help = parts[3]
			}
			if current != "" && current != name {
				done[current] = true
			}
			current = name
			continue
		}
		if line == "" {
			continue
		}
		name, rest, labels := line, "", ""
		if i := strings.IndexAny(line, "{ "); i >= 0 {
			name, rest = line[:i], line[i:]
		}
		if !metricName.MatchString(name) || done[name] {
			return nil, fail("bad name, or samples not together")
		}
		if strings.HasPrefix(rest, "{") {
			end, err := scanLabels(rest)
			if err != nil {
				return nil, fail("%v", err)
			}
			labels, rest = rest[1:end], rest[end+1:]
		}
		fields := strings.Fields(rest)
		if len(fields) < 1 || len(fields) > 2 || !strings.HasPrefix(rest, " ") {
			return nil, fail("want one value (and a timestamp)")
		}
		v, err := strconv.ParseFloat(fields[0], 64)
		if err != nil {
			return nil, fail("bad value: %v", err)
		}
		if current != "" && current != name {
			done[current] = true
		}
		current = name
		f := family(name)
		if _, dup := f.samples[labels]; dup {
			return nil, fail("duplicate series")
		}
		f.samples[labels] = v
	}
	return fams, sc.Err()
}

// scanLabels checks `{name="value",...}` at the start of s and returns the
// index of its closing brace.
func scanLabels(s string) (int, error) {
	i := 1
	seen := map[string]bool{}
	for {
		if s[i] == '}' {
			return i, nil
		}
		eq := strings.IndexByte(s[i:], '=')
		if eq < 0 {
			return 0, errors.New("label without =")
		}
		name := s[i : i+eq]
		if !labelName.MatchString(name) || seen[name] {
			return 0, fmt.Errorf("bad or repeated label name %q", name)
		}
		seen[name] = true
		i += eq + 1
		if i >= len(s) || s[i] != '"' {
			return 0, errors.New("label value not quoted")
		}
		for i++; ; i++ {
			if i >= len(s) {
				return 0, errors.New("unterminated label value")
			}
			if s[i] == '\\' {
				i++
				if i >= len(s) || !strings.ContainsRune(`\"n`, rune(s[i])) {
					return 0, errors.New("bad escape")
				}
				continue
			}
			if s[i] == '"' {
				break
			}
		}
		i++
		if i < len(s) && s[i] == ',' {
			i++
		}
		if i >= len(s) {
			return 0, errors.New("unterminated labels")
		}
	}
}
