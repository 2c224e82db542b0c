package remote

import (
	"fmt"
	"net/http"
	"time"

	"github.com/spindle-tui/spindle/model"
)

// maxStreamEvery bounds a stream's ?every: a client that wants fewer
// snapshots than one a minute wants GET /v1/snapshot.
const maxStreamEvery = time.Minute

// streamEvery reads a stream request's ?every (0 when absent: every snapshot).
func streamEvery(r *http.Request) (time.Duration, error) {
	v := r.URL.Query().Get("every")
	if v == "" {
		return 0, nil
	}
	d, err := time.ParseDuration(v)
	if err != nil || d < 0 || d > maxStreamEvery {
		return 0, fmt.Errorf("every=%q: want a duration from 0s to %s, as 250ms", v, maxStreamEvery)
	}
	return d, nil
}

// pacer spaces one connection's snapshots at least every apart: one that
// comes sooner is held until it is due, and a newer one replaces it (latest
// wins, nothing queues). The first is sent at once.
type pacer struct {
	every   time.Duration
	last    time.Time // when the last snapshot went (zero: none yet)
	held    model.Snapshot
	holding bool
	timer   *time.Timer
	timerC  <-chan time.Time // the timer's channel while a snapshot is held
}

// hold keeps s for later and reports true when it is not due yet; else it
// notes that s goes now and reports false.
func (p *pacer) hold(s model.Snapshot) bool {
	now := time.Now()
	if wait := p.every - now.Sub(p.last); p.every > 0 && !p.last.IsZero() && wait > 0 {
		p.held, p.holding = s, true
		if p.timerC == nil {
			if p.timer == nil {
				p.timer = time.NewTimer(wait)
			} else {
				p.timer.Reset(wait)
			}
			p.timerC = p.timer.C
		}
		return true
	}
	p.last = now
	p.held, p.holding, p.timerC = model.Snapshot{}, false, nil // s is newer than any held
	return false
}

// due is ready when the held snapshot is due (never while none is held).
func (p *pacer) due() <-chan time.Time { return p.timerC }

// take returns the held snapshot, if any, and notes that it goes now.
func (p *pacer) take() (model.Snapshot, bool) {
	s, ok := p.held, p.holding
	p.held, p.holding, p.timerC = model.Snapshot{}, false, nil
	if ok {
		p.last = time.Now()
	}
	return s, ok
}

// stop releases the timer.
func (p *pacer) stop() {
	if p.timer != nil {
		p.timer.Stop()
	}
}
