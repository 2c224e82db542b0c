package remote

import (
	"log/slog"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/spindle-tui/spindle/model"
)

// pollerStates are the values of spindle_pollers' state label, in the order
// model.Poller.PollerState can return them. Every state is exposed, zero or
// not, so a dashboard sees a series go to 0 rather than vanish.
var pollerStates = [...]string{"idle", "running", "paused", "killed"}

// snapshotCollector is a prometheus.Collector that takes one snapshot per
// scrape and turns it into const metrics: the engine keeps no metric state of
// its own, and every family of one scrape describes the same instant.
type snapshotCollector struct {
	snapshot func() model.Snapshot

	tasks, workers, queued, poolTotals         *prometheus.Desc
	pollers, runs, errs, skipped, delay, usage *prometheus.Desc
	leaked                                     *prometheus.Desc
}

// newSnapshotCollector describes spindle's metrics. Their names, labels, types
// and help texts are a stable interface (dashboards and the README use them).
func newSnapshotCollector(snapshot func() model.Snapshot) *snapshotCollector {
	d := prometheus.NewDesc
	return &snapshotCollector{
		snapshot: snapshot,
		tasks: d("spindle_tasks",
			"Tasks by current state, per manager or pool (kind). Finished states count every task that ended so.",
			[]string{"group", "kind", "state"}, nil),
		workers: d("spindle_pool_workers",
			"Pool workers: busy running a task, and the pool's maximum.",
			[]string{"pool", "kind"}, nil),
		queued: d("spindle_pool_queued",
			"Work submitted to a pool and waiting for a worker.",
			[]string{"pool"}, nil),
		poolTotals: d("spindle_pool_tasks_total",
			"Pool work by result: submitted, done, failed, halted (halted, killed or dropped before it finished), rejected (wrong task type or pool stopped).",
			[]string{"pool", "result"}, nil),
		pollers: d("spindle_pollers",
			"Pollers by state: idle, running, paused, killed.",
			[]string{"state"}, nil),
		runs: d("spindle_poller_runs_total",
			"Poller runs finished.",
			[]string{"poller"}, nil),
		errs: d("spindle_poller_errors_total",
			"Poller runs that failed or timed out.",
			[]string{"poller"}, nil),
		skipped: d("spindle_poller_skipped_total",
			"Poller ticks skipped because a run overran.",
			[]string{"poller"}, nil),
		delay: d("spindle_poller_delay_seconds",
			"How late the poller's last run started against its deadline.",
			[]string{"poller"}, nil),
		usage: d("spindle_poller_usage_ratio",
			"Poller busy fraction over its recent periods (can pass 1 with concurrency above 1).",
			[]string{"poller"}, nil),
		leaked: d("spindle_leaked_goroutines",
			"Goroutines killed but not returned (abandoned); Go cannot stop them.",
			nil, nil),
	}
}

// Describe sends every metric's description, making this a checked collector.
func (c *snapshotCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{c.tasks, c.workers, c.queued, c.poolTotals,
		c.pollers, c.runs, c.errs, c.skipped, c.delay, c.usage, c.leaked} {
		ch <- d
	}
}

// Collect takes one snapshot and sends its metrics.
func (c *snapshotCollector) Collect(ch chan<- prometheus.Metric) {
	s := c.snapshot()
	gauge := func(d *prometheus.Desc, v float64, labels ...string) {
		ch <- constMetric(d, prometheus.GaugeValue, v, labels)
	}
	counter := func(d *prometheus.Desc, v float64, labels ...string) {
		ch <- constMetric(d, prometheus.CounterValue, v, labels)
	}

	for _, m := range s.Managers {
		for st, n := range m.Counts {
			gauge(c.tasks, float64(n), m.Name, "manager", model.State(st).String())
		}
	}
	for _, p := range s.Pools {
		gauge(c.tasks, float64(p.Busy), p.Name, "pool", model.StateRunning.String())
		gauge(c.tasks, float64(p.Queued), p.Name, "pool", model.StateQueued.String())
		gauge(c.tasks, float64(p.Done), p.Name, "pool", model.StateDone.String())
		gauge(c.tasks, float64(p.Failed), p.Name, "pool", model.StateFailed.String())
		gauge(c.tasks, float64(p.Halted), p.Name, "pool", model.StateHalted.String())

		gauge(c.workers, float64(p.Busy), p.Name, "busy")
		gauge(c.workers, float64(p.MaxWorkers), p.Name, "max")
		gauge(c.queued, float64(p.Queued), p.Name)
		counter(c.poolTotals, float64(p.Submitted), p.Name, "submitted")
		counter(c.poolTotals, float64(p.Done), p.Name, "done")
		counter(c.poolTotals, float64(p.Failed), p.Name, "failed")
		counter(c.poolTotals, float64(p.Halted), p.Name, "halted")
		counter(c.poolTotals, float64(p.Rejected), p.Name, "rejected")
	}

	var states [len(pollerStates)]int
	for i := range s.Pollers {
		p := &s.Pollers[i]
		st := p.PollerState()
		for j, name := range pollerStates {
			if st == name {
				states[j]++
			}
		}
		counter(c.runs, float64(p.Count), p.Name)
		counter(c.errs, float64(p.Errors), p.Name)
		counter(c.skipped, float64(p.Skipped), p.Name)
		gauge(c.delay, p.Delay.Seconds(), p.Name)
		gauge(c.usage, p.Usage, p.Name)
	}
	for j, st := range pollerStates {
		gauge(c.pollers, float64(states[j]), st)
	}

	gauge(c.leaked, float64(s.Leaked))
}

// constMetric builds one sample. Label values are names users chose, so they
// are not trusted to be UTF-8 (which the exposition requires): bad bytes become
// U+FFFD instead of panicking in a scrape. Any other error (a label count that
// does not match d, a bug) is reported through the scrape's error handling.
func constMetric(d *prometheus.Desc, typ prometheus.ValueType, v float64, labels []string) prometheus.Metric {
	for i, l := range labels {
		if !utf8.ValidString(l) {
			labels[i] = strings.ToValidUTF8(l, "\uFFFD")
		}
	}
	m, err := prometheus.NewConstMetric(d, typ, v, labels...)
	if err != nil {
		return prometheus.NewInvalidMetric(d, err)
	}
	return m
}

// newMetricsHandler serves the metrics of snapshot in the Prometheus
// exposition formats, from a registry of its own: nothing global, and no Go
// runtime or process collectors, since a host embedding Handler exposes its
// own and the two would clash. A failing series (see constMetric) is logged
// and left out; the rest of the scrape is still served.
func newMetricsHandler(snapshot func() model.Snapshot, log *slog.Logger) http.Handler {
	reg := prometheus.NewRegistry()
	reg.MustRegister(newSnapshotCollector(snapshot))
	return promhttp.HandlerFor(reg, promhttp.HandlerOpts{
		ErrorLog:      slog.NewLogLogger(log.Handler(), slog.LevelWarn),
		ErrorHandling: promhttp.ContinueOnError,
	})
}

// metricsHandler returns the handler of GET /metrics for a's engine.
func (a *api) metricsHandler() http.Handler {
	return newMetricsHandler(a.e.Snapshot, a.cfg.log)
}
