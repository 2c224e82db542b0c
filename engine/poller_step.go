package engine

import (
	"fmt"
	"time"

	"github.com/spindle-tui/spindle/model"
)

// maxStepPeriod is ScalePeriod's ceiling: a held key doubles or halves a
// period, and must drive a poller neither out of sight nor (below the poller's
// floor, MinPollPeriod or PeriodFloor's) into a busy loop.
const maxStepPeriod = 24 * time.Hour

// ScalePeriod doubles the period steps times (a negative steps halves it) from
// what it is when the call takes the poller's lock, so concurrent callers each
// make their step, and sets it as SetPeriod does. It returns the new period; a
// result below the poller's floor (1ms, 10ms for a command poller: see
// PeriodFloor) or above 24h is an error wrapping ErrInvalidPeriod, and the
// period is left as it was.
func (p *Poller) ScalePeriod(steps int) (time.Duration, error) {
	if p.cfg.cronSched() != nil {
		return p.period(), p.errCronPeriod()
	}
	p.mu.Lock()
	old := p.cfg.period
	d, over := scaled(old, steps, p.cfg.floor)
	if over != 0 {
		p.mu.Unlock()
		what := fmt.Sprintf("is %s, below the %s floor", model.FormatDuration(d), model.FormatDuration(p.cfg.floor))
		if over > 0 {
			what = "is past the " + model.FormatDuration(maxStepPeriod) + " ceiling"
		}
		return old, errorf("poller %q: period %s %s %s: %w",
			p.name, model.FormatDuration(old), factor(steps), what, ErrInvalidPeriod)
	}
	p.setPeriodLocked(d)
	p.mu.Unlock()
	p.periodEvent(old, d)
	return d, nil
}

// scaled returns d doubled steps times (halved for negative steps), and -1 when
// that falls below floor, 1 when it passes maxStepPeriod, else 0.
func scaled(d time.Duration, steps int, floor time.Duration) (time.Duration, int) {
	for ; steps > 0; steps-- {
		if d > maxStepPeriod/2 {
			return d, 1
		}
		d *= 2
	}
	for ; steps < 0; steps++ {
		d /= 2
	}
	switch {
	case d < floor:
		return d, -1
	case d > maxStepPeriod:
		return d, 1
	}
	return d, 0
}

// factor says what steps does to a period: "doubled", "halved 3 times".
func factor(steps int) string {
	what, n := "doubled", steps
	if steps < 0 {
		what, n = "halved", -steps
	}
	if n == 1 {
		return what
	}
	return fmt.Sprintf("%s %d times", what, n)
}
