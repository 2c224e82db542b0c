package spec

import (
	"path/filepath"
	"strconv"
	"strings"
)

// A Procfile (foreman, overmind, Heroku) is read as one manager, named after
// the file, that runs every line's command at once with sh -c:
//
//	# comment
//	web: bundle exec rails server -p $PORT
//	worker: bundle exec sidekiq
//
// The .env beside it is loaded into every task's env, and each task gets a
// PORT as foreman gives it: 5000 (or .env's PORT) plus 100 for each line
// before it. $VAR in a command is left to the shell, which sees that env.

// procfileBasePort is foreman's first PORT.
const procfileBasePort = 5000

// parseProcfile decodes a Procfile's contents into f.
func parseProcfile(d *decoder, data []byte, f *File) {
	dotenv, err := loadEnvFile(filepath.Join(d.dir, ".env"))
	if list, bad := err.(ErrorList); bad {
		for _, e := range list {
			d.record(e)
		}
	}
	base := procfileBasePort
	if p, err := strconv.Atoi(dotenv["PORT"]); err == nil && p > 0 && p < 65536 {
		base = p
	}
	m := Manager{Name: strings.TrimSuffix(filepath.Base(f.Path), filepath.Ext(f.Path)), Watch: true, Pos: Pos{1, 1}}
	seen := map[string]int{}
	lineNo := 0
	for line := range strings.Lines(string(data)) {
		lineNo++
		line = strings.TrimRight(line, "\r\n")
		trimmed := strings.TrimSpace(line)
		if trimmed == "" || strings.HasPrefix(trimmed, "#") {
			continue
		}
		col := len(line) - len(strings.TrimLeft(line, " \t")) + 1
		at := Pos{lineNo, col}
		name, command, ok := procfileEntry(strings.TrimLeft(line, " \t"))
		switch {
		case col > 1:
			d.errorAt(at, "start it at the beginning of the line", "a Procfile line must not be indented")
			continue
		case !ok:
			d.errorAt(at, "write name: command; a name is letters, digits, _ and -", "a Procfile line must be name: command")
			continue
		case strings.TrimSpace(command) == "":
			d.errorAt(Pos{lineNo, col + len(name) + 1}, "write name: command", "process %q has no command", name)
			continue
		}
		if first, dup := seen[name]; dup {
			d.errorAt(at, "rename one of them", "duplicate process %q (first at line %d)", name, first)
			continue
		}
		seen[name] = lineNo
		t := newTask()
		t.Name, t.Pos = name, at
		t.Command = []string{"sh", "-c", strings.TrimSpace(command)}
		t.Env = make(map[string]string, len(dotenv)+1)
		for k, v := range dotenv {
			t.Env[k] = v
		}
		t.Env["PORT"] = strconv.Itoa(base + 100*len(m.Tasks))
		m.Tasks = append(m.Tasks, t)
	}
	if len(m.Tasks) == 0 && len(d.errs) == 0 {
		d.errorAt(Pos{1, 1}, "write name: command lines", "the Procfile has no processes")
	}
	m.Limit = min(max(len(m.Tasks), 1), MaxCount)
	if len(m.Tasks) > 0 {
		f.Managers = []Manager{m}
	}
}
