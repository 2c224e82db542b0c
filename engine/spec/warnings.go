package spec

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"slices"
	"strings"
)

// Warnings returns what is valid in f but probably not meant, each with the
// position it is about, in file order: what reading it noticed (ReadWarnings),
// a watching manager whose limit is taken by tasks that always restart (they
// never end, so its other tasks never start), a dir that does not exist.
// `spindle validate` prints them; they change nothing.
func (f *File) Warnings() ErrorList {
	ws := slices.Clone(f.ReadWarnings)
	for i := range f.Managers {
		if w := starvedQueue(f.Path, &f.Managers[i]); w != nil {
			ws = append(ws, w)
		}
	}
	ws = append(ws, f.missingDirs()...)
	ws.sort()
	return ws
}

// missingDirs warns about each dir that does not exist (yet). It is not an
// error: a task that runs first (a clone, a mkdir, one depended on) may make
// it, and a file refused for it could not even be loaded to run that task;
// the task itself fails to start, with the reason, if it is still missing.
func (f *File) missingDirs() ErrorList {
	var ws ErrorList
	warn := func(raw, dir, what, name string, at Pos) {
		if raw == "" {
			return
		}
		if _, err := os.Stat(dir); errors.Is(err, fs.ErrNotExist) {
			ws = append(ws, &Error{File: f.Path, Line: at.Line, Col: at.Col,
				Msg:  fmt.Sprintf("%s %q: dir %s does not exist", what, name, raw),
				Hint: "create it, or have a task it depends on create it; the task fails to start while it is missing"})
		}
	}
	for _, r := range f.allTasks() {
		warn(r.task.DirRaw, r.task.Dir, "task", r.task.Name, r.task.Pos)
	}
	for _, p := range f.Pollers {
		warn(p.DirRaw, p.Dir, "poller", p.Name, p.Pos)
	}
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
