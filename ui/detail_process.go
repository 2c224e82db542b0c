package ui

import (
	"strconv"
	"strings"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/spindle-tui/spindle/model"
)

// The process parts of the task detail pane: the command line, the pid, how the
// last run ended, resources, the restart countdown, and log lines tagged by the
// stream they came from.

// stderrPrefix starts a log line the engine read from a process's stderr.
const stderrPrefix = "stderr: "

// stderrTag replaces stderrPrefix on screen, in its own colour, so the line's text
// aligns with the stdout lines around it.
const stderrTag = "stderr "

// fieldFunc appends one "Label     value" line to the pane.
type fieldFunc func(name, value string, p paint)

// commandLines wraps a command line to w cells: a long argv is worth reading whole.
func commandLines(cmd string, w int) []string {
	cmd = cleanCell(cmd)
	if cmd == "" {
		return []string{noValue}
	}
	return strings.Split(ansi.Wrap(cmd, max(w, 1), ""), "\n")
}

// processFields appends the process's fields after its state: pid, exit, CPU and
// RSS while it runs.
func (d *detailPane) processFields(field fieldFunc) {
	t := &d.task
	live := t.State.Live()
	pid := noValue
	if t.PID > 0 {
		pid = strconv.Itoa(t.PID)
	}
	field("PID", pid, paint{})
	exit := exitText(t)
	switch {
	case exit != "":
	case live:
		exit = "still running"
	default:
		exit = noValue
	}
	p := paint{}
	switch {
	case askedEnd(t) && (t.Signal != "" || t.ExitCode != nil):
		if t.State != model.StateDone {
			exit += " (as asked)" // the halt's or kill's signal: no error
		}
	case exit != "exit 0" && (t.Signal != "" || t.ExitCode != nil):
		p = d.st.state[model.StateFailed]
	}
	field("Exit", exit, p)
	res := noValue
	if showsResources(t) {
		res = formatCPU(t.CPU) + " CPU  " + formatBytes(t.RSS) + " RSS"
	}
	field("CPU/RSS", res, paint{})
}

// restartFields appends when a task in backoff runs again, or that a fatal one
// gave up: a process's and a goroutine task's restart policy alike.
func (d *detailPane) restartFields(field fieldFunc) {
	t := &d.task
	switch t.State {
	case model.StateBackoff:
		retry := "when the backoff ends" // the engine gave no time
		switch r := retryText(t, d.now); {
		case r == "retrying":
			retry = "now (due at " + t.Retry.Format("15:04:05.000") + ")"
		case r != "":
			retry = strings.TrimPrefix(r, "retry ") + " (at " + t.Retry.Format("15:04:05.000") + ")"
		}
		field("Retry", retry, d.st.state[model.StateBackoff])
	case model.StateFatal:
		field("Retry", "no: "+gaveUpText(t), d.st.state[model.StateFatal])
	}
}

// hasStderr reports whether any log line came from stderr.
func hasStderr(log []model.LogLine) bool {
	for i := range log {
		if strings.HasPrefix(log[i].Text, stderrPrefix) {
			return true
		}
	}
	return false
}

// logLine renders one log line, w cells for its text: the time, then the text;
// when tagged (the log holds stderr lines), a stderr line's prefix becomes a
// dimmed red tag and a stdout line is indented as far, so the texts align.
func (d *detailPane) logLine(l *model.LogLine, tagged bool, w int) string {
	var b strings.Builder
	b.WriteString("  ")
	d.st.desc.write(&b, l.Time.Format(time.TimeOnly))
	b.WriteString("  ")
	text := l.Text
	if tagged {
		w -= len(stderrTag)
		if rest, ok := strings.CutPrefix(text, stderrPrefix); ok {
			d.st.stderrTag.write(&b, stderrTag)
			text = rest
		} else {
			writeSpaces(&b, len(stderrTag))
		}
	}
	b.WriteString(truncate(cleanCell(text), max(w, 1)))
	return b.String()
}
