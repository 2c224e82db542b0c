package engine

import (
	"github.com/spindle-tui/spindle/engine/internal/ring"
	"github.com/spindle-tui/spindle/model"
)

// doneTask is finished pool work as its pool's history keeps it: a value
// copied from the worker's run record when the work ends (a ring slot is
// reused, so finishing allocates nothing), turned into a model.Task only when
// a snapshot shows it. fut leads to what a restart needs (function, values).
type doneTask struct {
	fut                            *Future
	state                          model.State
	restarts                       int32
	at                             int64 // when it ended (unix ns): the order of merged histories
	created, started, ended, asked int64
	done, total                    int64
	errText, stack                 string
	log                            []model.LogLine
}

// keepLocked copies w's task, just finished (or abandoned), into w's history.
func (w *worker) keepLocked() {
	s := w.recent.Slot()
	if s == nil {
		return
	}
	t, r := &w.t, &w.r
	var log []model.LogLine
	if r.haslog.Load() {
		r.logMu.Lock()
		log = r.log[:len(r.log):len(r.log)]
		r.logMu.Unlock()
	}
	// Field by field, and a string or slice only when it differs: a reused
	// slot mostly holds the same empty ones, and every pointer written is a
	// write barrier while the collector runs (a benchmark showed the plain
	// struct copy to cost more than the rest of the bookkeeping).
	s.fut = w.job.fut
	s.state, s.restarts, s.at, s.created = t.state, t.restarts, r.ended, t.created
	s.started, s.ended, s.asked = r.started, r.ended, r.asked
	s.done, s.total = r.done.Load(), r.total.Load()
	if s.errText != r.errText {
		s.errText = r.errText
	}
	if s.stack != r.stack {
		s.stack = r.stack
	}
	if s.log != nil || log != nil {
		s.log = log
	}
}

// keepFinishedLocked puts t, finished without its worker (halted while
// queued, abandoned), into the pool's history.
func (p *Pool) keepFinishedLocked(t *task) {
	if w := t.pool.w; w != nil && t == &w.t {
		w.keepLocked()
		return
	}
	d := doneTask{fut: t.pool.fut, state: t.state, restarts: t.restarts, at: p.now(), created: t.created}
	if r := t.run; r != nil {
		d.started, d.ended, d.asked, d.errText, d.stack = r.started, r.ended, r.asked, r.errText, r.stack
		d.log = r.log[:len(r.log):len(r.log)]
	}
	p.recent.Push(d)
}

// forgetNumLocked takes finished work with numeric id nid out of the pool's
// history. The caller holds p.mu and every worker's lock.
func (p *Pool) forgetNumLocked(nid uint64) {
	for _, r := range p.ringsLocked() {
		if i := r.Index(func(d *doneTask) bool { return d.fut.nid == nid }); i >= 0 {
			r.Remove(i)
			p.e.markDirty()
			return
		}
	}
}

// ringsLocked returns the pool's histories: its own and each worker's.
func (p *Pool) ringsLocked() []*ring.Ring[doneTask] {
	rings := make([]*ring.Ring[doneTask], 0, len(p.ws)+1)
	rings = append(rings, &p.recent)
	for _, w := range p.ws {
		rings = append(rings, &w.recent)
	}
	return rings
}

// mergeNewest calls fn on the newest n entries of all rings, newest first.
func mergeNewest(rings []*ring.Ring[doneTask], n int, fn func(*doneTask)) {
	next := make([]int, len(rings)) // per ring: how many taken from its newest end
	for range n {
		best := -1
		var bestAt int64
		for i, r := range rings {
			if next[i] == r.Len() {
				continue
			}
			if at := r.Newest(next[i]).at; best < 0 || at > bestAt {
				best, bestAt = i, at
			}
		}
		if best < 0 {
			return
		}
		fn(rings[best].Newest(next[best]))
		next[best]++
	}
}

// view fills v with d as a viewer sees it; p names it.
func (d *doneTask) view(v *model.Task, p *Pool, tail int) {
	f := d.fut
	src := f.source()
	*v = model.Task{
		ID:       f.ID(),
		Name:     p.nameOf(f),
		Group:    p.name,
		Type:     src.typ,
		Kind:     model.KindGoroutine,
		State:    d.state,
		Created:  unixTime(d.created),
		Started:  unixTime(d.started),
		Ended:    unixTime(d.ended),
		Asked:    unixTime(d.asked),
		Done:     d.done,
		Total:    d.total,
		Restarts: int(d.restarts),
		Error:    d.errText,
		Stack:    d.stack,
		Parent:   src.parentID,
	}
	if src.proc != nil {
		src.proc.view(v)
	}
	if tail > 0 && len(d.log) > 0 {
		l := len(d.log)
		v.Log = d.log[max(0, l-tail):l:l]
	}
}
