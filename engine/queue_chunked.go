package engine

// chunkSize is how many entries one chunk of a chunkQueue holds.
const chunkSize = 256

// chunkSpare is how many emptied chunks a chunkQueue keeps for reuse.
const chunkSpare = 4

// queueChunk is a run of consecutive entries of a chunkQueue: buf[lo:hi] are in
// use (nil tombstones included).
type queueChunk[T comparable] struct {
	buf    [chunkSize]T
	lo, hi int
}

// chunkQueue is a FIFO (with push at the front for hand-backs and restarts)
// made of fixed-size chunks: growing adds a chunk and draining drops one, so no
// entry is ever copied, and a few emptied chunks are kept for reuse, so a
// queue that fills and drains in waves allocates little. Only the index of
// chunks (a ringQueue of pointers, 1/chunkSize of the entries) is resized.
//
// An entry taken out of the middle leaves a zero tombstone, skipped by
// popFront and each; the owner counts the live entries.
type chunkQueue[T comparable] struct {
	chunks ringQueue[*queueChunk[T]]
	spare  []*queueChunk[T]
}

// newChunk returns an empty chunk, a spare one if there is one.
func (q *chunkQueue[T]) newChunk() *queueChunk[T] {
	if n := len(q.spare); n > 0 {
		c := q.spare[n-1]
		q.spare[n-1] = nil
		q.spare = q.spare[:n-1]
		return c
	}
	return new(queueChunk[T])
}

// freeChunk keeps emptied chunk c for reuse, or leaves it to the collector.
func (q *chunkQueue[T]) freeChunk(c *queueChunk[T]) {
	var zero T
	for i := c.lo; i < c.hi; i++ {
		c.buf[i] = zero
	}
	c.lo, c.hi = 0, 0
	if len(q.spare) < chunkSpare {
		q.spare = append(q.spare, c)
	}
}

// last returns the last chunk, or nil.
func (q *chunkQueue[T]) last() *queueChunk[T] {
	if q.chunks.n == 0 {
		return nil
	}
	return *q.chunks.slot(q.chunks.n - 1)
}

// first returns the first chunk, or nil.
func (q *chunkQueue[T]) first() *queueChunk[T] {
	if q.chunks.n == 0 {
		return nil
	}
	return *q.chunks.slot(0)
}

// pushBack appends v at the end.
func (q *chunkQueue[T]) pushBack(v T) {
	c := q.last()
	if c == nil || c.hi == chunkSize {
		c = q.newChunk()
		q.chunks.pushBack(c)
	}
	c.buf[c.hi] = v
	c.hi++
}

// pushFront puts v at the head.
func (q *chunkQueue[T]) pushFront(v T) {
	c := q.first()
	if c == nil || c.lo == 0 {
		c = q.newChunk()
		c.lo, c.hi = chunkSize, chunkSize
		q.chunks.pushFront(c)
	}
	c.lo--
	c.buf[c.lo] = v
}

// popFront removes and returns the first entry, or the zero value if there is
// none.
func (q *chunkQueue[T]) popFront() T {
	var zero T
	for {
		c := q.first()
		if c == nil {
			return zero
		}
		for c.lo < c.hi {
			v := c.buf[c.lo]
			c.buf[c.lo] = zero
			c.lo++
			if v != zero {
				if c.lo == c.hi {
					q.chunks.popFront()
					q.freeChunk(c)
				}
				return v
			}
		}
		q.chunks.popFront()
		q.freeChunk(c)
	}
}

// popFrontN moves up to len(dst) entries from the head into dst, in order,
// and returns how many: a copy per chunk rather than a pop per entry.
func (q *chunkQueue[T]) popFrontN(dst []T) int {
	var zero T
	n := 0
	for n < len(dst) {
		c := q.first()
		if c == nil {
			break
		}
		k := copy(dst[n:], c.buf[c.lo:c.hi])
		clear(c.buf[c.lo : c.lo+k])
		c.lo += k
		live := n
		for _, v := range dst[n : n+k] { // drop tombstones
			if v != zero {
				dst[live] = v
				live++
			}
		}
		clear(dst[live : n+k])
		n = live
		if c.lo == c.hi {
			q.chunks.popFront()
			q.freeChunk(c)
		}
	}
	return n
}

// remove takes v out of the queue and reports whether it was there. It scans,
// so it is O(n); it serves a user's halt of one queued entry.
func (q *chunkQueue[T]) remove(v T) bool {
	var zero T
	found := false
	q.chunks.each(func(c *queueChunk[T]) bool {
		for i := c.lo; i < c.hi; i++ {
			if c.buf[i] == v {
				c.buf[i] = zero
				found = true
				return false
			}
		}
		return true
	})
	return found
}

// each calls fn on the entries from the front until fn returns false.
func (q *chunkQueue[T]) each(fn func(T) bool) {
	var zero T
	q.chunks.each(func(c *queueChunk[T]) bool {
		for i := c.lo; i < c.hi; i++ {
			if v := c.buf[i]; v != zero && !fn(v) {
				return false
			}
		}
		return true
	})
}

// reset empties the queue and releases its memory.
func (q *chunkQueue[T]) reset() { *q = chunkQueue[T]{} }
