package ui

import (
	"strings"

	"github.com/charmbracelet/x/ansi"

	"github.com/spindle-tui/spindle/model"
)

// paint is one style reduced to its SGR prefix, so drawing a cell costs two string
// writes instead of a lipgloss Render (which measures, wraps and pads every call).
// The zero paint draws plain text.
type paint struct{ on string }

// newPaint builds a paint from an ANSI style; an empty style is the plain paint.
func newPaint(s ansi.Style) paint {
	if len(s) == 0 {
		return paint{}
	}
	return paint{on: s.String()}
}

// render returns s drawn in p.
func (p paint) render(s string) string {
	if p.on == "" || s == "" {
		return s
	}
	return p.on + s + ansi.ResetStyle
}

// write appends s drawn in p to b.
func (p paint) write(b *strings.Builder, s string) {
	if p.on == "" || s == "" {
		b.WriteString(s)
		return
	}
	b.WriteString(p.on)
	b.WriteString(s)
	b.WriteString(ansi.ResetStyle)
}

// Styles holds every style the dashboard draws with. New builds it once, with
// colours or, for NO_COLOR, with only bold, faint and reverse video: then states are
// told apart by their text and the selection by reverse video.
type Styles struct {
	state    [model.NumStates]paint // a state's name and its count in the header
	selected [model.NumStates]paint // the selected row, in reverse video of its state colour
	level    map[model.Level]paint  // event levels

	brand, source     paint // "spindle", the source name
	border, title     paint // the table box and its title
	titleCount        paint // (shown/total) in the title
	columnHead        paint // column names
	dim               paint // secondary text, unavailable keys
	marked            paint // marked rows
	bar, barEmpty     paint // progress bar, filled and empty
	key, keyDisabled  paint // footer keys
	desc              paint // footer descriptions
	tabOn, tabOff     paint // the view tab line
	statusOK, statusE paint // status bar: success, error
	statusWarn        paint // status bar: warnings (quitting, source closed)
	sourceErr         paint // the source error bar: reverse-video red, not to be missed
	stderrTag         paint // the tag of a log line a process wrote to stderr
	leaked            paint // the leaked goroutine warning
	label             paint // field labels in the detail pane
	overlay           paint // help and confirm box borders

	poolState      map[model.PoolState]paint // a pool's state
	poolSelected   map[model.PoolState]paint // the selected pool row, reverse video of its state colour
	pollerState    map[string]paint          // a poller's state (model.Poller.PollerState)
	pollerSelected map[string]paint          // the selected poller row
	late, veryLate paint                     // a poller's delay past 10% and 50% of its period
	alert          paint                     // counts that should not be above zero (errors, rejected)
	spark          paint                     // throughput sparklines and charts
}

// ANSI 256-colour indexes, chosen to look like k9s on a dark terminal.
const (
	colGreen   = ansi.IndexedColor(82)
	colYellow  = ansi.IndexedColor(220)
	colMagenta = ansi.IndexedColor(170)
	colOrange  = ansi.IndexedColor(208)
	colBlue    = ansi.IndexedColor(75)
	colGrey    = ansi.IndexedColor(245)
	colDimGrey = ansi.IndexedColor(241)
	colRed     = ansi.IndexedColor(196)
	colAqua    = ansi.IndexedColor(81)
	colTeal    = ansi.IndexedColor(38)
	colPink    = ansi.IndexedColor(201)
	colWhite   = ansi.IndexedColor(255)
	colGold    = ansi.IndexedColor(214)
	colCyan    = ansi.IndexedColor(51)
)

// stateColour gives each state its colour; killed and abandoned are also bold.
func stateColour(s model.State) ansi.IndexedColor {
	switch s {
	case model.StateRunning:
		return colGreen
	case model.StatePausing, model.StatePaused:
		return colYellow
	case model.StateHalting, model.StateHalted:
		return colMagenta
	case model.StateBackoff:
		return colOrange
	case model.StateQueued:
		return colBlue
	case model.StateWaiting:
		return colTeal
	case model.StateDone, model.StateDisabled:
		return colGrey
	}
	return colRed // failed, fatal, killed, abandoned
}

// newStyles builds the dashboard's styles, with colour or without.
func newStyles(color bool) Styles {
	st := func(c ansi.IndexedColor, attrs ...func(ansi.Style) ansi.Style) paint {
		s := ansi.Style{}
		if color {
			s = s.ForegroundColor(c)
		}
		for _, a := range attrs {
			s = a(s)
		}
		return newPaint(s)
	}
	bold := func(s ansi.Style) ansi.Style { return s.Bold() }
	faint := func(s ansi.Style) ansi.Style { return s.Faint() }
	reverse := func(s ansi.Style) ansi.Style { return s.Reverse(true) }

	var s Styles
	for i := range model.NumStates {
		state := model.State(i)
		c := stateColour(state)
		hard := state == model.StateKilled || state == model.StateAbandoned
		if hard || !color && state == model.StateFatal {
			s.state[i] = st(c, bold)
			s.selected[i] = st(c, bold, reverse)
			continue
		}
		if !color && state == model.StateDone {
			s.state[i] = st(c, faint) // without colour, finished work still recedes
		} else {
			s.state[i] = st(c)
		}
		s.selected[i] = st(c, reverse)
	}
	s.level = map[model.Level]paint{
		model.LevelInfo:  st(colBlue),
		model.LevelWarn:  st(colYellow, bold),
		model.LevelError: st(colRed, bold),
	}
	s.brand = st(colAqua, bold)
	s.source = st(colGold, bold)
	s.border = st(colTeal)
	s.title = st(colAqua, bold)
	s.titleCount = st(colPink, bold)
	s.columnHead = st(colWhite, bold)
	s.dim = st(colDimGrey)
	if !color {
		s.dim = st(0, faint)
	}
	s.marked = st(colCyan, bold)
	s.bar = st(colGreen)
	s.barEmpty = st(colDimGrey)
	s.key = st(colAqua, bold)
	s.keyDisabled = st(colDimGrey, faint)
	s.desc = st(colGrey)
	if !color {
		s.desc = paint{}
	}
	s.tabOn = st(colAqua, bold, reverse)
	s.tabOff = st(colGrey)
	s.statusOK = st(colGreen)
	s.statusE = st(colRed, bold)
	s.statusWarn = st(colYellow, bold)
	s.sourceErr = st(colRed, bold, reverse)
	s.stderrTag = st(colRed, faint)
	s.leaked = st(colRed, bold)
	s.label = st(colAqua)
	if !color {
		s.label = st(0, bold)
	}
	s.overlay = st(colAqua)

	s.poolState, s.poolSelected = map[model.PoolState]paint{}, map[model.PoolState]paint{}
	for ps, c := range map[model.PoolState]ansi.IndexedColor{
		model.PoolRunning: colGreen, model.PoolPaused: colYellow, model.PoolStopping: colMagenta,
		model.PoolStopped: colGrey, model.PoolIdle: colDimGrey,
	} {
		if !color && (ps == model.PoolIdle || ps == model.PoolStopped) {
			s.poolState[ps] = st(c, faint)
		} else {
			s.poolState[ps] = st(c)
		}
		s.poolSelected[ps] = st(c, reverse)
	}
	s.pollerState, s.pollerSelected = map[string]paint{}, map[string]paint{}
	for ps, c := range map[string]ansi.IndexedColor{
		"running": colGreen, "paused": colYellow, "idle": colDimGrey, "killed": colRed,
	} {
		switch {
		case ps == "killed":
			s.pollerState[ps] = st(c, bold)
			s.pollerSelected[ps] = st(c, bold, reverse)
			continue
		case !color && ps == "idle":
			s.pollerState[ps] = st(c, faint)
		default:
			s.pollerState[ps] = st(c)
		}
		s.pollerSelected[ps] = st(c, reverse)
	}
	s.late = st(colYellow)
	s.veryLate = st(colRed, bold)
	s.alert = st(colRed, bold)
	s.spark = st(colGreen)
	return s
}
