package ui

import (
	"strings"

	"github.com/spindle-tui/spindle/model"
)

// filter is a lowercase needle matched against a task's id, name, group and state,
// or an event's task, group, level and text.
type filter string

// newFilter normalises what the user typed.
func newFilter(s string) filter { return filter(strings.ToLower(strings.TrimSpace(s))) }

// containsFold reports whether hay contains the lowercase needle, ignoring case.
// An ASCII needle (what people type) is matched byte by byte, lowering hay as it
// goes, with no allocation; others go through strings.ToLower.
func containsFold(hay string, needle filter) bool {
	n := string(needle)
	if !isASCII(n) {
		return strings.Contains(strings.ToLower(hay), n)
	}
	if len(n) == 0 {
		return true
	}
	for i := 0; i+len(n) <= len(hay); i++ {
		if lowerASCII(hay[i]) != n[0] {
			continue
		}
		j := 1
		for j < len(n) && lowerASCII(hay[i+j]) == n[j] {
			j++
		}
		if j == len(n) {
			return true
		}
	}
	return false
}

// lowerASCII lowers an ASCII capital; other bytes are returned as they are.
func lowerASCII(c byte) byte {
	if c >= 'A' && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// matchTask reports whether t passes f.
func (f filter) matchTask(t *model.Task) bool {
	if f == "" {
		return true
	}
	return containsFold(string(t.ID), f) || containsFold(t.Name, f) ||
		containsFold(t.Group, f) || strings.Contains(t.State.String(), string(f))
}

// matchEvent reports whether e passes f.
func (f filter) matchEvent(e *model.Event) bool {
	if f == "" {
		return true
	}
	return containsFold(string(e.Task), f) || containsFold(e.Group, f) ||
		strings.Contains(string(e.Level), string(f)) || containsFold(e.Text, f)
}
