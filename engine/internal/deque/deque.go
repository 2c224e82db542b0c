// Package deque is a double-ended queue made of fixed-size chunks, for the
// engine's queues of waiting work (a manager's tasks, a pool's futures).
//
// Growing adds a chunk and draining drops one, so no entry is ever copied
// (a queue of a million entries never stalls its owner's lock on a resize),
// and a few emptied chunks are kept for reuse, so a queue that fills and
// drains in waves allocates little. An entry taken out of the middle (a user
// halting one queued task) leaves a zero tombstone, skipped by PopFront and
// Each, rather than shifting the entries after it. Len counts the live ones.
package deque

// chunkSize is how many entries one chunk holds.
const chunkSize = 256

// spareChunks is how many emptied chunks a Deque keeps for reuse.
const spareChunks = 4

// chunk is a run of consecutive entries: buf[lo:hi] are in use (tombstones
// included).
type chunk[T comparable] struct {
	buf    [chunkSize]T
	lo, hi int
}

// Deque is a double-ended queue of comparable values whose zero value is not
// a valid entry (it marks a tombstone). Its zero value is an empty queue. It
// is not safe for concurrent use.
type Deque[T comparable] struct {
	chunks []*chunk[T] // chunks[head:head+n] wrapped, in order: a ring of chunk pointers
	head   int
	n      int
	spare  []*chunk[T]
	live   int
}

// Len returns the number of entries (tombstones not counted).
func (q *Deque[T]) Len() int { return q.live }

// at returns the i-th chunk from the front.
func (q *Deque[T]) at(i int) *chunk[T] { return q.chunks[(q.head+i)%len(q.chunks)] }

// growIndex makes room for one more chunk pointer.
func (q *Deque[T]) growIndex() {
	if q.n < len(q.chunks) {
		return
	}
	nc := make([]*chunk[T], max(4, 2*len(q.chunks)))
	for i := range q.n {
		nc[i] = q.at(i)
	}
	q.chunks, q.head = nc, 0
}

// newChunk returns an empty chunk, a spare one if there is one.
func (q *Deque[T]) newChunk() *chunk[T] {
	if n := len(q.spare); n > 0 {
		c := q.spare[n-1]
		q.spare[n-1] = nil
		q.spare = q.spare[:n-1]
		return c
	}
	return new(chunk[T])
}

// dropFront removes the (emptied) first chunk and keeps it for reuse.
func (q *Deque[T]) dropFront() {
	c := q.at(0)
	q.chunks[q.head] = nil
	q.head = (q.head + 1) % len(q.chunks)
	q.n--
	var zero T
	for i := c.lo; i < c.hi; i++ {
		c.buf[i] = zero
	}
	c.lo, c.hi = 0, 0
	if len(q.spare) < spareChunks {
		q.spare = append(q.spare, c)
	}
}

// PushBack appends v (which must not be the zero value) at the end.
func (q *Deque[T]) PushBack(v T) {
	var c *chunk[T]
	if q.n > 0 {
		c = q.at(q.n - 1)
	}
	if c == nil || c.hi == chunkSize {
		c = q.newChunk()
		q.growIndex()
		q.chunks[(q.head+q.n)%len(q.chunks)] = c
		q.n++
	}
	c.buf[c.hi] = v
	c.hi++
	q.live++
}

// PushFront puts v (which must not be the zero value) at the head.
func (q *Deque[T]) PushFront(v T) {
	var c *chunk[T]
	if q.n > 0 {
		c = q.at(0)
	}
	if c == nil || c.lo == 0 {
		c = q.newChunk()
		c.lo, c.hi = chunkSize, chunkSize
		q.growIndex()
		q.head = (q.head - 1 + len(q.chunks)) % len(q.chunks)
		q.chunks[q.head] = c
		q.n++
	}
	c.lo--
	c.buf[c.lo] = v
	q.live++
}

// PopFront removes and returns the first entry, or the zero value when the
// queue is empty.
func (q *Deque[T]) PopFront() T {
	var zero T
	for q.live > 0 {
		c := q.at(0)
		for c.lo < c.hi {
			v := c.buf[c.lo]
			c.buf[c.lo] = zero
			c.lo++
			if v != zero {
				q.live--
				for q.n > 0 && (q.live == 0 || c.lo == c.hi) { // only tombstones are left in it
					q.dropFront()
					if q.n > 0 {
						c = q.at(0)
					}
				}
				return v
			}
		}
		q.dropFront()
	}
	return zero
}

// PopFrontN moves up to len(dst) entries from the front into dst, in order,
// and returns how many: a copy per chunk rather than a pop per entry.
func (q *Deque[T]) PopFrontN(dst []T) int {
	var zero T
	n := 0
	for n < len(dst) && q.live > 0 {
		c := q.at(0)
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
		q.live -= live - n
		n = live
		for q.n > 0 && (q.live == 0 || q.at(0).lo == q.at(0).hi) {
			q.dropFront()
		}
	}
	return n
}

// Remove takes v out of the queue and reports whether it was there. It scans,
// so it is O(n): it serves a user's halt of one queued entry.
func (q *Deque[T]) Remove(v T) bool {
	var zero T
	for i := range q.n {
		c := q.at(i)
		for j := c.lo; j < c.hi; j++ {
			if c.buf[j] == v {
				c.buf[j] = zero
				q.live--
				return true
			}
		}
	}
	return false
}

// Each calls fn on the entries from the front until fn returns false.
func (q *Deque[T]) Each(fn func(T) bool) {
	var zero T
	for i := range q.n {
		c := q.at(i)
		for j := c.lo; j < c.hi; j++ {
			if v := c.buf[j]; v != zero && !fn(v) {
				return
			}
		}
	}
}

// Reset empties the queue and releases its memory.
func (q *Deque[T]) Reset() { *q = Deque[T]{} }
