package remote

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"sync"

	"github.com/spindle-tui/spindle/model"
)

// maxLogCursors bounds the cursors a fleet remembers: a log view resumes
// from the last batch it got, so only the newest few are ever asked for.
const maxLogCursors = 64

// logCursors maps the Next a fleet handed out to where each engine's log
// read stands: engines number their lines each on their own, so the fleet
// numbers the merged lines itself and keeps, per Next, every engine's Since.
type logCursors struct {
	mu    sync.Mutex
	keys  []uint64                     // handed out, oldest first
	at    map[uint64]map[string]uint64 // key → origin → Since
	key   uint64                       // the last key handed out
	lines uint64                       // the last merged line's Seq
}

// lookup returns the per-engine positions of the read that handed out since
// (Since is Next-1), or nil, false for a first read or a forgotten cursor.
func (c *logCursors) lookup(since uint64) (map[string]uint64, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	at, ok := c.at[since]
	return at, ok
}

// store remembers at and numbers lines; it returns the batch's Next.
func (c *logCursors) store(at map[string]uint64, lines []model.LogEntry) uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.at == nil {
		c.at = make(map[uint64]map[string]uint64)
	}
	for i := range lines {
		c.lines++
		lines[i].Seq = c.lines
	}
	c.key++
	c.at[c.key] = at
	c.keys = append(c.keys, c.key)
	if len(c.keys) > maxLogCursors {
		delete(c.at, c.keys[0])
		c.keys = c.keys[1:]
	}
	return c.key + 1
}

// ReadLogs reads the lines q selects from every engine that has some of its
// tasks (every engine when q names none), merged in time order, the tasks
// qualified by origin. Next is the fleet's own cursor: give Next-1 as Since to
// go on. A task with an origin the fleet lacks fails with ErrUnknownOrigin;
// an engine whose connection is lost is skipped and read on from where it
// stood when it comes back.
func (f *Fleet) ReadLogs(ctx context.Context, q model.LogQuery) (model.LogBatch, error) {
	tasks := map[string][]model.TaskID{}
	if len(q.Tasks) > 0 {
		for _, id := range q.Tasks {
			origin, own, ok := model.SplitID(id)
			if _, known := f.index[origin]; !ok || !known {
				return model.LogBatch{}, &saidError{fmt.Sprintf("logs of %s: no engine %q in this fleet (the engines: %s)", id, origin, f.names()), ErrUnknownOrigin}
			}
			tasks[origin] = append(tasks[origin], own)
		}
	}
	prev, resumed := f.logs.lookup(q.Since)
	if q.Since == 0 {
		resumed = false
	}
	at := make(map[string]uint64, len(f.members))
	maps.Copy(at, prev)
	batches := make([]model.LogBatch, len(f.members))
	errs := make([]error, len(f.members))
	var wg sync.WaitGroup
	for i, m := range f.members {
		own := tasks[m.Name]
		if len(q.Tasks) > 0 && len(own) == 0 {
			continue
		}
		mm, err := f.member(m.Name, "logs")
		if err != nil {
			continue // read on when it is back
		}
		mq := model.LogQuery{Tasks: own, Streams: q.Streams, Limit: q.Limit}
		if since, ok := prev[m.Name]; resumed && ok {
			mq.Since = since
		} else {
			mq.Tail, mq.SinceTime = q.Tail, q.SinceTime
		}
		wg.Go(func() {
			b, err := mm.Engine.ReadLogs(ctx, mq)
			if err != nil {
				errs[i] = &OriginError{m.Name, err}
				return
			}
			batches[i] = b
		})
	}
	wg.Wait()
	var out model.LogBatch
	for i, b := range batches {
		if errs[i] != nil {
			continue
		}
		name := f.members[i].Name
		if b.Next > 0 {
			at[name] = b.Next - 1
		}
		out.Gap += b.Gap
		for _, l := range b.Lines {
			l.Origin, l.Task = name, model.QualifyID(name, l.Task)
			out.Lines = append(out.Lines, l)
		}
	}
	if err := errors.Join(errs...); err != nil && len(out.Lines) == 0 {
		return model.LogBatch{}, err
	}
	slices.SortStableFunc(out.Lines, func(a, b model.LogEntry) int { return a.Time.Compare(b.Time) })
	out.Next = f.logs.store(at, out.Lines)
	return out, nil
}
