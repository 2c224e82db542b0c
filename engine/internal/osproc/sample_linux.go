package osproc

import (
	"os"
	"time"
)

// fullScanEvery is how often (in samples) the sampler reads all of /proc to
// find each tree's members; in between it reads only the members it knows, so
// a process that joins a tree shows within that many samples. Reading every
// process each second was most of an idle dashboard's CPU.
const fullScanEvery = 5

// Sampler turns the CPU ticks of every tree's processes into a rate between
// samples. It belongs to one goroutine.
type Sampler struct {
	cpu      cpuCounter     // utime+stime, in clock ticks
	members  map[int]member // the trees' processes found at the last full scan
	known    map[*Tree]bool // the trees sampled last time
	samples  int
	last     time.Time
	pageSize int64
}

// member is a process found in a tree.
type member struct {
	tree  *Tree
	start uint64
}

// NewSampler returns a Sampler whose first sample counts CPU since now.
func NewSampler() *Sampler {
	return &Sampler{members: make(map[int]member), known: make(map[*Tree]bool), last: time.Now(), pageSize: int64(os.Getpagesize())}
}

// Sample returns, for each of trees, the CPU (as a percentage of one core
// since the last sample) and the resident memory of its processes: the
// leader and every descendant, wherever it moved. A process seen for the
// first time counts all its ticks: it started since the last sample, give or
// take. CPU of processes that exited in between is not counted.
func (s *Sampler) Sample(trees []*Tree, now time.Time) []Usage {
	elapsed := now.Sub(s.last).Seconds()
	s.last = now
	full := s.samples%fullScanEvery == 0
	for _, t := range trees {
		full = full || !s.known[t] // a new tree: find its members now
	}
	clear(s.known)
	for _, t := range trees {
		s.known[t] = true
	}
	s.samples++
	index := make(map[*Tree]int, len(trees))
	for i, t := range trees {
		index[t] = i
	}
	var stats []procStat
	if full {
		stats = s.findMembers(trees)
	} else {
		var buf statBuf
		for pid, m := range s.members {
			if st, ok := readStat(pid, &buf); ok && st.start == m.start {
				stats = append(stats, st)
			} else {
				delete(s.members, pid)
			}
		}
	}
	out := make([]Usage, len(trees))
	for _, st := range stats {
		i, ok := index[s.members[st.pid].tree]
		if !ok || !st.alive() {
			continue
		}
		if ticks := s.cpu.used(st.pid, st.ticks); elapsed > 0 {
			out[i].CPU += float64(ticks) / clockTick / elapsed * 100
		}
		out[i].RSS += st.rssPages * s.pageSize
	}
	s.cpu.next()
	return out
}

// findMembers reads all of /proc and records, in s.members, the processes of
// each tree: its leader's subtree and the subtrees of the children this
// process adopted from it. It returns their stats.
func (s *Sampler) findMembers(trees []*Tree) []procStat {
	all := make(map[int]procStat)
	byParent := make(map[int][]int)
	scanAll(func(st procStat) {
		all[st.pid] = st
		byParent[st.ppid] = append(byParent[st.ppid], st.pid)
	})
	adopted, _ := fam.children(nil)
	clear(s.members)
	var out []procStat
	for _, t := range trees {
		queue := []int{t.pid}
		for _, k := range adopted[t.os.id] {
			queue = append(queue, k.pid)
		}
		for len(queue) > 0 {
			pid := queue[0]
			queue = queue[1:]
			st, ok := all[pid]
			if _, dup := s.members[pid]; !ok || dup {
				continue
			}
			s.members[pid] = member{tree: t, start: st.start}
			out = append(out, st)
			queue = append(queue, byParent[pid]...)
		}
	}
	return out
}
