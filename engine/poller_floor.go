package engine

import (
	"time"
)

// Period floors. A period is how often work runs; below these, a poller stops
// being periodic work and becomes a loop that takes a core (issue 11: period
// 1ns forked ~1,100 processes a second at 35–58% of a core). NewPoller's Start,
// SetPeriod, Apply(OpSetPeriod) and PollDict.Add refuse a period below a
// poller's floor with an error wrapping ErrInvalidPeriod that says the floor.
const (
	// MinPollPeriod is every poller's floor. A run costs the schedule a timer,
	// a lock and its stats, about 1–2µs, so one poller at 1ms is well under 1%
	// of a core; and below 1ms the scheduler's own latency (tens to hundreds
	// of µs on a busy machine) is a large part of the period, so the delay
	// figures would show the machine rather than the poller. Work that must
	// run more often than every millisecond wants a goroutine of its own.
	MinPollPeriod = time.Millisecond
	// MinCommandPollPeriod is the floor of a poller that runs a command
	// (CommandPoll; task-file pollers have it): each run forks and waits for a
	// process, which costs about 0.3–0.5ms of CPU, so at 10ms one poller takes
	// at most a few percent of a core, and a shorter period could not be kept
	// anyway once the command does any work.
	MinCommandPollPeriod = 10 * time.Millisecond
)

// PeriodFloor raises the poller's floor from MinPollPeriod to d: NewPoller's
// Start, SetPeriod, Apply(OpSetPeriod) and PollDict.Add then refuse a period
// below d. A poller running CommandPoll should have
// PeriodFloor(MinCommandPollPeriod), as task-file pollers do. A d below
// MinPollPeriod leaves MinPollPeriod.
func PeriodFloor(d time.Duration) PollerOption {
	return func(c *pollerConfig) { c.floor = max(d, MinPollPeriod) }
}

// checkPeriod returns an error wrapping ErrInvalidPeriod, naming the floor, if
// d is not a period p may have. p.cfg.floor is fixed at creation: no lock.
func (p *Poller) checkPeriod(d time.Duration) error {
	switch {
	case d <= 0:
		return errorf("poller %q: period %s must be more than 0: %w", p.name, d, ErrInvalidPeriod)
	case d < p.cfg.floor:
		return errorf("poller %q: period %s is below the floor of %s: %w", p.name, d, p.cfg.floor, ErrInvalidPeriod)
	}
	return nil
}
