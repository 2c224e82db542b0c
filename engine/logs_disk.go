package engine

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"gopkg.in/natefinch/lumberjack.v2"

	"github.com/spindle-tui/spindle/engine/internal/logstore"
	"github.com/spindle-tui/spindle/model"
)

// LogFiles configures the log files: one file per task in Dir, named after the
// task, rotated by lumberjack (gopkg.in/natefinch/lumberjack.v2). The zero
// value writes no files. lumberjack v2.2.1 starts one goroutine per file that
// it never ends (its compress-and-remove mill): one per task that ever wrote a
// file while the engine lives, idle, a few KB each.
type LogFiles struct {
	Dir        string        // where the files go; "" writes none
	MaxSize    int           // megabytes a file reaches before it is rotated (0: 100)
	MaxBackups int           // rotated files kept per task (0: all, within MaxAge)
	MaxAge     time.Duration // rotated files older than this are removed (0: never)
	Compress   bool          // gzip rotated files
	JSON       bool          // JSON lines (model.LogEntry) instead of text
	// Tasks overrides the settings per task name: a zero field keeps the
	// setting above.
	Tasks map[string]TaskLogFile
}

// TaskLogFile overrides LogFiles for one task.
type TaskLogFile struct {
	Off        bool // write no file for this task
	MaxSize    int
	MaxBackups int
	MaxAge     time.Duration
	Compress   bool
}

// diskQueue is how many lines wait for the disk at most; past it, lines are
// dropped and counted (LogStats.DiskDropped) rather than slow down a task.
const diskQueue = 8192

// diskLine is a line on its way to a file.
type diskLine struct {
	seq       uint64
	time      int64
	key, name string
	stream    logstore.Stream
	text      string
}

// diskSink writes lines to files off the tasks' path: storeLine only offers
// a line to a bounded channel, and one goroutine writes.
type diskSink struct {
	ch      atomic.Pointer[chan diskLine] // nil: no files
	dropped atomic.Uint64
	mu      sync.Mutex // serialises SetLogFiles and close
	quit    chan struct{}
	done    chan struct{}
}

// toDisk offers a line to the log files, never waiting.
func (e *Engine) toDisk(seq uint64, key, name string, stream logstore.Stream, text string) {
	ch := e.disk.ch.Load()
	if ch == nil {
		return
	}
	select {
	case *ch <- diskLine{seq: seq, time: time.Now().UnixNano(), key: key, name: name, stream: stream, text: text}:
	default:
		e.disk.dropped.Add(1)
	}
}

// SetLogFiles starts writing every task's lines to files as cfg says (a Dir of
// "" stops), from the next line on. The files of the previous settings are
// flushed and closed first. Close closes them too.
func (e *Engine) SetLogFiles(cfg LogFiles) {
	d := &e.disk
	d.mu.Lock()
	defer d.mu.Unlock()
	d.stopLocked()
	if cfg.Dir == "" {
		return
	}
	ch := make(chan diskLine, diskQueue)
	d.quit, d.done = make(chan struct{}), make(chan struct{})
	d.ch.Store(&ch)
	w := &diskWriter{cfg: cfg, files: make(map[string]*diskFile), dropped: &d.dropped}
	go w.run(ch, d.quit, d.done)
}

// closeLogFiles flushes and closes the log files (Engine.Close).
func (e *Engine) closeLogFiles() {
	e.disk.mu.Lock()
	defer e.disk.mu.Unlock()
	e.disk.stopLocked()
}

func (d *diskSink) stopLocked() {
	if d.ch.Load() == nil {
		return
	}
	d.ch.Store(nil) // a late line is dropped, not sent on: the channel is never closed
	close(d.quit)
	<-d.done
}

// diskWriter is the goroutine's side: the open files by key.
type diskWriter struct {
	cfg      LogFiles
	files    map[string]*diskFile
	dropped  *atomic.Uint64
	reported uint64 // dropped lines already written as a notice
}

// diskFile is one task's file and its buffer of whole lines: it is written
// to lumberjack a buffer at a time, so a rotation never splits a line.
type diskFile struct {
	lj  *lumberjack.Logger
	buf []byte
}

// fileBuffer is how many bytes of lines a file buffers before it writes.
const fileBuffer = 32 << 10

func (w *diskWriter) run(ch chan diskLine, quit, done chan struct{}) {
	defer close(done)
	defer w.closeAll()
	for {
		select {
		case l := <-ch:
			w.write(l)
			if len(ch) == 0 {
				w.flush()
			}
		case <-quit:
			for {
				select {
				case l := <-ch:
					w.write(l)
				default:
					return
				}
			}
		}
	}
}

// write formats l into its task's file (buffered).
func (w *diskWriter) write(l diskLine) {
	f := w.file(l.key, l.name)
	if f == nil {
		return
	}
	if n := w.dropped.Load(); n > w.reported {
		notice := fmt.Sprintf("%d lines not written: the disk fell behind", n-w.reported)
		f.buf = w.format(f.buf, diskLine{seq: l.seq, time: l.time, key: l.key, name: l.name, stream: logstore.Spindle, text: notice})
		w.reported = n
	}
	f.buf = w.format(f.buf, l)
	if len(f.buf) >= fileBuffer {
		f.flush()
	}
}

// format appends l as a line of the file: JSON (model.LogEntry) or text
// ("time stream text").
func (w *diskWriter) format(b []byte, l diskLine) []byte {
	if w.cfg.JSON {
		j, _ := json.Marshal(model.LogEntry{Seq: l.seq, Time: time.Unix(0, l.time), Task: model.TaskID(l.key), Name: l.name, Stream: model.LogStream(l.stream.String()), Text: l.text})
		return append(append(b, j...), '\n')
	}
	b = time.Unix(0, l.time).UTC().AppendFormat(b, time.RFC3339Nano)
	b = append(append(append(b, ' '), l.stream.String()...), ' ')
	return append(append(b, l.text...), '\n')
}

// flush writes the buffered lines in one Write.
func (f *diskFile) flush() {
	if len(f.buf) > 0 {
		f.lj.Write(f.buf) // an error (a full disk) loses these lines; nothing to tell
		f.buf = f.buf[:0]
	}
}

// file returns the file of the task (nil when its file is off), opening it.
func (w *diskWriter) file(key, name string) *diskFile {
	if f, ok := w.files[key]; ok {
		return f
	}
	o := w.cfg.Tasks[name]
	if o.Off {
		w.files[key] = nil
		return nil
	}
	base := quoteLogKey(name)
	if base == "" || base == "." || base == ".." {
		base = quoteLogKey(key)
	}
	if key != name && !stringsHasPollerPrefix(key) && w.nameTaken(base) {
		base += "-" + quoteLogKey(key) // two tasks of one name (pool work, say)
	}
	lj := &lumberjack.Logger{
		Filename:   filepath.Join(w.cfg.Dir, base+".log"),
		MaxSize:    pick(o.MaxSize, w.cfg.MaxSize),
		MaxBackups: pick(o.MaxBackups, w.cfg.MaxBackups),
		MaxAge:     ageDays(pick(o.MaxAge, w.cfg.MaxAge)),
		Compress:   o.Compress || w.cfg.Compress,
	}
	f := &diskFile{lj: lj}
	w.files[key] = f
	return f
}

// nameTaken reports whether a file called base is already open.
func (w *diskWriter) nameTaken(base string) bool {
	want := filepath.Join(w.cfg.Dir, base+".log")
	for _, f := range w.files {
		if f != nil && f.lj.Filename == want {
			return true
		}
	}
	return false
}

func stringsHasPollerPrefix(key string) bool {
	return len(key) >= len(PollerLogPrefix) && key[:len(PollerLogPrefix)] == PollerLogPrefix
}

// ageDays is lumberjack's MaxAge, in whole days (at least 1 for any age).
func ageDays(d time.Duration) int {
	if d <= 0 {
		return 0
	}
	return max(1, int((d+23*time.Hour)/(24*time.Hour)))
}

func pick[T comparable](override, base T) T {
	var zero T
	if override != zero {
		return override
	}
	return base
}

func (w *diskWriter) flush() {
	for _, f := range w.files {
		if f != nil {
			f.flush()
		}
	}
}

func (w *diskWriter) closeAll() {
	w.flush()
	for _, f := range w.files {
		if f != nil {
			f.lj.Close()
		}
	}
}
