//go:build darwin || freebsd

package osproc

import (
	"os"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// treeOS is what macOS and FreeBSD keep per tree: when its leader exits.
type treeOS struct {
	exited <-chan struct{}
}

// sysProcAttr starts a leader in a session (and group) of its own.
func sysProcAttr() *syscall.SysProcAttr { return &syscall.SysProcAttr{Setsid: true} }

func (o *treeOS) prepare(_ *Tree, env []string) []string { return env }
func (o *treeOS) abandon(*Tree)                          {}
func (o *treeOS) awaitExit(*Tree)                        { <-o.exited }
func (o *treeOS) forget(*Tree)                           {}

// reap reaps the leader, which has exited.
func (o *treeOS) reap(t *Tree, ws *unix.WaitStatus) error {
	_, err := ignoringEINTR(func() (int, error) { return unix.Wait4(t.pid, ws, 0, nil) })
	return err
}

// started records the leader and lets the os.Process go.
func (o *treeOS) started(t *Tree, p *os.Process) {
	t.pid = p.Pid
	o.exited = exits.watch(t.pid)
	_ = p.Release()
}

// signalOthers does nothing here: a descendant that left the leader's group
// cannot be told from a stranger without a subreaper.
func (o *treeOS) signalOthers(*Tree, syscall.Signal) {}

// groupGoneWithin bounds how long sweep waits for the rest of a killed group.
const groupGoneWithin = 2 * time.Second

// sweep waits, briefly, until no live process is left in the leader's group:
// SIGKILL is delivered asynchronously, so a grandchild can still be running
// for a moment after the signal was sent. The group id cannot be reused while
// the leader is unreaped, so asking for it is safe.
func (o *treeOS) sweep(t *Tree) {
	deadline := time.Now().Add(groupGoneWithin)
	for time.Now().Before(deadline) {
		live := false
		for _, p := range groupMembers(t.pid) {
			live = live || p.Pid != t.pid && p.State != 'Z'
		}
		if !live {
			return
		}
		time.Sleep(5 * time.Millisecond)
	}
}
