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
	at                             int64 // when it joined the ring (unix ns): the merge order
	created, started, ended, asked int64
	done, total                    int64
	errText, stack                 string
	log                            []model.LogLine
}

// doneRing is a bounded ring of finished pool work, oldest first. Each worker
// has one (written under its lock as it finishes work) and the pool one (for
// work that ends without a worker: halted while queued); snapshots merge them
// by time, newest first, up to the history size.
type doneRing struct {
	buf  []doneTask // grows up to limit, then wraps
	head int        // index of the oldest once full
	cap  int
}

func newDoneRing(capacity int) doneRing { return doneRing{cap: capacity} }

func (d *doneRing) len() int { return len(d.buf) }

// at returns the i-th entry from the oldest.
func (d *doneRing) at(i int) *doneTask { return &d.buf[(d.head+i)%len(d.buf)] }

// slot returns the slot for a new newest entry, evicting the oldest when full,
// or nil with capacity 0. The caller fills every field (a reused slot holds
// the evicted entry).
func (d *doneRing) slot() *doneTask {
	switch {
	case d.cap == 0:
		return nil
	case len(d.buf) < d.cap:
		if d.buf == nil {
			d.buf = make([]doneTask, 0, d.cap)
		}
		d.buf = append(d.buf, doneTask{})
		return &d.buf[len(d.buf)-1]
	}
	s := &d.buf[d.head]
	d.head = (d.head + 1) % len(d.buf)
	return s
}

// push adds a copy of v as the newest.
func (d *doneRing) push(v *doneTask) {
	if s := d.slot(); s != nil {
		*s = *v
	}
}

// remove takes out the entry with (numeric) id, keeping the order of the rest.
func (d *doneRing) remove(id uint64) bool {
	n := len(d.buf)
	for i := range n {
		if d.at(i).fut.nid != id {
			continue
		}
		rest := make([]doneTask, 0, d.cap)
		for j := range n {
			if j != i {
				rest = append(rest, *d.at(j))
			}
		}
		d.buf, d.head = rest, 0
		return true
	}
	return false
}

// find returns the entry with (numeric) id, or nil.
func (d *doneRing) find(id uint64) *doneTask {
	for i := range len(d.buf) {
		if v := d.at(i); v.fut.nid == id {
			return v
		}
	}
	return nil
}

// mergeNewest calls fn on the newest n entries of all rings, newest first.
func mergeNewest(rings []*doneRing, n int, fn func(*doneTask)) {
	next := make([]int, len(rings)) // per ring: how many taken from its newest end
	for range n {
		best := -1
		var bestAt int64
		for i, r := range rings {
			if next[i] == r.len() {
				continue
			}
			if at := r.at(r.len() - 1 - next[i]).at; best < 0 || at > bestAt {
				best, bestAt = i, at
			}
		}
		if best < 0 {
			return
		}
		r := rings[best]
		fn(r.at(r.len() - 1 - next[best]))
		next[best]++
	}
}

// view fills v with d as a viewer sees it; p names it.
func (d *doneTask) view(v *model.Task, p *Pool, tail int) {
	f := d.fut
	src := f.src()
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
	}
	v.Parent = src.parentID
	if src.proc != nil {
		src.proc.view(v)
	}
	if tail > 0 && len(d.log) > 0 {
		l := len(d.log)
		v.Log = d.log[max(0, l-tail):l:l]
	}
}
