package remote

import (
	"bufio"
	"math"
	"net/http"
	"strconv"
	"strings"

	"github.com/spindle-tui/spindle/model"
)

// metricsContentType is the Prometheus text exposition format, version 0.0.4.
const metricsContentType = "text/plain; version=0.0.4; charset=utf-8"

// metricFamily is one metric name with its help, type and samples: what a
// Prometheus collector yields, built fresh from a snapshot on every scrape so
// the engine keeps no metric state of its own.
type metricFamily struct {
	name, help, typ string // typ: "gauge" or "counter"
	samples         []metricSample
}

// metricSample is one series of a family.
type metricSample struct {
	labels []string // name, value, name, value, ...
	value  float64
}

func (f *metricFamily) add(v float64, labels ...string) {
	f.samples = append(f.samples, metricSample{labels: labels, value: v})
}

// collectMetrics turns a snapshot into metric families. Names are stable; a
// family with no samples is left out.
func collectMetrics(s *model.Snapshot) []*metricFamily {
	tasks := &metricFamily{name: "spindle_tasks", typ: "gauge",
		help: "Tasks by current state, per manager or pool (kind). Finished states count every task that ended so."}
	for _, m := range s.Managers {
		for st, n := range m.Counts {
			tasks.add(float64(n), "group", m.Name, "kind", "manager", "state", model.State(st).String())
		}
	}
	for _, p := range s.Pools {
		tasks.add(float64(p.Busy), "group", p.Name, "kind", "pool", "state", model.StateRunning.String())
		tasks.add(float64(p.Queued), "group", p.Name, "kind", "pool", "state", model.StateQueued.String())
		tasks.add(float64(p.Done), "group", p.Name, "kind", "pool", "state", model.StateDone.String())
		tasks.add(float64(p.Failed), "group", p.Name, "kind", "pool", "state", model.StateFailed.String())
	}

	workers := &metricFamily{name: "spindle_pool_workers", typ: "gauge",
		help: "Pool workers: busy running a task, and the pool's maximum."}
	queued := &metricFamily{name: "spindle_pool_queued", typ: "gauge",
		help: "Work submitted to a pool and waiting for a worker."}
	poolTotals := &metricFamily{name: "spindle_pool_tasks_total", typ: "counter",
		help: "Pool work by result: submitted, done, failed, rejected (wrong task type or pool stopped)."}
	for _, p := range s.Pools {
		workers.add(float64(p.Busy), "pool", p.Name, "kind", "busy")
		workers.add(float64(p.MaxWorkers), "pool", p.Name, "kind", "max")
		queued.add(float64(p.Queued), "pool", p.Name)
		poolTotals.add(float64(p.Submitted), "pool", p.Name, "result", "submitted")
		poolTotals.add(float64(p.Done), "pool", p.Name, "result", "done")
		poolTotals.add(float64(p.Failed), "pool", p.Name, "result", "failed")
		poolTotals.add(float64(p.Rejected), "pool", p.Name, "result", "rejected")
	}

	pollers := &metricFamily{name: "spindle_pollers", typ: "gauge",
		help: "Pollers by state: idle, running, paused, killed."}
	pollerStates := map[string]int{"idle": 0, "running": 0, "paused": 0, "killed": 0}
	runs := &metricFamily{name: "spindle_poller_runs_total", typ: "counter", help: "Poller runs finished."}
	errs := &metricFamily{name: "spindle_poller_errors_total", typ: "counter", help: "Poller runs that failed or timed out."}
	skipped := &metricFamily{name: "spindle_poller_skipped_total", typ: "counter", help: "Poller ticks skipped because a run overran."}
	delay := &metricFamily{name: "spindle_poller_delay_seconds", typ: "gauge", help: "How late the poller's last run started against its deadline."}
	usage := &metricFamily{name: "spindle_poller_usage_ratio", typ: "gauge", help: "Poller busy fraction over its recent periods (can pass 1 with concurrency above 1)."}
	for i := range s.Pollers {
		p := &s.Pollers[i]
		pollerStates[p.PollerState()]++
		runs.add(float64(p.Count), "poller", p.Name)
		errs.add(float64(p.Errors), "poller", p.Name)
		skipped.add(float64(p.Skipped), "poller", p.Name)
		delay.add(p.Delay.Seconds(), "poller", p.Name)
		usage.add(p.Usage, "poller", p.Name)
	}
	for _, st := range []string{"idle", "running", "paused", "killed"} {
		pollers.add(float64(pollerStates[st]), "state", st)
	}

	leaked := &metricFamily{name: "spindle_leaked_goroutines", typ: "gauge",
		help: "Goroutines killed but not returned (abandoned); Go cannot stop them."}
	leaked.add(float64(s.Leaked))

	return []*metricFamily{tasks, workers, queued, poolTotals, pollers, runs, errs, skipped, delay, usage, leaked}
}

// metrics handles GET /metrics.
func (a *api) metrics(w http.ResponseWriter, _ *http.Request) {
	s := a.e.Snapshot()
	w.Header().Set("Content-Type", metricsContentType)
	bw := bufio.NewWriter(w)
	writeMetrics(bw, collectMetrics(&s))
	_ = bw.Flush()
}

// writeMetrics writes fams in the Prometheus text exposition format 0.0.4.
func writeMetrics(w *bufio.Writer, fams []*metricFamily) {
	for _, f := range fams {
		if len(f.samples) == 0 {
			continue
		}
		w.WriteString("# HELP " + f.name + " " + escapeHelp(f.help) + "\n")
		w.WriteString("# TYPE " + f.name + " " + f.typ + "\n")
		for _, s := range f.samples {
			w.WriteString(f.name)
			if len(s.labels) > 0 {
				w.WriteByte('{')
				for i := 0; i+1 < len(s.labels); i += 2 {
					if i > 0 {
						w.WriteByte(',')
					}
					w.WriteString(s.labels[i] + `="` + escapeLabel(s.labels[i+1]) + `"`)
				}
				w.WriteByte('}')
			}
			w.WriteByte(' ')
			w.WriteString(formatValue(s.value))
			w.WriteByte('\n')
		}
	}
}

var (
	helpEscaper  = strings.NewReplacer(`\`, `\\`, "\n", `\n`)
	labelEscaper = strings.NewReplacer(`\`, `\\`, "\n", `\n`, `"`, `\"`)
)

func escapeHelp(s string) string  { return helpEscaper.Replace(s) }
func escapeLabel(s string) string { return labelEscaper.Replace(s) }

// formatValue writes v as the format wants: shortest float, +Inf, -Inf, NaN.
func formatValue(v float64) string {
	switch {
	case math.IsInf(v, 1):
		return "+Inf"
	case math.IsInf(v, -1):
		return "-Inf"
	case math.IsNaN(v):
		return "NaN"
	}
	return strconv.FormatFloat(v, 'g', -1, 64)
}
