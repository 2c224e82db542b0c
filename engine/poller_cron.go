package engine

import (
	"time"

	"github.com/spindle-tui/spindle/model"
)

// pollerExtra is what few pollers have, behind one pointer so that a periodic
// poller keeps the layout its runs were measured with: a cron schedule, and a
// PollDict key's expiry.
type pollerExtra struct {
	cron    *CronSchedule      // nil: periodic
	cronErr error              // Cron's expression did not parse: Start returns it
	expire  time.Duration      // a PollDict key's value expires after this; 0: never
	view    *model.PollerExtra // what stats show of it, made once (newPoller)
}

// finish makes the view of x once the options are applied.
func (x *pollerExtra) finish() {
	x.view = &model.PollerExtra{Expire: x.expire}
	if x.cron != nil {
		x.view.Schedule, x.view.Zone = x.cron.String(), x.cron.Location().String()
	}
}

// extra returns c's pollerExtra, making it.
func (c *pollerConfig) extra() *pollerExtra {
	if c.x == nil {
		c.x = new(pollerExtra)
	}
	return c.x
}

// cronSched returns the poller's schedule, or nil for a periodic one.
func (c *pollerConfig) cronSched() *CronSchedule {
	if c.x == nil {
		return nil
	}
	return c.x.cron
}

// Cron makes the poller run at the times of a cron expression (see
// CronSchedule: five fields or a descriptor such as @daily, in the local zone
// unless it starts with CRON_TZ=) instead of every period; NewPoller's period
// is then ignored. Its first run is at the first of those times after Start,
// not at once; how late a run starts is measured against its cron time, and a
// run that outlasts the next time skips it (counted in Skipped). A cron
// poller's period cannot be changed. An expression that does not parse makes
// Start return its *CronError.
func Cron(expr string) PollerOption {
	s, err := ParseCron(expr)
	return CronSchedules(s, err)
}

// CronSchedules is Cron for a schedule parsed already (ParseCronIn, say);
// err, if not nil, is what Start returns.
func CronSchedules(s *CronSchedule, err error) PollerOption {
	return func(c *pollerConfig) {
		x := c.extra()
		x.cron, x.cronErr = s, err
		if s != nil {
			c.period = s.interval(time.Now())
		}
	}
}

// checkSchedule returns the error of a bad Cron expression. The caller holds
// p.mu (cfg.x is fixed at creation, so it needs none).
func (p *Poller) checkSchedule() error {
	if x := p.cfg.x; x != nil && x.cronErr != nil {
		return errorf("poller %q: %w", p.name, x.cronErr)
	}
	return nil
}

// errCronPeriod is the error of a period change asked of a cron poller.
func (p *Poller) errCronPeriod() error {
	return errorf("poller %q runs on the cron schedule %q; its period cannot change: %w",
		p.name, p.cfg.x.cron.String(), ErrInvalidSchedule)
}

// firstCronLocked sets a cron life's first deadline: the first cron time
// after now. The caller holds p.mu.
func (l *pollLife) firstCronLocked(s *CronSchedule, now int64) {
	l.next = cronNext(s, now)
}

// cronNext returns the first time of s after now in unix ns; a schedule with
// no time left (February 30) gives one far in the future, so the poller waits.
func cronNext(s *CronSchedule, now int64) int64 {
	n := s.Next(time.Unix(0, now))
	if n.IsZero() {
		return now + int64(100*365*24*time.Hour)
	}
	return n.UnixNano()
}

// maxCronSkips bounds the cron times a late run counts as skipped one by one;
// past it (the machine slept for days) the rest are estimated.
const maxCronSkips = 1024

// beginCronLocked is beginLocked for a cron poller: the run serves the latest
// cron time that has passed, the earlier ones are skipped, and the next
// deadline is the cron time after the one served.
func (l *pollLife) beginCronLocked(s *CronSchedule, now int64) {
	served := l.next
	next := cronNext(s, served)
	for n := 0; next <= now; n++ {
		if n == maxCronSkips { // estimate the rest from the last gap and look again near now
			gap := max(next-served, int64(time.Second))
			l.st.skipped += (now - next) / gap
			served = next
			next = cronNext(s, now-gap)
			continue
		}
		l.st.skipped++
		served, next = next, cronNext(s, next)
	}
	delay := time.Duration(now - served)
	l.next = next
	l.st.delay = delay
	l.st.accDelay += delay
	l.st.last = now
	l.delays.Push(delay)
	l.inflight = append(l.inflight, now)
}

// resumeCronLocked is resumeLocked's deadline for a cron poller: the next cron
// time, with no catching up.
func (l *pollLife) resumeCronLocked(s *CronSchedule, now int64) {
	if l.next < now {
		l.next = cronNext(s, now)
	}
}
