package engine

import (
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
	created, started, ended, asked int64
	done, total                    int64
	errText, stack                 string
	log                            []model.LogLine
}

// keepLocked copies w's task, just finished (or abandoned), into the pool's
// history.
func (p *Pool) keepLocked(w *worker) {
	s := p.recent.Slot()
	if s == nil {
		return
	}
	t, r := &w.t, &w.r
	var log []model.LogLine
	r.logMu.Lock()
	if len(r.log) > 0 {
		log = r.log[:len(r.log):len(r.log)]
	}
	r.logMu.Unlock()
	*s = doneTask{fut: w.job.fut, state: t.state, restarts: t.restarts, created: t.created,
		started: r.started, ended: r.ended, asked: r.asked, done: r.done.Load(), total: r.total.Load(),
		errText: r.errText, stack: r.stack, log: log}
}

// keepFinishedLocked puts t, finished without its worker (halted while
// queued, abandoned), into the pool's history.
func (p *Pool) keepFinishedLocked(t *task) {
	if w := t.pool.w; w != nil && t == &w.t {
		p.keepLocked(w)
		return
	}
	d := doneTask{fut: t.pool.fut, state: t.state, restarts: t.restarts, created: t.created}
	if r := t.run; r != nil {
		d.started, d.ended, d.asked, d.errText, d.stack = r.started, r.ended, r.asked, r.errText, r.stack
		d.log = r.log[:len(r.log):len(r.log)]
	}
	p.recent.Push(d)
}

// forgetNumLocked takes finished work with numeric id nid out of the pool's
// history.
func (p *Pool) forgetNumLocked(nid uint64) {
	if i := p.recent.Index(func(d *doneTask) bool { return d.fut.nid == nid }); i >= 0 {
		p.recent.Remove(i)
		p.e.markDirty()
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
