// Package deque is a double-ended queue on a power-of-two ring buffer, for
// the engine's queues of waiting work (a manager's tasks, a pool's futures).
//
// Push at either end and pop at the front are O(1), with no re-slicing from
// the front (which would pin the whole backing array for the life of a long
// queue). An entry taken out of the middle (a user halting one queued task)
// leaves a zero tombstone rather than shifting a possibly huge buffer:
// tombstones at either end are trimmed at once and the ones inside are
// skipped. Len counts the live entries.
package deque

// minCap is the smallest buffer a Deque allocates.
const minCap = 8

// Deque is a double-ended queue of comparable values whose zero value is not
// a valid entry (it marks a tombstone). Its zero value is an empty queue. It
// is not safe for concurrent use.
type Deque[T comparable] struct {
	buf  []T // len(buf) is 0 or a power of two
	head int // index of the front slot
	n    int // slots in use, tombstones included
	live int // entries that are not tombstones
}

// Len returns the number of entries (tombstones not counted).
func (q *Deque[T]) Len() int { return q.live }

// slot returns the i-th slot from the front.
func (q *Deque[T]) slot(i int) *T { return &q.buf[(q.head+i)&(len(q.buf)-1)] }

// resize moves the slots into a buffer of capacity c (a power of two >= q.n).
func (q *Deque[T]) resize(c int) {
	nb := make([]T, c)
	for i := range q.n {
		nb[i] = *q.slot(i)
	}
	q.buf, q.head = nb, 0
}

func (q *Deque[T]) grow() {
	if q.n == len(q.buf) {
		q.resize(max(minCap, 2*len(q.buf)))
	}
}

// shrink halves the buffer when it is mostly empty, so a drained queue of a
// million entries does not keep its memory.
func (q *Deque[T]) shrink() {
	if len(q.buf) > minCap && q.n < len(q.buf)/4 {
		q.resize(len(q.buf) / 2)
	}
}

// PushBack appends v (which must not be the zero value) at the end.
func (q *Deque[T]) PushBack(v T) {
	q.grow()
	*q.slot(q.n) = v
	q.n++
	q.live++
}

// PushFront puts v (which must not be the zero value) at the head.
func (q *Deque[T]) PushFront(v T) {
	q.grow()
	q.head = (q.head - 1) & (len(q.buf) - 1)
	q.buf[q.head] = v
	q.n++
	q.live++
}

// PopFront removes and returns the first entry, or the zero value when the
// queue is empty.
func (q *Deque[T]) PopFront() T {
	var zero T
	if q.live == 0 {
		return zero
	}
	q.trim() // the front is a live entry now
	s := &q.buf[q.head]
	v := *s
	*s = zero
	q.head = (q.head + 1) & (len(q.buf) - 1)
	q.n--
	q.live--
	if q.n < len(q.buf)/4 {
		q.shrink()
	}
	return v
}

// Remove takes v out of the queue and reports whether it was there. It scans,
// so it is O(n): it serves a user's halt of one queued entry.
func (q *Deque[T]) Remove(v T) bool {
	var zero T
	for i := range q.n {
		if s := q.slot(i); *s == v {
			*s = zero
			q.live--
			q.trim()
			q.shrink()
			return true
		}
	}
	return false
}

// trim drops tombstones at both ends.
func (q *Deque[T]) trim() {
	var zero T
	for q.n > 0 && *q.slot(0) == zero {
		q.head = (q.head + 1) & (len(q.buf) - 1)
		q.n--
	}
	for q.n > 0 && *q.slot(q.n - 1) == zero {
		q.n--
	}
}

// Each calls fn on the entries from the front until fn returns false.
func (q *Deque[T]) Each(fn func(T) bool) {
	var zero T
	for i := range q.n {
		if v := *q.slot(i); v != zero && !fn(v) {
			return
		}
	}
}

// Reset empties the queue and releases its buffer.
func (q *Deque[T]) Reset() { *q = Deque[T]{} }
