package ui

import (
	"strconv"
	"strings"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/spindle-tui/spindle/model"
)

// pollerDetail shows one poller in full in the body of the screen: its settings
// and counters, bar charts of its recent delays and run durations with their
// min/p50/max, its last error and value. Its lines are rebuilt when a snapshot
// arrives or the size changes, never per frame.
type pollerDetail struct {
	st *Styles

	open   bool
	name   string
	poller model.Poller // last seen; kept when the poller leaves the snapshot
	gone   bool
	now    time.Time

	scrollPane
}

// newPollerDetail returns a closed pane.
func newPollerDetail(st *Styles) pollerDetail { return pollerDetail{st: st} }

// Open shows poller p (found in s).
func (d *pollerDetail) Open(p *model.Poller, s *model.Snapshot) {
	d.open, d.name, d.offset, d.poller = true, p.Name, 0, *p
	d.SetSnapshot(s)
}

// Close hides the pane.
func (d *pollerDetail) Close() { d.open = false }

// Poller returns the poller shown, or nil when it left the snapshot.
func (d *pollerDetail) Poller() *model.Poller {
	if !d.open || d.gone {
		return nil
	}
	return &d.poller
}

// SetSize lays the pane out for w×h cells (borders included).
func (d *pollerDetail) SetSize(w, h int) {
	d.resize(w, h)
	d.render()
}

// SetSnapshot refreshes the poller from a new snapshot.
func (d *pollerDetail) SetSnapshot(s *model.Snapshot) {
	if !d.open {
		return
	}
	d.now, d.gone = s.Time, true
	for i := range s.Pollers {
		if s.Pollers[i].Name == d.name {
			d.poller, d.gone = s.Pollers[i], false
			break
		}
	}
	d.render()
}

// chartHeight returns the rows of each chart: as tall as the screen allows, 2 to 8.
func (d *pollerDetail) chartHeight() int {
	const fixed = 20 // fields, titles, error and value
	return min(max((d.visibleRows()-fixed)/2, 2), 8)
}

// render rebuilds the content lines.
func (d *pollerDetail) render() {
	if !d.open {
		return
	}
	p := &d.poller
	inner := max(box{width: d.width}.innerWidth()-2, 1)
	lines := d.lines[:0]
	// Four label/value pairs a line: values get what the width leaves, up to
	// 22 cells, so the last column is not cut at 120 columns.
	const labelW = 12
	valueW := max(min(22, inner/4-labelW), 6)
	pairs := func(items ...[2]string) { // label/value pairs side by side
		var b strings.Builder
		for _, it := range items {
			b.WriteString(d.st.label.render(padRight(it[0], labelW)))
			b.WriteString(padRight(truncate(cleanCell(it[1]), valueW), valueW))
		}
		lines = append(lines, fitLine(b.String(), inner))
	}
	state := p.PollerState()
	if d.gone {
		state += " (no longer in the snapshot)"
	}
	group := noValue
	if p.Group != "" {
		group = p.Group + " (PollDict)"
	}
	lines = append(lines, d.st.label.render(padRight("State", labelW))+d.st.pollerState[p.PollerState()].render(state))
	period := model.FormatDuration(p.Period)
	if p.Schedule() != "" {
		period = p.Extra.Schedule + " (" + p.Extra.Zone + ")"
	}
	pairs([2]string{"Period", period}, [2]string{"Min wait", orNone(p.MinWait)},
		[2]string{"Timeout", orNone(p.Timeout)}, [2]string{"Concurrency", strconv.Itoa(p.Concurrency)})
	pairs([2]string{"Count", renderCount(p.Count)}, [2]string{"Errors", renderCount(p.Errors)},
		[2]string{"Skipped", renderCount(p.Skipped)}, [2]string{"Usage", renderUsage(p)})
	pairs([2]string{"Last", renderLast(p, d.now)}, [2]string{"Next", renderNext(p, d.now)},
		[2]string{"Duration", renderRunDuration(p)}, [2]string{"Group", group})
	pairs([2]string{"Delay", renderDelay(p)}, [2]string{"Acc delay", renderAccDelay(p)})

	h := d.chartHeight()
	width := max(inner-chartAxis-1, 1)
	grades := make([]int, 0, len(p.Delays))
	for _, dl := range p.Delays[max(len(p.Delays)-width, 0):] {
		grades = append(grades, lateness(dl, p.Period))
	}
	note := ""
	if p.Schedule() != "" {
		note = "   (against each cron time)"
	} else if p.Period > 0 {
		note = "   (period " + model.FormatDuration(p.Period) + ": late past " + model.FormatDuration(p.Period/10) + ", very late past " + model.FormatDuration(p.Period/2) + ")"
	}
	lines = d.chart(lines, "Delay", p.Delays, delayTop(p), grades, note, width, h)
	lines = d.chart(lines, "Duration", p.Durations, 0, nil, "", width, h)

	lines = append(lines, "", d.st.label.render("Last error"))
	if p.LastError == "" {
		lines = append(lines, "  "+d.st.dim.render("(none)"))
	}
	for _, l := range wrapBlock(p.LastError, inner-2) {
		lines = append(lines, "  "+d.st.state[model.StateFailed].render(l))
	}
	valueHead := d.st.label.render("Value")
	if note := staleNote(p, d.now); note != "" {
		why := "stale: the last " + plural(int(p.Failing), "run") + " failed"
		if !p.ValueAt.IsZero() {
			why = "stale: from " + model.FormatAge(d.now.Sub(p.ValueAt)) + " ago; the last " + plural(int(p.Failing), "run") + " failed"
		}
		if p.Failing == 1 {
			why = strings.Replace(why, "the last 1 run failed", "the last run failed", 1)
		}
		valueHead += d.st.alert.render(" (" + why + ")")
	}
	if line := expiryLine(p, d.now); line != "" { // render_cron.go
		valueHead += d.st.dim.render(" (" + line + ")")
		if p.Expired(d.now) {
			valueHead = d.st.label.render("Value") + d.st.alert.render(" ("+line+")")
		}
	}
	lines = append(lines, "", valueHead)
	if p.Value == "" {
		lines = append(lines, "  "+d.st.dim.render("(none)"))
	}
	for _, l := range wrapBlock(p.Value, inner-2) {
		lines = append(lines, "  "+l)
	}
	d.lines = lines
	d.Scroll(0)
}

// orNone formats a duration setting, · when it is not set.
func orNone(d time.Duration) string {
	if d <= 0 {
		return noValue
	}
	return model.FormatDuration(d)
}

// wrapBlock cleans text and wraps it to w cells.
func wrapBlock(text string, w int) []string {
	text = strings.TrimRight(text, "\n")
	if text == "" {
		return nil
	}
	return strings.Split(ansi.Wrap(clean(text, 4, true), max(w, 1), ""), "\n")
}

// chartAxis is the cells of a chart's axis: the top value right-aligned, a tick.
const chartAxis = 8

// chart appends a titled bar chart of the last width samples, h rows high, with
// min/p50/max of the samples shown; grades (when given) paint each column by
// lateness, else the bars are in the chart colour.
func (d *pollerDetail) chart(lines []string, title string, samples []time.Duration, top time.Duration, grades []int, note string, width, h int) []string {
	shown := samples[max(len(samples)-width, 0):]
	lo, p50, hi := durStats(shown)
	head := d.st.label.render(title) + d.st.dim.render(", last "+strconv.Itoa(len(shown))+" runs")
	if len(shown) > 0 {
		head += "   min " + model.FormatDuration(lo) + "   p50 " + model.FormatDuration(p50) + "   max " + model.FormatDuration(hi)
	}
	lines = append(lines, "", head+d.st.dim.render(note))
	if len(shown) == 0 {
		return append(lines, "  "+d.st.dim.render("(no runs yet)"))
	}
	if top <= 0 {
		top = sparkTop(shown, 1)
	}
	for r, row := range barChart(shown, width, h, top) {
		axis := ""
		switch r {
		case 0:
			axis = model.FormatDuration(top)
		case h - 1:
			axis = "0"
		}
		var b strings.Builder
		writeSpaces(&b, chartAxis-2-textWidth(axis))
		d.st.dim.write(&b, axis+" ┤")
		if grades == nil {
			d.st.spark.write(&b, row)
		} else {
			paintColumns(&b, d.st, row, grades)
		}
		lines = append(lines, b.String())
	}
	return lines
}

// paintColumns appends a chart row with each column painted by its lateness
// grade (a colour is written only where it changes).
func paintColumns(b *strings.Builder, st *Styles, row string, grades []int) {
	grade, i := -1, 0
	for _, r := range row {
		g := 0
		if i < len(grades) {
			g = grades[i]
		}
		i++
		if g != grade && r != ' ' {
			if grade > 0 {
				b.WriteString(ansi.ResetStyle)
			}
			grade = g
			b.WriteString(st.latePaint(g).on)
		}
		b.WriteRune(r)
	}
	if grade > 0 {
		b.WriteString(ansi.ResetStyle)
	}
}

// View draws the pane in its box.
func (d *pollerDetail) View() []string { return d.view(d.st, "Poller "+cleanCell(d.poller.Name)) }
