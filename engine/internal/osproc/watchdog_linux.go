package osproc

import (
	"os"
	"os/exec"
	"syscall"

	"golang.org/x/sys/unix"
)

// watchdogScript is the watchdog: a shell that reads its standard input, a
// pipe whose other end only this process holds, until end of file, which comes
// when this process has exited, however it ended (a SIGKILL included). Then it
// SIGKILLs every process that carries this process's marker ($1), until none
// is left. It ignores the signals a terminal or a supervisor sends a session.
const watchdogScript = `trap '' HUP INT TERM QUIT TSTP TTIN TTOU PIPE
while read -r _; do :; done
marker="SPINDLE_RUN_ID=$1-"
i=0
while [ $i -lt 50 ]; do
	pids=$(grep -l -s -F -e "$marker" /proc/[0-9]*/environ | sed -e 's|^/proc/||' -e 's|/environ$||')
	[ -n "$pids" ] || exit 0
	kill -KILL $pids 2>/dev/null
	sleep 0.1
	i=$((i + 1))
done
`

// watchdog is the process that kills what this process leaves behind when it
// dies without sweeping its trees. It is a shell, so that a program embedding
// the engine needs nothing of its own for it. Guarded by family.mu.
type watchdog struct {
	w   *os.File // this process's end of the watchdog's standard input
	pid int
}

// ensure starts the watchdog unless it runs.
func (d *watchdog) ensure(token string) {
	if d.pid != 0 {
		var ws unix.WaitStatus
		if pid, err := unix.Wait4(d.pid, &ws, unix.WNOHANG, nil); err == nil && pid == 0 {
			return // running
		}
		d.w.Close()
		d.w, d.pid = nil, 0
	}
	r, w, err := os.Pipe()
	if err != nil {
		return
	}
	cmd := exec.Command("/bin/sh", "-c", watchdogScript, "spindle-watchdog", token)
	cmd.Stdin = r
	cmd.Dir = "/"
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true} // no terminal signals reach it
	err = cmd.Start()
	r.Close()
	if err != nil {
		w.Close()
		return
	}
	d.w, d.pid = w, cmd.Process.Pid
	_ = cmd.Process.Release() // (which sets Pid to -1)
}
