package ui

import (
	"strings"

	"github.com/spindle-tui/spindle/model"
)

// rowLine appends row i, exactly the table's inner width wide. The selected row is
// drawn in reverse video of its state colour (reverse alone without colour); other
// rows paint their cells: the state in its colour, errors red, the bar green.
func (t *workersTable) rowLine(c *strings.Builder, i int) {
	task := t.rows[i]
	inner := box{width: t.width}.innerWidth()
	gap := colGap(inner)
	selected := i == t.cursor
	_, marked := t.marks[task.ID]

	plain := func(paint) paint { return paint{} }
	use := func(p paint) paint { return p }
	stale := t.origins.isStale(task.Origin)
	switch {
	case selected:
		use = plain
		c.WriteString(t.st.selected[min(int(task.State), model.NumStates-1)].on)
	case stale: // the last its engine sent: all of it dim
		use = func(paint) paint { return t.st.dim }
	}

	n := 0 // cells written
	if marked {
		use(t.st.marked).write(c, "✓ ")
	} else {
		c.WriteString("  ")
	}
	n += gutterWidth
	for k, col := range t.cols {
		if k > 0 {
			writeSpaces(c, gap)
			n += gap
		}
		n += col.width
		switch col.kind {
		case colOrigin:
			writePadded(c, t.origins.cellPaint(t.st, task.Origin, selected), t.origins.cell(task.Origin), col.width)
		case colID:
			p := paint{}
			if marked {
				p = t.st.marked
			}
			writePadded(c, use(p), renderID(task), col.width)
		case colName:
			p := paint{}
			if marked {
				p = t.st.marked
			}
			name := renderName(task)
			if t.tree && t.info[i].depth > 0 {
				var g strings.Builder
				writeTreeGuides(&g, t.info, i)
				name = g.String() + name
			}
			writePadded(c, use(p), name, col.width)
		case colGroup:
			writePadded(c, use(t.st.desc), renderGroup(task), col.width)
		case colState:
			writePadded(c, use(t.st.state[min(int(task.State), model.NumStates-1)]), renderState(task), col.width)
		case colHealth:
			p := t.st.dim
			switch task.Health {
			case model.HealthReady:
				p = t.st.state[model.StateRunning]
			case model.HealthNotReady:
				p = t.st.state[model.StateBackoff]
			}
			writePadded(c, use(p), renderHealth(task), col.width)
		case colAge:
			writePadded(c, use(paint{}), renderAge(task, t.now), col.width)
		case colProgress:
			t.writeProgress(c, task, col.width, selected)
		case colRestarts:
			p := paint{}
			if task.Restarts > 0 {
				p = t.st.state[model.StateBackoff]
			}
			writeRight(c, use(p), renderRestarts(task), col.width)
		case colCPU:
			writeRight(c, use(paint{}), renderCPU(task), col.width)
		case colRSS:
			writeRight(c, use(paint{}), renderRSS(task), col.width)
		case colGoroutines:
			writeRight(c, use(paint{}), t.renderGoroutines(task), col.width)
		case colLastError:
			if task.Reason != "" { // depends_on: what it waits for, or why it never will start
				p := t.st.state[model.StateWaiting]
				if task.State == model.StateBlocked {
					p = t.st.state[model.StateBlocked]
				}
				writePadded(c, use(p), cleanCell(task.Reason), col.width)
				break
			}
			if r, ok := t.waits.of(task); ok {
				writePadded(c, use(t.st.desc), "waiting: "+r.short, col.width)
				break
			}
			p := t.st.desc // "exit 0", "retry in 2s": how it ended, not an error
			if task.Error != "" {
				p = t.st.state[model.StateFailed]
			}
			msg, note := lastErrorParts(task, t.now)
			writeNoted(c, use(p), msg, col.width, note, shortNote(task))
		}
	}
	writeSpaces(c, inner-n)
	if selected {
		c.WriteString("\x1b[m")
	}
}

// writeProgress appends the PROGRESS cell: the filled part of the bar green, the
// rest dim, the percentage plain.
func (t *workersTable) writeProgress(c *strings.Builder, task *model.Task, w int, selected bool) {
	s := renderProgress(task)
	if selected || task.Total <= 0 || w < progressWidth {
		p := paint{}
		if !selected && task.Total <= 0 {
			p = t.st.dim
		}
		writePadded(c, p, s, w)
		return
	}
	// The bar is barWidth runes of █ then ░, each three bytes long.
	full := strings.Count(s[:barWidth*3], "█")
	t.st.bar.write(c, s[:full*3])
	t.st.barEmpty.write(c, s[full*3:barWidth*3])
	c.WriteString(s[barWidth*3:])
	writeSpaces(c, w-progressWidth)
}

// minNotedMsg is the fewest cells a message keeps when writeNoted cuts it to keep
// its note; below that a shorter note is tried, then the whole cell is cut.
const minNotedMsg = 6

// writeNoted appends msg and a note joined by noteSep, cut or padded to exactly w
// cells, in p. When they do not fit it is msg that is cut, so the note (a retry
// countdown, "gave up") stays readable in a narrow column; notes are tried in
// order, longest first, until one leaves msg minNotedMsg cells.
func writeNoted(c *strings.Builder, p paint, msg string, w int, notes ...string) {
	first := ""
	if len(notes) > 0 {
		first = notes[0]
	}
	if first == "" || msg == "" {
		writePadded(c, p, joinNote(msg, first), w)
		return
	}
	for _, note := range notes {
		if note == "" {
			continue
		}
		tail := noteSep + note
		room := w - textWidth(tail)
		if textWidth(msg) <= room {
			writePadded(c, p, msg+tail, w)
			return
		}
		if room >= minNotedMsg {
			writePadded(c, p, truncate(msg, room)+tail, w)
			return
		}
	}
	writePadded(c, p, msg+noteSep+first, w)
}
