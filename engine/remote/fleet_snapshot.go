package remote

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/spindle-tui/spindle/model"
)

// snapshotter is an engine that gives a snapshot on demand: a *Client.
type snapshotter interface {
	Snapshot(ctx context.Context) (model.Snapshot, error)
}

// localSnapshotter is an in-process engine: *engine.Engine.
type localSnapshotter interface {
	Snapshot() model.Snapshot
}

// Snapshot fetches every engine's current snapshot at once and merges them,
// as a subscription does (for `spindle status A B…` and ctl). An engine that
// fails makes it fail, its origin named; an engine that cannot give a
// snapshot on demand is an error too.
func (f *Fleet) Snapshot(ctx context.Context) (model.Snapshot, error) {
	slots := make([]*fleetSlot, len(f.members))
	errs := make([]error, len(f.members))
	var wg sync.WaitGroup
	for i, m := range f.members {
		slots[i] = &fleetSlot{name: m.Name, addr: m.Addr}
		wg.Go(func() {
			var s model.Snapshot
			switch e := m.Engine.(type) {
			case snapshotter:
				var err error
				if s, err = e.Snapshot(ctx); err != nil {
					errs[i] = &OriginError{m.Name, err}
					return
				}
			case localSnapshotter:
				s = e.Snapshot()
			default:
				errs[i] = fmt.Errorf("%s: cannot take a snapshot of a %T", m.Name, m.Engine)
				return
			}
			slots[i].take(s)
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return model.Snapshot{}, err
	}
	return merge(slots, 1), nil
}
