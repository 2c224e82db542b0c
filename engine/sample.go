package engine

import (
	"sync"
	"time"

	"github.com/spindle-tui/spindle/engine/internal/osproc"
)

// DefaultSampleInterval is how often the CPU and memory of running processes
// are sampled while someone watches (a subscriber).
const DefaultSampleInterval = time.Second

// IdleSampleInterval is how often they are sampled while nobody is
// subscribed: Snapshot callers (status, the snapshot API) still get figures,
// at most this old, at a cost a headless supervisor does not notice. A
// subscriber that arrives gets fresh figures at once.
const IdleSampleInterval = time.Minute

// subscribeSampleWait bounds how long Subscribe waits for the fresh sample it
// asked for.
const subscribeSampleWait = 250 * time.Millisecond

// WithSampleInterval sets how often the CPU% and RSS of running processes are
// sampled while a subscriber watches (default 1s; with none, once every
// IdleSampleInterval). d <= 0 keeps the default.
func WithSampleInterval(d time.Duration) Option {
	return func(c *config) {
		if d > 0 {
			c.sampleEvery = d
		}
	}
}

// childSet is the engine's running children and their resource sampler. One
// sampler goroutine runs while any child does: the first child to start starts
// it, it exits when it finds none left, and Close stops it. Guarded by
// Engine.mu, except samplers.
type childSet struct {
	live      map[*procRun]struct{}
	reaping   bool // Close gave up waiting: a child that starts now is killed at once
	sampling  bool // a sampler goroutine is running
	closed    bool // Close has stopped sampling: no sampler starts again
	sampledAt time.Time
	stop      chan struct{}
	wake      chan chan struct{} // cap 1: sample now, then close the channel sent
	samplers  sync.WaitGroup
}

// usageSampler is what the sampler goroutine reads figures with
// (osproc.Sampler; a fake in tests).
type usageSampler interface {
	Sample(trees []*osproc.Tree, now time.Time) []osproc.Usage
}

// addChildLocked records a started child and makes sure a sampler runs.
func (e *Engine) addChildLocked(pr *procRun) {
	c := &e.children
	if c.live == nil {
		c.live = make(map[*procRun]struct{})
	}
	c.live[pr] = struct{}{}
	if c.sampling || c.closed {
		return
	}
	e.startSamplerLocked(osproc.NewSampler())
}

// startSamplerLocked starts the sampler goroutine with s.
func (e *Engine) startSamplerLocked(s usageSampler) {
	c := &e.children
	if c.stop == nil {
		c.stop = make(chan struct{})
		c.wake = make(chan chan struct{}, 1)
	}
	c.sampling = true
	c.samplers.Add(1)
	go e.sampleChildren(c.stop, c.wake, s)
}

// removeChildLocked forgets a reaped child.
func (e *Engine) removeChildLocked(pr *procRun) { delete(e.children.live, pr) }

// reapChildren SIGKILLs every child still running and waits until all of them
// are reaped; a child that starts after this is killed at once. Close calls it
// once it has given up waiting, and before it returns, so that no process
// outlives the engine.
func (e *Engine) reapChildren() {
	for {
		e.mu.Lock()
		e.children.reaping = true
		waits := make([]chan struct{}, 0, len(e.children.live))
		for pr := range e.children.live {
			pr.r.t.proc.killLocked(pr)
			waits = append(waits, pr.done)
		}
		e.mu.Unlock()
		if len(waits) == 0 {
			return
		}
		for _, done := range waits {
			<-done
		}
	}
}

// stopSampling ends the sampler for good and waits for it.
func (e *Engine) stopSampling() {
	e.mu.Lock()
	c := &e.children
	if !c.closed {
		c.closed = true
		if c.stop != nil {
			close(c.stop)
		}
	}
	e.mu.Unlock()
	c.samplers.Wait()
}

// sampleForSubscriber has the sampler sample now, unless its figures are
// fresh, and waits (briefly) until it has: a new subscriber's first snapshot
// has figures however rarely the sampler ran while nobody watched. Subscribe
// calls it.
func (e *Engine) sampleForSubscriber() {
	c := &e.children
	e.mu.Lock()
	stale := c.sampling && !c.closed && time.Since(c.sampledAt) >= e.cfg.sampleEvery
	wake := c.wake
	e.mu.Unlock()
	if !stale {
		return
	}
	done := make(chan struct{})
	select {
	case wake <- done:
	default:
		return // a wake is pending: that sample is as fresh
	}
	t := time.NewTimer(subscribeSampleWait)
	defer t.Stop()
	select {
	case <-done:
	case <-t.C:
	}
}

// sampleChildren is the sampler goroutine. It samples once every
// sampleEvery while someone is subscribed, once every IdleSampleInterval
// while nobody is, and at once when asked through wake; it exits when no
// child is left.
func (e *Engine) sampleChildren(stop <-chan struct{}, wake <-chan chan struct{}, s usageSampler) {
	defer e.children.samplers.Done()
	next := time.NewTimer(e.cfg.sampleEvery) // the first figures soon after the first child starts
	defer next.Stop()
	for {
		var done chan struct{}
		select {
		case <-next.C:
		case done = <-wake:
		case <-stop:
			return
		}
		more := e.sampleOnce(s)
		if done != nil {
			close(done)
		}
		if !more {
			return
		}
		every := e.cfg.sampleEvery
		if !e.hasSubscribers() {
			every = max(every, IdleSampleInterval)
		}
		next.Reset(every)
	}
}

// sampleOnce reads the figures of the running children, without the engine
// lock, and stores each in its child under the lock. It reports false (and
// ends sampling) when no child is left.
func (e *Engine) sampleOnce(s usageSampler) bool {
	e.mu.Lock()
	c := &e.children
	if len(c.live) == 0 {
		c.sampling = false
		e.mu.Unlock()
		return false
	}
	runs := make([]*procRun, 0, len(c.live))
	trees := make([]*osproc.Tree, 0, len(c.live))
	for pr := range c.live {
		runs = append(runs, pr)
		trees = append(trees, pr.tree)
	}
	e.mu.Unlock()

	usage := s.Sample(trees, time.Now())

	e.mu.Lock()
	defer e.mu.Unlock()
	c.sampledAt = time.Now()
	changed := false
	for i, pr := range runs {
		if u := usage[i]; !pr.reaped && (pr.cpu != u.CPU || pr.rss != u.RSS) {
			pr.cpu, pr.rss = u.CPU, u.RSS
			changed = true
		}
	}
	if changed { // an idle process publishes nothing: an idle dashboard stays idle
		e.markDirty()
	}
	return true
}
