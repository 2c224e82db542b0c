package spec

import (
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"time"

	"github.com/goccy/go-yaml/ast"
)

// A process-compose file is read as it is (see the README for what each of
// its fields becomes): its processes are the tasks of one manager, named after
// the project (its name, else the file's name), that runs them all at once.
// A field spindle does not support is a warning naming it, never an error,
// and so is an undefined variable (it is empty, as in process-compose).

// composeProject is a process-compose file's top level, decoded.
type composeProject struct {
	name     string
	env      map[string]string // environment: and .env, for every process
	dotenv   map[string]string // .env beside the file: interpolation, and every process's env
	noExpand bool              // disable_env_expansion
	tasks    []Task
	pos      Pos
}

// composeProcess is one process while it is decoded: the task and what
// process-compose says in other words.
type composeProcess struct {
	task      Task
	project   *composeProject
	command   string // command, run by sh -c
	envFile   string // as written
	envFileAt ast.Node
	noDotenv  bool
	env       map[string]string // environment:
	// shutdownTimeout is shutdown.timeout_seconds, when given.
	shutdownTimeout time.Duration
}

// parseCompose decodes a process-compose file's root into f.
func parseCompose(d *decoder, root ast.Node, f *File) {
	d.lenient = true
	p := &composeProject{pos: posOf(d.resolve(root))}
	if vars, err := loadEnvFile(filepath.Join(d.dir, ".env")); err == nil {
		p.dotenv = vars
	} else if list, bad := err.(ErrorList); bad {
		for _, e := range list {
			d.record(e)
		}
	}
	decodeObject(d, root, "the process-compose file", composeProjectFields(), p)
	name := p.name
	if name == "" {
		name = strings.TrimSuffix(filepath.Base(f.Path), filepath.Ext(f.Path))
	}
	limit := 0
	for _, t := range p.tasks {
		limit += max(t.Replicas, 1)
	}
	f.Managers = []Manager{{Name: name, Limit: min(max(limit, 1), MaxCount), Watch: true, Tasks: p.tasks, Pos: p.pos}}
}

// unsupported is a field spindle reads past with a warning saying what it
// does instead.
func unsupported[T any](name, instead string) field[T] {
	return field[T]{
		fieldInfo: fieldInfo{name: name},
		set: func(d *decoder, _ *fieldInfo, n ast.Node, _ *T) {
			d.warnf(n, instead, "process-compose's %s is not supported: ignored", name)
		},
	}
}

func composeProjectFields() []field[composeProject] {
	return []field[composeProject]{
		{fieldInfo: fieldInfo{name: "version"}, set: func(*decoder, *fieldInfo, ast.Node, *composeProject) {}},
		strField("name", "", func(p *composeProject) *string { return &p.name }).notEmpty().onScreen(),
		boolField("disable_env_expansion", "", func(p *composeProject) *bool { return &p.noExpand }),
		{fieldInfo: fieldInfo{name: "environment"}, set: func(d *decoder, f *fieldInfo, n ast.Node, p *composeProject) {
			p.env = d.composeEnv(n, f, vars{own: p.dotenv}, p.noExpand)
		}},
		{fieldInfo: fieldInfo{name: "ordered_shutdown"}, set: func(d *decoder, f *fieldInfo, n ast.Node, _ *composeProject) {
			if on, ok := d.boolean(n, f); ok && !on {
				d.warnf(n, "", "ordered_shutdown: false: spindle always stops dependents before what they depend on")
			}
		}},
		{fieldInfo: fieldInfo{name: "processes"}, set: func(d *decoder, _ *fieldInfo, n ast.Node, p *composeProject) {
			m, ok := d.mapping(n, "processes")
			if !ok {
				return
			}
			for _, e := range d.entries(m) {
				if !d.checkName(e.keyAt, "process", e.key) {
					continue
				}
				cp := composeProcess{task: newTask(), project: p}
				cp.task.Name, cp.task.Pos = e.key, posOf(e.keyAt)
				cp.task.Backoff = Backoff{Initial: time.Second, Max: time.Second}
				cp.task.MaxRestarts = MaxCount
				decodeObject(d, e.value, fmt.Sprintf("process %q", clip(e.key)), composeProcessFields(), &cp)
				p.tasks = append(p.tasks, cp.finish(d, e.keyAt))
			}
		}},
		unsupported[composeProject]("log_location", "output goes to spindle's log store"),
		unsupported[composeProject]("log_level", ""),
		unsupported[composeProject]("log_length", ""),
		unsupported[composeProject]("log_configuration", ""),
		unsupported[composeProject]("log_format", ""),
		unsupported[composeProject]("shell", "commands run with sh -c"),
		unsupported[composeProject]("is_strict", "spindle warns about what it does not support, and refuses what is wrong"),
		unsupported[composeProject]("vars", "Go templates in commands are not rendered"),
		unsupported[composeProject]("is_tui_disabled", "use spindle serve for no dashboard"),
		unsupported[composeProject]("extends", "write one file"),
		unsupported[composeProject]("env_cmds", "set the variables in the environment or an env_file"),
		unsupported[composeProject]("mcp_server", ""),
	}
}

func composeProcessFields() []field[composeProcess] {
	return []field[composeProcess]{
		// Read first: the variables and dir the others use.
		boolField("is_dotenv_disabled", "", func(p *composeProcess) *bool { return &p.noDotenv }),
		{fieldInfo: fieldInfo{name: "environment"}, set: func(d *decoder, f *fieldInfo, n ast.Node, p *composeProcess) {
			p.env = d.composeEnv(n, f, vars{own: p.project.dotenv}, p.project.noExpand)
		}},
		{fieldInfo: fieldInfo{name: "working_dir", nonEmpty: true}, set: func(d *decoder, f *fieldInfo, n ast.Node, p *composeProcess) {
			if s, ok := d.str(n, f); ok {
				p.task.DirRaw = p.expand(d, n, f.name, s)
			}
		}},
		{fieldInfo: fieldInfo{name: "env_file", nonEmpty: true}, set: func(d *decoder, f *fieldInfo, n ast.Node, p *composeProcess) {
			if s, ok := d.str(n, f); ok {
				p.envFile, p.envFileAt = p.expand(d, n, f.name, s), n
			}
		}},
		{fieldInfo: fieldInfo{name: "command"}, set: func(d *decoder, f *fieldInfo, n ast.Node, p *composeProcess) {
			if s, ok := d.str(n, f); ok {
				p.command = p.expand(d, n, f.name, s)
			}
		}},
		{fieldInfo: fieldInfo{name: "entrypoint", kind: kindArgv}, set: func(d *decoder, f *fieldInfo, n ast.Node, p *composeProcess) {
			if argv, ok := d.argv(n, f); ok && p.command == "" {
				p.task.Command = p.expandArgv(d, n, f.name, argv)
			}
		}},
		{fieldInfo: fieldInfo{name: "depends_on"}, set: func(d *decoder, f *fieldInfo, n ast.Node, p *composeProcess) {
			if deps, ok := d.dependsOn(n, f); ok {
				p.task.DependsOn = deps
			}
		}},
		{fieldInfo: fieldInfo{name: "availability"}, set: func(d *decoder, _ *fieldInfo, n ast.Node, p *composeProcess) {
			decodeObject(d, n, "availability", composeAvailabilityFields(), &p.task)
		}},
		{fieldInfo: fieldInfo{name: "readiness_probe"}, set: func(d *decoder, _ *fieldInfo, n ast.Node, p *composeProcess) {
			p.task.Readiness = p.probe(d, n, "readiness_probe")
		}},
		{fieldInfo: fieldInfo{name: "liveness_probe"}, set: func(d *decoder, _ *fieldInfo, n ast.Node, p *composeProcess) {
			p.task.Liveness = p.probe(d, n, "liveness_probe")
		}},
		{fieldInfo: fieldInfo{name: "ready_log_line", nonEmpty: true}, set: func(d *decoder, f *fieldInfo, n ast.Node, p *composeProcess) {
			if s, ok := d.str(n, f); ok {
				p.task.ReadyLogLine = regexp.QuoteMeta(s) // process-compose looks for the text in a line
			}
		}},
		{fieldInfo: fieldInfo{name: "shutdown"}, set: func(d *decoder, _ *fieldInfo, n ast.Node, p *composeProcess) {
			decodeObject(d, n, "shutdown", composeShutdownFields(), p)
		}},
		stored("success_exit_codes", "", kindExitCodes, (*decoder).exitCodes, func(p *composeProcess) *[]int { return &p.task.SuccessExitCodes }),
		boolField("disabled", "", func(p *composeProcess) *bool { return &p.task.Disabled }),
		{fieldInfo: fieldInfo{name: "replicas", min: 1, max: MaxReplicas}, set: func(d *decoder, f *fieldInfo, n ast.Node, p *composeProcess) {
			if v, ok := d.composeInt(n, f); ok {
				p.task.Replicas = v
			}
		}},
		{fieldInfo: fieldInfo{name: "is_daemon"}, set: func(d *decoder, f *fieldInfo, n ast.Node, _ *composeProcess) {
			if on, ok := d.boolean(n, f); ok && on {
				d.warnf(n, "run it in the foreground (most daemons have a flag for it)",
					"is_daemon: spindle supervises the process it starts; one that forks into the background and exits is seen as completed")
			}
		}},
		unsupported[composeProcess]("name", "the process is named by its key"),
		unsupported[composeProcess]("log_location", "output goes to spindle's log store"),
		unsupported[composeProcess]("log_configuration", ""),
		unsupported[composeProcess]("description", ""),
		unsupported[composeProcess]("namespace", ""),
		unsupported[composeProcess]("vars", "Go templates in commands are not rendered"),
		unsupported[composeProcess]("disable_ansi_colors", ""),
		unsupported[composeProcess]("is_foreground", ""),
		unsupported[composeProcess]("is_tty", ""),
		unsupported[composeProcess]("is_interactive", ""),
		unsupported[composeProcess]("is_elevated", ""),
		unsupported[composeProcess]("launch_timeout_seconds", ""),
		unsupported[composeProcess]("is_disabled", "use disabled: true"),
		unsupported[composeProcess]("extends", ""),
		unsupported[composeProcess]("schedule", ""),
		unsupported[composeProcess]("watch", ""),
		unsupported[composeProcess]("mcp", ""),
		unsupported[composeProcess]("truncate_log", ""),
		unsupported[composeProcess]("is_template_disabled", "templates are never rendered"),
		unsupported[composeProcess]("monitor_for", ""),
		unsupported[composeProcess]("monitor_silence_threshold", ""),
	}
}

// expand interpolates a value of the process, unless the file turns it off.
func (p *composeProcess) expand(d *decoder, n ast.Node, what, s string) string {
	if p.project.noExpand {
		return s
	}
	return d.expandAt(n, what, s, vars{own: p.project.dotenv})
}

func (p *composeProcess) expandArgv(d *decoder, n ast.Node, what string, argv []string) []string {
	if p.project.noExpand {
		return argv
	}
	return d.expandArgv(n, what, argv, vars{own: p.project.dotenv})
}

// finish puts together what the process's fields said: its command, and its
// environment from .env, the project's environment, its env_file and its
// own environment, each winning over the one before.
func (p *composeProcess) finish(d *decoder, at ast.Node) Task {
	t := p.task
	if p.command != "" {
		t.Command = []string{"sh", "-c", p.command}
	}
	if len(t.Command) == 0 {
		d.errorf(at, "add command: \"...\"", "process %q has no command", clip(t.Name))
	}
	env := map[string]string{}
	if !p.noDotenv {
		for k, v := range p.project.dotenv {
			env[k] = v
		}
	}
	for k, v := range p.project.env {
		env[k] = v
	}
	if p.envFile != "" {
		path := p.envFile
		if !filepath.IsAbs(path) && t.DirRaw != "" { // process-compose: relative to working_dir when there is one
			path = filepath.Join(t.DirRaw, path)
		}
		t.EnvFiles, env = d.readEnvFiles(p.envFileAt, []string{path}, env)
	}
	for k, v := range p.env {
		env[k] = v
	}
	if len(env) > 0 {
		t.Env = env
	}
	return t
}

// composeEnv decodes an environment list of "NAME=value" strings.
func (d *decoder) composeEnv(n ast.Node, f *fieldInfo, v vars, noExpand bool) map[string]string {
	seq, ok := d.sequence(n, f.name, `write a list such as ["PORT=8080"]`)
	if !ok || seq == nil {
		return nil
	}
	out := map[string]string{}
	for _, item := range seq.Values {
		if !d.spend(item) {
			return out
		}
		s, isScalar := d.scalar(item)
		name, value, hasEq := strings.Cut(s, "=")
		if !isScalar || !hasEq || name == "" || strings.ContainsRune(name, 0) {
			d.errorf(item, `write NAME=value, such as "PORT=8080"`, "%s entries must be NAME=value, got %s", f.name, describe(d.resolve(item)))
			continue
		}
		if !d.checkVisible(item, "environment variable name", name) {
			continue
		}
		if !noExpand {
			value = d.expandAt(item, f.name+" "+name, value, v)
		}
		out[name] = value
	}
	return out
}

// composeInt decodes a whole number, written as one or as a string that
// interpolates to one ("${WAIT_SEC}", as process-compose allows).
func (d *decoder) composeInt(n ast.Node, f *fieldInfo) (int, bool) {
	if s, ok := d.resolve(n).(*ast.StringNode); ok && strings.Contains(s.Value, "$") {
		text := d.expandAt(n, f.name, s.Value, vars{})
		var v int
		if _, err := fmt.Sscanf(strings.TrimSpace(text), "%d", &v); err != nil || fmt.Sprint(v) != strings.TrimSpace(text) {
			d.errorf(n, f.emptyHint(), "%s must be a whole number, got %q", f.name, clip(text))
			return 0, false
		}
		if v < f.min || v > f.most() {
			d.errorf(n, f.emptyHint(), "%s must be %d to %d, got %d", f.name, f.min, f.most(), v)
			return 0, false
		}
		return v, true
	}
	return d.integer(n, f)
}

// seconds decodes a whole number of seconds.
func (d *decoder) seconds(n ast.Node, f *fieldInfo) (time.Duration, bool) {
	v, ok := d.composeInt(n, f)
	return time.Duration(v) * time.Second, ok
}

// signalNumber decodes a signal given by number, as process-compose writes it.
func (d *decoder) signalNumber(n ast.Node, f *fieldInfo) (syscall.Signal, bool) {
	v, ok := d.composeInt(n, &fieldInfo{name: f.name, min: 1, max: 64})
	if !ok {
		return 0, false
	}
	for _, name := range signalNames() {
		if sig, _ := signalByName(name); int(sig) == v {
			return sig, true
		}
	}
	d.errorf(n, "accepted: "+strings.Join(signalNames(), ", ")+" (by number)", "signal %d is not a stop signal spindle sends", v)
	return 0, false
}
