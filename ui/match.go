package ui

import (
	"strings"

	"github.com/spindle-tui/spindle/model"
)

// filter is a lowercase needle matched against a task's id, name, group and state,
// an event's task, group, level and text, a pool's name, type, owner and state, or
// a poller's name, group and state, and, in a fleet, the row's origin. "group:io"
// (what enter on a pool sets) instead keeps exactly what belongs to the group io:
// its tasks and events, the pool io, the pollers of the PollDict io; and
// "origin:api" keeps exactly the rows of the engine api (origins.go). Words
// apart are terms a row must all match: "origin:api running" keeps api's
// running rows; a name with spaces is quoted (group:"nightly jobs").
type filter string

// groupPrefix starts a filter on one group.
const groupPrefix = "group:"

// groupFilter returns the filter for exactly the group g.
func groupFilter(g string) filter {
	if strings.ContainsAny(g, " \t") {
		g = `"` + g + `"`
	}
	return newFilter(groupPrefix + g)
}

// group returns the group a "group:" term keeps.
func (f filter) group() (string, bool) {
	if !strings.HasPrefix(string(f), groupPrefix) {
		return "", false
	}
	return unquote(string(f[len(groupPrefix):])), true
}

// unquote takes the quotes off a quoted name.
func unquote(name string) string {
	if len(name) >= 2 && name[0] == '"' && name[len(name)-1] == '"' {
		return name[1 : len(name)-1]
	}
	return name
}

// all reports whether every term of f passes match. A term is a word, or a
// prefix and a quoted name (group:"nightly jobs"); a filter of one word (the
// usual) is passed as it is, with no splitting.
func (f filter) all(match func(term filter) bool) bool {
	rest := string(f)
	if !strings.ContainsAny(rest, " \t") {
		return match(f)
	}
	for {
		rest = strings.TrimLeft(rest, " \t")
		if rest == "" {
			return true
		}
		end, quoted := 0, false // a term ends at a space outside quotes
		for end < len(rest) && (quoted || (rest[end] != ' ' && rest[end] != '\t')) {
			if rest[end] == '"' {
				quoted = !quoted
			}
			end++
		}
		if !match(filter(rest[:end])) {
			return false
		}
		rest = rest[end:]
	}
}

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
	return f.all(func(f filter) bool { return f.matchTaskTerm(t) })
}

// matchTaskTerm reports whether t passes one term of a filter.
func (f filter) matchTaskTerm(t *model.Task) bool {
	if keep, ok := f.matchOrigin(t.Origin); ok {
		return keep
	}
	if g, ok := f.group(); ok {
		return strings.EqualFold(t.Group, g)
	}
	return containsFold(string(t.ID), f) || containsFold(t.Name, f) || containsFold(t.Origin, f) ||
		containsFold(t.Group, f) || strings.Contains(t.State.String(), string(f))
}

// matchEvent reports whether e passes f.
func (f filter) matchEvent(e *model.Event) bool {
	if f == "" {
		return true
	}
	return f.all(func(f filter) bool { return f.matchEventTerm(e) })
}

// matchEventTerm reports whether e passes one term of a filter.
func (f filter) matchEventTerm(e *model.Event) bool {
	if keep, ok := f.matchOrigin(e.Origin); ok {
		return keep
	}
	if g, ok := f.group(); ok {
		return strings.EqualFold(e.Group, g)
	}
	return containsFold(string(e.Task), f) || containsFold(e.Group, f) ||
		strings.Contains(string(e.Level), string(f)) || containsFold(e.Text, f)
}

// matchPool reports whether p passes f.
func (f filter) matchPool(p *model.Pool) bool {
	if f == "" {
		return true
	}
	return f.all(func(f filter) bool { return f.matchPoolTerm(p) })
}

// matchPoolTerm reports whether p passes one term of a filter.
func (f filter) matchPoolTerm(p *model.Pool) bool {
	if keep, ok := f.matchOrigin(p.Origin); ok {
		return keep
	}
	if g, ok := f.group(); ok {
		return strings.EqualFold(p.Name, g)
	}
	return containsFold(p.Name, f) || containsFold(p.Type, f) || containsFold(string(p.Owner), f) ||
		containsFold(p.OwnerName, f) || strings.Contains(string(p.State), string(f))
}

// matchPoller reports whether p passes f.
func (f filter) matchPoller(p *model.Poller) bool {
	if f == "" {
		return true
	}
	return f.all(func(f filter) bool { return f.matchPollerTerm(p) })
}

// matchPollerTerm reports whether p passes one term of a filter.
func (f filter) matchPollerTerm(p *model.Poller) bool {
	if keep, ok := f.matchOrigin(p.Origin); ok {
		return keep
	}
	if g, ok := f.group(); ok {
		return strings.EqualFold(p.Group, g)
	}
	return containsFold(p.Name, f) || containsFold(p.Group, f) || strings.Contains(p.PollerState(), string(f))
}
