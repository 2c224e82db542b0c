package distributed

import (
	"fmt"
	"slices"
	"time"

	"github.com/hibiken/asynq"
	"github.com/spindle-tui/spindle/model"
)

// rateWindow is the span the per-minute figures are measured over.
const rateWindow = time.Minute

// clusterStats reads the queue's cluster-wide figures every Config.StatsEvery
// and hands them to the local pool (engine.Pool.SetCluster), and says in the
// engine's events when Redis stops answering and when it answers again.
type clusterStats struct {
	p     *Pool
	quit  chan struct{}
	ended chan struct{}

	// Owned by the loop.
	cur     model.PoolCluster
	samples []totalsAt // cumulative totals, oldest first, within rateWindow
}

// totalsAt is the queue's cumulative processed and failed counts at a time.
type totalsAt struct {
	at                time.Time
	processed, failed int
}

func startClusterStats(p *Pool) *clusterStats {
	c := &clusterStats{p: p, quit: make(chan struct{}), ended: make(chan struct{}),
		cur: model.PoolCluster{Backend: "redis " + p.cfg.Redis, Queue: p.cfg.Queue}}
	p.local.SetCluster(c.cur)
	go c.loop()
	return c
}

func (c *clusterStats) stop() {
	close(c.quit)
	<-c.ended
}

func (c *clusterStats) loop() {
	defer close(c.ended)
	t := time.NewTicker(c.p.cfg.StatsEvery)
	defer t.Stop()
	for {
		c.read(time.Now())
		select {
		case <-c.quit:
			return
		case <-t.C:
		}
	}
}

// read takes one reading and publishes it.
func (c *clusterStats) read(now time.Time) {
	p := c.p
	info, err := p.inspector.GetQueueInfo(p.cfg.Queue)
	if err != nil && c.queueMissing() {
		info, err = &asynq.QueueInfo{Queue: p.cfg.Queue}, nil // nothing enqueued yet
	}
	if err != nil {
		c.lost(now, err)
		return
	}
	if c.cur.Lost != "" {
		p.e.Event(model.LevelInfo, fmt.Sprintf("pool %s: redis %s answers again (lost for %s)",
			p.local.Name(), p.cfg.Redis, now.Sub(c.cur.LostSince).Round(time.Second)))
	}
	c.cur.Lost, c.cur.LostSince = "", time.Time{}
	c.cur.Paused = info.Paused
	c.cur.Pending, c.cur.Active, c.cur.Scheduled = info.Pending, info.Active, info.Scheduled
	c.cur.Retry, c.cur.Archived, c.cur.Completed = info.Retry, info.Archived, info.Completed
	c.cur.Latency = info.Latency
	c.cur.Read = now
	c.cur.ProcessedPerMin, c.cur.FailedPerMin = c.rates(totalsAt{now, info.ProcessedTotal, info.FailedTotal})
	c.cur.Engines = c.engines()
	p.local.SetCluster(c.cur)
}

// queueMissing reports whether Redis answers and has no such queue yet
// (GetQueueInfo's error for it is not one a caller can match).
func (c *clusterStats) queueMissing() bool {
	qs, err := c.p.inspector.Queues()
	return err == nil && !slices.Contains(qs, c.p.cfg.Queue)
}

// rates adds s to the samples and returns the processed and failed counts of
// the last rateWindow (scaled to a minute while the samples span less).
func (c *clusterStats) rates(s totalsAt) (processed, failed float64) {
	if n := len(c.samples); n > 0 && (s.processed < c.samples[n-1].processed || s.failed < c.samples[n-1].failed) {
		c.samples = c.samples[:0] // the totals went back: Redis lost its data (restarted without it)
	}
	c.samples = append(c.samples, s)
	cut := 0
	for cut < len(c.samples)-1 && s.at.Sub(c.samples[cut+1].at) >= rateWindow {
		cut++
	}
	c.samples = c.samples[cut:]
	first := c.samples[0]
	span := s.at.Sub(first.at)
	if span <= 0 {
		return 0, 0
	}
	scale := float64(rateWindow) / float64(span)
	return float64(s.processed-first.processed) * scale, float64(s.failed-first.failed) * scale
}

// engines counts the asynq servers alive on the queue (one per engine taking
// work; two for a moment during a resize).
func (c *clusterStats) engines() int {
	servers, err := c.p.inspector.Servers()
	if err != nil {
		return c.cur.Engines
	}
	n := 0
	for _, s := range servers {
		if _, ok := s.Queues[c.p.cfg.Queue]; ok && s.Status == "active" {
			n++
		}
	}
	return n
}

// lost records that Redis did not answer: the last figures stay, marked
// lost, and the engine's events say so once.
func (c *clusterStats) lost(now time.Time, err error) {
	p := c.p
	if c.cur.Lost == "" {
		c.cur.LostSince = now
		p.e.Event(model.LevelError, fmt.Sprintf("pool %s: redis %s lost: %v (work already taken runs on; none is taken until it answers)",
			p.local.Name(), p.cfg.Redis, err))
	}
	c.cur.Lost = err.Error()
	p.local.SetCluster(c.cur)
}
