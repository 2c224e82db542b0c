package engine

import (
	"time"

	"github.com/spindle-tui/spindle/model"
)

// The snapshot bus: one publisher goroutine sleeps until something changed, then
// builds one snapshot and offers it to every subscriber, then waits at least the
// refresh interval. An idle engine does no work and publishes nothing.

// markDirty records that something changed and wakes the publisher. The usual
// case (already dirty) is one atomic load, so Progress can call it often.
func (e *Engine) markDirty() {
	if e.dirty.Load() || !e.dirty.CompareAndSwap(false, true) {
		return
	}
	select {
	case e.notify <- struct{}{}:
	default:
	}
}

// subscriber is one Subscribe channel. Guarded by Engine.subMu.
type subscriber struct {
	ch     chan model.Snapshot // capacity 1: holds the latest unread snapshot
	last   uint64              // Seq of the last snapshot offered
	closed bool
}

// offer hands s to the subscriber, replacing an unread older one, never blocking
// and never going back in Seq.
func (sub *subscriber) offer(s model.Snapshot) {
	if sub.closed || s.Seq <= sub.last {
		return
	}
	sub.last = s.Seq
	for {
		select {
		case sub.ch <- s:
			return
		default:
		}
		select { // full: drop the unread one (unless the reader just took it)
		case <-sub.ch:
		default:
		}
	}
}

// Subscribe returns a channel of snapshots and a cancel func. The channel has
// capacity 1 and latest wins: a slow reader skips snapshots, never blocks the
// engine. A current snapshot is waiting on it at once; then at most one arrives
// per refresh interval, only when something changed. cancel closes the channel
// (it is idempotent); Close sends a final snapshot and closes every channel.
func (e *Engine) Subscribe() (<-chan model.Snapshot, func()) {
	sub := &subscriber{ch: make(chan model.Snapshot, 1)}
	// Register before building the first snapshot: a change made in between is
	// then either in it or in a later broadcast (offer keeps the newer).
	e.subMu.Lock()
	ended := e.subsEnded
	if !ended {
		e.subs[sub] = struct{}{}
		select { // the publisher may be waiting for a first subscriber
		case e.subscribed <- struct{}{}:
		default:
		}
	}
	e.subMu.Unlock()
	e.sampleForSubscriber() // sample.go: nobody watched, so figures may be a minute old
	first := e.Snapshot()
	e.subMu.Lock()
	defer e.subMu.Unlock()
	sub.offer(first)
	if ended {
		sub.closed = true
		close(sub.ch)
		return sub.ch, func() {}
	}
	return sub.ch, func() {
		e.subMu.Lock()
		defer e.subMu.Unlock()
		if !sub.closed {
			sub.closed = true
			delete(e.subs, sub)
			close(sub.ch)
		}
	}
}

func (e *Engine) hasSubscribers() bool {
	e.subMu.Lock()
	defer e.subMu.Unlock()
	return len(e.subs) > 0
}

// broadcast offers s to every subscriber; with end it then closes them all.
func (e *Engine) broadcast(s model.Snapshot, end bool) {
	e.subMu.Lock()
	defer e.subMu.Unlock()
	for sub := range e.subs {
		sub.offer(s)
		if end {
			sub.closed = true
			close(sub.ch)
		}
	}
	if end {
		clear(e.subs)
		e.subsEnded = true
	}
}

// publish is the publisher goroutine. It ends when Close closes e.stop, after a
// final snapshot.
func (e *Engine) publish() {
	defer close(e.pubDone)
	pace := time.NewTimer(e.cfg.refresh)
	pace.Stop()
	for {
		select {
		case <-e.notify:
		case <-e.stop:
			e.publishFinal()
			return
		}
		if !e.hasSubscribers() {
			// Nobody to show it to (Subscribe builds its own first snapshot).
			// dirty stays set meanwhile, so markDirty is one atomic load and
			// busy work does not wake this goroutine per change.
			select {
			case <-e.subscribed:
			case <-e.stop:
				e.publishFinal()
				return
			}
		}
		e.dirty.Store(false)
		e.broadcast(e.Snapshot(), false)

		pace.Reset(time.Duration(e.refresh.Load()))
		select {
		case <-pace.C:
		case <-e.stop:
			pace.Stop()
			e.publishFinal()
			return
		}
	}
}

func (e *Engine) publishFinal() {
	e.dirty.Store(false)
	e.broadcast(e.Snapshot(), true)
}
