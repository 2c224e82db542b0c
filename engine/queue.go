package engine

// ringQueue is a deque on a power-of-two ring buffer: push at either end and pop
// at the front in O(1), with no re-slicing from the front (which would pin the
// whole backing array for the life of a long queue). Managers queue *task
// (taskQueue); pools use a chunkQueue of *Future (futureQueue), and a ringQueue
// of its chunks.
//
// An entry taken out of the middle (halt of a queued task) leaves a nil tombstone
// rather than shifting a possibly huge buffer; tombstones at either end are
// trimmed at once and the ones inside are skipped. The owner counts the live
// entries separately (Manager.queued, Pool.queued).
type ringQueue[T comparable] struct {
	buf  []T // len(buf) is 0 or a power of two
	head int // index of the front slot
	n    int // slots in use, tombstones included
}

// taskQueue is a manager's queue.
type taskQueue = ringQueue[*task]

// futureQueue is a pool's shared queue.
type futureQueue = chunkQueue[*Future]

const minQueueCap = 8

// slot returns the i-th slot from the front.
func (q *ringQueue[T]) slot(i int) *T { return &q.buf[(q.head+i)&(len(q.buf)-1)] }

// resize moves the slots into a buffer of capacity c (a power of two >= q.n).
func (q *ringQueue[T]) resize(c int) {
	nb := make([]T, c)
	for i := range q.n {
		nb[i] = *q.slot(i)
	}
	q.buf, q.head = nb, 0
}

func (q *ringQueue[T]) grow() {
	if q.n == len(q.buf) {
		q.resize(max(minQueueCap, 2*len(q.buf)))
	}
}

// shrink halves the buffer when it is mostly empty, so a drained million-task
// queue does not keep its memory.
func (q *ringQueue[T]) shrink() {
	if len(q.buf) > minQueueCap && q.n < len(q.buf)/4 {
		q.resize(len(q.buf) / 2)
	}
}

// pushBack appends t at the end.
func (q *ringQueue[T]) pushBack(t T) {
	q.grow()
	*q.slot(q.n) = t
	q.n++
}

// pushFront puts t at the head.
func (q *ringQueue[T]) pushFront(t T) {
	q.grow()
	q.head = (q.head - 1) & (len(q.buf) - 1)
	q.buf[q.head] = t
	q.n++
}

// popFront removes and returns the first task, or nil if there is none.
func (q *ringQueue[T]) popFront() T {
	var zero T
	for q.n > 0 {
		s := q.slot(0)
		t := *s
		*s = zero
		q.head = (q.head + 1) & (len(q.buf) - 1)
		q.n--
		if t != zero {
			q.trim()
			q.shrink()
			return t
		}
	}
	return zero
}

// remove takes t out of the queue and reports whether it was there. It scans, so
// it is O(n); it serves a user's halt of one queued task.
func (q *ringQueue[T]) remove(t T) bool {
	var zero T
	for i := range q.n {
		if s := q.slot(i); *s == t {
			*s = zero
			q.trim()
			q.shrink()
			return true
		}
	}
	return false
}

// trim drops tombstones at both ends.
func (q *ringQueue[T]) trim() {
	var zero T
	for q.n > 0 && *q.slot(0) == zero {
		q.head = (q.head + 1) & (len(q.buf) - 1)
		q.n--
	}
	for q.n > 0 && *q.slot(q.n - 1) == zero {
		q.n--
	}
}

// each calls fn on the tasks from the front until fn returns false.
func (q *ringQueue[T]) each(fn func(T) bool) {
	var zero T
	for i := range q.n {
		if t := *q.slot(i); t != zero && !fn(t) {
			return
		}
	}
}

// reset empties the queue and releases its buffer.
func (q *ringQueue[T]) reset() { *q = ringQueue[T]{} }
