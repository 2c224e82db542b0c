package logstore

import (
	"math/bits"
	"sort"
	"strings"
)

// chunk is lines of one task and stream appended together: a line appended
// alone, or the lines of one read of a child's output, stored as one string
// and the offsets of its lines' ends, so that a line costs 4 bytes beyond its
// text and is cut out of its chunk only when it is read. Its lines have
// consecutive sequence numbers (they were appended under one lock).
type chunk struct {
	text   string    // a lone line; or the lines, each followed by one separator byte
	ends   *[]uint32 // where each line of text ends (its separator); nil: text is one line
	seq    uint64    // the first line's sequence number
	ord    uint64    // the first line's index among its task's lines since the first
	time   int64     // unix nanoseconds, the same for every line
	stream Stream
}

// endsOverhead is what a chunk of more than one line costs beyond its record,
// text and 4 bytes a line: the header of its ends.
const endsOverhead = 24

func (c *chunk) lines() int {
	if c.ends == nil {
		return 1
	}
	return len(*c.ends)
}

// line returns the chunk's i-th line, a substring of its text.
func (c *chunk) line(i int) string {
	if c.ends == nil {
		return c.text
	}
	ends := *c.ends
	start := 0
	if i > 0 {
		start = int(ends[i-1]) + 1
	}
	return c.text[start:ends[i]]
}

// size is what the chunk costs in the bounds.
func (c *chunk) size() int64 {
	if c.ends == nil {
		return int64(len(c.text)) + LineOverhead
	}
	return int64(len(c.text)) + 4*int64(len(*c.ends)) + LineOverhead + endsOverhead
}

// lastSeq is the sequence number of the chunk's last line.
func (c *chunk) lastSeq() uint64 { return c.seq + uint64(c.lines()) - 1 }

// trimmed returns the chunk without its first k lines (0 < k < lines), its
// text copied so that the lines evicted are freed.
func (c *chunk) trimmed(k int) chunk {
	ends := *c.ends
	start := int(ends[k-1]) + 1
	out := chunk{seq: c.seq + uint64(k), ord: c.ord + uint64(k), time: c.time, stream: c.stream}
	if k == len(ends)-1 { // one line left: a lone line, without its separator
		out.text = strings.Clone(c.text[start:ends[k]])
		return out
	}
	out.text = strings.Clone(c.text[start:])
	rest := make([]uint32, len(ends)-k)
	for i, end := range ends[k:] {
		rest[i] = end - uint32(start)
	}
	out.ends = &rest
	return out
}

// taskRing is one task's chunks, oldest first, in a circular buffer that grows
// by doubling and shrinks when it holds a quarter of its room; its room is a
// power of two, so an index is a mask, not a division. Guarded by Store.mu.
type taskRing struct {
	key, name string
	first     uint64 // the sequence number of the task's first line ever
	buf       []chunk
	head      int
	chunks    int    // chunks held
	n         int    // lines held
	bytes     int64  // the chunks' sizes
	ords      uint64 // lines appended to this task so far (the next line's ord)
	lastGone  uint64 // the sequence number of the last line evicted (0: none)
}

// at returns the i-th chunk held, oldest first.
func (r *taskRing) at(i int) *chunk { return &r.buf[(r.head+i)&(len(r.buf)-1)] }

// firstOrd is the ord of the oldest line held (ords is the next one's when
// none is held).
func (r *taskRing) firstOrd() uint64 { return r.ords - uint64(r.n) }

// push adds a chunk whose seq, time, stream and lines are set.
func (r *taskRing) push(c chunk) {
	if r.chunks == len(r.buf) {
		r.resize(max(16, 2*len(r.buf)))
	}
	c.ord = r.ords
	lines := c.lines()
	r.buf[(r.head+r.chunks)&(len(r.buf)-1)] = c
	r.chunks++
	r.n += lines
	r.ords += uint64(lines)
	r.bytes += c.size()
}

// resize moves the chunks held into a buffer of room rounded up to a power
// of two.
func (r *taskRing) resize(room int) {
	buf := make([]chunk, 1<<bits.Len(uint(room-1)))
	for i := 0; i < r.chunks; i++ {
		buf[i] = *r.at(i)
	}
	r.buf, r.head = buf, 0
}

// shrink evicts the oldest lines until the ring holds at most keep bytes,
// adds how many to *evicted and returns the bytes freed. It drops whole
// chunks, which may free up to slack bytes more than asked; a chunk that
// would free more is trimmed instead (its rest copied), so the bound is exact
// and a chunk large against the bound does not take the task's history with it.
func (r *taskRing) shrink(keep, slack int64, evicted *uint64) int64 {
	var freed int64
	for r.chunks > 0 && r.bytes > keep {
		c := r.at(0)
		size, lines := c.size(), c.lines()
		k := lines
		if over := r.bytes - keep; size > over+slack && lines > 1 {
			k = c.linesFreeing(over)
		}
		r.lastGone = c.seq + uint64(k) - 1
		r.n -= k
		*evicted += uint64(k)
		if k == lines {
			*c = chunk{} // let the text go
			r.head = (r.head + 1) & (len(r.buf) - 1)
			r.chunks--
		} else {
			*c = c.trimmed(k)
			size -= c.size()
		}
		r.bytes -= size
		freed += size
	}
	if len(r.buf) > 64 && r.chunks < len(r.buf)/4 {
		r.resize(max(16, 2*r.chunks))
	}
	return freed
}

// linesFreeing returns the fewest first lines of c whose text and ends come
// to at least want bytes (all its lines when none do).
func (c *chunk) linesFreeing(want int64) int {
	ends := *c.ends
	return 1 + sort.Search(len(ends)-1, func(k int) bool {
		return int64(ends[k])+1+4*int64(k+1) >= want
	})
}

// locate returns the index of the chunk holding the line with ord o and the
// line's index in it (chunks, 0 when o is past the lines held). o must not be
// before the first line held.
func (r *taskRing) locate(o uint64) (int, int) {
	i := sort.Search(r.chunks, func(i int) bool { return r.at(i).ord+uint64(r.at(i).lines()) > o })
	if i == r.chunks {
		return i, 0
	}
	return i, int(o - r.at(i).ord)
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
		i := sort.Search(r.chunks, func(i int) bool { return r.at(i).lastSeq() >= seq })
		if i == r.chunks {
			return r.ords
		}
		c := r.at(i)
		return c.ord + (max(seq, c.seq) - c.seq)
	}
	gone := r.firstOrd()
	return gone * (seq - r.first) / (r.lastGone + 1 - r.first)
}

// indexTime returns the index of the first chunk held at or after t (unix ns).
func (r *taskRing) indexTime(t int64) int {
	return sort.Search(r.chunks, func(i int) bool { return r.at(i).time >= t })
}
