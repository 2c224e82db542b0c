package spec

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"time"

	"github.com/fsnotify/fsnotify"
)

// DefaultDebounce is the quiet time Watch waits for after the last change
// before it re-reads the file, when given 0.
const DefaultDebounce = 100 * time.Millisecond

// Watcher watches a task file and calls back with each new version of it.
// Create one with Watch.
type Watcher struct {
	path     string // as given, for messages and Parse
	abs      string
	debounce time.Duration
	onChange func(*File, error)

	reload chan struct{} // a manual reload is asked (buffered, 1)
	done   chan struct{} // closed when the watching goroutine has ended

	// Owned by the watching goroutine after Watch returns.
	fs          *fsnotify.Watcher // nil in tests that feed events by hand
	read        func() ([]byte, error)
	dirs        map[string]bool // directories being watched
	interesting map[string]bool // paths whose events mean "reload"
	envFiles    []string        // the env files the last version read (watch_env.go)
	last        []byte          // the content of the last callback (or the start)
	lastErr     string          // the read error of the last callback
	haveLast    bool
}

// Watch watches the task file at path and calls onChange with the parsed file,
// or with the error (an ErrorList for an invalid file, a wrapped fs error for an
// unreadable one), each time its content changes. It does not call back for
// the content the file has when Watch is called: Load that first.
//
// It watches the file's directory, not the file, so editors that save by
// renaming a new file over the old one work; it also follows symlinks (a
// symlinked config directory, or a Kubernetes-style "..data" swap) by watching
// the real file's directory too, re-resolving after every change. Changes are
// debounced: after the last event of a burst it waits debounce (0 means
// DefaultDebounce), then reads the file, and reads it again a debounce later
// until two reads in a row agree, so a save made in steps (truncate, then
// write; half, then the rest) is seen whole; a file that differs at each of
// 20 reads calls back with an error wrapping ErrUnstable. A burst never calls
// back twice, and a change that leaves the content as it was does not call
// back at all. An fsnotify queue overflow is treated as a change. Every read
// is bounded and refuses what is not a regular file (see Load).
//
// onChange runs on the watcher's goroutine, one call at a time; it should hand
// the work off rather than block. Watching stops when ctx is done; Done is
// closed once it has. The error is for a directory that cannot be watched.
func Watch(ctx context.Context, path string, debounce time.Duration, onChange func(*File, error)) (*Watcher, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("spec: watch %s: %w", path, err)
	}
	fsw, err := fsnotify.NewWatcher()
	if err != nil {
		return nil, fmt.Errorf("spec: watch %s: %w", path, err)
	}
	w := newWatcher(path, abs, debounce, onChange)
	w.fs = fsw
	if err := fsw.Add(filepath.Dir(abs)); err != nil {
		_ = fsw.Close()
		return nil, fmt.Errorf("spec: watch %s: %w", path, err)
	}
	w.dirs[filepath.Dir(abs)] = true
	data, err := w.read()
	if err == nil {
		if f, _ := Parse(path, data); f != nil {
			w.learnEnv(f) // watch_env.go: its env files are watched with it
		}
	}
	w.rewatch()
	w.remember(w.withEnv(data), err)
	go w.run(ctx, fsw.Events, fsw.Errors)
	return w, nil
}

func newWatcher(path, abs string, debounce time.Duration, onChange func(*File, error)) *Watcher {
	if debounce <= 0 {
		debounce = DefaultDebounce
	}
	if onChange == nil {
		onChange = func(*File, error) {}
	}
	return &Watcher{
		path: path, abs: abs, debounce: debounce, onChange: onChange,
		reload:      make(chan struct{}, 1),
		done:        make(chan struct{}),
		read:        func() ([]byte, error) { return readFile(abs) },
		dirs:        map[string]bool{},
		interesting: map[string]bool{abs: true},
	}
}

// Reload asks for the file to be re-read now (ctrl+r). Unlike a change seen on
// disk, it always calls back, even when the content is the same, so the user
// sees an answer. It never blocks; asks made before the answer merge into it.
func (w *Watcher) Reload() {
	select {
	case w.reload <- struct{}{}:
	default:
	}
}

// Done is closed when the watcher has stopped (after ctx is done) and will
// not call back any more.
func (w *Watcher) Done() <-chan struct{} { return w.done }

// run is the watching goroutine: it debounces events into stable reads.
func (w *Watcher) run(ctx context.Context, events <-chan fsnotify.Event, errs <-chan error) {
	defer close(w.done)
	if w.fs != nil {
		defer func() { _ = w.fs.Close() }()
	}
	timer := time.NewTimer(w.debounce)
	timer.Stop()
	defer timer.Stop()
	var st settling
	for {
		select {
		case <-ctx.Done():
			return
		case ev, ok := <-events:
			if !ok {
				events = nil
				continue
			}
			if w.relevant(ev) {
				st.restart()
				timer.Reset(w.debounce)
			}
		case err, ok := <-errs:
			switch {
			case !ok:
				errs = nil
			case errors.Is(err, fsnotify.ErrEventOverflow):
				st.restart() // events were lost; one of them may have been ours
				timer.Reset(w.debounce)
			default:
				w.onChange(nil, fmt.Errorf("spec: watch %s: %w", w.path, err))
			}
		case <-w.reload:
			st.restart()
			st.manual = true
			timer.Reset(0) // the first read at once, the second a debounce later
		case <-timer.C:
			w.rewatch()
			data, err := w.read()
			all := data
			if err == nil {
				all = w.withEnv(data) // watch_env.go: the file and its env files
			}
			switch st.read(all, err) {
			case readAgain:
				timer.Reset(w.debounce)
			case readStable:
				w.deliver(all, len(data), err, st.manual)
				st = settling{}
			case readUnstable:
				w.deliver(nil, 0, fmt.Errorf("spec: %s: %w (it changed at each of %d reads %s apart)", w.path, ErrUnstable, maxSettleReads, w.debounce), true)
				st = settling{}
			}
		}
	}
}

// ErrUnstable is matched by the error the watcher calls back with when the
// file's content differs at every read: it was never applied.
var ErrUnstable = errors.New("the file kept changing")

// maxSettleReads bounds the reads made waiting for two in a row to agree.
const maxSettleReads = 20

// settling is the watcher's wait for a save to end: a file is applied only
// when two reads a debounce apart agree, so a save that truncates, then
// writes, or writes in parts, is applied once it is whole.
type settling struct {
	manual bool   // a Reload is being answered: call back even if nothing changed
	reads  int    // reads made since the last change seen
	data   []byte // the last of them
	err    string
}

type readVerdict uint8

const (
	readAgain    readVerdict = iota // read once more after a debounce
	readStable                      // two reads agree: deliver
	readUnstable                    // maxSettleReads reads, no two agreeing in a row
)

// restart forgets the reads made: the file changed since.
func (s *settling) restart() { s.reads, s.data, s.err = 0, nil, "" }

// read takes a read's result and says what to do next.
func (s *settling) read(data []byte, err error) readVerdict {
	msg := ""
	if err != nil {
		data, msg = nil, err.Error()
	}
	if s.reads > 0 && msg == s.err && bytes.Equal(data, s.data) {
		return readStable
	}
	s.reads++
	if s.reads >= maxSettleReads {
		return readUnstable
	}
	s.data, s.err = data, msg
	return readAgain
}

// deliver calls back with a stable read (the file's n bytes, then its env
// files'), unless it is what the last callback saw and the reload was not
// asked by hand.
func (w *Watcher) deliver(all []byte, n int, err error, manual bool) {
	if !manual && w.same(all, err) {
		return
	}
	w.remember(all, err)
	if err != nil {
		if !errors.Is(err, ErrUnstable) {
			err = fmt.Errorf("spec: %w", err)
		}
		w.onChange(nil, err)
		return
	}
	f, perr := Parse(w.path, all[:n])
	if f != nil && perr == nil && w.learnEnv(f) { // it reads other env files now: watch those
		w.rewatch()
		w.remember(w.withEnv(all[:n]), nil)
	}
	w.onChange(f, perr)
}

// relevant reports whether ev may have changed the file: it names the file, a
// symlink on the way to it, or the real file. Attribute-only changes are not.
func (w *Watcher) relevant(ev fsnotify.Event) bool {
	if ev.Op == fsnotify.Chmod {
		return false
	}
	return w.interesting[filepath.Clean(ev.Name)]
}

func (w *Watcher) same(data []byte, err error) bool {
	if !w.haveLast {
		return false
	}
	if err != nil {
		return err.Error() == w.lastErr
	}
	return w.lastErr == "" && bytes.Equal(data, w.last)
}

func (w *Watcher) remember(data []byte, err error) {
	w.haveLast, w.last, w.lastErr = true, data, ""
	if err != nil {
		w.last, w.lastErr = nil, err.Error()
	}
}

// rewatch resolves the file's symlinks again and watches the directories the
// chain now goes through, dropping those it left. The file's own directory is
// always kept.
func (w *Watcher) rewatch() {
	if w.fs == nil {
		return
	}
	chain := linkChain(w.abs)
	want := map[string]bool{filepath.Dir(w.abs): true}
	w.interesting = make(map[string]bool, len(chain))
	for _, p := range chain {
		w.interesting[p] = true
		want[filepath.Dir(p)] = true
	}
	w.watchEnv(want) // watch_env.go
	for dir := range want {
		if !w.dirs[dir] && w.fs.Add(dir) == nil {
			w.dirs[dir] = true
		}
	}
	for dir := range w.dirs {
		if !want[dir] {
			_ = w.fs.Remove(dir) // it may be gone already; the kernel dropped its watch then
			delete(w.dirs, dir)
		}
	}
}
