package engine

import (
	"github.com/spindle-tui/spindle/engine/internal/ring"
	"github.com/spindle-tui/spindle/model"
)

// doneTask is finished pool work as its pool's history keeps it: a value
// copied from the worker's run record when the work ends (a ring slot is
// reused, so finishing allocates nothing), turned into a model.Task only when
// a snapshot shows it. fut leads to what a restart needs (function, values).
// worker.retireLocked writes a reused slot field by field: a new field must
// be written there too.
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

// Each worker keeps a ring of the work it finished (written under its lock as
// it finishes work), and the pool one (for work that ends without a worker:
// halted while queued, and what exited workers kept); snapshots merge them by
// time, newest first, up to the history size.

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
	}
	v.Parent, v.From = src.parentID, originOf(src)
	if src.proc != nil {
		src.proc.view(v)
	}
	if tail > 0 && len(d.log) > 0 {
		l := len(d.log)
		v.Log = d.log[max(0, l-tail):l:l]
	}
}
