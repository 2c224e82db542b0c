package engine

import "github.com/spindle-tui/spindle/engine/internal/osproc"

// ProcSurvivors returns the pids of the processes that are still alive (not
// zombies) among those in process group pgid and those listed, read from the
// process table the way the sampler reads it. Tests use it to prove that
// nothing outlives a halt, a kill or Close.
func ProcSurvivors(pgid int, pids ...int) []int {
	procs, _ := osproc.List()
	var alive []int
	for _, p := range procs {
		if p.State == 'Z' || p.State == 'X' {
			continue
		}
		for _, pid := range pids {
			if p.Pid == pid {
				alive = append(alive, p.Pid)
				break
			}
		}
		if p.Pgid == pgid && (len(alive) == 0 || alive[len(alive)-1] != p.Pid) {
			alive = append(alive, p.Pid)
		}
	}
	return alive
}

// ProcState returns the state letter of pid (R, S, T, Z, ...), or 0 when
// there is no such process.
func ProcState(pid int) byte {
	procs, _ := osproc.List()
	for _, p := range procs {
		if p.Pid == pid {
			return p.State
		}
	}
	return 0
}
