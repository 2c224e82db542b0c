package engine

import (
	"context"
	"time"

	"github.com/spindle-tui/spindle/engine/internal/logstore"
	"github.com/spindle-tui/spindle/model"
)

// Defaults a zero Probe field is replaced with (those of process-compose and
// Kubernetes).
const (
	DefaultProbePeriod           = 10 * time.Second
	DefaultProbeTimeout          = time.Second
	DefaultProbeSuccessThreshold = 1
	DefaultProbeFailureThreshold = 3
)

// ProbeCheck is one health check of a task: nil passes, an error fails (its
// text is what the detail pane shows as the last failure). ctx ends when the
// probe's Timeout passes or the run it checks ends.
type ProbeCheck func(ctx context.Context) error

// Probe checks a task's health periodically while it runs, as a poller (so it
// shows in the Pollers view with its count, last run and delay, named after
// the task: "api readiness"). The first check is InitialDelay after the run
// starts, then every Period. SuccessThreshold passes in a row make it pass,
// FailureThreshold failures in a row make it fail. A zero field takes its
// default (DefaultProbePeriod, …; no initial delay).
//
// A readiness probe starts failing (not ready) and drives the Healthy
// condition and the HEALTH column; a liveness probe starts passing, and when
// it fails the run is halted and ends failed, so the task's restart policy
// decides what happens next.
type Probe struct {
	Check            ProbeCheck
	Describe         string // what it checks, for viewers: "tcp 127.0.0.1:5432"; the constructors set it
	InitialDelay     time.Duration
	Period           time.Duration
	Timeout          time.Duration
	SuccessThreshold int
	FailureThreshold int
}

func (p Probe) withDefaults() Probe {
	if p.Period <= 0 {
		p.Period = DefaultProbePeriod
	}
	if p.Timeout <= 0 {
		p.Timeout = DefaultProbeTimeout
	}
	p.SuccessThreshold = max(p.SuccessThreshold, 0)
	if p.SuccessThreshold == 0 {
		p.SuccessThreshold = DefaultProbeSuccessThreshold
	}
	if p.FailureThreshold <= 0 {
		p.FailureThreshold = DefaultProbeFailureThreshold
	}
	if p.Describe == "" {
		p.Describe = "func"
	}
	return p
}

// Readiness gives the task a readiness probe (see Probe): it is healthy
// while the probe passes.
func Readiness(p Probe) TaskOption {
	return func(o *taskOptions) { o.readiness = &p }
}

// Liveness gives the task a liveness probe (see Probe): when it fails, the
// run is halted and ends failed, and the restart policy applies.
func Liveness(p Probe) TaskOption {
	return func(o *taskOptions) { o.liveness = &p }
}

// probeSet is a task's probes. Guarded by Engine.mu.
type probeSet struct {
	readiness, liveness *probe
}

// probe is one probe of a task and the poller it runs as. Guarded by
// Engine.mu but for poller and cfg, fixed at creation.
type probe struct {
	e      *Engine
	t      *task
	kind   string // "readiness" or "liveness"
	cfg    Probe
	poller *Poller

	gen     uint64 // one per run checked: tells a stale check from a current one
	timer   *time.Timer
	passing bool
	succ    int
	fail    int
	count   int

	last, lastFail time.Time
	took           time.Duration
	failure        string
}

// newProbeSet makes the pollers of the probes opts ask for, idle. It runs
// without Engine.mu (naming a poller may take it).
func (e *Engine) newProbeSet(name string, opts *taskOptions) *probeSet {
	if opts.readiness == nil && opts.liveness == nil {
		return nil
	}
	ps := &probeSet{}
	if opts.readiness != nil {
		ps.readiness = e.newProbe(name, "readiness", *opts.readiness)
	}
	if opts.liveness != nil {
		ps.liveness = e.newProbe(name, "liveness", *opts.liveness)
	}
	return ps
}

func (e *Engine) newProbe(name, kind string, cfg Probe) *probe {
	cfg = cfg.withDefaults()
	pb := &probe{e: e, kind: kind, cfg: cfg, passing: kind == "liveness"}
	// A probe runs at the period it is given, whatever the floor of command
	// pollers: it is the task's own choice, like a poller's.
	pb.poller = e.newPoller(name+" "+kind, "probes", cfg.Period, pb.check, []PollerOption{Timeout(cfg.Timeout)})
	return pb
}

// each calls fn on each probe of ps.
func (ps *probeSet) each(fn func(*probe)) {
	if ps == nil {
		return
	}
	if ps.readiness != nil {
		fn(ps.readiness)
	}
	if ps.liveness != nil {
		fn(ps.liveness)
	}
}

// startLocked begins checking a new run: counts reset, readiness not ready,
// the first check after the initial delay.
func (ps *probeSet) startLocked() {
	ps.each(func(pb *probe) {
		pb.stopLocked()
		pb.passing = pb.kind == "liveness"
		pb.succ, pb.fail, pb.count = 0, 0, 0
		gen := pb.gen
		if pb.cfg.InitialDelay <= 0 {
			_ = pb.poller.relaunchQuiet()
			return
		}
		pb.timer = time.AfterFunc(pb.cfg.InitialDelay, func() {
			pb.e.mu.Lock()
			defer pb.e.mu.Unlock()
			if pb.gen == gen {
				_ = pb.poller.relaunchQuiet()
			}
		})
	})
}

// stopLocked ends the checks of the run that ended; a readiness probe is not
// ready any more.
func (ps *probeSet) stopLocked() {
	ps.each(func(pb *probe) {
		pb.stopLocked()
		if pb.kind == "readiness" {
			pb.passing = false
		}
	})
}

func (pb *probe) stopLocked() {
	pb.gen++
	if pb.timer != nil {
		pb.timer.Stop()
		pb.timer = nil
	}
	pb.poller.kill()
}

// removeLocked ends the probes for good and unregisters their pollers.
func (ps *probeSet) removeLocked(e *Engine) {
	ps.each(func(pb *probe) {
		pb.stopLocked()
		e.pollers.remove(pb.poller)
	})
}

// check is the probe's PollFunc: one check, recorded against the run it was
// made for.
func (pb *probe) check(ctx context.Context) (any, error) {
	e := pb.e
	e.mu.Lock()
	gen := pb.gen
	e.mu.Unlock()
	start := time.Now()
	err := pb.cfg.Check(ctx)
	if err == nil && ctx.Err() != nil {
		err = ctx.Err()
	}
	end := time.Now()
	e.mu.Lock()
	if pb.gen == gen && pb.t != nil && pb.t.state.Live() {
		pb.recordLocked(err, start, end)
	}
	e.mu.Unlock()
	if err != nil {
		return nil, err
	}
	return "pass", nil
}

// recordLocked counts one check and acts when a threshold is crossed.
func (pb *probe) recordLocked(err error, start, end time.Time) {
	e, t := pb.e, pb.t
	pb.count++
	pb.last, pb.took = end, end.Sub(start)
	e.markDirty()
	if err == nil {
		pb.succ, pb.fail = pb.succ+1, 0
		if !pb.passing && pb.succ >= pb.cfg.SuccessThreshold {
			pb.passing = true
			if pb.kind == "readiness" {
				e.eventLocked(model.LevelInfo, t, "", quote(t)+" is ready ("+pb.cfg.Describe+")")
				if len(t.orch.dependents) > 0 {
					e.depChangedLocked(t)
				}
			}
		}
		return
	}
	pb.succ, pb.fail = 0, pb.fail+1
	pb.lastFail, pb.failure = end, err.Error()
	e.storeLine(t, logstore.Probe, pb.kind+" check failed ("+itoa(pb.fail)+" in a row): "+firstLine(pb.failure)) // logs.go
	if pb.fail < pb.cfg.FailureThreshold || (!pb.passing && pb.kind == "readiness") {
		return
	}
	if pb.kind == "readiness" {
		pb.passing = false
		e.eventLocked(model.LevelWarn, t, "", quote(t)+" is not ready: "+firstLine(pb.failure))
		return
	}
	if !pb.passing {
		return
	}
	pb.passing = false
	e.livenessFailedLocked(t, itoa(pb.fail)+" liveness checks failed in a row: "+firstLine(pb.failure))
}

// livenessFailedLocked halts t's run, which then ends failed (why) and its
// restart policy applies.
func (e *Engine) livenessFailedLocked(t *task, why string) {
	if !t.state.Live() || t.state == model.StateHalting {
		return
	}
	t.run.liveFail = why
	e.eventLocked(model.LevelError, t, "", quote(t)+" "+why+"; stopping it")
	e.haltLiveLocked(t)
}

// view adds the probes to t's row, and its health.
func (ps *probeSet) view(t *task, v *model.Task) {
	if pb := ps.readiness; pb != nil {
		v.Health = model.HealthNotReady
		if pb.passing && t.state.Live() {
			v.Health = model.HealthReady
		}
	}
	ps.each(func(pb *probe) {
		v.Probes = append(v.Probes, model.ProbeStatus{
			Kind: pb.kind, Check: pb.cfg.Describe, Poller: pb.poller.name, Passing: pb.passing,
			Successes: pb.succ, Failures: pb.fail, Count: pb.count,
			SuccessThreshold: pb.cfg.SuccessThreshold, FailureThreshold: pb.cfg.FailureThreshold,
			Last: pb.last, Took: pb.took, LastFailure: pb.lastFail, Failure: pb.failure,
		})
	})
}

// relaunchQuiet is Restart without its event, for a probe's poller: it checks
// each run of its task afresh, and the Events view is not told every time.
// The caller may hold Engine.mu.
func (p *Poller) relaunchQuiet() error {
	if p.e.pollers.isClosed() {
		return p.errf(ErrClosed)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if l := p.life; l != nil {
		l.stopLocked()
	}
	p.killed = false
	if err := p.launchLocked(false); err != nil {
		p.killed = true
		return err
	}
	return nil
}
