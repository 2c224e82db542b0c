// Package logstore keeps the output of every task in memory: lines with a
// time, a task, a stream and one global sequence number, in a ring per task
// bounded by bytes and a bound across all tasks. Readers resume from a
// sequence number without loss or repeats and learn how many lines were
// evicted before they read them.
//
// Writers never wait on readers: a read holds the store's lock only while it
// copies at most the lines it asked for, and a follower is woken by a channel
// the writer closes without waiting for anyone.
package logstore

import (
	"sync"
	"time"
)

// Stream says where a line came from.
type Stream uint8

// The streams of a line.
const (
	Stdout  Stream = iota // a child's standard output
	Stderr                // a child's standard error
	Log                   // engine.Logf from a goroutine task; a poller's values and errors
	Spindle               // spindle's own lifecycle lines for a task (started, exited, restarting)
	Probe                 // a probe's failures
	numStreams
)

var streamNames = [numStreams]string{"stdout", "stderr", "log", "spindle", "probe"}

// String returns the stream's name as the API and the files spell it.
func (s Stream) String() string {
	if s < numStreams {
		return streamNames[s]
	}
	return "unknown"
}

// ParseStream returns the stream called name, and false for an unknown name.
func ParseStream(name string) (Stream, bool) {
	for i, n := range streamNames {
		if n == name {
			return Stream(i), true
		}
	}
	return 0, false
}

// Line is one line as a reader gets it.
type Line struct {
	Seq    uint64    // global, from 1, increasing by one per line appended to the store
	Time   time.Time // when it was appended
	Task   string    // the key it was appended under (a task id)
	Name   string    // the task's name when the line was appended
	Stream Stream
	Text   string // without its newline
}

// LineOverhead is what a line appended alone costs in the bounds beyond its
// text: its record in the ring (56 bytes) and its string's rounding. Lines
// appended together (AppendLines) cost 4 bytes each beyond their text, and
// their chunk LineOverhead and 24 bytes.
const LineOverhead = 64

// Defaults of Options.
const (
	DefaultPerTask = 4 << 20  // bytes kept per task
	DefaultTotal   = 64 << 20 // bytes kept across all tasks
)

// Options bound a Store. A zero field takes its default.
type Options struct {
	PerTask int64 // bytes one task keeps (text plus LineOverhead per line)
	Total   int64 // bytes all tasks keep together
}

// Store is the log store. It is safe for concurrent use.
type Store struct {
	opt Options

	mu    sync.Mutex
	seq   uint64 // the last sequence number handed out
	total int64  // bytes held by all rings
	rings map[string]*taskRing
	order []*taskRing // rings in order of creation, for stable iteration
	wake  chan struct{}
	// evicted counts lines dropped by the bounds, for metrics and tests.
	evicted uint64
}

// New returns an empty store with the given bounds.
func New(opt Options) *Store {
	if opt.PerTask <= 0 {
		opt.PerTask = DefaultPerTask
	}
	if opt.Total <= 0 {
		opt.Total = DefaultTotal
	}
	opt.PerTask = min(opt.PerTask, opt.Total)
	return &Store{opt: opt, rings: make(map[string]*taskRing)}
}

// Options returns the bounds in force.
func (s *Store) Options() Options { return s.opt }

// Append adds a line of task (called name) and returns its sequence number.
func (s *Store) Append(task, name string, stream Stream, text string) uint64 {
	now := time.Now().UnixNano()
	s.mu.Lock()
	r := s.ringLocked(task, name)
	seq := s.pushLocked(r, chunk{text: text, time: now, stream: stream})
	s.boundLocked(r)
	s.mu.Unlock()
	return seq
}

// Entry is a line for AppendBatch.
type Entry struct {
	Stream Stream
	Text   string
}

// AppendBatch adds lines of one task under one lock, all with the same time,
// and returns the last sequence number (the first is that less len(lines)-1).
// The bounds are enforced once, after the batch. Each line is kept as its
// own string; AppendLines is cheaper for the lines of one read.
func (s *Store) AppendBatch(task, name string, lines []Entry) uint64 {
	if len(lines) == 0 {
		return 0
	}
	now := time.Now().UnixNano()
	s.mu.Lock()
	r := s.ringLocked(task, name)
	for i := range lines {
		s.pushLocked(r, chunk{text: lines[i].Text, time: now, stream: lines[i].Stream})
	}
	s.boundLocked(r)
	seq := s.seq
	s.mu.Unlock()
	return seq
}

// Lines is a run of lines in one string, as a child's output arrives: each
// line is followed by one separator byte (its newline), and Ends[i] is the
// offset of line i's separator in Text. The lines are Text's only when Ends
// is empty.
type Lines struct {
	Text string
	Ends []uint32
}

// Len returns the number of lines.
func (l Lines) Len() int { return len(l.Ends) }

// At returns the i-th line, without its separator (a substring of Text).
func (l Lines) At(i int) string {
	start := 0
	if i > 0 {
		start = int(l.Ends[i-1]) + 1
	}
	return l.Text[start:l.Ends[i]]
}

// AppendLines adds the lines of l (one read of a child's output) to task as
// one chunk, all with the same time and stream, and returns the last sequence
// number (the first is that less l.Len()-1; 0 when l has none). The store
// keeps l.Ends: the caller must not change it afterwards. A line is cut out of
// the chunk only when it is read, so a line costs its text and 4 bytes.
func (s *Store) AppendLines(task, name string, stream Stream, l Lines) uint64 {
	if len(l.Ends) == 0 {
		return 0
	}
	c := chunk{text: l.Text, time: time.Now().UnixNano(), stream: stream}
	if len(l.Ends) == 1 {
		c.text = l.At(0)
	} else {
		ends := l.Ends
		c.text = l.Text[:ends[len(ends)-1]+1]
		c.ends = &ends
	}
	s.mu.Lock()
	r := s.ringLocked(task, name)
	seq := s.pushLocked(r, c)
	s.boundLocked(r)
	s.mu.Unlock()
	return seq
}

// pushLocked numbers c's lines, adds it to r and returns its last line's
// sequence number.
func (s *Store) pushLocked(r *taskRing, c chunk) uint64 {
	c.seq = s.seq + 1
	before := r.bytes
	r.push(c)
	s.seq += uint64(c.lines())
	s.total += r.bytes - before
	return s.seq
}

// ringLocked returns task's ring, making it if need be.
func (s *Store) ringLocked(task, name string) *taskRing {
	r := s.rings[task]
	if r == nil {
		r = &taskRing{key: task, first: s.seq + 1}
		s.rings[task] = r
		s.order = append(s.order, r)
	}
	r.name = name
	return r
}

// boundLocked enforces the bounds after lines were added to r, and wakes the
// followers.
func (s *Store) boundLocked(r *taskRing) {
	if r.bytes > s.opt.PerTask {
		s.total -= r.shrink(s.opt.PerTask-s.opt.PerTask/16, s.opt.PerTask/16, &s.evicted)
	}
	if s.total > s.opt.Total {
		s.evictLocked()
	}
	if s.wake != nil {
		close(s.wake)
		s.wake = nil
	}
}

// evictLocked brings the total under its bound: the largest ring (the oldest
// of equals) loses its oldest lines until it is no larger than the next
// largest (a sixteenth under it), and so on, until a sixteenth of the bound is free (so the scan
// over rings is paid once per sixteenth, not once per line). A flood costs the
// task that floods; a quiet task keeps its history.
func (s *Store) evictLocked() {
	goal := s.opt.Total - s.opt.Total/16
	for s.total > goal {
		var big, next *taskRing
		for _, r := range s.order {
			switch {
			case big == nil || r.bytes > big.bytes:
				big, next = r, big
			case next == nil || r.bytes > next.bytes:
				next = r
			}
		}
		keep := int64(0)
		if next != nil {
			keep = next.bytes - next.bytes/16 // a little under, so equals take turns in steps
		}
		keep = min(max(keep, big.bytes-(s.total-goal)), big.bytes-1)
		s.total -= big.shrink(keep, s.opt.PerTask/16, &s.evicted)
		if big.chunks == 0 {
			s.dropRingLocked(big)
		}
	}
}

// dropRingLocked forgets an empty ring.
func (s *Store) dropRingLocked(r *taskRing) {
	delete(s.rings, r.key)
	for i, o := range s.order {
		if o == r {
			s.order = append(s.order[:i], s.order[i+1:]...)
			break
		}
	}
}

// Changed returns a channel closed at the next Append. Take it before
// reading, then wait on it when the read found nothing new: no line can slip
// between the two.
func (s *Store) Changed() <-chan struct{} {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.wake == nil {
		s.wake = make(chan struct{})
	}
	return s.wake
}

// Last returns the sequence number of the last line appended (0 for none).
func (s *Store) Last() uint64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.seq
}

// Stats is what the store holds.
type Stats struct {
	Lines   int    // lines held
	Bytes   int64  // bytes held, as the bounds count them
	Tasks   int    // tasks with lines held
	Evicted uint64 // lines dropped by the bounds since New
	Last    uint64 // the last sequence number
}

// Stats returns what the store holds now.
func (s *Store) Stats() Stats {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := Stats{Bytes: s.total, Tasks: len(s.rings), Evicted: s.evicted, Last: s.seq}
	for _, r := range s.order {
		st.Lines += r.n
	}
	return st
}
