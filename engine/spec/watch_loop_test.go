package spec

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/fsnotify/fsnotify"
)

// fakeDisk is an in-memory task file for the watcher's loop.
type fakeDisk struct {
	mu    sync.Mutex
	data  string
	err   error
	flaps int // when > 0, the file changes at every read
}

func (d *fakeDisk) set(data string) { d.mu.Lock(); d.data, d.err = data, nil; d.mu.Unlock() }
func (d *fakeDisk) fail(err error)  { d.mu.Lock(); d.err = err; d.mu.Unlock() }
func (d *fakeDisk) flap()           { d.mu.Lock(); d.flaps = 1; d.mu.Unlock() }
func (d *fakeDisk) read() ([]byte, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.flaps > 0 {
		d.flaps++
		return fmt.Appendf(nil, "refresh: %dms\n", d.flaps), nil
	}
	return []byte(d.data), d.err
}

// result is one callback.
type result struct {
	file *File
	err  error
}

// loopRig runs a watcher's loop on hand-fed events, inside a synctest bubble.
type loopRig struct {
	w      *Watcher
	disk   *fakeDisk
	events chan fsnotify.Event
	errs   chan error
	mu     sync.Mutex
	got    []result
}

const rigPath = "/virtual/spindle.yaml"

func newLoopRig(ctx context.Context, initial string) *loopRig {
	r := &loopRig{disk: &fakeDisk{data: initial}, events: make(chan fsnotify.Event), errs: make(chan error)}
	r.w = newWatcher("spindle.yaml", rigPath, 100*time.Millisecond, func(f *File, err error) {
		r.mu.Lock()
		r.got = append(r.got, result{f, err})
		r.mu.Unlock()
	})
	r.w.read = r.disk.read
	r.w.remember(r.disk.read())
	go r.w.run(ctx, r.events, r.errs)
	return r
}

// results returns and clears the callbacks so far.
func (r *loopRig) results() []result {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := r.got
	r.got = nil
	return out
}

func (r *loopRig) write(data string) {
	r.disk.set(data)
	r.events <- fsnotify.Event{Name: rigPath, Op: fsnotify.Write}
}

func refreshOf(t *testing.T, res result) time.Duration {
	t.Helper()
	if res.err != nil {
		t.Fatalf("callback error: %v", res.err)
	}
	return res.file.Refresh
}

func TestWatchLoop(t *testing.T) {
	tests := []struct {
		name string
		run  func(t *testing.T, r *loopRig) // drives the rig; returns with the bubble idle
		want []string                       // each callback: a refresh value or "error"
	}{
		{"one burst, one callback", func(t *testing.T, r *loopRig) {
			for i := range 20 {
				r.write(fmt.Sprintf("refresh: %dms\n", i+1))
				time.Sleep(50 * time.Millisecond) // less than the debounce
			}
			time.Sleep(time.Second)
		}, []string{"20ms"}},
		{"two bursts, two callbacks", func(t *testing.T, r *loopRig) {
			r.write("refresh: 1s\n")
			time.Sleep(time.Second)
			r.write("refresh: 2s\n")
			time.Sleep(time.Second)
		}, []string{"1s", "2s"}},
		{"same content, no callback", func(t *testing.T, r *loopRig) {
			r.write("refresh: 5s\n")
			time.Sleep(time.Second)
		}, nil},
		{"other files and chmod are ignored", func(t *testing.T, r *loopRig) {
			r.disk.set("refresh: 1s\n")
			r.events <- fsnotify.Event{Name: "/virtual/other.yaml", Op: fsnotify.Write}
			r.events <- fsnotify.Event{Name: rigPath, Op: fsnotify.Chmod}
			time.Sleep(time.Second)
		}, nil},
		{"rename over the file", func(t *testing.T, r *loopRig) {
			r.disk.set("refresh: 3s\n")
			r.events <- fsnotify.Event{Name: "/virtual/spindle.yaml.tmp", Op: fsnotify.Create}
			r.events <- fsnotify.Event{Name: "/virtual/spindle.yaml.tmp", Op: fsnotify.Rename}
			r.events <- fsnotify.Event{Name: rigPath, Op: fsnotify.Create}
			time.Sleep(time.Second)
		}, []string{"3s"}},
		{"overflow reloads", func(t *testing.T, r *loopRig) {
			r.disk.set("refresh: 4s\n")
			r.errs <- fmt.Errorf("inotify: %w", fsnotify.ErrEventOverflow)
			time.Sleep(time.Second)
		}, []string{"4s"}},
		{"other watch errors are reported", func(t *testing.T, r *loopRig) {
			r.errs <- errors.New("boom")
			time.Sleep(time.Second)
		}, []string{"error"}},
		{"invalid then valid", func(t *testing.T, r *loopRig) {
			r.write("refresh: [\n")
			time.Sleep(time.Second)
			r.write("refresh: 7s\n")
			time.Sleep(time.Second)
		}, []string{"error", "7s"}},
		{"unreadable once is reported once", func(t *testing.T, r *loopRig) {
			r.disk.fail(errors.New("gone"))
			r.events <- fsnotify.Event{Name: rigPath, Op: fsnotify.Remove}
			time.Sleep(time.Second)
			r.events <- fsnotify.Event{Name: rigPath, Op: fsnotify.Remove}
			time.Sleep(time.Second)
		}, []string{"error"}},
		{"manual reload always calls back", func(t *testing.T, r *loopRig) {
			r.w.Reload()
			r.w.Reload() // merges with the pending one
			synctest.Wait()
			time.Sleep(time.Second)
		}, []string{"5s"}},
		{"manual reload cancels the debounce", func(t *testing.T, r *loopRig) {
			r.write("refresh: 6s\n")
			r.w.Reload()
			time.Sleep(time.Second)
		}, []string{"6s"}},
		{"manual reloads merge until answered", func(t *testing.T, r *loopRig) {
			for range 5 {
				r.w.Reload()
				time.Sleep(20 * time.Millisecond)
			}
			time.Sleep(time.Second)
		}, []string{"5s"}},
		{"truncate, then write after the debounce", func(t *testing.T, r *loopRig) {
			r.write("") // an editor that truncates, then writes
			time.Sleep(150 * time.Millisecond)
			r.write("refresh: 7s\n")
			time.Sleep(time.Second)
		}, []string{"7s"}},
		{"half, then the rest after the debounce", func(t *testing.T, r *loopRig) {
			r.write("refresh: 8")
			time.Sleep(150 * time.Millisecond)
			r.write("refresh: 8s\n")
			time.Sleep(time.Second)
		}, []string{"8s"}},
		{"a change with no event between two reads", func(t *testing.T, r *loopRig) {
			r.write("refresh: 2s\n")
			time.Sleep(150 * time.Millisecond) // read once; the second read is due
			r.disk.set("refresh: 3s\n")        // no event: the reads disagree
			time.Sleep(time.Second)
		}, []string{"3s"}},
		{"a file that never holds still is an error", func(t *testing.T, r *loopRig) {
			r.disk.flap()
			r.w.Reload()
			time.Sleep(time.Minute)
		}, []string{"error"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				ctx, cancel := context.WithCancel(t.Context())
				r := newLoopRig(ctx, "refresh: 5s\n")
				tc.run(t, r)
				synctest.Wait()
				var got []string
				for _, res := range r.results() {
					if res.err != nil {
						got = append(got, "error")
						continue
					}
					got = append(got, refreshOf(t, res).String())
				}
				if fmt.Sprint(got) != fmt.Sprint(tc.want) {
					t.Errorf("callbacks %v, want %v", got, tc.want)
				}
				cancel()
				<-r.w.Done()
			})
		})
	}
}

// TestWatchLoopErrorKinds checks what the callback's error is: an ErrorList for
// a bad file, the read error (wrapped) for an unreadable one.
func TestWatchLoopErrorKinds(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ctx, cancel := context.WithCancel(t.Context())
		defer cancel()
		r := newLoopRig(ctx, "")
		r.write("bogus: 1\n")
		time.Sleep(time.Second)
		gone := errors.New("gone")
		r.disk.fail(gone)
		r.w.Reload()
		time.Sleep(time.Second)
		res := r.results()
		var list ErrorList
		if len(res) != 2 || !errors.As(res[0].err, &list) || list[0].Line != 1 || !errors.Is(res[1].err, gone) {
			t.Fatalf("results %+v", res)
		}
		cancel()
		<-r.w.Done()
	})
}
