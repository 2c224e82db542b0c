package osproc

import (
	"encoding/binary"
	"os"
	"time"

	"golang.org/x/sys/unix"
)

// The process table, CPU and memory come from sysctl kern.proc (struct
// kinfo_proc, <sys/user.h>), read by offset: x/sys has no type for it.

// kinfoProcSize is sizeof(struct kinfo_proc) on 64-bit FreeBSD. Records of
// another size (32-bit) are not read.
const kinfoProcSize = 1088

// Offsets in struct kinfo_proc (64-bit).
const (
	kiPid     = 72  // pid_t ki_pid
	kiPpid    = 76  // pid_t ki_ppid
	kiPgid    = 80  // pid_t ki_pgid
	kiSid     = 88  // pid_t ki_sid
	kiRssize  = 264 // segsz_t ki_rssize, pages
	kiRuntime = 328 // uint64_t ki_runtime, microseconds of CPU
	kiStat    = 388 // char ki_stat
)

// kinfo is what is read from one kinfo_proc.
type kinfo struct {
	Proc
	runtimeUS uint64
	rssPages  int64
}

// kinfoProcs returns the records sysctl name (kern.proc.*) gives for args.
func kinfoProcs(name string, args ...int) []kinfo {
	b, err := unix.SysctlRaw(name, args...)
	if err != nil {
		return nil
	}
	ne := binary.NativeEndian
	var out []kinfo
	for len(b) >= kinfoProcSize && ne.Uint32(b) == kinfoProcSize {
		r := b[:kinfoProcSize]
		b = b[kinfoProcSize:]
		out = append(out, kinfo{
			Proc: Proc{Pid: int(int32(ne.Uint32(r[kiPid:]))), Ppid: int(int32(ne.Uint32(r[kiPpid:]))),
				Pgid: int(int32(ne.Uint32(r[kiPgid:]))), Sid: int(int32(ne.Uint32(r[kiSid:]))), State: stateLetter(r[kiStat])},
			runtimeUS: ne.Uint64(r[kiRuntime:]),
			rssPages:  int64(ne.Uint64(r[kiRssize:])),
		})
	}
	return out
}

// stateLetter maps ki_stat (SIDL 1, SRUN 2, SSLEEP 3, SSTOP 4, SZOMB 5, SWAIT
// 6, SLOCK 7) to the letter ps shows.
func stateLetter(stat byte) byte {
	if int(stat) < len("?IRSTZWL") {
		return "?IRSTZWL"[stat]
	}
	return '?'
}

// List returns every process (sysctl kern.proc.proc).
func List() ([]Proc, error) {
	if _, err := unix.SysctlRaw("kern.proc.pid", os.Getpid()); err != nil {
		return nil, err
	}
	var out []Proc
	for _, k := range kinfoProcs("kern.proc.proc") {
		out = append(out, k.Proc)
	}
	return out, nil
}

// groupMembers returns the processes in process group pgid.
func groupMembers(pgid int) []Proc {
	var out []Proc
	for _, k := range kinfoProcs("kern.proc.pgrp", pgid) {
		out = append(out, k.Proc)
	}
	return out
}

// procState returns pid's state letter, or 0 when there is no such process.
func procState(pid int) byte {
	for _, k := range kinfoProcs("kern.proc.pid", pid) {
		if k.Pid == pid {
			return k.State
		}
	}
	return 0
}

// Sampler turns the CPU time of every tree's group into a rate between
// samples. It belongs to one goroutine.
type Sampler struct {
	cpu      cpuCounter // µs
	last     time.Time
	pageSize int64
}

// NewSampler returns a Sampler whose first sample counts CPU since now.
func NewSampler() *Sampler {
	return &Sampler{last: time.Now(), pageSize: int64(os.Getpagesize())}
}

// Sample returns, for each of trees, the CPU (as a percentage of one core
// since the last sample) and the resident memory of the processes in its
// leader's group.
func (s *Sampler) Sample(trees []*Tree, now time.Time) []Usage {
	elapsed := now.Sub(s.last)
	s.last = now
	out := make([]Usage, len(trees))
	for i, t := range trees {
		for _, k := range kinfoProcs("kern.proc.pgrp", t.pid) {
			if k.State == 'Z' {
				continue
			}
			if us := s.cpu.used(k.Pid, k.runtimeUS); elapsed > 0 {
				out[i].CPU += float64(us) / float64(elapsed.Microseconds()) * 100
			}
			out[i].RSS += k.rssPages * s.pageSize
		}
	}
	s.cpu.next()
	return out
}
