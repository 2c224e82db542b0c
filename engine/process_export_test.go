package engine

// ProcSurvivors returns the pids of the processes that are still alive (not
// zombies) among those in process group pgid and those listed, read from
// /proc the way the sampler reads it. Tests use it to prove that nothing
// outlives a halt, a kill or Close.
func ProcSurvivors(pgid int, pids ...int) []int {
	var alive []int
	scanProcs(func(st procStat) {
		if st.state == 'Z' || st.state == 'X' {
			return
		}
		for _, p := range pids {
			if st.pid == p {
				alive = append(alive, st.pid)
				return
			}
		}
		if st.pgrp == pgid {
			alive = append(alive, st.pid)
		}
	})
	return alive
}

// ProcState returns the state letter of pid in /proc/<pid>/stat (R, S, T, Z, ...),
// or 0 when there is no such process.
func ProcState(pid int) byte {
	st, ok := readProcStat(itoa(pid), make([]byte, 1024))
	if !ok {
		return 0
	}
	return st.state
}
