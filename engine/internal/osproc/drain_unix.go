//go:build linux || darwin || freebsd

package osproc

import (
	"io"
	"os"
	"strconv"
	"sync"
	"time"

	"golang.org/x/sys/unix"
)

// pipeGrace bounds how long Wait waits for the child's stdout and stderr to
// close once its tree is gone: only a descendant out of the tree's reach can
// still hold them open.
const pipeGrace = 500 * time.Millisecond

// drain copies one output pipe of a child to a writer until the pipe closes.
type drain struct {
	f    *os.File // the read end, on the runtime's poller
	w    io.Writer
	done chan struct{}
}

// drainBufs are the buffers drains read into. A drain takes one only once its
// pipe is readable, so thousands of quiet children hold none.
var drainBufs = sync.Pool{New: func() any { b := make([]byte, 32<<10); return &b }}

func startDrain(f *os.File, w io.Writer) *drain {
	d := &drain{f: f, w: w, done: make(chan struct{})}
	go d.run()
	return d
}

func (d *drain) run() {
	defer close(d.done)
	rc, err := d.f.SyscallConn()
	if err != nil {
		return
	}
	for {
		var buf *[]byte
		var n int
		var rerr error
		err := rc.Read(func(fd uintptr) bool {
			buf = drainBufs.Get().(*[]byte)
			n, rerr = ignoringEINTR(func() (int, error) { return unix.Read(int(fd), *buf) })
			if rerr == unix.EAGAIN {
				drainBufs.Put(buf)
				return false // wait until readable
			}
			return true
		})
		if err != nil { // the deadline finish set, or closed
			return
		}
		if n > 0 && d.w != nil {
			_, _ = d.w.Write((*buf)[:n])
		}
		drainBufs.Put(buf)
		if n <= 0 || rerr != nil { // end of file
			return
		}
	}
}

// finish waits until the child's output has ended, for at most pipeGrace from
// now, and closes the pipe.
func (d *drain) finish() {
	_ = d.f.SetReadDeadline(time.Now().Add(pipeGrace))
	<-d.done
	d.f.Close()
}

func itoa(n int) string { return strconv.Itoa(n) }
