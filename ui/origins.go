package ui

import (
	"strings"

	"github.com/spindle-tui/spindle/model"
)

// staleMark follows the origin of a row whose engine's connection is lost.
const staleMark = " stale"

// originInfo is what a table needs of a fleet snapshot's origins: whether
// there are several (the ORIGIN column shows only then) and which are stale.
type originInfo struct {
	multi bool
	stale map[string]bool   // nil when none is
	rank  map[string]uint32 // each origin's place in the snapshot's (sorted) list; nil with one
}

// newOriginInfo reads s's origins.
func newOriginInfo(s *model.Snapshot) originInfo {
	o := originInfo{multi: len(s.Origins) > 1}
	if o.multi {
		o.rank = make(map[string]uint32, len(s.Origins))
	}
	for i := range s.Origins {
		if o.multi {
			o.rank[s.Origins[i].Name] = uint32(i)
		}
		if s.Origins[i].Stale {
			o.markStale(s.Origins[i].Name)
		}
	}
	return o
}

// markStale notes that origin's rows are the last its engine sent.
func (o *originInfo) markStale(origin string) {
	if o.stale == nil {
		o.stale = map[string]bool{}
	}
	o.stale[origin] = true
}

// isStale reports whether origin's rows are the last its engine sent.
func (o *originInfo) isStale(origin string) bool { return o.stale != nil && o.stale[origin] }

// cell returns the ORIGIN cell: the name, and " stale" after it when the
// engine's connection is lost.
func (o *originInfo) cell(origin string) string {
	if o.isStale(origin) {
		return cleanCell(origin) + staleMark
	}
	return cleanCell(origin)
}

// cellPaint returns the paint of an ORIGIN cell: none on the selected row, a
// stale engine's in the warning colour, else the column's own.
func (o *originInfo) cellPaint(st *Styles, origin string, selected bool) paint {
	switch {
	case selected:
		return paint{}
	case o.isStale(origin):
		return st.statusWarn
	}
	return st.desc
}

// width returns the cells an ORIGIN cell of origin takes.
func (o *originInfo) width(origin string) int {
	n := len(origin)
	if o.isStale(origin) {
		n += len(staleMark)
	}
	return n
}

// bare returns a fleet-qualified name without its origin, for a cell next
// to the ORIGIN column ("api/crawl" → "crawl"), cleaned for the screen.
func bare(name, origin string) string { return cleanCell(model.Unqualify(name, origin)) }

// originTerm starts a filter on one engine of a fleet.
const originTerm = "origin:"

// origin returns the engine an "origin:" filter keeps.
func (f filter) origin() (string, bool) {
	if !strings.HasPrefix(string(f), originTerm) {
		return "", false
	}
	return unquote(string(f[len(originTerm):])), true
}

// matchOrigin reports whether a row of origin passes an "origin:" filter f
// (handled is false when f is not one).
func (f filter) matchOrigin(origin string) (keep, handled bool) {
	o, ok := f.origin()
	if !ok {
		return false, false
	}
	return strings.EqualFold(origin, o), true
}
