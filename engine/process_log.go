package engine

import (
	"bytes"
	"time"

	"github.com/spindle-tui/spindle/model"
)

// maxLogLine is the most bytes of one output line kept in a task's log; the
// rest of a longer line is dropped and the line marked with "…".
const maxLogLine = 2048

// lineLog is an io.Writer that turns a child's output into lines of its task's
// log, each marked with prefix. Each stream is copied by one goroutine, so a
// lineLog needs no lock of its own (the log has one).
type lineLog struct {
	r         *run
	prefix    string
	published <-chan struct{} // closed once the child's pid is shown and logged
	buf       []byte          // the unfinished line
	truncated bool            // the unfinished line overflowed: drop until its newline
	batch     outputBatch     // the lines of one Write, logged together (logs.go)
}

func newLineLog(r *run, prefix string, published <-chan struct{}) *lineLog {
	return &lineLog{r: r, prefix: prefix, published: published}
}

// Write logs every complete line in b and keeps the rest for the next call.
// It first waits until the child is published: a child may print before the
// engine has recorded its pid, and its line must not show without it. Whole
// lines of b are copied in runs as they came; only a line continued from
// the last call, cut at maxLogLine or ending in "\r" is copied on its own.
func (w *lineLog) Write(b []byte) (int, error) {
	<-w.published
	n := len(b)
	i := bytes.IndexByte(b, '\n')
	if i < 0 {
		w.keep(b)
		return n, nil
	}
	w.batch.grow(len(w.buf) + len(b) + 8)
	defer w.batch.flush(w.r, w.prefix) // logs.go: every line of b under one lock
	if len(w.buf) > 0 || w.truncated {
		w.keep(b[:i])
		w.emit()
		b = b[i+1:]
	}
	run, off := 0, 0 // b[run:off] is whole lines not yet copied
	for {
		i := bytes.IndexByte(b[off:], '\n')
		if i < 0 {
			break
		}
		end := off + i
		if i <= maxLogLine && (i == 0 || b[end-1] != '\r') {
			w.batch.endAt(end - run)
			off = end + 1
			continue
		}
		w.batch.addRun(b[run:off])
		w.keep(b[off:end])
		w.emit()
		run, off = end+1, end+1
	}
	w.batch.addRun(b[run:off])
	w.keep(b[off:])
	return n, nil
}

// keep adds part of a line to the buffer, up to maxLogLine.
func (w *lineLog) keep(b []byte) {
	room := maxLogLine - len(w.buf)
	if len(b) > room {
		b, w.truncated = b[:max(room, 0)], true
	}
	w.buf = append(w.buf, b...)
}

// emit logs the buffered line.
func (w *lineLog) emit() {
	line := w.buf
	if n := len(line); n > 0 && line[n-1] == '\r' {
		line = line[:n-1]
	}
	w.batch.add(line, w.truncated) // logs.go
	w.buf, w.truncated = w.buf[:0], false
}

// flush logs an unfinished last line, once the child's output has ended.
func (w *lineLog) flush() {
	if len(w.buf) > 0 || w.truncated {
		w.emit()
		w.batch.flush(w.r, w.prefix)
	}
}

// logLine adds text to r's log (as Logf does) and marks the engine dirty. It
// takes only the log's own lock, so it may be called under Engine.mu.
func logLine(r *run, text string) {
	bound := r.e.cfg.logLines
	if bound == 0 {
		return
	}
	r.appendLog(model.LogLine{Time: time.Now(), Text: text}, bound)
	r.e.markDirty()
}
