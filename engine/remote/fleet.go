package remote

import (
	"context"
	"sync"
	"time"

	"github.com/spindle-tui/spindle/engine"
	"github.com/spindle-tui/spindle/model"
)

// FleetEngine is what a fleet needs of each engine: the methods of ui.Source.
// *Client and *engine.Engine have them.
type FleetEngine interface {
	Subscribe() (<-chan model.Snapshot, func())
	Apply(ctx context.Context, cmd model.Command) error
	Goroutines(ctx context.Context) (model.Goroutines, error)
	ReadLogs(ctx context.Context, q model.LogQuery) (model.LogBatch, error)
}

// FleetMember is one engine of a fleet: its origin name (short, distinct,
// without "/"; see OriginNames), its address, for messages, and the engine.
type FleetMember struct {
	Name   string
	Addr   string
	Engine FleetEngine
}

// DefaultFleetRefresh is how often, at most, a fleet publishes a merged
// snapshot: the engines' own default refresh.
const DefaultFleetRefresh = engine.DefaultRefresh

// Fleet is a ui.Source over several engines: it merges their latest snapshots
// into one (every id and name qualified by its origin, "api/t1f", every row
// carrying its Origin; see model.Qualify) and routes each command, log read and
// goroutine sample to the engine that owns what it names. An engine whose
// connection drops keeps its last rows, marked stale in Snapshot.Origins,
// while its client reconnects. All methods are safe for concurrent use.
type Fleet struct {
	members []FleetMember // sorted by name
	index   map[string]int
	refresh time.Duration
	closeFn func() // closes what DialFleet dialled

	mu    sync.Mutex
	stale map[string]string // origin → why its connection is lost, per the latest subscription
	logs  logCursors
	gor   map[string]model.Goroutines // origin → the last goroutine sample it gave (fleet_route.go)
}

// NewFleet returns a fleet over members, whose names must be distinct and
// free of "/" (OriginNames makes such names). refresh bounds how often a
// subscription publishes (0: DefaultFleetRefresh).
func NewFleet(members []FleetMember, refresh time.Duration) *Fleet {
	if refresh <= 0 {
		refresh = DefaultFleetRefresh
	}
	f := &Fleet{members: append([]FleetMember(nil), members...), index: make(map[string]int, len(members)),
		refresh: refresh, stale: map[string]string{}, gor: map[string]model.Goroutines{}}
	sortMembers(f.members)
	for i, m := range f.members {
		f.index[m.Name] = i
	}
	return f
}

// Close closes the clients DialFleet dialled (ending every subscription); a
// fleet made with NewFleet leaves its engines alone.
func (f *Fleet) Close() {
	if f.closeFn != nil {
		f.closeFn()
	}
}

// Subscribe subscribes to every engine and returns merged snapshots on a
// channel of capacity 1, latest wins, at most one per refresh: a burst of
// snapshots from many engines is merged once (and, for a fleet so big its
// merge takes more than a fifth of the refresh, less often). cancel
// (idempotent) ends every engine's subscription and closes the channel.
func (f *Fleet) Subscribe() (<-chan model.Snapshot, func()) {
	out := make(chan model.Snapshot, 1)
	ctx, stop := context.WithCancel(context.Background())
	slots := make([]*fleetSlot, len(f.members))
	var mu sync.Mutex // guards slots' contents
	dirty := make(chan struct{}, 1)
	var wg sync.WaitGroup
	cancels := make([]func(), len(f.members))
	for i, m := range f.members {
		slots[i] = &fleetSlot{name: m.Name, addr: m.Addr}
		ch, cancel := m.Engine.Subscribe()
		cancels[i] = cancel
		wg.Go(func() {
			for s := range ch {
				mu.Lock()
				slots[i].take(s)
				stale, why := slots[i].stale, slots[i].err
				mu.Unlock()
				f.noteStale(m.Name, stale, why)
				select {
				case dirty <- struct{}{}:
				default:
				}
			}
		})
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		defer close(out)
		var seq uint64
		for {
			select {
			case <-dirty:
			case <-ctx.Done():
				return
			}
			seq++
			began := time.Now()
			mu.Lock()
			s := merge(slots, seq)
			mu.Unlock()
			offer(out, s)
			// What comes meanwhile is merged once, after the refresh, or
			// after four times what this merge took: a fleet too big to
			// merge every refresh spends a fifth of a core on it, not all.
			t := time.NewTimer(max(f.refresh, 4*time.Since(began)))
			select {
			case <-t.C:
			case <-ctx.Done():
				t.Stop()
				return
			}
		}
	}()
	var once sync.Once
	return out, func() {
		once.Do(func() {
			for _, c := range cancels {
				c()
			}
			wg.Wait()
			stop()
			<-done
		})
	}
}

// noteStale records whether origin's connection is lost, for Apply.
func (f *Fleet) noteStale(origin string, stale bool, why string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if stale {
		f.stale[origin] = why
	} else {
		delete(f.stale, origin)
	}
}
