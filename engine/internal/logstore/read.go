package logstore

import (
	"math"
	"slices"
	"time"
)

// Filter selects lines. Its zero value selects every line of every task.
type Filter struct {
	Tasks   []string // the keys of the tasks to read; none: every task
	Streams uint8    // a bit per Stream (1<<Stdout | 1<<Stderr); 0: every stream
}

// Streams returns the Filter.Streams mask of the given streams.
func Streams(s ...Stream) uint8 {
	var m uint8
	for _, st := range s {
		m |= 1 << st
	}
	return m
}

func (f *Filter) stream(s Stream) bool { return f.Streams == 0 || f.Streams&(1<<s) != 0 }

// ringsLocked returns the rings f selects, in order of creation.
func (s *Store) ringsLocked(f *Filter, dst []*taskRing) []*taskRing {
	dst = dst[:0]
	if len(f.Tasks) == 0 {
		return append(dst, s.order...)
	}
	for _, r := range s.order {
		if slices.Contains(f.Tasks, r.key) {
			dst = append(dst, r)
		}
	}
	return dst
}

// cursor is where a Reader is in one task's lines: the ord of the next line
// it has neither read nor counted as evicted.
type cursor struct {
	ring *taskRing
	ord  uint64
}

// Reader reads lines in sequence order from a point on, once each, and counts
// the lines evicted before it read them. It is not safe for concurrent use;
// each viewer has its own.
type Reader struct {
	s     *Store
	f     Filter
	next  uint64 // the next sequence number to read
	pos   map[string]cursor
	rings []*taskRing // scratch
	at    []position  // scratch: where the read is in each of rings
}

// position is a line held in a ring: its chunk's index and its index there.
type position struct{ chunk, line int }

// NewReader returns a reader of the lines f selects whose sequence numbers are
// at least from (1 or 0: from the oldest held).
func (s *Store) NewReader(from uint64, f Filter) *Reader {
	f.Tasks = slices.Clone(f.Tasks)
	return &Reader{s: s, f: f, next: max(from, 1), pos: make(map[string]cursor)}
}

// Next returns the sequence number the reader reads from next: pass it to
// NewReader (or as since_seq) to resume where this reader stopped.
func (rd *Reader) Next() uint64 { return rd.next }

// Read appends to dst at most limit lines (limit <= 0: 1000) that the reader
// has not read yet, oldest first, and returns them with the number of lines
// that were evicted before it could read them (a gap before these lines; it
// counts lines of every stream, the filter's or not). It never waits: wait on
// Store.Changed when it returns nothing.
//
// The count is exact for a reader that keeps up with evictions from the
// point it starts; for lines already evicted when the reader first meets
// their task, it is estimated (see taskRing.ordAt).
func (rd *Reader) Read(dst []Line, limit int) ([]Line, uint64) {
	if limit <= 0 {
		limit = 1000
	}
	s := rd.s
	s.mu.Lock()
	defer s.mu.Unlock()
	var gap uint64
	rd.rings = s.ringsLocked(&rd.f, rd.rings)
	// Tasks whose lines were all evicted and their rings dropped.
	for key, c := range rd.pos {
		if cur := s.rings[key]; cur != c.ring {
			gap += c.ring.ords - c.ord
			delete(rd.pos, key)
		}
	}
	rd.at = rd.at[:0]
	for _, r := range rd.rings {
		c, ok := rd.pos[r.key]
		if !ok {
			c = cursor{ring: r, ord: r.ordAt(rd.next)}
		}
		if first := r.firstOrd(); c.ord < first {
			gap += first - c.ord
			c.ord = first
		}
		rd.pos[r.key] = c
		ci, li := r.locate(c.ord)
		rd.at = append(rd.at, position{ci, li})
	}
	last := rd.next - 1
	for n := 0; n < limit; {
		// The ring whose next line comes first, and the next line of the
		// others: the lines before it are read in one go.
		best := -1
		var bestSeq, otherSeq uint64 = 0, math.MaxUint64
		for i, r := range rd.rings {
			p := rd.at[i]
			if p.chunk >= r.chunks {
				continue
			}
			seq := r.at(p.chunk).seq + uint64(p.line)
			switch {
			case best < 0:
				best, bestSeq = i, seq
			case seq < bestSeq:
				otherSeq = min(otherSeq, bestSeq)
				best, bestSeq = i, seq
			default:
				otherSeq = min(otherSeq, seq)
			}
		}
		if best < 0 {
			last = s.seq // every line up to now is read or counted
			break
		}
		r, p := rd.rings[best], &rd.at[best]
		c := r.at(p.chunk)
		take := uint64(c.lines() - p.line)
		take = min(take, otherSeq-bestSeq)
		if rd.f.stream(c.stream) {
			take = min(take, uint64(limit-n))
			t := time.Unix(0, c.time)
			for j := range int(take) {
				dst = append(dst, Line{Seq: bestSeq + uint64(j), Time: t, Task: r.key, Name: r.name, Stream: c.stream, Text: c.line(p.line + j)})
			}
			n += int(take)
		}
		last = bestSeq + take - 1
		if p.line += int(take); p.line == c.lines() {
			p.chunk, p.line = p.chunk+1, 0
		}
	}
	for i, r := range rd.rings {
		ord := r.ords
		if p := rd.at[i]; p.chunk < r.chunks {
			ord = r.at(p.chunk).ord + uint64(p.line)
		}
		rd.pos[r.key] = cursor{ring: r, ord: ord}
	}
	rd.next = max(rd.next, last+1)
	return dst, gap
}

// TailStart returns the sequence number from which the last n lines f selects
// begin (1 when there are fewer), for a reader that starts with a tail.
func (s *Store) TailStart(f Filter, n int) uint64 {
	if n <= 0 {
		return s.Last() + 1
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var seqs []uint64
	for _, r := range s.ringsLocked(&f, nil) {
		for i, k := r.chunks-1, 0; i >= 0 && k < n; i-- {
			c := r.at(i)
			if !f.stream(c.stream) {
				continue
			}
			for j := c.lines() - 1; j >= 0 && k < n; j, k = j-1, k+1 {
				seqs = append(seqs, c.seq+uint64(j))
			}
		}
	}
	if len(seqs) < n {
		return 1
	}
	slices.Sort(seqs)
	return seqs[len(seqs)-n]
}

// SinceStart returns the sequence number of the first line f selects appended
// at or after t (the next line's when there is none).
func (s *Store) SinceStart(f Filter, t time.Time) uint64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	at := t.UnixNano()
	from := s.seq + 1
	for _, r := range s.ringsLocked(&f, nil) {
		if i := r.indexTime(at); i < r.chunks {
			from = min(from, r.at(i).seq)
		}
	}
	return from
}
