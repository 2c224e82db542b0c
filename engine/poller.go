package engine

import (
	"context"
	"strconv"
	"sync"
	"time"

	"github.com/spindle-tui/spindle/engine/internal/tail"
	"github.com/spindle-tui/spindle/model"
)

// PollFunc is the work a Poller runs once per period. The value it returns is
// shown, formatted, as the poller's last value (nil keeps the previous one); an
// error counts in Stats().Errors. ctx is cancelled when the poller is killed,
// when the engine closes and when the run's Timeout passes.
type PollFunc func(ctx context.Context) (any, error)

// Defaults and bounds of pollers.
const (
	// DefaultPollPeriod replaces a period <= 0 given to NewPoller.
	DefaultPollPeriod = time.Second

	pollHistory     = 60  // delays and durations kept for sparklines
	pollSpans       = 64  // recent run spans kept to measure Usage
	usagePeriods    = 10  // Usage is the busy fraction over this many periods
	errorEventEvery = 10  // a failing poller records every 10th consecutive error
	maxValueLen     = 120 // runes of the formatted value kept
)

// pollerConfig is what NewPoller's options set. period is changed by SetPeriod
// (under Poller.mu); the rest is fixed at creation.
type pollerConfig struct {
	period      time.Duration
	floor       time.Duration // the least period (poller_floor.go)
	minWait     time.Duration
	timeout     time.Duration
	concurrency int
	startPaused bool
	x           *pollerExtra // cron schedule, dict expiry (poller_cron.go); nil for most pollers
}

// PollerOption configures a Poller in NewPoller.
type PollerOption func(*pollerConfig)

// MinWait sets the least gap between the end of an overrunning run and the
// start of the next (Fandango's min_wait). It binds only when a run ends at or
// after its next deadline with every slot taken (see Concurrency), so that the
// next start was waiting on it: that start is then at least d after the end.
// A run that ends before its next deadline, however close, leaves the next
// start on the deadline. Either way the schedule stays start + k·period: the
// next run serves the latest deadline passed and the one after is a period on.
// d < 0 is treated as 0.
func MinWait(d time.Duration) PollerOption {
	return func(c *pollerConfig) { c.minWait = max(d, 0) }
}

// Concurrency lets up to n runs overlap when a run outlasts its period (default
// 1). With 1 an overrun skips ahead: the ticks that passed during the run are
// counted in Skipped and the next run serves the latest of them, so there is
// never a burst of catch-up runs. n < 1 is treated as 1.
func Concurrency(n int) PollerOption {
	return func(c *pollerConfig) { c.concurrency = max(n, 1) }
}

// Timeout bounds each run: its context is cancelled after d, and a run that
// returns after that counts as an error wrapping ErrPollTimeout. d <= 0 (the
// default) means no timeout.
func Timeout(d time.Duration) PollerOption {
	return func(c *pollerConfig) { c.timeout = max(d, 0) }
}

// StartPaused makes Start leave the poller paused: it shows, with its schedule
// halted, until Resume (whose first run is then at once).
func StartPaused() PollerOption {
	return func(c *pollerConfig) { c.startPaused = true }
}

// Poller is periodic work with timing diagnostics (Fandango's ThreadedObject).
// NewPoller creates it idle; Start begins the schedule (run at once, then at
// start + k·period: absolute deadlines, so run time is compensated and there is
// no drift); Pause halts the schedule and the poller stays; Resume goes on at the
// next deadline of the same grid; Kill ends it; Restart starts it again with
// fresh stats. All methods are safe for concurrent use.
type Poller struct {
	mu     sync.Mutex // guards what follows up to fn; never held while taking Engine.mu
	cfg    pollerConfig
	life   *pollLife // the current schedule; nil until the first Start
	killed bool

	// Fixed at creation (name by the poller set). A run reads fn and e, so
	// they follow mu and cfg, on the cache lines a run touches anyway.
	fn    PollFunc
	e     *Engine
	name  string
	group string
}

// NewPoller registers a poller named name (a name already taken gets "-2", "-3"
// appended) that runs fn every period. It is created idle: call Start. A period
// <= 0 is treated as DefaultPollPeriod; a period below the poller's floor
// (MinPollPeriod, see PeriodFloor) makes Start return an error wrapping
// ErrInvalidPeriod that says the floor. A nil fn fails every run with
// ErrNilFunc. After Close the poller exists but Start returns ErrClosed.
func (e *Engine) NewPoller(name string, period time.Duration, fn PollFunc, opts ...PollerOption) *Poller {
	return e.newPoller(name, "", period, fn, opts)
}

func (e *Engine) newPoller(name, group string, period time.Duration, fn PollFunc, opts []PollerOption) *Poller {
	cfg := pollerConfig{period: period, floor: MinPollPeriod, concurrency: 1}
	if cfg.period <= 0 {
		cfg.period = DefaultPollPeriod
	}
	for _, o := range opts {
		o(&cfg)
	}
	if cfg.x != nil {
		cfg.x.finish() // poller_cron.go
	}
	if fn == nil {
		fn = func(context.Context) (any, error) { return nil, ErrNilFunc }
	}
	p := &Poller{e: e, group: group, fn: fn, cfg: cfg}
	e.pollers.add(p, name)
	e.markDirty()
	return p
}

// Name returns the poller's unique name (NewPoller may have suffixed it).
func (p *Poller) Name() string { return p.name }

// Start begins the schedule: the first run is at once (or, with StartPaused,
// the poller waits paused for Resume). It returns an error wrapping ErrClosed
// once the engine is closing, ErrAlreadyRunning once started, ErrPollerKilled
// after Kill and ErrInvalidPeriod for a period below the poller's floor.
func (p *Poller) Start() error {
	p.mu.Lock()
	var err error
	switch {
	case p.e.pollers.isClosed():
		err = p.errf(ErrClosed)
	case p.killed:
		err = p.errf(ErrPollerKilled)
	case p.life != nil:
		err = p.errf(ErrAlreadyRunning)
	default:
		err = p.launchLocked(p.cfg.startPaused)
	}
	paused := p.cfg.startPaused
	p.mu.Unlock()
	if err != nil {
		return err
	}
	switch {
	case paused:
		p.event(model.LevelInfo, "started paused")
	case p.cfg.cronSched() != nil:
		p.event(model.LevelInfo, "started, on the cron schedule "+strconv.Quote(p.cfg.cronSched().String()))
	default:
		p.event(model.LevelInfo, "started, every "+p.period().String())
	}
	return nil
}

// Pause halts the schedule (Fandango's stop); a run under way finishes. It
// returns a *PollerStateError when the poller is idle or already paused and an
// error wrapping ErrPollerKilled after Kill.
func (p *Poller) Pause() error {
	p.mu.Lock()
	err := p.pauseLocked()
	p.mu.Unlock()
	if err == nil {
		p.event(model.LevelInfo, "paused")
	}
	return err
}

func (p *Poller) pauseLocked() error {
	if err := p.checkLocked(model.OpPause); err != nil {
		return err
	}
	p.life.paused = true
	p.life.wakeUp()
	return nil
}

// Resume lets a paused poller go on at the next deadline of its grid (at once
// if it never ran). Ticks that passed while paused are not counted as skipped
// and are not made up: there is no burst. It returns a *PollerStateError unless
// the poller is paused.
func (p *Poller) Resume() error {
	p.mu.Lock()
	err := p.resumeLocked()
	p.mu.Unlock()
	if err == nil {
		p.event(model.LevelInfo, "resumed")
	}
	return err
}

func (p *Poller) resumeLocked() error {
	if err := p.checkLocked(model.OpResume); err != nil {
		return err
	}
	l := p.life
	l.paused = false
	now := time.Now().UnixNano()
	period := int64(p.cfg.period)
	switch {
	case p.cfg.cronSched() != nil:
		l.resumeCronLocked(p.cfg.cronSched(), now)
	case l.next == 0: // started paused: the grid begins now
		l.next = now
	case l.next < now: // the next deadline of the same grid, no catching up
		l.next += (now - l.next + period - 1) / period * period
	}
	l.wakeUp()
	return nil
}

// checkLocked returns the error for op (pause or resume) in p's current state.
func (p *Poller) checkLocked(op model.Op) error {
	switch {
	case p.killed:
		return p.errf(ErrPollerKilled)
	case p.life == nil:
		return &PollerStateError{Name: p.name, Op: op, State: "idle"}
	case op == model.OpPause && p.life.paused:
		return &PollerStateError{Name: p.name, Op: op, State: "paused"}
	case op == model.OpResume && !p.life.paused:
		return &PollerStateError{Name: p.name, Op: op, State: "running"}
	}
	return nil
}

// Kill ends the poller: its schedule stops and the context of a run under way
// is cancelled. It does not wait for that run (Close does). Killing a killed
// poller does nothing; Restart brings it back.
func (p *Poller) Kill() {
	if p.kill() {
		p.event(model.LevelInfo, "killed")
	}
}

// kill marks p killed and cancels its schedule; it reports whether p was alive.
func (p *Poller) kill() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.killed {
		return false
	}
	p.killed = true
	if l := p.life; l != nil {
		l.stopLocked()
	}
	return true
}

// Restart ends the current schedule (cancelling a run under way without waiting
// for it) and starts a fresh one, running (even with StartPaused), with fresh
// stats. It works in any state, killed included; it returns ErrClosed once the
// engine is closing and, changing nothing, ErrInvalidPeriod for a period below
// the poller's floor.
func (p *Poller) Restart() error {
	if p.e.pollers.isClosed() {
		return p.errf(ErrClosed)
	}
	p.mu.Lock()
	if err := p.checkPeriod(p.cfg.period); err != nil {
		p.mu.Unlock()
		return err
	}
	if l := p.life; l != nil {
		l.stopLocked()
	}
	p.killed = false
	err := p.launchLocked(false)
	if err != nil {
		p.killed = true
	}
	p.mu.Unlock()
	if err == nil {
		p.event(model.LevelInfo, "restarted with fresh stats")
	}
	return err
}

// SetPeriod changes the period. The next deadline becomes the last one plus d
// (at once if that has already passed) and the grid goes on from there: the new
// period takes effect at the next deadline, without waiting out the old period
// and without a burst. It returns an error wrapping ErrInvalidPeriod, and
// changes nothing, for d <= 0 or below the poller's floor (see PeriodFloor).
func (p *Poller) SetPeriod(d time.Duration) error {
	if p.cfg.cronSched() != nil {
		return p.errCronPeriod()
	}
	if err := p.checkPeriod(d); err != nil {
		return err
	}
	p.mu.Lock()
	old := p.setPeriodLocked(d)
	p.mu.Unlock()
	p.periodEvent(old, d)
	return nil
}

// setPeriodLocked makes d the period (see SetPeriod) and returns the old one.
// The caller holds p.mu.
func (p *Poller) setPeriodLocked(d time.Duration) time.Duration {
	old := p.cfg.period
	p.cfg.period = d
	if l := p.life; l != nil && l.next != 0 {
		next := l.next - int64(old) + int64(d)
		l.next = max(next, time.Now().UnixNano())
		l.wakeUp()
	}
	return old
}

// periodEvent records a change of period, if there was one.
func (p *Poller) periodEvent(old, d time.Duration) {
	if old != d {
		p.event(model.LevelInfo, "period "+old.String()+" → "+d.String())
	}
}

// period returns the current period.
func (p *Poller) period() time.Duration {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.cfg.period
}

// Stats returns the poller's diagnostics now. The histories in it are shared
// with later calls and must not be modified.
func (p *Poller) Stats() model.Poller {
	now := time.Now().UnixNano()
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.statsLocked(now)
}

// launchLocked starts a fresh schedule (a new life with zero stats).
func (p *Poller) launchLocked(paused bool) error {
	if err := p.checkSchedule(); err != nil {
		return err
	}
	if err := p.checkPeriod(p.cfg.period); err != nil {
		return err
	}
	ctx, cancel := p.e.newRootTaskContext()
	l := &pollLife{
		p:      p,
		ctx:    ctx,
		cancel: cancel,
		wake:   make(chan struct{}, 1),
		done:   make(chan struct{}),
		paused: paused,
		begun:  time.Now().UnixNano(),

		delays:    tail.New[time.Duration](pollHistory),
		durations: tail.New[time.Duration](pollHistory),
	}
	l.inflight = l.inflightBuf[:0]
	if p.cfg.concurrency > 1 {
		l.slot = make(chan struct{}, 1)
	}
	switch s := p.cfg.cronSched(); {
	case paused:
	case s != nil:
		l.firstCronLocked(s, l.begun)
	default:
		l.next = l.begun
	}
	if !p.e.pollers.addLife(l) {
		cancel()
		return p.errf(ErrClosed)
	}
	p.life = l
	go l.loop()
	return nil
}

// errf wraps a sentinel with the poller's name.
func (p *Poller) errf(sentinel error) error {
	return errorf("poller %q: %w", p.name, sentinel)
}

// event records an engine event about p. The caller must not hold p.mu.
func (p *Poller) event(level model.Level, text string) {
	e := p.e
	e.mu.Lock()
	defer e.mu.Unlock()
	e.eventLocked(level, nil, p.name, "poller "+strconv.Quote(p.name)+" "+text)
}
