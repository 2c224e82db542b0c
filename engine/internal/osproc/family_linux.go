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

	mu        sync.Mutex // taken under Tree.mu, never the other way
	reapMu    sync.Mutex // held to reap a child that is no leader: one reaper at a time
	pidfds    bool       // pidfd_open works: every child os/exec waits for has one
	next      uint64
	trees     map[uint64]*Tree     // trees whose leader is unreaped, by number
	leaders   map[int]*Tree        // the same, by the leader's pid
	kin       map[int]kinship      // processes known to be a tree's: pid → who
	strangers map[procKey]struct{} // children known to be no tree's (the caller's own)
	claimed   map[int]bool         // orphans of ended trees a sweep is reaping
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
		f.claimed = make(map[int]bool)
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
// later sweep reaps it as an orphan.
func (f *family) remove(t *Tree) {
	f.mu.Lock()
	defer f.mu.Unlock()
	delete(f.trees, t.os.id)
	delete(f.leaders, t.pid)
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

// adopt records p as tree id's, so that it is known once it is a zombie
// (whose environment is gone).
func (f *family) adopt(p proc, id uint64) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.kin[p.pid] = kinship{start: p.start, tree: id}
}

// children returns the live children of this process that belong to a tree,
// by tree number (ended trees included), leaders aside. On the way it reaps
// every zombie child that is no leader and that nothing else in this process
// waits for: the orphans this process adopted as a subreaper, which nobody
// else will reap. reaped reports whether it reaped any: their children, if
// they had any, were adopted after the list was read.
func (f *family) children() (byTree map[uint64][]proc, reaped bool) {
	out := make(map[uint64][]proc)
	if f.self == 0 {
		return out, false // no tree was ever started
	}
	var buf statBuf
	seen := make(map[procKey]struct{})
	var zombies []procStat
	// No child of ours is reaped while the list is read: the kernel walks it
	// step by step, and a reap in between could make it skip one.
	f.reapMu.Lock()
	kids := ownChildren(f.self)
	f.reapMu.Unlock()
	for _, pid := range kids {
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
			zombies = append(zombies, st)
			continue
		}
		seen[procKey{st.pid, st.start}] = struct{}{}
		if id, ok := f.treeOf(st); ok {
			out[id] = append(out[id], proc{pid: st.pid, start: st.start, pgrp: st.pgrp, state: st.state})
		}
	}
	f.mu.Lock()
	for key := range f.strangers {
		if _, ok := seen[key]; !ok {
			delete(f.strangers, key)
		}
	}
	f.mu.Unlock()
	return out, f.reapZombies(zombies)
}

// reapZombies reaps the zombie children among zs that are known to be a
// tree's, or that no pidfd in this process refers to. os/exec holds a pidfd of
// every child it started until it has waited for it, so a zombie without one
// is nobody's to wait for: an orphan of a tree, adopted after it died (its
// environment is gone then, so its marker cannot tell). It reports whether it
// reaped any.
func (f *family) reapZombies(zs []procStat) (reaped bool) {
	var held map[int]bool
	for _, z := range zs {
		f.mu.Lock()
		k, known := f.kin[z.pid]
		known = known && k.start == z.start
		trust := f.pidfds
		f.mu.Unlock()
		if !known {
			if !trust {
				continue // no pidfds: the caller's own children cannot be told apart
			}
			if held == nil {
				held = pidfdsHeld()
			}
			if held[z.pid] {
				continue // someone here waits for it
			}
		}
		reaped = f.reapZombie(z.pid, z.start) || reaped
	}
	return reaped
}

// reapZombie reaps child pid, started at start, if it is still that zombie.
func (f *family) reapZombie(pid int, start uint64) bool {
	f.reapMu.Lock()
	defer f.reapMu.Unlock()
	if st, ok := readStat(pid, new(statBuf)); !ok || st.start != start || st.ppid != f.self || st.alive() {
		return false
	}
	var ws unix.WaitStatus
	got, _ := ignoringEINTR(func() (int, error) { return unix.Wait4(pid, &ws, unix.WNOHANG, nil) })
	f.mu.Lock()
	if k, ok := f.kin[pid]; ok && k.start == start {
		delete(f.kin, pid)
	}
	f.mu.Unlock()
	return got == pid
}

// treeOf tells which tree a child of this process belongs to: one it is known
// to be of, the tree whose leader's session or group it is in, or the tree its
// marker names. A child that is none of these is the caller's own, left alone.
func (f *family) treeOf(st procStat) (uint64, bool) {
	key := procKey{st.pid, st.start}
	f.mu.Lock()
	if k, ok := f.kin[st.pid]; ok && k.start == st.start {
		f.mu.Unlock()
		return k.tree, true
	}
	if _, ok := f.strangers[key]; ok {
		f.mu.Unlock()
		return 0, false
	}
	t := f.leaders[st.sid]
	if t == nil {
		t = f.leaders[st.pgrp]
	}
	f.mu.Unlock()
	var id uint64
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
		return 0, false // a leader that has just started, not yet recorded
	}
	switch {
	case ok:
		f.kin[st.pid] = kinship{start: st.start, tree: id}
	case sure:
		f.strangers[key] = struct{}{}
	}
	return id, ok
}

// claimOrphans returns the children in byTree whose tree has ended, each to
// one caller only: that caller kills and reaps them.
func (f *family) claimOrphans(byTree map[uint64][]proc) []proc {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []proc
	for id, kids := range byTree {
		if f.trees[id] != nil {
			continue
		}
		for _, k := range kids {
			if !f.claimed[k.pid] {
				f.claimed[k.pid] = true
				out = append(out, k)
			}
		}
	}
	return out
}

// reap waits, until deadline, for child k (killed) to exit and reaps it. A
// child still dying at the deadline is left for a later sweep.
func (f *family) reap(k proc, deadline time.Time) {
	defer func() {
		f.mu.Lock()
		delete(f.claimed, k.pid)
		f.mu.Unlock()
	}()
	// Our child, unreaped: its pid is still it, and so is a pidfd of it.
	if fd, err := unix.PidfdOpen(k.pid, 0); err == nil {
		if unix.SetNonblock(fd, true) == nil {
			file := os.NewFile(uintptr(fd), "pidfd")
			awaitPidfd(file, deadline)
			file.Close()
		} else {
			unix.Close(fd)
		}
	}
	for !f.reapZombie(k.pid, k.start) && time.Now().Before(deadline) {
		if st, ok := readStat(k.pid, new(statBuf)); !ok || st.start != k.start {
			return // reaped already
		}
		time.Sleep(time.Millisecond) // no pidfd: poll
	}
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
		if link, err := os.Readlink("/proc/self/fd/" + fd); err != nil || link != "anon_inode:[pidfd]" {
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
