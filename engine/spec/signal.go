package spec

import (
	"strings"
	"syscall"

	"github.com/spindle-tui/spindle/engine/internal/osproc"
)

// signalNames lists the stop signals a task file accepts, in the order hints
// and the schema show them. SIGSTOP and SIGCONT are left out: spindle uses them
// for pause and resume.
func signalNames() []string {
	return []string{"SIGTERM", "SIGINT", "SIGHUP", "SIGQUIT", "SIGKILL", "SIGUSR1", "SIGUSR2"}
}

// signalByName maps a name from signalNames to its signal.
func signalByName(name string) (syscall.Signal, bool) {
	switch name {
	case "SIGTERM":
		return syscall.SIGTERM, true
	case "SIGINT":
		return syscall.SIGINT, true
	case "SIGHUP":
		return syscall.SIGHUP, true
	case "SIGQUIT":
		return syscall.SIGQUIT, true
	case "SIGKILL":
		return syscall.SIGKILL, true
	case "SIGUSR1":
		return osproc.SIGUSR1, true // (Windows has no SIGUSR1 in syscall)
	case "SIGUSR2":
		return osproc.SIGUSR2, true
	}
	return 0, false
}

// ParseSignal returns the signal named s: "SIGTERM", "TERM" and "sigterm" all
// name SIGTERM. It reports false for anything not in the accepted list.
func ParseSignal(s string) (syscall.Signal, bool) {
	name := strings.ToUpper(strings.TrimSpace(s))
	if !strings.HasPrefix(name, "SIG") {
		name = "SIG" + name
	}
	return signalByName(name)
}
