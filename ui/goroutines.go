package ui

import (
	"cmp"
	"strconv"
	"strings"
	"time"

	"github.com/spindle-tui/spindle/model"
)

// goroutinesList is the Goroutines view: every goroutine of the process,
// grouped by stack and owner (Source.Goroutines, fetched about once a second
// while the view, a task's detail or Workers is on screen), with a sparkline
// of each group's recent counts and a ▲ on groups that only grow.
type goroutinesList struct {
	st *Styles

	g      model.Goroutines
	have   bool
	err    string    // the last fetch's error, shown in place of rows
	asked  time.Time // when the source was last asked (goroutines_poll.go)
	filter filter
	order  tableOrder
	shown  int

	rowList[model.GoroutineGroup]
	originW int        // the ORIGIN column's width when the sample merges several engines; else 0
	origins originInfo // which engines' groups are from an earlier sample (model.Goroutines.Stale)
}

// The Goroutines view's columns, in screen order; sort cycles COUNT, WAIT, STATE.
const (
	gorColCount colKind = iota
	gorColState
	gorColWait
	gorColOwner
	gorColFunc
	gorColCreated
	gorColGrowth
	numGorCols
)

var gorTitles = [numGorCols]string{"COUNT", "STATE", "WAIT", "OWNER", "FUNCTION", "CREATED BY", "GROWTH"}

// gorSorts is what s cycles through.
var gorSorts = []colKind{gorColCount, gorColWait, gorColState}

func newGoroutinesList(st *Styles) goroutinesList {
	return goroutinesList{st: st, rowList: newRowList(func(g *model.GoroutineGroup) string { return g.Key })}
}

// SetGoroutines shows a new sample, or says why there is none.
func (l *goroutinesList) SetGoroutines(g model.Goroutines, err error) {
	if err != nil {
		l.err = err.Error()
		return
	}
	l.g, l.have, l.err = g, true, ""
	l.origins = originInfo{multi: true}
	for _, st := range g.Stale {
		l.origins.markStale(st.Origin)
	}
	l.rebuild()
}

// SetSize lays the list out for w×h cells (borders included).
func (l *goroutinesList) SetSize(w, h int) { l.resize(w, h) }

// SetFilter filters groups by owner, state, function, file and creator.
func (l *goroutinesList) SetFilter(f filter) {
	l.filter = f
	l.rebuild()
}

// Sort sorts by the next of COUNT, WAIT and STATE (largest, longest first), or
// reverses the order.
func (l *goroutinesList) Sort(reverse bool) {
	if reverse {
		l.order.reverse = !l.order.reverse
	} else {
		i := 0
		for j, c := range gorSorts {
			if c == l.order.col {
				i = j
			}
		}
		l.order = tableOrder{col: gorSorts[(i+1)%len(gorSorts)]}
	}
	l.rebuild()
}

func (l *goroutinesList) rebuild() {
	sel := l.sel
	clear(l.rows)
	l.rows = l.rows[:0]
	for i := range l.g.Groups {
		if g := &l.g.Groups[i]; l.filter.matchGoroutines(g) {
			l.rows = append(l.rows, g)
		}
	}
	l.shown = len(l.rows)
	l.originW = 0
	if gs := l.g.Groups; len(gs) > 0 && gs[0].Origin != "" {
		first, multi, w := gs[0].Origin, len(l.g.Stale) > 0, 0
		for i := range gs {
			multi = multi || gs[i].Origin != first
			w = max(w, min(l.origins.width(gs[i].Origin), 20))
		}
		if multi {
			l.originW = max(w, len("ORIGIN"))
		}
	}
	sortRows(l.rows, l.order, compareGoroutines, func(a, b *model.GoroutineGroup) int { return strings.Compare(a.Key, b.Key) })
	at := -1
	for i, r := range l.rows {
		if r.Key == sel {
			at = i
		}
	}
	l.follow(at)
}

// compareGoroutines orders by a column: counts and waits largest first.
func compareGoroutines(a, b *model.GoroutineGroup, col colKind) int {
	switch col {
	case gorColWait:
		return cmp.Compare(b.Wait, a.Wait)
	case gorColState:
		return compareFold(a.State, b.State)
	}
	return cmp.Compare(b.Count, a.Count)
}

// matchGoroutines: the filter's text in the owner, state, function, place or creator.
func (f filter) matchGoroutines(g *model.GoroutineGroup) bool {
	if f == "" {
		return true
	}
	return f.all(func(f filter) bool { return f.matchGoroutinesTerm(g) })
}

// matchGoroutinesTerm reports whether g passes one term of a filter.
func (f filter) matchGoroutinesTerm(g *model.GoroutineGroup) bool {
	if keep, ok := f.matchOrigin(g.Origin); ok {
		return keep
	}
	for _, s := range [...]string{g.Origin, string(g.Task), g.TaskName, g.Group, g.State, g.Func, g.Where, g.CreatedBy, g.Labels} {
		if containsFold(s, f) {
			return true
		}
	}
	return false
}

// Owner names who owns a group: `t3 "fetch page"`, "pool render", "not a task".
func gorOwner(g *model.GoroutineGroup) string {
	switch {
	case g.Task != "":
		return model.Unqualify(string(g.Task), g.Origin) + " " + strconv.Quote(g.TaskName)
	case g.Group != "" && g.TaskName != "":
		return "poller " + g.TaskName
	case g.Group != "":
		return "pool " + model.Unqualify(g.Group, g.Origin)
	case g.Labels != "":
		return g.Labels
	}
	return "not a task"
}

// statesAge says how much older than the counts the states and waits are
// (they come from the rarer full dump): ", states as of 40s ago"; nothing when
// they are as fresh.
func statesAge(g *model.Goroutines) string {
	if g.StatesAt.IsZero() {
		return ""
	}
	age := g.Time.Sub(g.StatesAt)
	if age < time.Second {
		return ""
	}
	return ", states as of " + model.FormatDuration(age.Round(time.Second)) + " ago"
}

// staleSamples names the engines of a fleet that did not answer this sample
// and how old the groups shown for them are: ", stale: web 12s ago, db never
// sampled"; nothing when all answered.
func staleSamples(g *model.Goroutines) string {
	if len(g.Stale) == 0 {
		return ""
	}
	parts := make([]string, len(g.Stale))
	for i, st := range g.Stale {
		age := "never sampled"
		if !st.Time.IsZero() {
			age = model.FormatAge(g.Time.Sub(st.Time)) + " ago"
		}
		parts[i] = cleanCell(st.Origin) + " " + age
	}
	return ", stale: " + strings.Join(parts, ", ")
}

// newGroupState is the STATE of a group the last full dump did not see (it
// formed since): its state is not known yet.
const newGroupState = "new group"

// gorWait formats a wait; · for none seen.
func gorWait(d time.Duration) string {
	if d < time.Second {
		return noValue
	}
	return model.FormatDuration(d.Round(time.Second))
}

func (l *goroutinesList) columns() (widths [numGorCols]int, gap int) {
	inner := l.innerWidth()
	gap = colGap(inner)
	fixed := 6 + 13 + 7 + 22 + 12
	if l.originW > 0 {
		fixed += l.originW + gap
	}
	rest := max(inner-2-fixed-6*gap, 20)
	return [numGorCols]int{6, 13, 7, 22, rest * 3 / 5, rest - rest*3/5, 12}, gap
}

// View draws the list in its box; only the visible groups are formatted.
func (l *goroutinesList) View() []string {
	// COUNT and WAIT sort largest first, so their arrow points down (STATE's, A to Z, up).
	shown := l.order.reverse != (l.order.col != gorColState)
	extras := []string{sortTitle(gorTitles[l.order.col], shown)}
	if l.have {
		extras = append(extras, " "+plural(l.g.Total, "goroutine")+", sampled in "+model.FormatDuration(l.g.Took.Round(time.Millisecond))+statesAge(&l.g)+staleSamples(&l.g))
	}
	title, tw := listTitle(l.st, "Goroutines", l.shown, len(l.g.Groups), l.filter, extras...)
	widths, gap := l.columns()
	head := columnHeads(l.st, l.originW, gap, gorTitles[:], widths[:], int(l.order.col), arrow(shown))
	note := emptyNote(true, len(l.rows), l.filter, "goroutine group", " no goroutines")
	switch {
	case l.err != "":
		note = " cannot read the goroutines: " + cleanCell(l.err)
	case !l.have:
		note = " sampling the goroutines…"
	}
	return l.view(l.st, title, tw, fitLine(head, l.innerWidth()), note, l.rowLine)
}

func (l *goroutinesList) rowLine(out *strings.Builder, i int) {
	widths, gap := l.columns()
	g := l.rows[i]
	spark := sparkline(toInt64(g.History), widths[gorColGrowth]-2, 0)
	if g.Growing {
		spark += " ▲"
	}
	cells := [numGorCols]string{
		strconv.Itoa(g.Count), cleanCell(cmp.Or(g.State, newGroupState)), gorWait(g.Wait), cleanCell(gorOwner(g)),
		cleanCell(shortFunc(g.Func) + " " + shortPath(g.Where)), cleanCell(shortFunc(g.CreatedBy)), spark,
	}
	var c strings.Builder
	selected := i == l.cursor
	if selected {
		c.WriteString(l.st.selected[model.StateQueued].on)
	}
	writeSpaces(&c, 2)
	if l.originW > 0 {
		writePadded(&c, l.origins.cellPaint(l.st, g.Origin, selected), l.origins.cell(g.Origin), l.originW)
		writeSpaces(&c, gap)
	}
	for k := range cells {
		if k > 0 {
			writeSpaces(&c, gap)
		}
		p := paint{}
		if !selected && k == int(gorColGrowth) && g.Growing {
			p = l.st.leaked
		}
		writePadded(&c, p, cells[k], widths[k])
	}
	if selected {
		c.WriteString("\x1b[m")
	}
	out.WriteString(fitLine(c.String(), l.innerWidth()))
}

func toInt64(v []int) []int64 {
	out := make([]int64, len(v))
	for i, n := range v {
		out[i] = int64(n)
	}
	return out
}

// shortFunc drops a function's import path: "github.com/a/b.(*T).Run" → "b.(*T).Run".
func shortFunc(s string) string {
	fn, rest, _ := strings.Cut(s, " ")
	if i := strings.LastIndexByte(fn, '/'); i >= 0 {
		fn = fn[i+1:]
	}
	if rest != "" {
		return fn + " " + shortPath(rest)
	}
	return fn
}

// shortPath keeps a file:line's last directory: "/src/app/cmd/main.go:12" → "cmd/main.go:12".
func shortPath(p string) string {
	i := strings.LastIndexByte(p, '/')
	if i < 0 {
		return p
	}
	if j := strings.LastIndexByte(p[:i], '/'); j >= 0 {
		return p[j+1:]
	}
	return p
}

// goroutineContent is a group in full for the text overlay: who, where, since
// when, and its whole stack.
func goroutineContent(g *model.GoroutineGroup) func(w int) []string {
	return func(int) []string {
		lines := []string{
			plural(g.Count, "goroutine") + ", " + cleanCell(g.State) + ", waiting " + gorWait(g.Wait),
			"owner: " + cleanCell(gorOwner(g)),
			"at: " + cleanCell(g.Func) + " " + cleanCell(g.Where),
		}
		if g.CreatedBy != "" {
			lines = append(lines, "created by: "+cleanCell(g.CreatedBy))
		}
		if len(g.History) > 0 {
			h := make([]string, len(g.History))
			for i, n := range g.History {
				h[i] = strconv.Itoa(n)
			}
			line := "recent counts: " + strings.Join(h, " ")
			if g.Growing {
				line += " (only grows: a likely leak)"
			}
			lines = append(lines, line)
		}
		lines = append(lines, "", "stack (innermost first):")
		for _, f := range g.Stack {
			lines = append(lines, "  "+cleanCell(f.Func), "      "+cleanCell(f.File)+":"+strconv.Itoa(f.Line))
		}
		return lines
	}
}
