package ui

import (
	"strconv"
	"time"

	"github.com/spindle-tui/spindle/model"
)

// orchFields adds what a task's dependencies and readiness say to the detail
// pane's fields: what a waiting task waits for, why a blocked one never
// starts, and its health.
func (d *detailPane) orchFields(field func(name, value string, p paint)) {
	t := &d.task
	switch {
	case t.Reason == "":
	case t.State == model.StateBlocked:
		field("Blocked", t.Reason, d.st.state[model.StateBlocked])
	default:
		field("Waiting", t.Reason, d.st.state[model.StateWaiting])
	}
	if t.Health != model.HealthNone {
		p := d.st.state[model.StateBackoff]
		if t.Health == model.HealthReady {
			p = d.st.state[model.StateRunning]
		}
		field("Health", t.Health.String(), p)
	}
}

// orchSections appends the "Depends on" and "Probes" sections: each
// dependency with its condition, its state and whether it holds; each probe
// with its check, its counts against the thresholds, the last check's time
// and the last failure's output.
func (d *detailPane) orchSections(lines []string, inner int) []string {
	t := &d.task
	if len(t.Deps) > 0 {
		lines = append(lines, "", d.st.label.render("Depends on"))
		for _, dep := range t.Deps {
			mark, p := "…", d.st.state[model.StateWaiting]
			switch {
			case dep.Holds:
				mark, p = "✓", d.st.state[model.StateRunning]
			case dep.Never:
				mark, p = "✗", d.st.state[model.StateBlocked]
			}
			text := mark + " " + cleanCell(dep.Name) + " (" + dep.Condition + "): " + dep.State.String()
			if dep.Why != "" && !dep.Holds {
				text += " — " + cleanCell(dep.Why)
			}
			lines = append(lines, "  "+p.render(truncate(text, max(inner-2, 1))))
		}
	}
	if len(t.Probes) > 0 {
		lines = append(lines, "", d.st.label.render("Probes")+d.st.dim.render(" (timing in the Pollers view)"))
		for i := range t.Probes {
			lines = d.probeLines(lines, &t.Probes[i], inner)
		}
	}
	return lines
}

func (d *detailPane) probeLines(lines []string, p *model.ProbeStatus, inner int) []string {
	verdict, paintOf := "failing", d.st.state[model.StateBackoff]
	if p.Passing {
		verdict, paintOf = "passing", d.st.state[model.StateRunning]
	}
	head := p.Kind + " " + verdict + ": " + cleanCell(p.Check)
	lines = append(lines, "  "+paintOf.render(truncate(head, max(inner-2, 1))))
	counts := strconv.Itoa(p.Count) + " checks, " + strconv.Itoa(p.Successes) + "/" + strconv.Itoa(p.SuccessThreshold) +
		" passes, " + strconv.Itoa(p.Failures) + "/" + strconv.Itoa(p.FailureThreshold) + " failures in a row"
	if !p.Last.IsZero() {
		counts += "; last " + d.when(p.Last) + ", took " + p.Took.Round(time.Microsecond).String()
	}
	lines = append(lines, "    "+truncate(counts, max(inner-4, 1)))
	if p.Failure != "" {
		fail := "last failure " + d.when(p.LastFailure) + ": " + cleanCell(p.Failure)
		lines = append(lines, "    "+d.st.state[model.StateFailed].render(truncate(fail, max(inner-4, 1))))
	}
	return lines
}
