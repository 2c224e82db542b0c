package ui

import (
	"context"
	"slices"

	"github.com/spindle-tui/spindle/model"
)

// ReadLogs serves f.logs as the engine would: the lines after q.Since (or
// the last q.Tail), of q.Tasks, up to q.Limit.
func (f *fakeSource) ReadLogs(_ context.Context, q model.LogQuery) (model.LogBatch, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var sel []model.LogEntry
	for _, l := range f.logs {
		if (len(q.Tasks) == 0 || slices.Contains(q.Tasks, l.Task)) && l.Seq > q.Since {
			sel = append(sel, l)
		}
	}
	if q.Since == 0 && q.Tail > 0 && len(sel) > q.Tail {
		sel = sel[len(sel)-q.Tail:]
	}
	limit := q.Limit
	if limit <= 0 {
		limit = 1000
	}
	sel = sel[:min(len(sel), limit)]
	b := model.LogBatch{Lines: sel, Next: q.Since + 1}
	if len(sel) > 0 {
		b.Next = sel[len(sel)-1].Seq + 1
	} else if n := len(f.logs); n > 0 {
		b.Next = max(b.Next, f.logs[n-1].Seq+1)
	}
	return b, nil
}
