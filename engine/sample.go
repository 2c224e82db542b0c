package engine

import (
	"sync"
	"syscall"
	"time"
)

// DefaultSampleInterval is how often the CPU and memory of running processes
// are sampled.
const DefaultSampleInterval = time.Second

// WithSampleInterval sets how often the CPU% and RSS of running processes are
// sampled (default 1s). d <= 0 keeps the default.
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
	live     map[*procRun]struct{}
	reaping  bool // Close gave up waiting: a child that starts now is killed at once
	sampling bool // a sampler goroutine is running
	closed   bool // Close has stopped sampling: no sampler starts again
	stop     chan struct{}
	samplers sync.WaitGroup
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
	if c.stop == nil {
		c.stop = make(chan struct{})
	}
	c.sampling = true
	c.samplers.Add(1)
	go e.sampleChildren(c.stop)
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

// sampleChildren is the sampler goroutine: every interval it reads /proc for
// the groups of the running children, without the engine lock, then stores
// each group's CPU% and RSS in its child under the lock.
func (e *Engine) sampleChildren(stop <-chan struct{}) {
	defer e.children.samplers.Done()
	tick := time.NewTicker(e.cfg.sampleEvery)
	defer tick.Stop()
	s := newCPUSampler()
	for {
		select {
		case <-tick.C:
		case <-stop:
			return
		}
		e.mu.Lock()
		if len(e.children.live) == 0 {
			e.children.sampling = false
			e.mu.Unlock()
			return
		}
		groups := make(map[int]*procRun, len(e.children.live))
		for pr := range e.children.live {
			groups[pr.group.pid] = pr
		}
		e.mu.Unlock()

		usage := s.sample(groups, time.Now())

		e.mu.Lock()
		changed := false
		for pgid, u := range usage {
			if pr := groups[pgid]; !pr.reaped && (pr.cpu != u.cpu || pr.rss != u.rss) {
				pr.cpu, pr.rss = u.cpu, u.rss
				changed = true
			}
		}
		if changed { // an idle process publishes nothing: an idle dashboard stays idle
			e.markDirty()
		}
		e.mu.Unlock()
	}
}

// groupUsage is what one process group uses: CPU as a percentage of one core
// since the last sample, resident memory in bytes.
type groupUsage struct {
	cpu float64
	rss int64
}

// clockTick is the kernel's USER_HZ, the unit of utime and stime in
// /proc/<pid>/stat: 100 on every Linux (sysconf(_SC_CLK_TCK)).
const clockTick = 100

// cpuSampler turns cumulative CPU ticks into a rate between samples. It
// belongs to one sampler goroutine.
type cpuSampler struct {
	prev     map[int]uint64 // pid → utime+stime at the last sample
	members  map[int]bool   // pids found in a sampled group at the last full scan
	samples  int
	last     time.Time
	pageSize int64
}

// fullScanEvery is how often (in samples) the sampler reads all of /proc to
// find a group's members; in between it reads only the members it knows, so a
// process that joins a group shows within that many samples. Reading every
// process each second was most of an idle dashboard's CPU.
const fullScanEvery = 5

func newCPUSampler() *cpuSampler {
	return &cpuSampler{prev: make(map[int]uint64), members: make(map[int]bool), last: time.Now(), pageSize: int64(syscall.Getpagesize())}
}

// sample sums, for each group of groups, the CPU ticks and resident pages of
// its members (every process whose pgrp is the group id, the leader and what
// stayed in its group). A pid seen for the first time counts all its ticks:
// it started since the last sample, give or take. CPU of members that exited
// in between is not counted.
func (s *cpuSampler) sample(groups map[int]*procRun, now time.Time) map[int]groupUsage {
	elapsed := now.Sub(s.last).Seconds()
	s.last = now
	out := make(map[int]groupUsage, len(groups))
	seen := make(map[int]uint64, len(s.prev))
	scan := scanProcs
	for _, pr := range groups {
		if !s.members[pr.group.pid] { // a new group: find its members now
			s.samples = 0
		}
	}
	if s.samples%fullScanEvery != 0 {
		scan = func(fn func(procStat)) { readProcs(s.members, fn) }
	} else {
		clear(s.members)
	}
	s.samples++
	scan(func(st procStat) {
		if _, ok := groups[st.pgrp]; !ok {
			delete(s.members, st.pid)
			return
		}
		s.members[st.pid] = true
		seen[st.pid] = st.ticks
		delta := st.ticks
		if before, ok := s.prev[st.pid]; ok {
			delta = st.ticks - min(before, st.ticks)
		}
		u := out[st.pgrp]
		if elapsed > 0 {
			u.cpu += float64(delta) / clockTick / elapsed * 100
		}
		u.rss += st.rssPages * s.pageSize
		out[st.pgrp] = u
	})
	s.prev = seen
	return out
}
