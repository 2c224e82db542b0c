package ui

import (
	"cmp"
	"strconv"
	"time"

	"github.com/spindle-tui/spindle/model"
)

// SetGoroutines gives the pane the latest goroutines sample: a goroutine
// task's detail lists its goroutines, and an abandoned one says where it is
// stuck.
func (d *detailPane) SetGoroutines(g *model.Goroutines) {
	d.gors = g
	d.render()
}

// goroutineSection appends the task's goroutines, grouped by stack: for each
// group its count, state, wait and the line it is at, then the stack of the
// largest. An abandoned task's first line says where it is stuck.
func (d *detailPane) goroutineSection(lines []string, inner int) []string {
	t := &d.task
	if t.Kind != model.KindGoroutine || d.gors == nil || !t.State.Live() && t.State != model.StateAbandoned {
		return lines
	}
	own := d.gors.Owned(t.ID)
	title := "Goroutines"
	if t.State == model.StateAbandoned {
		title = "Stuck"
	}
	lines = append(lines, "", d.st.label.render(title)+d.st.dim.render(" (sampled "+
		model.FormatDuration(d.now.Sub(d.gors.Time).Round(time.Second))+" ago"+statesAge(d.gors)+")"))
	if len(own) == 0 {
		return append(lines, "  "+d.st.dim.render("(none carries its labels in the last sample)"))
	}
	for i, g := range own {
		text := plural(g.Count, "goroutine") + " " + cmp.Or(g.State, newGroupState)
		if g.Wait >= time.Second {
			text += " for " + gorWait(g.Wait)
		}
		text += " at " + shortFunc(g.Func) + " " + g.Where
		p := paint{}
		if i == 0 && t.State == model.StateAbandoned {
			text = "stuck in " + text
			p = d.st.state[model.StateAbandoned]
		}
		lines = append(lines, "  "+p.render(truncate(cleanCell(text), max(inner-2, 1))))
	}
	for _, f := range own[0].Stack {
		lines = append(lines, "    "+d.st.dim.render(truncate(cleanCell(shortFunc(f.Func)+"  "+f.File+":"+strconv.Itoa(f.Line)), max(inner-4, 1))))
	}
	return lines
}
