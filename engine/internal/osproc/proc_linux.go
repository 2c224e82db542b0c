package osproc

import (
	"bytes"
	"io"
	"os"
	"strconv"
)

// procStat is what is read from one /proc/<pid>/stat.
type procStat struct {
	pid, ppid, pgrp, sid int
	state                byte   // R, S, D, T, Z, ...
	ticks                uint64 // utime + stime, in clock ticks
	start                uint64 // when it started, in clock ticks since boot: with pid, who it is
	rssPages             int64  // resident set, in pages (the same figure statm reports)
}

// alive reports whether the process still runs (it is not a zombie).
func (s procStat) alive() bool { return s.state != 'Z' && s.state != 'X' }

// clockTick is the kernel's USER_HZ, the unit of utime, stime and starttime in
// /proc/<pid>/stat: 100 on every Linux (sysconf(_SC_CLK_TCK)).
const clockTick = 100

// parseStat parses a /proc/<pid>/stat line. The command name (field 2) is in
// parentheses and may hold spaces and parentheses itself, so the fields are
// counted from its last ')'.
func parseStat(b []byte) (procStat, bool) {
	open, end := bytes.IndexByte(b, '('), bytes.LastIndexByte(b, ')')
	if open < 1 || end < open {
		return procStat{}, false
	}
	pid, err := strconv.Atoi(string(bytes.TrimSpace(b[:open])))
	if err != nil {
		return procStat{}, false
	}
	// Fields from 3 (state) on; field n (as proc(5) numbers them) is at index
	// n-first.
	f := bytes.Fields(b[end+1:])
	const first = 3
	const (
		state, ppid, pgrp, sid   = 3 - first, 4 - first, 5 - first, 6 - first
		utime, stime, start, rss = 14 - first, 15 - first, 22 - first, 24 - first
	)
	if len(f) <= rss || len(f[state]) != 1 {
		return procStat{}, false
	}
	st := procStat{pid: pid, state: f[state][0]}
	var user, system uint64
	var pages int
	ok := atoi(f[ppid], &st.ppid) && atoi(f[pgrp], &st.pgrp) && atoi(f[sid], &st.sid) &&
		atou(f[utime], &user) && atou(f[stime], &system) && atou(f[start], &st.start) && atoi(f[rss], &pages)
	if !ok {
		return procStat{}, false
	}
	st.ticks, st.rssPages = user+system, int64(pages)
	return st, true
}

func atoi(b []byte, dst *int) bool {
	n, err := strconv.Atoi(string(b))
	*dst = n
	return err == nil
}

func atou(b []byte, dst *uint64) bool {
	n, err := strconv.ParseUint(string(b), 10, 64)
	*dst = n
	return err == nil
}

// statBuf is big enough for any stat line (a few hundred bytes).
type statBuf [1024]byte

// readStat reads /proc/<pid>/stat.
func readStat(pid int, buf *statBuf) (procStat, bool) {
	f, err := os.Open("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return procStat{}, false
	}
	n, err := f.Read(buf[:])
	f.Close()
	if err != nil || n == 0 {
		return procStat{}, false
	}
	return parseStat(buf[:n])
}

// scanAll calls fn with the stat of every process in /proc. Processes that exit
// while it reads are skipped.
func scanAll(fn func(procStat)) {
	dir, err := os.Open("/proc")
	if err != nil {
		return
	}
	names, _ := dir.Readdirnames(-1)
	dir.Close()
	var buf statBuf
	for _, name := range names {
		pid, err := strconv.Atoi(name)
		if err != nil {
			continue
		}
		if st, ok := readStat(pid, &buf); ok {
			fn(st)
		}
	}
}

// List returns every process in /proc.
func List() ([]Proc, error) {
	if _, err := os.Stat("/proc/self/stat"); err != nil {
		return nil, err
	}
	var out []Proc
	scanAll(func(st procStat) {
		out = append(out, Proc{Pid: st.pid, Ppid: st.ppid, Pgid: st.pgrp, Sid: st.sid, State: st.state})
	})
	return out, nil
}

// childrenOf returns the children of pid from /proc/<pid>/task/*/children (a
// child is listed under the thread that forked it, or that adopted it). ok is
// false when the kernel has no such files (CONFIG_PROC_CHILDREN).
func childrenOf(pid int) (kids []int, ok bool) {
	dir := "/proc/" + strconv.Itoa(pid) + "/task/"
	d, err := os.Open(dir)
	if err != nil {
		return nil, true // gone: no children
	}
	tids, _ := d.Readdirnames(-1)
	d.Close()
	var buf [4096]byte
	for _, tid := range tids {
		b, err := readSmall(dir+tid+"/children", buf[:0])
		if os.IsNotExist(err) {
			if _, serr := os.Stat(dir + tid); serr == nil {
				return nil, false // the thread is there, the file is not
			}
			continue
		}
		for _, f := range bytes.Fields(b) {
			var kid int
			if atoi(f, &kid) {
				kids = append(kids, kid)
			}
		}
	}
	return kids, true
}

// readSmall reads a /proc file, which reports no size, into buf (grown as
// needed).
func readSmall(path string, buf []byte) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	for {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		n, err := f.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		switch {
		case err == io.EOF || err == nil && n == 0:
			return buf, nil
		case err != nil:
			return buf, err
		}
	}
}

// environValue returns the value of key in the environment pid started with
// (/proc/<pid>/environ), and whether it was there. sure is false when the
// environment could not be read or was empty: a zombie's is gone, another
// user's cannot be read, and a process in the middle of an exec shows none
// for a moment.
func environValue(pid int, key string) (value string, found, sure bool) {
	b, err := readSmall("/proc/"+strconv.Itoa(pid)+"/environ", make([]byte, 0, 4096))
	if err != nil || len(b) == 0 {
		return "", false, false
	}
	prefix := []byte(key + "=")
	for len(b) > 0 {
		kv := b
		if i := bytes.IndexByte(b, 0); i >= 0 {
			kv, b = b[:i], b[i+1:]
		} else {
			b = nil
		}
		if bytes.HasPrefix(kv, prefix) {
			return string(kv[len(prefix):]), true, true
		}
	}
	return "", false, true
}
