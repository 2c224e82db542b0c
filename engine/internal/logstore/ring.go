package logstore

import (
	"math/bits"
	"sort"
)

// taskRing is one task's lines, oldest first, in a circular buffer that grows
// by doubling and shrinks when it holds a quarter of its room; its room is a
// power of two, so an index is a mask, not a division. Guarded by Store.mu.
type taskRing struct {
	key, name string
	first     uint64 // the sequence number of the task's first line ever
	buf       []entry
	head, n   int
	bytes     int64
	ords      uint64 // lines appended to this task so far (the next line's ord)
	lastGone  uint64 // the sequence number of the last line evicted (0: none)
}

// at returns the i-th line held, oldest first.
func (r *taskRing) at(i int) *entry { return &r.buf[(r.head+i)&(len(r.buf)-1)] }

// firstOrd is the ord of the oldest line held (ords is the next one's when
// none is held).
func (r *taskRing) firstOrd() uint64 { return r.ords - uint64(r.n) }

func (r *taskRing) push(e entry, size int64) {
	if r.n == len(r.buf) {
		r.resize(max(16, 2*len(r.buf)))
	}
	r.buf[(r.head+r.n)&(len(r.buf)-1)] = e
	r.n++
	r.ords++
	r.bytes += size
}

// resize moves the lines held into a buffer of room rounded up to a power
// of two.
func (r *taskRing) resize(room int) {
	buf := make([]entry, 1<<bits.Len(uint(room-1)))
	for i := 0; i < r.n; i++ {
		buf[i] = *r.at(i)
	}
	r.buf, r.head = buf, 0
}

// shrink evicts the oldest lines until the ring holds at most keep bytes,
// adds how many to *evicted and returns the bytes freed.
func (r *taskRing) shrink(keep int64, evicted *uint64) int64 {
	var freed int64
	for r.n > 0 && r.bytes > keep {
		e := r.at(0)
		size := int64(len(e.text)) + LineOverhead
		r.lastGone = e.seq
		*e = entry{} // let the text go
		r.head = (r.head + 1) & (len(r.buf) - 1)
		r.n--
		r.bytes -= size
		freed += size
		*evicted++
	}
	if len(r.buf) > 64 && r.n < len(r.buf)/4 {
		r.resize(max(16, 2*r.n))
	}
	return freed
}

// index returns the index of the first line held with a sequence number of
// at least seq (n when there is none).
func (r *taskRing) index(seq uint64) int {
	return sort.Search(r.n, func(i int) bool { return r.at(i).seq >= seq })
}

// ordAt returns the ord of the task's first line with a sequence number of at
// least seq. It is exact unless seq falls among lines already evicted after
// the task's first, where it is interpolated between the first line and the
// last evicted one (the lines' sequence numbers are not kept once evicted).
func (r *taskRing) ordAt(seq uint64) uint64 {
	switch {
	case seq <= r.first:
		return 0
	case seq > r.lastGone:
		return r.firstOrd() + uint64(r.index(seq))
	}
	gone := r.firstOrd()
	return gone * (seq - r.first) / (r.lastGone + 1 - r.first)
}

// indexTime returns the index of the first line held at or after t (unix ns).
func (r *taskRing) indexTime(t int64) int {
	return sort.Search(r.n, func(i int) bool { return r.at(i).time >= t })
}
