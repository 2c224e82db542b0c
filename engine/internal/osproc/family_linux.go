package osproc

import (
	"crypto/rand"
	"encoding/hex"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/sys/unix"
)

// markerKey is the environment variable every child carries:
// SPINDLE_RUN_ID=<this process's token>-<the tree's number>. A descendant
// that this process adopted after its parent died is told to be a tree's by
// it; after a SIGKILL of this process the watchdog finds the survivors by it.
const markerKey = "SPINDLE_RUN_ID"

// family is this process's record of its trees and of the children it
// adopted. It is process-wide because what it tracks is: a child subreaper
// (PR_SET_CHILD_SUBREAPER) is an attribute of the process, and an orphan of
// any tree becomes a child of the process, whichever engine started it.
var fam family

type family struct {
	once  sync.Once
	self  int
	token string

	reapMu    sync.Mutex // held to reap a child, and while the children are listed
	mu        sync.Mutex // taken under Tree.mu and reapMu, never the other way
	pidfds    bool       // pidfd_open works: every child os/exec waits for has one
	next      uint64
	trees     map[uint64]*Tree     // trees whose leader is unreaped, by number
	leaders   map[int]*Tree        // the same, by the leader's pid
	kin       map[int]kinship      // children known to be a tree's: pid → which (a cache)
	strangers map[procKey]struct{} // children known to be no tree's (the caller's own)
	dog       watchdog
}

// kinship says which tree a process (start tells it from a later one with the
// same pid) belongs to.
type kinship struct {
	start uint64
	tree  uint64
}

type procKey struct {
	pid   int
	start uint64
}

// init makes this process a child subreaper and starts the watchdog, once.
func (f *family) init() {
	f.once.Do(func() {
		b := make([]byte, 6)
		_, _ = rand.Read(b)
		f.token = hex.EncodeToString(b)
		f.self = os.Getpid()
		f.trees = make(map[uint64]*Tree)
		f.leaders = make(map[int]*Tree)
		f.kin = make(map[int]kinship)
		f.strangers = make(map[procKey]struct{})
		_ = unix.Prctl(unix.PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
	})
	f.mu.Lock()
	f.dog.ensure(f.token)
	f.mu.Unlock()
}

// register numbers t and records it as live, before its leader starts: a
// process carrying its marker is then never taken for an orphan.
func (f *family) register(t *Tree) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.next++
	t.os.id = f.next
	f.trees[t.os.id] = t
}

// marker is the value of markerKey for tree id.
func (f *family) marker(id uint64) string {
	return f.token + "-" + strconv.FormatUint(id, 10)
}

// treeOfMarker returns the tree number in a marker of this process's.
func (f *family) treeOfMarker(v string) (uint64, bool) {
	token, num, ok := strings.Cut(v, "-")
	if !ok || token != f.token {
		return 0, false
	}
	id, err := strconv.ParseUint(num, 10, 64)
	return id, err == nil
}

// started records t's leader, pid (t.pid is written here, under mu, where
// children reads it).
func (f *family) started(t *Tree, pid int, pidfd bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	t.pid = pid
	f.leaders[pid] = t
	f.pidfds = f.pidfds || pidfd
}

// abandon forgets a registered tree whose leader did not start.
func (f *family) abandon(t *Tree) {
	f.mu.Lock()
	defer f.mu.Unlock()
	delete(f.trees, t.os.id)
}

// remove forgets a tree whose leader was reaped. What the tree's sweep could
// not reap (still dying when it gave up) stays known, as the tree's, and a
// later sweep takes it for an orphan.
func (f *family) remove(t *Tree) {
	f.mu.Lock()
	defer f.mu.Unlock()
	delete(f.trees, t.os.id)
	if f.leaders[t.pid] == t { // its pid may be a newer tree's leader's already
		delete(f.leaders, t.pid)
	}
	var buf statBuf
	for pid, k := range f.kin {
		if k.tree != t.os.id {
			continue
		}
		if st, ok := readStat(pid, &buf); !ok || st.start != k.start {
			delete(f.kin, pid)
		}
	}
}

// adopt records p, a descendant of tree id's, so that it is told for the
// tree's once this process adopts it, dying (a dying process's environment
// cannot be read).
func (f *family) adopt(p proc, id uint64) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.kin[p.pid] = kinship{start: p.start, tree: id}
}

// kid is a child of this process that belongs to a tree. fd, when not -1, is
// a pidfd of it, taken while no child could be reaped: it refers to that
// process whatever becomes of its pid, and the caller closes it.
type kid struct {
	proc
	fd int
}

// children returns the live children of this process that belong to a tree,
// by tree number (ended trees included), leaders aside; those of the trees
// pin reports true for come with a pidfd (pin nil: none). On the way it reaps
// every zombie child that no pidfd in this process refers to: os/exec holds
// one of every child it started until it has waited for it, and a tree of its
// leader, so a zombie without one is nobody's to wait for (an orphan of a
// tree, adopted after it died). reaped reports whether it reaped any: their
// children, if they had any, were adopted after the list was read.
//
// It holds reapMu throughout: no child of this process's is reaped meanwhile,
// so a pid read here still names the same process when it is acted on (the
// kernel also walks the list step by step, and a reap could make it skip
// one).
func (f *family) children(pin func(tree uint64) bool) (byTree map[uint64][]kid, reaped bool) {
	out := make(map[uint64][]kid)
	if f.self == 0 {
		return out, false // no tree was ever started
	}
	f.reapMu.Lock()
	defer f.reapMu.Unlock()
	var buf statBuf
	seen := make(map[procKey]struct{})
	var zombies []int
	type found1 struct {
		kid
		id    uint64
		known bool // told by the kin cache
	}
	var found []found1
	for _, pid := range ownChildren(f.self) {
		f.mu.Lock()
		_, leader := f.leaders[pid]
		dog := pid == f.dog.pid
		f.mu.Unlock()
		if leader || dog {
			continue
		}
		st, ok := readStat(pid, &buf)
		if !ok || st.ppid != f.self {
			continue
		}
		if !st.alive() {
			zombies = append(zombies, pid)
			continue
		}
		seen[procKey{st.pid, st.start}] = struct{}{}
		id, known, ok := f.treeOf(st)
		if !ok {
			continue
		}
		k := kid{proc: proc{pid: st.pid, ppid: st.ppid, start: st.start, pgrp: st.pgrp, state: st.state}, fd: -1}
		found = append(found, found1{k, id, known})
	}
	// A pid and start (to the clock tick) may be a later process's than the
	// one recorded: one that a pidfd of this process refers to is a leader
	// that has just started, or the caller's own child, never a tree's.
	var held map[int]bool
	for _, c := range found {
		if c.known && held == nil {
			held = pidfdsHeld()
		}
		if c.known && held[c.pid] {
			continue
		}
		if pin != nil && pin(c.id) {
			fd, err := unix.PidfdOpen(c.pid, 0)
			if err != nil {
				continue // gone
			}
			c.fd = fd
		}
		out[c.id] = append(out[c.id], c.kid)
	}
	f.mu.Lock()
	for key := range f.strangers {
		if _, ok := seen[key]; !ok {
			delete(f.strangers, key)
		}
	}
	trust := f.pidfds
	f.mu.Unlock()
	if len(zombies) > 0 && trust { // without pidfds the caller's own children cannot be told apart
		held := pidfdsHeld() // afresh: the pins above are no zombies'
		for _, pid := range zombies {
			if !held[pid] {
				reaped = f.reapLocked(pid) || reaped
			}
		}
	}
	return out, reaped
}

// reapLocked reaps child pid, a zombie (the caller holds reapMu).
func (f *family) reapLocked(pid int) bool {
	var ws unix.WaitStatus
	got, _ := ignoringEINTR(func() (int, error) { return unix.Wait4(pid, &ws, unix.WNOHANG, nil) })
	f.mu.Lock()
	delete(f.kin, pid)
	f.mu.Unlock()
	return got == pid
}

// treeOf tells which tree a child of this process belongs to: one it is known
// to be of, the tree whose leader's session or group it is in, or the tree its
// marker names. A child that is none of these is the caller's own, left alone.
func (f *family) treeOf(st procStat) (id uint64, known, ok bool) {
	key := procKey{st.pid, st.start}
	f.mu.Lock()
	if k, ok := f.kin[st.pid]; ok && k.start == st.start {
		f.mu.Unlock()
		return k.tree, true, true
	}
	if _, ok := f.strangers[key]; ok {
		f.mu.Unlock()
		return 0, false, false
	}
	t := f.leaders[st.sid]
	if t == nil {
		t = f.leaders[st.pgrp]
	}
	f.mu.Unlock()
	ok, sure := t != nil, true
	if ok {
		id = t.os.id
	} else {
		var v string
		v, ok, sure = environValue(st.pid, markerKey)
		if ok {
			id, ok = f.treeOfMarker(v)
		}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if t := f.trees[id]; ok && t != nil && (t.pid == 0 || t.pid == st.pid) {
		return 0, false, false // a leader that has just started, not yet recorded
	}
	switch {
	case ok:
		f.kin[st.pid] = kinship{start: st.start, tree: id}
	case sure:
		f.strangers[key] = struct{}{}
	}
	return id, false, ok
}

// ended reports whether tree id has ended (its leader was reaped).
func (f *family) ended(id uint64) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.trees[id] == nil
}

// reap waits, until deadline, for k (killed) to exit and reaps it, through
// its pidfd, which it closes. A child still dying at the deadline is left for
// a later sweep.
func (f *family) reap(k kid, deadline time.Time) {
	if unix.SetNonblock(k.fd, true) != nil {
		unix.Close(k.fd)
		return
	}
	file := os.NewFile(uintptr(k.fd), "pidfd")
	defer file.Close()
	if !awaitPidfd(file, deadline) {
		return
	}
	f.reapMu.Lock()
	defer f.reapMu.Unlock()
	rc, err := file.SyscallConn()
	if err != nil {
		return
	}
	_ = rc.Control(func(fd uintptr) {
		var info unix.Siginfo
		if unix.Waitid(unix.P_PIDFD, int(fd), &info, unix.WEXITED|unix.WNOHANG, nil) == nil {
			f.mu.Lock()
			delete(f.kin, k.pid)
			f.mu.Unlock()
		}
	})
}

// pidfdsHeld returns the pids this process holds a pidfd of
// (/proc/self/fdinfo has a "Pid:" line for each).
func pidfdsHeld() map[int]bool {
	held := make(map[int]bool)
	d, err := os.Open("/proc/self/fd")
	if err != nil {
		return held
	}
	fds, _ := d.Readdirnames(-1)
	d.Close()
	buf := make([]byte, 0, 512)
	for _, fd := range fds {
		if link, err := os.Readlink("/proc/self/fd/" + fd); err != nil || !strings.Contains(link, "pidfd") {
			continue
		}
		b, err := readSmall("/proc/self/fdinfo/"+fd, buf[:0])
		if err != nil {
			continue
		}
		if _, rest, ok := strings.Cut(string(b), "\nPid:"); ok {
			if line, _, _ := strings.Cut(rest, "\n"); line != "" {
				if pid, err := strconv.Atoi(strings.TrimSpace(line)); err == nil {
					held[pid] = true
				}
			}
		}
	}
	return held
}

// reapLeader reaps tree t's leader, which has exited.
func (f *family) reapLeader(t *Tree, ws *unix.WaitStatus) error {
	f.reapMu.Lock()
	defer f.reapMu.Unlock()
	_, err := ignoringEINTR(func() (int, error) { return unix.Wait4(t.pid, ws, 0, nil) })
	return err
}

// ownChildren returns the pids of this process's children.
func ownChildren(self int) []int {
	if kids, ok := childrenOf(self); ok {
		return kids
	}
	var kids []int
	scanAll(func(st procStat) {
		if st.ppid == self {
			kids = append(kids, st.pid)
		}
	})
	return kids
}
