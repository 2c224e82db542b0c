package ui

import (
	"hash/fnv"
	"regexp"
	"strconv"
	"strings"

	"github.com/charmbracelet/x/ansi"

	"github.com/spindle-tui/spindle/model"
)

// maxLogViewLines bounds the lines a log view keeps (about 100 bytes each
// beyond their text); past it the oldest quarter goes. It opens with the
// last logViewTail lines the engine holds (`spindle logs` reads them all) and
// keeps what comes while it is open.
const (
	maxLogViewLines = 1 << 20
	logViewTail     = 20_000
)

// logStreams is what the s key cycles through.
type logStreams int

const (
	logAll logStreams = iota
	logStdout
	logStderr
)

func (s logStreams) String() string {
	return [...]string{"all streams", "stdout only", "stderr only"}[s]
}

// logView is the full-screen log of a task, of the marked tasks merged in
// time order (a coloured name column), or of every task (the Logs view). It
// opens at the newest line, following; scrolling up pauses following. Lines
// arrive in batches the model reads from the Source (logcmds.go); only the
// rows on screen are formatted.
type logView struct {
	st     *Styles
	colour bool
	names  []paint // the name column's colours
	match  paint   // a search match
	open   bool
	title  string
	q      model.LogQuery // the tasks; Since moves on as batches come
	gen    int            // which opening a batch belongs to
	merged bool           // several tasks: show the name column
	all    bool           // the Logs view's (its batches say so)
	reads  bool           // a read of this opening is on its way or scheduled

	lines   []model.LogEntry
	shown   []int32 // indexes of lines passing the stream filter and f; nil: every line
	evicted uint64  // lines the engine dropped before the view read them
	nameW   int
	originW int // a fleet's lines: the engine column (0: not shown)

	bottom   int  // one past the last row on screen (in shown), when not following
	follow   bool // the screen keeps the newest line at the bottom
	wrap     bool
	times    bool
	streams  logStreams
	search   *regexp.Regexp
	only     bool // f: show only the lines search matches
	cur      int  // the line (in lines) n/N went to; -1: none
	typing   bool // the search line is open
	input    []rune
	w, h     int
	notFound string // what the last n/N said
}

func newLogView(st *Styles, colour, all bool) logView {
	v := logView{st: st, colour: colour, all: all, cur: -1}
	for _, c := range []ansi.IndexedColor{colAqua, colGreen, colGold, colPink, colBlue, colCyan, colYellow, colTeal} {
		s := ansi.Style{}
		if colour {
			s = s.ForegroundColor(c)
		}
		v.names = append(v.names, newPaint(s))
	}
	v.match = newPaint(ansi.Style{}.Reverse(true))
	return v
}

// Open shows the lines of tasks (none: every task) under title, from the
// newest line the engine holds, following.
func (v *logView) Open(title string, tasks []model.TaskID, merged bool) {
	gen := v.gen + 1
	*v = logView{st: v.st, colour: v.colour, all: v.all, names: v.names, match: v.match, w: v.w, h: v.h, wrap: v.wrap, times: v.times, cur: -1}
	v.gen, v.open, v.title, v.merged, v.follow = gen, true, title, merged, true
	v.q = model.LogQuery{Tasks: tasks, Tail: logViewTail, Limit: 10000}
}

// Close hides the view; batches still on their way are dropped (gen).
func (v *logView) Close() { v.open, v.lines, v.shown = false, nil, nil; v.gen++ }

// SetSize sets the screen the view fills.
func (v *logView) SetSize(w, h int) { v.w, v.h = w, max(h, 3) }

// rows is how many lines of log the screen shows (a title takes one; the
// keys are in the dashboard's footer).
func (v *logView) rows() int { return max(v.h-1, 1) }

// Add takes a batch read from the Source.
func (v *logView) Add(b model.LogBatch) {
	v.evicted += b.Gap
	if b.Next > 0 {
		v.q.Since, v.q.Tail = b.Next-1, 0
	}
	if len(b.Lines) == 0 {
		return
	}
	if len(v.lines)+len(b.Lines) > maxLogViewLines {
		drop := min(len(v.lines), max(maxLogViewLines/4, len(v.lines)+len(b.Lines)-maxLogViewLines))
		v.lines = append(v.lines[:0], v.lines[drop:]...)
		v.bottom = max(v.bottom-drop, 0)
		v.cur = -1
		v.refilter()
	}
	from := len(v.lines)
	v.lines = append(v.lines, b.Lines...)
	for i := from; i < len(v.lines); i++ {
		v.nameW = max(v.nameW, min(textWidth(v.lines[i].Name), 20))
		v.originW = max(v.originW, min(textWidth(v.lines[i].Origin), 20)) // a fleet's: which engine
		if v.shown != nil && v.passes(&v.lines[i]) {
			v.shown = append(v.shown, int32(i))
		}
	}
}

// passes reports whether l is shown under the stream filter and f.
func (v *logView) passes(l *model.LogEntry) bool {
	switch {
	case v.streams == logStdout && l.Stream != model.StreamStdout,
		v.streams == logStderr && l.Stream != model.StreamStderr:
		return false
	case v.only && v.search != nil:
		return v.search.MatchString(l.Text)
	}
	return true
}

// refilter rebuilds shown after the stream filter or f changed (once per
// change, not per frame).
func (v *logView) refilter() {
	if v.streams == logAll && (!v.only || v.search == nil) {
		v.shown = nil
		return
	}
	v.shown = v.shown[:0]
	if v.shown == nil {
		v.shown = []int32{}
	}
	for i := range v.lines {
		if v.passes(&v.lines[i]) {
			v.shown = append(v.shown, int32(i))
		}
	}
	v.bottom = min(v.bottom, len(v.shown))
}

// count is how many rows are shown in all; at(i) the line of row i.
func (v *logView) count() int {
	if v.shown == nil {
		return len(v.lines)
	}
	return len(v.shown)
}

func (v *logView) at(i int) *model.LogEntry {
	if v.shown == nil {
		return &v.lines[i]
	}
	return &v.lines[v.shown[i]]
}

// end is one past the last row on screen.
func (v *logView) end() int {
	if v.follow {
		return v.count()
	}
	return min(max(v.bottom, min(v.rows(), v.count())), v.count())
}

// Move scrolls by delta rows; up pauses following, reaching the end resumes.
func (v *logView) Move(delta int) {
	b := v.end() + delta
	v.bottom = min(max(b, min(v.rows(), v.count())), v.count())
	v.follow = v.bottom >= v.count()
}

// Page scrolls a screen.
func (v *logView) Page(dir int) { v.Move(dir * v.rows()) }

// MoveTo goes to the oldest row (0) or follows again (past the end).
func (v *logView) MoveTo(i int) {
	if i >= v.count() {
		v.follow = true
		return
	}
	v.follow = false
	v.bottom = min(v.rows(), v.count())
}

// Toggle helpers for the keys.
func (v *logView) ToggleWrap()  { v.wrap = !v.wrap }
func (v *logView) ToggleTimes() { v.times = !v.times }
func (v *logView) CycleStreams() {
	v.streams = (v.streams + 1) % 3
	v.refilter()
}

// ToggleOnly shows only the lines the search matches, or every line again.
func (v *logView) ToggleOnly() bool {
	if v.search == nil {
		return false
	}
	v.only = !v.only
	v.refilter()
	return true
}

// SetSearch sets the search (an empty pattern clears it) and goes to the
// newest match.
func (v *logView) SetSearch(pattern string) error {
	if pattern == "" {
		v.search, v.only, v.cur = nil, false, -1
		v.refilter()
		return nil
	}
	re, err := regexp.Compile(pattern)
	if err != nil {
		return err
	}
	v.search, v.cur = re, -1
	v.refilter()
	v.Next(-1)
	return nil
}

// Next goes to the next match: dir -1 an older line (n), +1 a newer one (N).
// It reports whether there was one.
func (v *logView) Next(dir int) bool {
	if v.search == nil {
		return false
	}
	i := v.end() - 1
	if v.cur >= 0 {
		i = v.rowOf(v.cur) + dir
	}
	for ; i >= 0 && i < v.count(); i += dir {
		if l := v.at(i); v.search.MatchString(l.Text) {
			v.cur = v.index(i)
			v.bottom = min(max(i+1+v.rows()/2, min(v.rows(), v.count())), v.count())
			v.follow = false
			v.notFound = ""
			return true
		}
	}
	v.notFound = "no " + map[int]string{-1: "older", 1: "newer"}[dir] + " match"
	return false
}

// index is the line of row i; rowOf the row of line li (or the nearest).
func (v *logView) index(i int) int {
	if v.shown == nil {
		return i
	}
	return int(v.shown[i])
}

func (v *logView) rowOf(li int) int {
	if v.shown == nil {
		return li
	}
	lo, hi := 0, len(v.shown)
	for lo < hi {
		mid := (lo + hi) / 2
		if int(v.shown[mid]) < li {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	return lo
}

// View returns the screen: a title line and the rows; follow names the keys
// that follow again ("G or end").
func (v *logView) View(follow string) []string {
	out := make([]string, 0, v.h)
	out = append(out, fitLine(v.titleLine(follow), v.w))
	rows := v.rows()
	var body []string
	for i := v.end() - 1; i >= 0 && len(body) < rows; i-- {
		l := v.at(i)
		row := v.format(l, v.index(i) == v.cur)
		if !v.wrap {
			body = append(body, fitLine(row, v.w))
			continue
		}
		parts := strings.Split(ansi.Hardwrap(row, v.w, true), "\n")
		for k := len(parts) - 1; k >= 0 && len(body) < rows; k-- {
			body = append(body, parts[k])
		}
	}
	for i := len(body) - 1; i >= 0; i-- {
		out = append(out, body[i])
	}
	if v.count() == 0 {
		out = append(out, v.st.dim.render("  no lines yet"))
	}
	for len(out) < v.h {
		out = append(out, "")
	}
	return out
}

// SearchLine is the search being typed, shown in place of the status line.
func (v *logView) SearchLine() string { return "/" + string(v.input) + "█" }

// titleLine says what is shown and whether it follows.
func (v *logView) titleLine(follow string) string {
	var b strings.Builder
	v.st.title.write(&b, v.title)
	b.WriteString(v.st.dim.render("  " + plural(len(v.lines), "line")))
	if v.evicted > 0 {
		b.WriteString(v.st.alert.render("  " + strconv.FormatUint(v.evicted, 10) + " evicted before shown"))
	}
	if v.follow {
		b.WriteString(v.st.statusOK.render("  following"))
	} else {
		paused := "  paused"
		if follow != "" {
			paused += ": " + follow + " follows"
		}
		b.WriteString(v.st.statusWarn.render(paused))
	}
	if v.streams != logAll {
		b.WriteString("  " + v.streams.String())
	}
	if v.search != nil {
		b.WriteString("  /" + cleanCell(v.search.String()))
		if v.only {
			b.WriteString(" (only matches)")
		}
	}
	if v.notFound != "" {
		b.WriteString(v.st.dim.render("  " + v.notFound))
	}
	return b.String()
}

// format draws one line: [time] [name] [stream] text, its text cleaned and
// its matches highlighted.
func (v *logView) format(l *model.LogEntry, current bool) string {
	var b strings.Builder
	if v.times {
		v.st.dim.write(&b, l.Time.Format("15:04:05.000 "))
	}
	if v.merged && v.originW > 0 {
		origin := truncate(cleanCell(l.Origin), v.originW)
		v.st.desc.write(&b, origin)
		writeSpaces(&b, v.originW-textWidth(origin)+1)
	}
	if v.merged {
		name := truncate(cleanCell(l.Name), v.nameW)
		v.namePaint(l.Name).write(&b, name)
		writeSpaces(&b, v.nameW-textWidth(name)+1)
		v.st.dim.write(&b, "│ ")
	}
	switch l.Stream {
	case model.StreamStderr:
		v.st.stderrTag.write(&b, "stderr ")
	case model.StreamSpindle:
		v.st.dim.write(&b, "spindle: ")
	case model.StreamProbe:
		v.st.dim.write(&b, "probe: ")
	}
	text := cleanCell(l.Text)
	if v.search == nil {
		b.WriteString(text)
		return b.String()
	}
	last := 0
	for _, m := range v.search.FindAllStringIndex(text, -1) {
		if m[1] == m[0] {
			continue
		}
		b.WriteString(text[last:m[0]])
		p := v.match
		if current {
			p = v.st.marked
		}
		p.write(&b, text[m[0]:m[1]])
		last = m[1]
	}
	b.WriteString(text[last:])
	return b.String()
}

// namePaint is the colour of a task's name: the same for a name every time.
func (v *logView) namePaint(name string) paint {
	h := fnv.New32a()
	h.Write([]byte(name))
	return v.names[int(h.Sum32()%uint32(len(v.names)))]
}
