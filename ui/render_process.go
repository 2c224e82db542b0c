package ui

import (
	"strconv"
	"strings"
	"time"

	"github.com/spindle-tui/spindle/model"
)

// The renderers of process tasks: resources, how a run ended, when a backoff
// ends. Like the others they are pure functions of a task and the snapshot's time.

// noteSep joins a LAST ERROR cell's message and its note ("· retry in 2s").
const noteSep = " · "

// isProcess reports whether t runs a child process.
func isProcess(t *model.Task) bool { return t.Kind == model.KindProcess }

// showsResources reports whether t's CPU and RSS mean anything now: only a live
// process is sampled; a goroutine or a process that ended shows none.
func showsResources(t *model.Task) bool { return isProcess(t) && t.State.Live() }

// renderCPU returns the CPU cell: a percentage of one core ("3.2%", "312%"; a
// busy process can pass 100%), blank for anything but a live process.
func renderCPU(t *model.Task) string {
	if !showsResources(t) {
		return ""
	}
	return formatCPU(t.CPU)
}

// formatCPU formats a percentage of one core: one decimal below 100.
func formatCPU(pct float64) string {
	pct = max(pct, 0)
	if pct < 99.95 {
		return strconv.FormatFloat(pct, 'f', 1, 64) + "%"
	}
	return strconv.FormatFloat(pct, 'f', 0, 64) + "%"
}

// renderRSS returns the RSS cell ("12.3Mi"), blank for anything but a live process.
func renderRSS(t *model.Task) string {
	if !showsResources(t) {
		return ""
	}
	return formatBytes(t.RSS)
}

// byteUnits are the binary prefixes formatBytes steps through.
var byteUnits = [...]string{"B", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"}

// formatBytes formats a size with a binary prefix, kubectl style: "512B",
// "4.0Ki", "12.3Mi", "123Mi", "1.5Gi" (one decimal below 100, so at most 6 cells).
func formatBytes(n int64) string {
	if n < 1024 {
		return strconv.FormatInt(max(n, 0), 10) + byteUnits[0]
	}
	v, u := float64(n), 0
	for v >= 1024 && u < len(byteUnits)-1 {
		v /= 1024
		u++
	}
	if v < 99.95 {
		return strconv.FormatFloat(v, 'f', 1, 64) + byteUnits[u]
	}
	return strconv.FormatFloat(v, 'f', 0, 64) + byteUnits[u]
}

// exitText returns how a process's last run ended: "exit 3", "SIGKILL", or ""
// when the engine has not said (still running, or a goroutine).
func exitText(t *model.Task) string {
	switch {
	case t.Signal != "":
		return cleanCell(t.Signal)
	case t.ExitCode != nil:
		return "exit " + strconv.Itoa(*t.ExitCode)
	}
	return ""
}

// onlyHowItEnded reports whether an error line says nothing but how the process
// ended, as Go's exec errors do ("exit status 1", "signal: killed"): the exit
// text ("exit 1", "SIGKILL") says it shorter.
func onlyHowItEnded(line string) bool {
	if code, ok := strings.CutPrefix(line, "exit status "); ok {
		_, err := strconv.Atoi(code)
		return err == nil
	}
	sig, ok := strings.CutPrefix(line, "signal: ")
	return ok && !strings.Contains(sig, ":")
}

// retryText returns when a backing-off task runs again, against now: "retry in
// 2s" (rounded up, so the last second reads 1s, not 0s), "retrying" once due,
// "" when the engine gave no time.
func retryText(t *model.Task, now time.Time) string {
	if t.Retry.IsZero() {
		return ""
	}
	d := t.Retry.Sub(now)
	if d <= 0 {
		return "retrying"
	}
	return "retry in " + model.FormatDuration(d.Truncate(time.Second)+secondIfCut(d))
}

// secondIfCut returns a second when d is not whole seconds, to round d up.
func secondIfCut(d time.Duration) time.Duration {
	if d%time.Second != 0 {
		return time.Second
	}
	return 0
}

// gaveUpText says a fatal task's restarts ran out: "gave up after 5 restarts".
func gaveUpText(t *model.Task) string {
	if t.Restarts == 1 {
		return "gave up after 1 restart"
	}
	return "gave up after " + strconv.Itoa(t.Restarts) + " restarts"
}

// shortNote returns the note of a LAST ERROR cell too narrow for the full one:
// "gave up" for a fatal task (RESTARTS, beside it, has the count), else the
// full note, which is short already.
func shortNote(t *model.Task) string {
	if t.State == model.StateFatal {
		return "gave up"
	}
	return ""
}

// lastErrorParts returns the LAST ERROR cell in two parts: the message and a
// note the table keeps visible when it cuts the message. The message is the
// error's first line (… when more follow); for a process that ended, how it
// ended first ("exit 3", "SIGSEGV"), replacing an error that says only that.
// An end that is no error says nothing: a success ("exit 0"), or the signal or
// words of a halt or kill that was asked for (the STATE column says it). The
// note is a backoff's countdown ("retry in 2s") or that a fatal task gave up;
// those keep the error's own words.
func lastErrorParts(t *model.Task, now time.Time) (msg, note string) {
	if askedEnd(t) {
		return "", ""
	}
	switch t.State {
	case model.StateBackoff:
		note = retryText(t, now)
	case model.StateFatal:
		note = gaveUpText(t)
	}
	line := firstLine(t.Error)
	msg = cleanCell(line)
	more := len(line) < len(strings.TrimRight(t.Error, "\r\n"))
	ex := ""
	if isProcess(t) {
		ex = exitText(t)
	}
	switch {
	case ex == "":
	case note != "" || !t.State.Finished():
		if msg == "" {
			msg = ex
		}
	case msg == "" || onlyHowItEnded(line):
		msg = ex
	default:
		msg = ex + noteSep + msg
	}
	if more && note == "" {
		msg += ellipsis // the detail pane has the rest
	}
	return msg, note
}

// askedEnd reports whether t ended the way it was asked to or by itself
// without an error: done with exit 0, or halted or killed with nothing to say
// beyond the signal (or the words) of that halt or kill.
func askedEnd(t *model.Task) bool {
	line := firstLine(t.Error)
	plain := line == "" || onlyHowItEnded(line) || line == t.State.String()
	switch t.State {
	case model.StateDone:
		return t.Error == "" && (t.ExitCode == nil || *t.ExitCode == 0)
	case model.StateHalted, model.StateKilled:
		return plain && (t.ExitCode == nil || *t.ExitCode == 0) && !strings.Contains(t.Error, "\n")
	}
	return false
}

// joinNote joins two cell parts with noteSep, leaving out an empty one.
func joinNote(a, b string) string {
	switch {
	case a == "":
		return b
	case b == "":
		return a
	}
	return a + noteSep + b
}
