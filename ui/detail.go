package ui

import (
	"strconv"
	"strings"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/spindle-tui/spindle/model"
)

// detailPane shows one task in full in the body of the screen: its fields, error,
// panic stack, lineage and the tail of its log. It opens at the newest log line
// and follows: while the view is at the bottom it stays there as lines arrive.
type detailPane struct {
	st    *Styles
	waits *waitReasons // what queued tasks wait for

	open   bool
	id     model.TaskID
	task   model.Task // last seen; kept when the task leaves the snapshot
	gone   bool       // the task is no longer in the snapshot
	now    time.Time
	parent string            // the parent's name, if in the snapshot
	gors   *model.Goroutines // the last goroutines sample (detail_goroutines.go)

	scrollPane // content rebuilt on data or size change
}

// newDetailPane returns a closed pane.
func newDetailPane(st *Styles, waits *waitReasons) detailPane {
	return detailPane{st: st, waits: waits}
}

// Open shows task t (found in s), at the newest log line, following new ones
// as tail -f does until the user scrolls up.
func (d *detailPane) Open(t *model.Task, s *model.Snapshot) {
	d.open, d.id, d.offset = true, t.ID, 0
	d.lines = d.lines[:0]
	d.SetSnapshot(s)
	d.MoveTo(d.maxOffset())
}

// Close hides the pane.
func (d *detailPane) Close() { d.open = false }

// SetSize lays the pane out for w×h cells (borders included).
func (d *detailPane) SetSize(w, h int) {
	d.resize(w, h)
	d.render()
}

// SetSnapshot refreshes the task from a new snapshot.
func (d *detailPane) SetSnapshot(s *model.Snapshot) {
	if !d.open {
		return
	}
	d.now, d.gone, d.parent = s.Time, true, ""
	for i := range s.Tasks {
		if s.Tasks[i].ID == d.id {
			d.task, d.gone = s.Tasks[i], false
			break
		}
	}
	if d.task.Parent != "" {
		for i := range s.Tasks {
			if s.Tasks[i].ID == d.task.Parent {
				d.parent = s.Tasks[i].Name
				break
			}
		}
	}
	d.render()
}

// Task returns the task shown, or nil when it left the snapshot.
func (d *detailPane) Task() *model.Task {
	if !d.open || d.gone {
		return nil
	}
	return &d.task
}

// render rebuilds the content lines, keeping a view that was at the bottom there.
func (d *detailPane) render() {
	if !d.open {
		return
	}
	following := d.atBottom()
	inner := max(box{width: d.width}.innerWidth()-2, 1)
	t := &d.task
	lines := d.lines[:0]
	field := func(name, value string, p paint) {
		lines = append(lines, d.st.label.render(padRight(name, 10))+p.render(truncate(cleanCell(value), max(inner-10, 1))))
	}
	block := func(text string, p paint) {
		for _, l := range strings.Split(ansi.Wrap(clean(strings.TrimRight(text, "\n"), 4, true), max(inner-2, 1), ""), "\n") {
			lines = append(lines, "  "+p.render(l))
		}
	}
	field("ID", string(t.ID), paint{})
	field("Name", t.Name, paint{})
	field("Group", t.Group, paint{})
	field("Kind", t.Kind.String(), paint{})
	if isProcess(t) {
		for i, l := range commandLines(t.Command, inner-10) {
			if i == 0 {
				field("Command", l, paint{})
			} else {
				lines = append(lines, padRight("", 10)+l)
			}
		}
	}
	state := t.State.String()
	if d.gone {
		state += " (no longer in the snapshot)"
	}
	field("State", state, d.st.state[min(int(t.State), model.NumStates-1)])
	if r, ok := d.waits.of(t); ok && !d.gone {
		for i, l := range commandLines(r.long, inner-10) {
			if i == 0 {
				field("Waiting", l, d.st.state[model.StateQueued])
			} else {
				lines = append(lines, padRight("", 10)+d.st.state[model.StateQueued].render(l))
			}
		}
	}
	if isProcess(t) {
		d.processFields(field)
	}
	d.restartFields(field) // detail_process.go: retry, or gave up
	d.orchFields(field)    // detail_orch.go: what it waits for, its health
	if t.Parent != "" {
		p := cleanCell(string(t.Parent))
		if d.parent != "" {
			p += " " + strconv.Quote(cleanCell(d.parent))
		}
		field("Parent", p, paint{})
	}
	if t.From != "" {
		field("From", cleanCell(t.From)+" (enqueued it on the pool's queue)", paint{})
	}
	field("Created", d.when(t.Created), paint{})
	if !t.Queued.IsZero() {
		field("Queued", d.when(t.Queued)+" (restarted)", paint{})
	}
	field("Started", d.when(t.Started), paint{})
	field("Ended", d.when(t.Ended), paint{})
	field("Restarts", strconv.Itoa(t.Restarts), paint{})
	prog := renderProgress(t)
	if t.Total > 0 {
		prog += "  (" + strconv.FormatInt(t.Done, 10) + "/" + strconv.FormatInt(t.Total, 10) + ")"
	}
	field("Progress", prog, paint{})
	lines = d.orchSections(lines, inner) // detail_orch.go: dependencies and probes
	if t.Error != "" {
		lines = append(lines, "", d.st.label.render("Error"))
		block(t.Error, d.st.state[model.StateFailed])
	}
	lines = d.goroutineSection(lines, inner) // detail_goroutines.go
	if t.Stack != "" {
		lines = append(lines, "", d.st.label.render("Stack (recovered panic)"))
		block(t.Stack, d.st.dim)
	}
	lines = append(lines, "", d.st.label.render("Log")+d.st.dim.render(" ("+strconv.Itoa(len(t.Log))+" lines, newest last)"))
	if len(t.Log) == 0 {
		lines = append(lines, "  "+d.st.dim.render("(empty)"))
	}
	tagged := isProcess(t) && hasStderr(t.Log)
	for i := range t.Log {
		lines = append(lines, d.logLine(&t.Log[i], tagged, inner-12))
	}
	d.lines = lines
	if following {
		d.offset = d.maxOffset()
	}
	d.Scroll(0)
}

// when formats a timestamp with its age at the snapshot: "15:04:05.000 (3m ago)".
func (d *detailPane) when(at time.Time) string {
	if at.IsZero() {
		return noValue
	}
	return at.Format("2006-01-02 15:04:05.000") + " (" + model.FormatAge(d.now.Sub(at)) + " ago)"
}

// View draws the pane in its box.
func (d *detailPane) View() []string {
	return d.view(d.st, "Task "+taskLabel(&d.task))
}

// padRight pads s with blanks to w cells.
func padRight(s string, w int) string {
	if n := textWidth(s); n < w {
		return s + strings.Repeat(" ", w-n)
	}
	return s
}
