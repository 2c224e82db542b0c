package ui

import (
	"cmp"
	"slices"
	"strings"
)

// tableOrder is how a Pools, Pollers or Events table is sorted: by one of its
// columns (a colKind of that table), ascending unless reverse.
type tableOrder struct {
	col     colKind
	reverse bool
}

// arrowOf returns the arrow the header and the title show for o.
func (o tableOrder) arrow() string { return arrow(o.reverse) }

// sortTitle returns the title's sort part: " [sort: NAME ↑]".
func sortTitle(name string, reverse bool) string {
	return " [sort: " + name + " " + arrow(reverse) + "]"
}

// nextColumn returns the column after cur among the laid-out cols (the ones on
// screen), wrapping around; the first when cur is not on screen.
func nextColumn(cols []column, cur colKind) colKind {
	for i, c := range cols {
		if c.kind == cur {
			return cols[(i+1)%len(cols)].kind
		}
	}
	if len(cols) == 0 {
		return cur
	}
	return cols[0].kind
}

// sortRows sorts rows by cmpCol on col (reversed if asked), ties broken by tie
// in ascending order whatever the direction, so equal rows keep a stable,
// readable order.
func sortRows[T any](rows []*T, o tableOrder, cmpCol func(a, b *T, col colKind) int, tie func(a, b *T) int) {
	slices.SortStableFunc(rows, func(a, b *T) int {
		c := cmpCol(a, b, o.col)
		if o.reverse {
			c = -c
		}
		if c != 0 {
			return c
		}
		return tie(a, b)
	})
}

// compareBool orders false before true.
func compareBool(a, b bool) int {
	switch {
	case a == b:
		return 0
	case !a:
		return -1
	}
	return 1
}

// compareFold orders two strings ignoring case, then exactly.
func compareFold(a, b string) int {
	return cmp.Or(strings.Compare(strings.ToLower(a), strings.ToLower(b)), strings.Compare(a, b))
}
