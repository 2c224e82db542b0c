package engine

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/spindle-tui/spindle/engine/internal/logstore"
	"github.com/spindle-tui/spindle/engine/internal/tail"
	"github.com/spindle-tui/spindle/model"
)

// PollerLogPrefix begins the log key of a poller: its lines are under
// "poller:" and its name (model.LogEntry.Task).
const PollerLogPrefix = "poller:"

// Defaults of WithLogBytes.
const (
	DefaultLogBytesPerTask = logstore.DefaultPerTask // 4 MiB
	DefaultLogBytesTotal   = logstore.DefaultTotal   // 64 MiB
)

// WithLogBytes bounds the log store: each task keeps its newest lines up to
// perTask bytes, and all tasks together up to total; past the total, the task
// holding the most loses its oldest lines first, so a flooding task pays and
// a quiet one keeps its history. A line of a child's output costs its text
// plus 5 bytes (and each read of the output 88); any other line its text plus
// 64 bytes. Zero or less keeps a default (4 MiB, 64 MiB).
func WithLogBytes(perTask, total int64) Option {
	return func(c *config) { c.logPerTask, c.logTotal = perTask, total }
}

// storeLine adds a line of r's task to the log store.
func (e *Engine) storeLine(t *task, stream logstore.Stream, text string) {
	if t == nil || e.logs == nil { // a lineLog or an Engine{} under test
		return
	}
	seq := e.logs.Append(string(t.ident()), t.name, stream, text)
	e.toDisk(seq, string(t.ident()), t.name, stream, text)
}

// outputBatch gathers the lines of one Write of a child's output (a pipe's
// read) into one string, each followed by its newline, and where each ends, so
// that they cost one allocation, one clock reading and one lock of the store
// and of the task's tail, and the store keeps them as one chunk: a child
// printing as fast as it can is slowed as little as spindle can manage. A
// line read from the store is a substring of its chunk, so a line kept keeps
// its chunk's string alive.
type outputBatch struct {
	text strings.Builder
	ends []uint32 // where each line of text ends (its newline)
}

// grow makes room for n more bytes before the batch's first line.
func (b *outputBatch) grow(n int) {
	if b.text.Len() == 0 {
		b.text.Grow(n)
	}
}

// add appends a line (marked … when it was cut at maxLogLine) and its newline.
func (b *outputBatch) add(line []byte, truncated bool) {
	b.text.Write(line)
	if truncated {
		b.text.WriteString("…")
	}
	b.ends = append(b.ends, uint32(b.text.Len()))
	b.text.WriteByte('\n')
}

// endAt notes a line of the run being gathered (lines taken as they came,
// each with its newline) whose newline is at offset i of the run; addRun
// then appends the run in one copy.
func (b *outputBatch) endAt(i int) { b.ends = append(b.ends, uint32(b.text.Len()+i)) }

// addRun appends the lines noted by endAt.
func (b *outputBatch) addRun(run []byte) { b.text.Write(run) }

// flush logs the lines gathered: to the store as stdout (prefix "") or
// stderr, and to the task's tail with prefix (the detail pane's "stderr: ").
func (b *outputBatch) flush(r *run, prefix string) {
	if len(b.ends) == 0 {
		return
	}
	stream := logstore.Stdout
	if prefix != "" {
		stream = logstore.Stderr
	}
	lines := logstore.Lines{Text: b.text.String(), Ends: slices.Clone(b.ends)} // the store keeps both
	b.text.Reset()
	b.ends = b.ends[:0]
	r.e.storeLines(r.t, stream, lines)
	r.tailLines(prefix, lines)
	if r.readyLine != nil {
		for i := range lines.Len() {
			r.noteLine(lines.At(i)) // depends.go: the log_ready condition, once the line is logged
		}
	}
}

// storeLines adds lines of t to the store as one chunk, and offers them to
// the log files.
func (e *Engine) storeLines(t *task, stream logstore.Stream, lines logstore.Lines) {
	if t == nil || e.logs == nil {
		return
	}
	key := string(t.ident())
	last := e.logs.AppendLines(key, t.name, stream, lines)
	if e.disk.ch.Load() == nil {
		return
	}
	first := last - uint64(lines.Len()) + 1
	for i := range lines.Len() {
		e.toDisk(first+uint64(i), key, t.name, stream, lines.At(i))
	}
}

// tailLines adds the last lines to r's tail (the snapshot's Task.Log), each
// with prefix, under one lock, and marks the engine dirty.
func (r *run) tailLines(prefix string, lines logstore.Lines) {
	bound := r.e.cfg.logLines
	if bound == 0 {
		return
	}
	now := time.Now()
	r.logMu.Lock()
	if r.log.Keep() != bound {
		r.log = tail.Continue(bound, r.log.Tail(-1))
	}
	for i := max(0, lines.Len()-bound); i < lines.Len(); i++ {
		text := lines.At(i)
		if prefix != "" {
			text = prefix + text
		}
		r.log.Push(model.LogLine{Time: now, Text: text})
	}
	if !r.haslog.Load() {
		r.haslog.Store(true)
	}
	r.logMu.Unlock()
	r.e.markDirty()
}

// logSpindle adds one of spindle's own lines about r's task (started pid,
// sent SIGTERM, ended) to the store and the task's tail.
func logSpindle(r *run, text string) {
	r.e.storeLine(r.t, logstore.Spindle, text)
	logLine(r, "spindle: "+text)
}

// logPoller adds a line about a poller (a new value, an error) to the store.
func (e *Engine) logPoller(name, text string) {
	seq := e.logs.Append(PollerLogPrefix+name, name, logstore.Log, text)
	e.toDisk(seq, PollerLogPrefix+name, name, logstore.Log, text)
}

// LogProbe adds a probe's line (a failure, a recovery) to the log of the
// task with id; probes call it.
func (e *Engine) LogProbe(id model.TaskID, name, text string) {
	seq := e.logs.Append(string(id), name, logstore.Probe, text)
	e.toDisk(seq, string(id), name, logstore.Probe, text)
}

// LogReader reads the log store from a point on, each line once, in order.
// Make one with Engine.Logs. It is not safe for concurrent use.
type LogReader struct {
	s     *logstore.Store
	rd    *logstore.Reader
	limit int
	buf   []logstore.Line
}

// Logs returns a reader of the lines q selects, starting where q says. Tasks
// are named by id (or PollerLogPrefix and a poller's name); resolve names
// first (remote's ResolveTasks does it for the CLI).
func (e *Engine) Logs(q model.LogQuery) *LogReader {
	f := logstore.Filter{Tasks: make([]string, len(q.Tasks))}
	for i, id := range q.Tasks {
		f.Tasks[i] = string(id)
	}
	for _, st := range q.Streams {
		if s, ok := logstore.ParseStream(string(st)); ok {
			f.Streams |= logstore.Streams(s)
		}
	}
	var from uint64
	switch {
	case q.Since > 0:
		from = q.Since + 1
	case q.Tail > 0:
		from = e.logs.TailStart(f, q.Tail)
	case !q.SinceTime.IsZero():
		from = e.logs.SinceStart(f, q.SinceTime)
	}
	return &LogReader{s: e.logs, rd: e.logs.NewReader(from, f), limit: q.Limit}
}

// Read returns the lines not read yet (at most the query's Limit, 1000 by
// default), oldest first, without waiting: an empty batch means there is
// nothing new. Wait waits for more.
func (r *LogReader) Read() model.LogBatch {
	var gap uint64
	r.buf, gap = r.rd.Read(r.buf[:0], r.limit)
	b := model.LogBatch{Gap: gap, Next: r.rd.Next(), Lines: make([]model.LogEntry, len(r.buf))}
	for i, l := range r.buf {
		b.Lines[i] = model.LogEntry{Seq: l.Seq, Time: l.Time, Task: model.TaskID(l.Task), Name: l.Name, Stream: model.LogStream(l.Stream.String()), Text: l.Text}
		r.buf[i] = logstore.Line{}
	}
	return b
}

// Follow returns the next non-empty batch, waiting for lines to come until
// ctx is done (then it returns ctx's error).
func (r *LogReader) Follow(ctx context.Context) (model.LogBatch, error) {
	for {
		changed := r.s.Changed()
		if b := r.Read(); len(b.Lines) > 0 || b.Gap > 0 {
			return b, nil
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return model.LogBatch{Next: r.rd.Next()}, ctx.Err()
		}
	}
}

// Changed returns a channel closed when the next line is appended to the
// store (any task's): take it before Read, wait on it after an empty one.
func (r *LogReader) Changed() <-chan struct{} { return r.s.Changed() }

// Next returns the sequence number the reader goes on from.
func (r *LogReader) Next() uint64 { return r.rd.Next() }

// ReadLogs returns one batch of the lines q selects, without waiting (the
// ui.Source method: the dashboard polls it while a log view is open).
func (e *Engine) ReadLogs(_ context.Context, q model.LogQuery) (model.LogBatch, error) {
	return e.Logs(q).Read(), nil
}

// LogStats is what the log store holds and what it dropped.
type LogStats struct {
	Lines       int    // lines held in memory
	Bytes       int64  // bytes held, as the bounds count them
	Evicted     uint64 // lines dropped by the memory bounds
	DiskDropped uint64 // lines not written to disk because the disk fell behind
	Last        uint64 // the last sequence number
}

// LogStats returns what the log store holds now.
func (e *Engine) LogStats() LogStats {
	st := e.logs.Stats()
	return LogStats{Lines: st.Lines, Bytes: st.Bytes, Evicted: st.Evicted, Last: st.Last, DiskDropped: e.disk.dropped.Load()}
}

// quoteLogKey is a log key for a file name: what is not a letter, digit, '-',
// '_' or '.' becomes '_'.
func quoteLogKey(name string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '_', r == '.':
			return r
		}
		return '_'
	}, name)
}
