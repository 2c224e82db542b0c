//go:build darwin || freebsd

package osproc

import (
	"sync"
	"time"

	"golang.org/x/sys/unix"
)

// exitWatcher tells when children exit: one kqueue with an EVFILT_PROC
// NOTE_EXIT filter per child, read by one goroutine while any child is
// watched, so all children together hold one OS thread. It is process-wide
// like the children it watches.
type exitWatcher struct {
	mu      sync.Mutex
	kq      int // -1 until first used
	waits   map[int]chan struct{}
	running bool
}

var exits = exitWatcher{kq: -1}

// watch returns a channel closed once pid (a child, unreaped) has exited.
func (w *exitWatcher) watch(pid int) <-chan struct{} {
	ch := make(chan struct{})
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.kq < 0 {
		kq, err := unix.Kqueue()
		if err != nil {
			go pollExit(pid, ch)
			return ch
		}
		unix.CloseOnExec(kq)
		w.kq, w.waits = kq, make(map[int]chan struct{})
	}
	var ev unix.Kevent_t
	unix.SetKevent(&ev, pid, unix.EVFILT_PROC, unix.EV_ADD|unix.EV_ONESHOT)
	ev.Fflags = unix.NOTE_EXIT
	if _, err := unix.Kevent(w.kq, []unix.Kevent_t{ev}, nil, nil); err != nil {
		if err == unix.ESRCH { // it is a zombie already (macOS does not attach to one)
			close(ch)
		} else {
			go pollExit(pid, ch)
		}
		return ch
	}
	w.waits[pid] = ch
	if !w.running {
		w.running = true
		go w.loop()
	}
	return ch
}

// loop reads exits until no child is watched.
func (w *exitWatcher) loop() {
	events := make([]unix.Kevent_t, 64)
	for {
		n, err := unix.Kevent(w.kq, nil, events, nil)
		if err != nil && err != unix.EINTR {
			time.Sleep(10 * time.Millisecond) // never expected; do not spin
		}
		w.mu.Lock()
		for _, ev := range events[:max(n, 0)] {
			if ev.Filter != unix.EVFILT_PROC || ev.Fflags&unix.NOTE_EXIT == 0 {
				continue
			}
			pid := int(ev.Ident)
			if ch, ok := w.waits[pid]; ok {
				close(ch)
				delete(w.waits, pid)
			}
		}
		if len(w.waits) == 0 {
			w.running = false
			w.mu.Unlock()
			return
		}
		w.mu.Unlock()
	}
}

// pollExit closes ch once pid is a zombie, looking every few milliseconds: the
// fallback when the kqueue cannot take it.
func pollExit(pid int, ch chan struct{}) {
	for procState(pid) != 'Z' && procState(pid) != 0 {
		time.Sleep(5 * time.Millisecond)
	}
	close(ch)
}
