package engine

import (
	"errors"
	"time"
)

// Defaults for the options of New.
const (
	DefaultRefresh      = 100 * time.Millisecond // snapshot coalescing interval
	DefaultKillGrace    = 2 * time.Second        // time a killed goroutine has to return
	DefaultHistory      = 200                    // finished runs kept in snapshots
	DefaultQueuePreview = 100                    // queued tasks per manager in snapshots
	DefaultLogLines     = 200                    // lines kept per task log

	// maxSnapshotLog is the most log lines a snapshot carries per task.
	maxSnapshotLog = 50
	// maxHeldShown is the most waiting, blocked and disabled tasks a
	// snapshot lists (Counts has them all).
	maxHeldShown = 1000
	// eventRing is how many events the engine keeps.
	eventRing = 200
)

// MinRefresh is the floor of the snapshot coalescing interval: at most 100
// snapshots a second. A terminal dashboard redraws 30 to 60 times a second at
// most (spindle's renderer runs at 20, and draws new data twice a second), so
// a shorter interval only costs: a snapshot of 1,000 pollers takes about 0.3ms
// (BenchmarkSnapshotPollers), 3% of a core at 10ms, while a refresh of 1ns took
// a quarter of one (issue 11).
const MinRefresh = 10 * time.Millisecond

// ErrInvalidRefresh is returned by SetRefresh for an interval below MinRefresh.
var ErrInvalidRefresh = errors.New("engine: invalid refresh interval")

// config is what the Options of New set.
type config struct {
	refresh      time.Duration
	source       string
	killGrace    time.Duration
	history      int
	queuePreview int
	logLines     int
	logPerTask   int64 // the log store's bounds (logs.go)
	logTotal     int64
	poolDrain    time.Duration // how long Close lets non-daemon pools drain (pool_close.go)
	sampleEvery  time.Duration // how often process CPU and RSS are sampled (sample.go)
}

func defaultConfig() config {
	return config{
		refresh:      DefaultRefresh,
		killGrace:    DefaultKillGrace,
		history:      DefaultHistory,
		queuePreview: DefaultQueuePreview,
		logLines:     DefaultLogLines,
		poolDrain:    DefaultPoolDrain,
		sampleEvery:  DefaultSampleInterval,
	}
}

// Option configures an Engine in New.
type Option func(*config)

// WithRefresh sets the snapshot coalescing interval: subscribers get at most one
// snapshot per d. d <= 0 keeps the default (100ms); a d below MinRefresh is
// raised to MinRefresh (New has no error to return: validate user input with
// SetRefresh's error, or against MinRefresh, first).
func WithRefresh(d time.Duration) Option {
	return func(c *config) {
		if d > 0 {
			c.refresh = max(d, MinRefresh)
		}
	}
}

// WithSource sets Snapshot.Source: what the engine runs ("demo", a file name).
func WithSource(name string) Option {
	return func(c *config) { c.source = name }
}

// WithKillGrace sets how long a killed goroutine has to return before it is
// marked abandoned and counted as leaked (default 2s). d < 0 is treated as 0.
func WithKillGrace(d time.Duration) Option {
	return func(c *config) { c.killGrace = max(d, 0) }
}

// WithHistory sets how many finished runs snapshots keep (a ring, default 200).
// Counters never forget a task; the ring only bounds what is shown and what
// Apply can still find. n < 0 is treated as 0.
func WithHistory(n int) Option {
	return func(c *config) { c.history = max(n, 0) }
}

// WithQueuePreview sets how many queued tasks of each manager a snapshot lists
// (default 100); Manager.Queued always has the full count. n < 0 is treated as 0.
func WithQueuePreview(n int) Option {
	return func(c *config) { c.queuePreview = max(n, 0) }
}

// WithLogLines bounds each task's log (default 200 lines); snapshots carry the
// last 50 at most. n < 0 is treated as 0 (Logf keeps nothing).
func WithLogLines(n int) Option {
	return func(c *config) { c.logLines = max(n, 0) }
}
