package engine

import (
	"context"
	"fmt"
	"time"

	"github.com/spindle-tui/spindle/engine/internal/logstore"
	"github.com/spindle-tui/spindle/engine/internal/tail"
	"github.com/spindle-tui/spindle/model"
)

// Checkpoint is where a task lets itself be controlled. It returns ErrHalted once
// the task is halted or killed (or ctx is otherwise done), parks while the task is
// paused, and returns nil otherwise. It is cheap enough to call in a tight loop:
// the usual path is two atomic loads.
//
// For a ctx that carries no task it returns ErrHalted when ctx is done, else nil.
func Checkpoint(ctx context.Context) error {
	r := runFrom(ctx)
	if r == nil {
		if ctx.Err() != nil {
			return ErrHalted
		}
		return nil
	}
	for {
		f := r.flags.Load()
		switch {
		case f&runHalt != 0:
			return ErrHalted
		case f&runPause == 0:
			if ctx.Err() != nil {
				return ErrHalted
			}
			return nil
		}
		if err := r.park(ctx); err != nil {
			return err
		}
	}
}

// park blocks a task that was asked to pause until it is resumed or halted. The
// first Checkpoint to park turns pausing into paused.
func (r *run) park(ctx context.Context) error {
	e := r.e
	unlock := e.lockTask(r.t)
	f := r.flags.Load()
	if f&runHalt != 0 {
		unlock()
		return ErrHalted
	}
	if f&runPause == 0 {
		unlock()
		return nil
	}
	if t := r.t; t.run == r && t.state == model.StatePausing {
		r.asked = 0
		e.setStateLocked(t, model.StatePaused)
	}
	wake := r.resume
	unlock()

	select {
	case <-wake:
	case <-r.ctx.Done():
	case <-ctx.Done():
	}
	if r.flags.Load()&runHalt != 0 || ctx.Err() != nil {
		return ErrHalted
	}
	return nil
}

// Progress reports how far the task has got (done of total units; total 0 when
// unknown); the dashboard draws it as a bar. It only stores two atomics, so it can
// be called often. It does nothing for a ctx with no task.
func Progress(ctx context.Context, done, total int64) {
	r := runFrom(ctx)
	if r == nil {
		return
	}
	r.done.Store(done)
	r.total.Store(total)
	r.e.markDirty()
}

// Logf adds a line to the task's log, which the detail pane shows. The log keeps
// the last WithLogLines lines. It does nothing for a ctx with no task.
func Logf(ctx context.Context, format string, args ...any) {
	r := runFrom(ctx)
	if r == nil {
		return
	}
	text := fmt.Sprintf(format, args...)
	r.e.storeLine(r.t, logstore.Log, text) // logs.go
	r.appendLog(model.LogLine{Time: time.Now(), Text: text}, r.e.cfg.logLines)
	r.e.markDirty()
	r.noteLine(text) // depends.go: the log_ready condition
}

// appendLog adds a line, keeping at least the last bound lines (a tail.Buffer:
// snapshots share sub-slices of it without copying).
func (r *run) appendLog(line model.LogLine, bound int) {
	r.logMu.Lock()
	defer r.logMu.Unlock()
	if r.log.Keep() != bound {
		r.log = tail.Continue(bound, r.log.Tail(-1))
	}
	r.log.Push(line)
	if !r.haslog.Load() {
		r.haslog.Store(true)
	}
}

// logTail returns the last n lines (all of them for n < 0) as a sub-slice
// shared with the log.
func (r *run) logTail(n int) []model.LogLine {
	r.logMu.Lock()
	defer r.logMu.Unlock()
	return r.log.Tail(n)
}
