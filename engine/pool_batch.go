package engine

// A worker's batch: queued work it claimed from the shared queue, still
// queued for everyone else (snapshots, Apply), handed back or stolen when the
// worker cannot run it soon.

// pushLocked appends f to the batch; the caller publishes nbatch after the
// last push.
func (w *worker) pushLocked(f *Future) {
	w.batch[(w.bhead+w.blen)%batchMax] = f
	w.blen++
}

// popLocked takes the oldest entry of the batch. It publishes nbatch only once
// the batch is empty: an atomic store per task costs more than the rest of
// the bookkeeping, and until then nbatch only overstates the queue.
func (w *worker) popLocked() *Future {
	f := w.batch[w.bhead] // left in place (a pointer write is a GC barrier): the next claim overwrites it
	w.bhead = (w.bhead + 1) % batchMax
	w.blen--
	if w.blen == 0 {
		w.nbatch.Store(0)
	}
	return f
}

// eachQueued calls fn on the batch, oldest first, until fn returns false.
func (w *worker) eachQueued(fn func(*Future) bool) bool {
	for i := range w.blen {
		if !fn(w.batch[(w.bhead+i)%batchMax]) {
			return false
		}
	}
	return true
}

// handBackLocked returns w's batch to the front of the shared queue, in order,
// and reports how many it returned. The caller holds p.mu and w.mu.
func (p *Pool) handBackLocked(w *worker) int {
	n := w.blen
	for w.blen > 0 {
		i := (w.bhead + w.blen - 1) % batchMax
		p.q.PushFront(w.batch[i])
		w.batch[i] = nil
		w.blen--
	}
	w.bhead = 0
	w.nbatch.Store(0)
	return n
}

// claimLocked fills w's empty batch from the shared queue (a fair share of it,
// at most batchMax), or steals half of the largest batch of another worker,
// and pops the first entry; nil when there is no queued work at all. The
// caller holds p.mu and w.mu.
func (p *Pool) claimLocked(w *worker) *Future {
	if w.blen == 0 {
		if n := p.q.Len(); n > 0 {
			// The batch is empty: fill it from its start.
			w.bhead = 0
			w.blen = p.q.PopFrontN(w.batch[:min(batchMax, max(1, n/p.limit))])
			w.nbatch.Store(int32(w.blen))
		} else {
			p.stealLocked(w)
		}
	}
	if w.blen == 0 {
		return nil
	}
	return w.popLocked()
}

// stealLocked moves the newer half of another worker's batch to w's: the first
// found not empty under its lock (its owner empties it without p.mu).
func (p *Pool) stealLocked(w *worker) {
	for _, victim := range p.ws {
		if victim == w || victim.nbatch.Load() == 0 {
			continue
		}
		victim.mu.Lock() // two worker locks: safe, whoever takes several holds p.mu
		k := (victim.blen + 1) / 2
		start := victim.blen - k
		for i := range k {
			j := (victim.bhead + start + i) % batchMax
			w.pushLocked(victim.batch[j])
			victim.batch[j] = nil
		}
		victim.blen -= k
		victim.nbatch.Store(int32(victim.blen))
		w.nbatch.Store(int32(w.blen))
		victim.mu.Unlock()
		if k > 0 {
			return
		}
	}
}

// queuedExactLocked is queuedLocked counted under each worker's lock, for
// what people read (events). The caller holds p.mu and no worker's lock.
func (p *Pool) queuedExactLocked() int {
	n := p.q.Len()
	for _, w := range p.ws {
		w.mu.Lock()
		n += w.blen
		w.mu.Unlock()
	}
	return n
}

// queuedLocked is the pool's queued work: the shared queue and every batch
// (which nbatch may overstate, see worker).
func (p *Pool) queuedLocked() int {
	n := p.q.Len()
	for _, w := range p.ws {
		n += int(w.nbatch.Load())
	}
	return n
}
