package ui

import (
	"context"

	"github.com/spindle-tui/spindle/model"
)

// Source is all the dashboard needs from what it shows: a stream of coalesced
// snapshots and a way to send commands back. *engine.Engine satisfies it, and so
// does the remote client (*remote.Client), so the same dashboard runs in-process
// and attached.
type Source interface {
	// Subscribe returns a channel of snapshots (latest wins, at most one per
	// refresh) and a func that ends the subscription and closes the channel.
	Subscribe() (<-chan model.Snapshot, func())
	// Apply sends a command and reports whether the engine accepted it.
	Apply(ctx context.Context, cmd model.Command) error
	// Goroutines returns a sample of the process's goroutines grouped by
	// stack and owner. The dashboard asks about once a second while the
	// Goroutines view, a task's detail or Workers is on screen; the source
	// samples no more often than its cost allows and returns its last sample
	// in between.
	Goroutines(ctx context.Context) (model.Goroutines, error)
	// ReadLogs returns one batch of the log lines q selects, without
	// waiting (the log views poll it while they are open).
	ReadLogs(ctx context.Context, q model.LogQuery) (model.LogBatch, error)
}
