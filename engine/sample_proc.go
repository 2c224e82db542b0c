package engine

import (
	"bytes"
	"os"
	"strconv"
)

// procStat is what the sampler reads from one /proc/<pid>/stat.
type procStat struct {
	pid      int
	pgrp     int
	state    byte   // R, S, D, T, Z, ...
	ticks    uint64 // utime + stime, in clock ticks
	rssPages int64  // resident set, in pages (the same figure statm reports)
}

// parseProcStat parses a /proc/<pid>/stat line. The command name (field 2) is
// in parentheses and may hold spaces and parentheses itself, so the fields are
// counted from its last ')'.
func parseProcStat(b []byte) (procStat, bool) {
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
		state, pgrp, utime, stime, rss = 3 - first, 5 - first, 14 - first, 15 - first, 24 - first
	)
	if len(f) <= rss || len(f[state]) != 1 {
		return procStat{}, false
	}
	group, ok1 := atoi(f[pgrp])
	user, ok2 := atou(f[utime])
	system, ok3 := atou(f[stime])
	pages, ok4 := atoi(f[rss])
	if !ok1 || !ok2 || !ok3 || !ok4 {
		return procStat{}, false
	}
	return procStat{pid: pid, pgrp: group, state: f[state][0], ticks: user + system, rssPages: int64(pages)}, true
}

func atoi(b []byte) (int, bool) {
	n, err := strconv.Atoi(string(b))
	return n, err == nil
}

func atou(b []byte) (uint64, bool) {
	n, err := strconv.ParseUint(string(b), 10, 64)
	return n, err == nil
}

// scanProcs calls fn with the stat of every process in /proc. Processes that
// exit while it reads are skipped.
func scanProcs(fn func(procStat)) {
	dir, err := os.Open("/proc")
	if err != nil {
		return
	}
	names, _ := dir.Readdirnames(-1)
	dir.Close()
	buf := make([]byte, 1024)
	for _, name := range names {
		if name == "" || name[0] < '0' || name[0] > '9' {
			continue
		}
		if st, ok := readProcStat(name, buf); ok {
			fn(st)
		}
	}
}

// readProcs calls fn with the stat of each of pids that still exists.
func readProcs(pids map[int]bool, fn func(procStat)) {
	buf := make([]byte, 1024)
	for pid := range pids {
		if st, ok := readProcStat(strconv.Itoa(pid), buf); ok {
			fn(st)
		} else {
			delete(pids, pid)
		}
	}
}

// readProcStat reads /proc/<name>/stat into buf (a stat line is a few hundred
// bytes) and parses it.
func readProcStat(name string, buf []byte) (procStat, bool) {
	f, err := os.Open("/proc/" + name + "/stat")
	if err != nil {
		return procStat{}, false
	}
	n, err := f.Read(buf)
	f.Close()
	if err != nil || n == 0 {
		return procStat{}, false
	}
	return parseProcStat(buf[:n])
}
