package spec

import (
	"fmt"
	"strings"
)

// Warnings returns what is valid in f but probably not meant, each with the
// position it is about, in file order: a watching manager whose limit is taken
// by tasks that always restart (they never end, so its other tasks never
// start). `spindle validate` prints them; they change nothing.
func (f *File) Warnings() ErrorList {
	var ws ErrorList
	for i := range f.Managers {
		if w := starvedQueue(f.Path, &f.Managers[i]); w != nil {
			ws = append(ws, w)
		}
	}
	ws.sort()
	return ws
}

// starvedQueue warns when the tasks of m that always restart can take every
// slot of its limit while others wait for one.
func starvedQueue(path string, m *Manager) *Error {
	if !m.Watch {
		return nil // nothing starts by itself: the user runs it
	}
	var servers, rest []string
	for _, t := range m.Tasks {
		if t.Restart == RestartAlways {
			servers = append(servers, t.Name)
		} else {
			rest = append(rest, t.Name)
		}
	}
	if len(servers) < m.Limit || len(rest) == 0 {
		return nil
	}
	verb, starve, their := "restarts", "starts", "its"
	if len(servers) > 1 {
		verb, their = "restart", "their"
	}
	if len(rest) > 1 {
		starve = "start"
	}
	return &Error{File: path, Line: m.Pos.Line, Col: m.Pos.Col,
		Msg: fmt.Sprintf("manager %q: its limit %d is taken by %s, which always %s: %s never %s",
			m.Name, m.Limit, names(servers), verb, names(rest), starve),
		Hint: fmt.Sprintf("raise limit to %d, or give %s a manager of %s own", len(servers)+len(rest), names(servers), their),
	}
}

// names lists names in prose: "web", "web and api", "web, api and db".
func names(ns []string) string {
	switch len(ns) {
	case 0:
		return ""
	case 1:
		return ns[0]
	}
	return strings.Join(ns[:len(ns)-1], ", ") + " and " + ns[len(ns)-1]
}
