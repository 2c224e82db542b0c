package spec

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
)

// Error is one problem in a task file, with its position and, when there is
// one, a hint on how to fix it.
type Error struct {
	File string `json:"file"`
	Line int    `json:"line"` // 1-based; 0 when the problem has no position (an unreadable file)
	Col  int    `json:"col"`
	Msg  string `json:"msg"`
	Hint string `json:"hint,omitempty"`
	// More is set on the error that ends a list cut short, which says how
	// many problems were found and not listed: it stands for More of them
	// (see ErrorList.Count).
	More int `json:"more,omitempty"`
}

// Error renders e as "file:line:col: msg (hint)".
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d:%d", e.Line, e.Col)
	}
	b.WriteString(": ")
	b.WriteString(e.Msg)
	if e.Hint != "" {
		b.WriteString(" (")
		b.WriteString(e.Hint)
		b.WriteString(")")
	}
	return b.String()
}

// Pos returns e's position.
func (e *Error) Pos() Pos { return Pos{Line: e.Line, Col: e.Col} }

// ErrorList is every problem found in a task file. Parse returns it (sorted by
// position) as its error; callers get it back with errors.As.
type ErrorList []*Error

// Error renders every error, one per line, sorted by position.
func (l ErrorList) Error() string {
	s := slices.Clone(l)
	s.sort()
	lines := make([]string, len(s))
	for i, e := range s {
		lines[i] = e.Error()
	}
	return strings.Join(lines, "\n")
}

// Count is how many problems were found: those listed and those a long list
// leaves out.
func (l ErrorList) Count() int {
	n := 0
	for _, e := range l {
		n += max(e.More, 1)
	}
	return n
}

// Unwrap returns the errors, so errors.Is and errors.As look into each of them.
func (l ErrorList) Unwrap() []error {
	out := make([]error, len(l))
	for i, e := range l {
		out[i] = e
	}
	return out
}

// sort orders l by line, then column, then message (stable for equal keys).
func (l ErrorList) sort() {
	slices.SortStableFunc(l, func(a, b *Error) int {
		return cmp.Or(cmp.Compare(a.Line, b.Line), cmp.Compare(a.Col, b.Col), strings.Compare(a.Msg, b.Msg))
	})
}
