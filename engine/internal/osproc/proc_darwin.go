package osproc

import (
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// The process table comes from sysctl kern.proc (struct kinfo_proc), CPU and
// memory from the proc_info system call (what libproc's proc_pidinfo calls),
// both through x/sys without cgo.

// List returns every process (sysctl kern.proc.all).
func List() ([]Proc, error) {
	kps, err := unix.SysctlKinfoProcSlice("kern.proc.all")
	if err != nil {
		return nil, err
	}
	out := make([]Proc, 0, len(kps))
	for i := range kps {
		out = append(out, toProc(&kps[i]))
	}
	return out, nil
}

// groupMembers returns the processes in process group pgid.
func groupMembers(pgid int) []Proc {
	kps, _ := unix.SysctlKinfoProcSlice("kern.proc.pgrp", pgid)
	out := make([]Proc, 0, len(kps))
	for i := range kps {
		out = append(out, toProc(&kps[i]))
	}
	return out
}

// procState returns pid's state letter, or 0 when there is no such process.
func procState(pid int) byte {
	kp, err := unix.SysctlKinfoProc("kern.proc.pid", pid)
	if err != nil || int(kp.Proc.P_pid) != pid {
		return 0
	}
	return stateLetter(kp.Proc.P_stat)
}

func toProc(kp *unix.KinfoProc) Proc {
	pid := int(kp.Proc.P_pid)
	sid, _ := unix.Getsid(pid)
	return Proc{Pid: pid, Ppid: int(kp.Eproc.Ppid), Pgid: int(kp.Eproc.Pgid), Sid: sid, State: stateLetter(kp.Proc.P_stat)}
}

// stateLetter maps p_stat (<sys/proc.h>: SIDL 1, SRUN 2, SSLEEP 3, SSTOP 4,
// SZOMB 5) to the letter ps shows.
func stateLetter(stat int8) byte {
	if stat > 0 && int(stat) < len("?IRSTZ") {
		return "?IRSTZ"[stat]
	}
	return '?'
}

// procTaskInfo is struct proc_taskinfo (<sys/proc_info.h>). Its times are in
// Mach absolute time units: nanoseconds on Intel, 1/24 MHz on Apple silicon.
type procTaskInfo struct {
	VirtualSize      uint64
	ResidentSize     uint64
	TotalUser        uint64
	TotalSystem      uint64
	ThreadsUser      uint64
	ThreadsSystem    uint64
	Policy           int32
	Faults           int32
	Pageins          int32
	CowFaults        int32
	MessagesSent     int32
	MessagesReceived int32
	SyscallsMach     int32
	SyscallsUnix     int32
	Csw              int32
	Threadnum        int32
	Numrunning       int32
	Priority         int32
}

const (
	procInfoCallPidinfo = 2 // PROC_INFO_CALL_PIDINFO
	procPidTaskInfo     = 4 // PROC_PIDTASKINFO
)

// taskInfo returns pid's proc_taskinfo (proc_pidinfo(pid, PROC_PIDTASKINFO)).
func taskInfo(pid int) (procTaskInfo, bool) {
	var ti procTaskInfo
	n, _, errno := unix.Syscall6(unix.SYS_PROC_INFO, procInfoCallPidinfo, uintptr(pid), procPidTaskInfo, 0,
		uintptr(unsafe.Pointer(&ti)), unsafe.Sizeof(ti))
	return ti, errno == 0 && n == unsafe.Sizeof(ti)
}

// Sampler turns the CPU time of every tree's group into a rate between
// samples. It belongs to one goroutine.
type Sampler struct {
	cpu       cpuCounter // ns
	last      time.Time
	nsPerTick float64 // Mach absolute time unit, in ns
}

// NewSampler returns a Sampler whose first sample counts CPU since now.
func NewSampler() *Sampler {
	ns := 1.0
	if hz, err := unix.SysctlUint64("hw.tbfrequency"); err == nil && hz > 0 {
		ns = 1e9 / float64(hz)
	}
	return &Sampler{last: time.Now(), nsPerTick: ns}
}

// Sample returns, for each of trees, the CPU (as a percentage of one core
// since the last sample) and the resident memory of the processes in its
// leader's group.
func (s *Sampler) Sample(trees []*Tree, now time.Time) []Usage {
	elapsed := now.Sub(s.last)
	s.last = now
	out := make([]Usage, len(trees))
	for i, t := range trees {
		for _, p := range groupMembers(t.pid) {
			if p.State == 'Z' {
				continue
			}
			ti, ok := taskInfo(p.Pid)
			if !ok {
				continue
			}
			ns := s.cpu.used(p.Pid, uint64(float64(ti.TotalUser+ti.TotalSystem)*s.nsPerTick))
			if elapsed > 0 {
				out[i].CPU += float64(ns) / float64(elapsed.Nanoseconds()) * 100
			}
			out[i].RSS += int64(ti.ResidentSize)
		}
	}
	s.cpu.next()
	return out
}
