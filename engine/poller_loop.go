package engine

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/spindle-tui/spindle/engine/internal/tail"
	"github.com/spindle-tui/spindle/model"
)

// errPollGoexit is the error of a run whose function called runtime.Goexit.
var errPollGoexit = errors.New("exited without returning (runtime.Goexit)")

// pollLife is one schedule of a Poller, from Start (or Restart) to Kill: its
// goroutine, its grid of deadlines and its stats. Restart makes a new life, so a
// run of the old one that ends late never touches the fresh stats.
//
// What a run touches comes first, in this struct rather than in objects of its
// own (the inflight starts, whether the life is stopped): a poller sleeps a
// period between runs, so each cache line a run touches is likely a miss, and
// misses were most of what a run cost over a bare Ticker's (perf, 1000 pollers
// at 10ms).
type pollLife struct {
	p    *Poller
	ctx  context.Context // cancelled by Kill, Restart and Close
	wake chan struct{}   // cap 1: pause, resume, SetPeriod and the end of ctx wake the loop

	// Guarded by Poller.mu. Times are unix nanoseconds.
	stopped     bool // ctx is cancelled or about to be: the loop ends
	paused      bool
	next        int64   // the deadline of the next tick; 0: set by the first Resume
	notBefore   int64   // the end of the last overrunning run plus MinWait
	inflight    []int64 // start times of the runs under way, in inflightBuf up to its size
	inflightBuf [2]int64
	errStreak   int64 // consecutive failed runs, for rate-limiting error events
	st          pollCounters
	delays      tail.Buffer[time.Duration]
	durations   tail.Buffer[time.Duration]
	spans       spanRing
	begun       int64

	cancel context.CancelFunc
	slot   chan struct{}  // cap 1: a run ended (Concurrency > 1 only)
	done   chan struct{}  // closed when the loop and all its runs have returned
	runs   sync.WaitGroup // runs in their own goroutines (Concurrency > 1)
}

// stopLocked ends the life: its loop returns at its next look and the context
// of a run under way is cancelled. The caller holds Poller.mu.
func (l *pollLife) stopLocked() {
	l.stopped = true
	l.cancel()
	l.wakeUp()
}

// wakeUp makes the loop look at its state again. It never blocks.
func (l *pollLife) wakeUp() {
	select {
	case l.wake <- struct{}{}:
	default:
	}
}

// loop is the poller's goroutine: it sleeps until the next deadline (or until a
// run slot frees, or it is woken), starts a run, and repeats until killed.
// With Concurrency 1 the run executes here, so a poller costs one goroutine.
// The end of ctx arrives as a wake-up too (stopLocked; the engine's base
// context through AfterFunc), so that each sleep waits on two channels, not
// three: 1000 pollers at 10ms sleep 100k times a second.
func (l *pollLife) loop() {
	p := l.p
	labelPoller(p.name) // labels.go; a run of its own (Concurrency) inherits them
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	stop := context.AfterFunc(l.ctx, func() {
		p.mu.Lock()
		l.stopped = true
		p.mu.Unlock()
		l.wakeUp()
	})
	defer l.exit(timer, stop)
	for {
		p.mu.Lock()
		if l.stopped {
			p.mu.Unlock()
			return
		}
		if l.paused {
			p.mu.Unlock()
			<-l.wake
			continue
		}
		now := time.Now().UnixNano()
		if at := max(l.next, l.notBefore); at > now {
			p.mu.Unlock()
			timer.Reset(time.Duration(at - now))
			select {
			case <-timer.C:
			case <-l.wake:
			}
			continue
		}
		if len(l.inflight) >= p.cfg.concurrency {
			p.mu.Unlock()
			select {
			case <-l.slot:
			case <-l.wake:
			}
			continue
		}
		l.beginLocked(now)
		p.mu.Unlock()
		p.e.markDirty()
		if l.slot == nil {
			l.run(now)
			continue
		}
		l.runs.Add(1)
		go func() {
			defer l.runs.Done()
			l.run(now)
		}()
	}
}

// beginLocked accounts for a run starting at now (>= the next deadline): it
// serves the latest deadline that has passed, counts the ones before it as
// skipped, records how late it starts and moves the next deadline one period on.
func (l *pollLife) beginLocked(now int64) {
	if s := l.p.cfg.x; s != nil && s.cron != nil {
		l.beginCronLocked(s.cron, now)
		return
	}
	period := int64(l.p.cfg.period)
	served := l.next
	if late := now - served; late >= period {
		k := late / period
		served += k * period
		l.st.skipped += k
	}
	delay := time.Duration(now - served)
	l.next = served + period
	l.st.delay = delay
	l.st.accDelay += delay
	l.st.last = now
	l.delays.Push(delay)
	l.inflight = append(l.inflight, now)
}

// run executes the poll function once and accounts for it, however it ends.
func (l *pollLife) run(start int64) {
	p := l.p
	ctx, timeout := l.ctx, p.cfg.timeout
	if timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, timeout)
		defer cancel()
	}
	var (
		v        any
		err      error
		returned bool
	)
	defer func() {
		if !returned {
			err = errPollGoexit
		}
		if timeout > 0 && l.ctx.Err() == nil && errors.Is(ctx.Err(), context.DeadlineExceeded) {
			err = fmt.Errorf("%w after %s", ErrPollTimeout, timeout)
		}
		l.end(start, time.Now().UnixNano(), v, err)
	}()
	v, err = callPoll(ctx, p.fn)
	returned = true
}

// callPoll runs fn, turning a panic into an error so that a poller never takes
// the process down (model.Poller has no room for a stack; LastError names it).
func callPoll(ctx context.Context, fn PollFunc) (v any, err error) {
	defer func() {
		if r := recover(); r != nil {
			v, err = nil, fmt.Errorf("panic: %v", r)
		}
	}()
	return fn(ctx)
}

// end accounts for a finished run: counters, histories, the value, the error
// and its (rate-limited) event, and MinWait after an overrun.
func (l *pollLife) end(start, end int64, v any, err error) {
	p := l.p
	p.mu.Lock()
	if i := slices.Index(l.inflight, start); i >= 0 {
		// An overrun: the next deadline has come while every slot was taken,
		// so the next start waits on this end. Only then does MinWait bind; a
		// run that ends before the deadline leaves the grid alone.
		if end >= l.next && len(l.inflight) >= p.cfg.concurrency {
			l.notBefore = max(l.notBefore, end+int64(p.cfg.minWait))
		}
		l.inflight = slices.Delete(l.inflight, i, i+1)
	}
	dur := time.Duration(end - start)
	l.st.count++
	l.st.duration = dur
	l.durations.Push(dur)
	l.spans.push(start, end)
	var text, logged string
	cancelled := l.stopped // killed: an error now is the kill's, not the poll's
	switch {
	case err != nil && !cancelled:
		l.st.errors++
		l.st.lastError = firstLine(err.Error())
		l.errStreak++
		if (l.errStreak == 1 || l.errStreak%errorEventEvery == 0) && p.life == l {
			text = "failed: " + l.st.lastError
			if l.errStreak > 1 {
				text += " (" + itoa(int(l.errStreak)) + " in a row)"
			}
		}
	case err == nil:
		l.errStreak = 0
		if v != nil {
			value := formatValue(v)
			if value != l.st.value {
				logged = value // the log has a poller's changes, not every poll
			}
			l.st.value, l.st.valueAt = value, end
		}
	}
	p.mu.Unlock()
	if l.slot != nil {
		select {
		case l.slot <- struct{}{}:
		default:
		}
	}
	p.e.markDirty()
	if logged != "" {
		p.e.logPoller(p.name, logged)
	}
	if text != "" {
		p.e.logPoller(p.name, text)
		p.event(model.LevelError, text)
	}
}

// exit ends the loop: it waits for the runs it started, marks the poller killed
// if it ended by itself (runtime.Goexit in a run) and tells Close it is over.
func (l *pollLife) exit(timer *time.Timer, stopWake func() bool) {
	timer.Stop()
	stopWake()
	p := l.p
	p.mu.Lock()
	goexit := !l.stopped // the loop returned without being stopped: runtime.Goexit
	l.stopped = true
	p.mu.Unlock()
	l.cancel()
	l.runs.Wait()
	if goexit {
		p.mu.Lock()
		if p.life == l {
			p.killed = true
		}
		p.mu.Unlock()
		p.event(model.LevelError, "ended: a run called runtime.Goexit")
	}
	p.e.pollers.removeLife(l)
	close(l.done)
	p.e.markDirty()
}
