package spec

import (
	"context"
	"sync"
	"time"

	"github.com/spindle-tui/spindle/model"
)

// reloadTimeout bounds one reload: it must not hang on one stubborn task;
// what does not stop in time is reported and the rest goes on.
const reloadTimeout = 30 * time.Second

// applier carries out the versions of the file the watcher calls back with,
// on a goroutine of its own, so that the callback returns at once even while
// a reload waits (up to reloadTimeout) for removed work to stop.
//
// Versions are numbered as they come. Latest wins: a valid version not yet
// started is replaced by a newer one. An invalid version's error is shown at
// once (nothing changes), and the outcome of an apply still running when it
// came is not shown over it, so the screen always tells about the newest save.
type applier struct {
	s    *Supervisor
	wake chan struct{} // buffered 1: a version is waiting
	done chan struct{} // closed once run and the watcher have ended

	mu      sync.Mutex // held while the source error is set, so outcomes show in order
	seq     uint64     // versions offered so far
	next    *File      // the newest valid version not yet started; nil when none
	nextSeq uint64
	shown   uint64 // the newest version whose outcome is on screen
}

func newApplier(s *Supervisor) *applier {
	return &applier{s: s, wake: make(chan struct{}, 1), done: make(chan struct{})}
}

// offer is the watcher's callback: it never blocks on an apply.
func (a *applier) offer(f *File, err error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.seq++
	if err != nil {
		a.s.Reject(err)
		a.shown = a.seq
		return
	}
	a.next, a.nextSeq = f, a.seq
	select {
	case a.wake <- struct{}{}:
	default:
	}
}

// run applies what is offered until ctx is done, then waits for the watcher
// (watching is its Done) so that done means neither calls back any more.
func (a *applier) run(ctx context.Context, watching <-chan struct{}) {
	defer close(a.done)
	defer func() { <-watching }()
	for {
		select {
		case <-ctx.Done():
			return
		case <-a.wake:
		}
		a.mu.Lock()
		f, seq := a.next, a.nextSeq
		a.next = nil
		a.mu.Unlock()
		if f != nil && ctx.Err() == nil {
			a.apply(ctx, f, seq)
		}
	}
}

// apply applies version seq, f, and shows its outcome unless a newer version
// has been shown meanwhile.
func (a *applier) apply(ctx context.Context, f *File, seq uint64) {
	show := func(fn func()) {
		a.mu.Lock()
		defer a.mu.Unlock()
		if seq > a.shown {
			fn()
			a.shown = seq
		}
	}
	if err := a.s.checkEmpty(f); err != nil {
		show(func() { a.s.Reject(err) })
		return
	}
	reportRead(a.s.e, f)
	actx, cancel := context.WithTimeout(ctx, reloadTimeout)
	defer cancel()
	plan, err := a.s.apply(actx, f)
	switch {
	case err != nil:
		show(func() { a.s.e.SetSourceError("reload: " + err.Error()) })
	case !plan.Empty():
		show(func() { a.s.e.SetSourceError("") })
		a.s.e.Event(model.LevelInfo, "reload: "+plan.Summary())
	default:
		show(func() { a.s.e.SetSourceError("") })
		a.s.e.Event(model.LevelInfo, "reload: nothing changed")
	}
}

// checkEmpty refuses a file that declares nothing, unless it says so with
// managers: {} (see File.EmptyOnPurpose), while the file it would replace runs
// something: a save caught between its truncation and its write looks empty.
func (s *Supervisor) checkEmpty(f *File) error {
	cur := s.Current()
	if !f.Empty() || f.EmptyOnPurpose || cur == nil || cur.Empty() {
		return nil
	}
	return ErrorList{{File: f.Path, Line: 1, Col: 1,
		Msg:  "the file declares no managers, pools or pollers; applying it would stop everything running",
		Hint: "a save caught half-written looks like this; to stop everything on purpose, write managers: {}"}}
}
