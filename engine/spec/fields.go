package spec

import (
	"syscall"
	"time"

	"github.com/goccy/go-yaml/ast"

	"github.com/spindle-tui/spindle/engine"
)

// valueKind is the shape of a field's value. One table of fields per object
// drives both the parser and the JSON Schema, so the two cannot drift apart.
type valueKind uint8

const (
	kindString   valueKind = iota
	kindBool               // true | false
	kindInt                // a whole number, at least fieldInfo.min
	kindDuration           // a Go duration; more than 0 when fieldInfo.min is 1
	kindSignal             // a stop signal name
	kindRestart            // a RestartPolicy
	kindArgv               // a non-empty list of strings
	kindEnv                // a mapping of names to strings
	kindObject             // a mapping described by objects()[ref]
	kindList               // a list of objects()[ref]
	kindNamedMap           // a mapping of names to objects()[ref]

	// Orchestration kinds (fields_orch.go).
	kindDependsOn // a mapping of task names to conditions, or a list of names
	kindExitCodes // a list of exit statuses, 0 to 255
	kindPaths     // a path or a list of paths
	kindRegexp    // a Go regular expression
	kindAddrs     // a non-empty list of distinct engine addresses (fleet.go)
)

// fieldInfo describes one field of an object in the task file.
type fieldInfo struct {
	name     string
	doc      string
	kind     valueKind
	min      int           // kindInt: least value; kindDuration: 1 when it must be more than 0
	max      int           // kindInt: greatest value; 0 means MaxCount
	floor    time.Duration // kindDuration: the least value (with min 1), floorWhy the reason
	floorWhy string
	ref      string // kindObject, kindList, kindNamedMap: the object's name
	required bool
	unless   string // with required: not required when this other field is given
	nonEmpty bool   // kindString: "" is an error
	shown    bool   // kindString: shown in the dashboard, so visible characters only (checkVisible)
	example  string
	why      string // why a value below min is refused, for its message
	def      any    // the default, shown in the schema; nil when there is none
}

// reason returns ": why" for a message, or "".
func (f *fieldInfo) reason() string {
	if f.why == "" {
		return ""
	}
	return ": " + f.why
}

// emptyHint is the hint for a value out of range or empty.
func (f *fieldInfo) emptyHint() string {
	if f.example != "" {
		return "for example " + f.example
	}
	return "leave it out for the default"
}

// exampleHint is the hint for a value of the wrong type.
func (f *fieldInfo) exampleHint() string {
	if f.example != "" {
		return "for example " + f.example
	}
	return ""
}

// field is a fieldInfo plus how to store its value into a T.
type field[T any] struct {
	fieldInfo
	set func(d *decoder, f *fieldInfo, n ast.Node, dst *T)
}

func (f field[T]) req() field[T]                   { f.required = true; return f }
func (f field[T]) reqUnless(other string) field[T] { f.required, f.unless = true, other; return f }
func (f field[T]) atLeast(n int) field[T]          { f.min = n; return f }
func (f field[T]) atMost(n int) field[T]           { f.max = n; return f }
func (f field[T]) eg(example string) field[T]      { f.example = example; return f }
func (f field[T]) dflt(v any) field[T]             { f.def = v; return f }
func (f field[T]) notEmpty() field[T]              { f.nonEmpty = true; return f }
func (f field[T]) because(why string) field[T]     { f.why = why; return f }
func (f field[T]) onScreen() field[T]              { f.shown = true; return f }

// atLeastDur makes a duration at least d (and so more than 0); why says, in
// the error, what a shorter one would cost.
func (f field[T]) atLeastDur(d time.Duration, why string) field[T] {
	f.min, f.floor, f.floorWhy = 1, d, why
	return f
}
func info[T any](fs []field[T]) (out []fieldInfo) {
	return mapSlice(fs, func(f field[T]) fieldInfo { return f.fieldInfo })
}

func mapSlice[A, B any](in []A, fn func(A) B) []B {
	out := make([]B, len(in))
	for i, v := range in {
		out[i] = fn(v)
	}
	return out
}

// stored builds a field whose decoded value is stored through ptr.
func stored[T, V any](name, doc string, kind valueKind, dec func(*decoder, ast.Node, *fieldInfo) (V, bool), ptr func(*T) *V) field[T] {
	return field[T]{
		fieldInfo: fieldInfo{name: name, doc: doc, kind: kind},
		set: func(d *decoder, f *fieldInfo, n ast.Node, dst *T) {
			if v, ok := dec(d, n, f); ok {
				*ptr(dst) = v
			}
		},
	}
}

func strField[T any](name, doc string, ptr func(*T) *string) field[T] {
	return stored(name, doc, kindString, (*decoder).str, ptr)
}
func boolField[T any](name, doc string, ptr func(*T) *bool) field[T] {
	return stored(name, doc, kindBool, (*decoder).boolean, ptr)
}
func intField[T any](name, doc string, ptr func(*T) *int) field[T] {
	return stored(name, doc, kindInt, (*decoder).integer, ptr)
}
func durField[T any](name, doc string, ptr func(*T) *time.Duration) field[T] {
	return stored(name, doc, kindDuration, (*decoder).duration, ptr)
}
func argvField[T any](name, doc string, ptr func(*T) *[]string) field[T] {
	return stored(name, doc, kindArgv, (*decoder).argv, ptr)
}
func envField[T any](name, doc string, ptr func(*T) *map[string]string) field[T] {
	return stored(name, doc, kindEnv, (*decoder).env, ptr)
}

// objField builds a field whose value is a mapping, a list or a named map of
// the object ref, decoded by set.
func objField[T any](name, doc string, kind valueKind, ref string, set func(d *decoder, n ast.Node, dst *T)) field[T] {
	return field[T]{
		fieldInfo: fieldInfo{name: name, doc: doc, kind: kind, ref: ref},
		set:       func(d *decoder, _ *fieldInfo, n ast.Node, dst *T) { set(d, n, dst) },
	}
}

// objectInfo describes one kind of mapping in the task file, for the schema.
type objectInfo struct {
	name   string
	doc    string
	fields []fieldInfo
}

// objects lists every kind of mapping the parser accepts; the file itself is first.
func objects() []objectInfo {
	return append([]objectInfo{
		{"file", "A spindle task file: managers, pools and pollers to supervise.", info(fileFields())},
		{"manager", "A limit and a queue of tasks.", info(managerFields())},
		{"pool", "A namespace of workers that takes tasks of one type.", info(poolFields())},
		{"task", "A command a manager runs.", info(taskFields(false))},
		{"pool_task", "A command a pool runs.", info(taskFields(true))},
		{"backoff", "The delay between restarts: initial, doubling up to max.", info(backoffFields())},
		{"backend", "A distributed pool's queue: a Redis server and a queue on it.", info(backendFields())},
		{"poller", "A command run periodically; the last line of its output is its value.", info(pollerFields())},
	}, append(orchestrationObjects(), logsObjects()...)...) // logs.go: the logs block
}

func fileFields() []field[File] {
	return []field[File]{
		durField("refresh", "How often the dashboard is refreshed.", func(f *File) *time.Duration { return &f.Refresh }).
			atLeastDur(engine.MinRefresh, "no dashboard draws snapshots that often, so a shorter refresh only costs CPU").
			dflt(DefaultRefresh.String()).eg("refresh: 100ms"),
		objField("managers", "Queues of tasks, each with a limit, by name; {} to declare none on purpose.", kindNamedMap, "manager",
			func(d *decoder, n ast.Node, f *File) {
				f.Managers = decodeNamed(d, n, "manager", newManager, managerFields())
				f.EmptyOnPurpose = f.EmptyOnPurpose || emptyMapping(n)
			}),
		objField("pools", "Worker pools with task-type protection, by name.", kindNamedMap, "pool",
			func(d *decoder, n ast.Node, f *File) {
				f.Pools = decodeNamed(d, n, "pool", newPool, poolFields())
				f.EmptyOnPurpose = f.EmptyOnPurpose || emptyMapping(n)
			}),
		objField("pollers", "Commands run periodically, by name.", kindNamedMap, "poller",
			func(d *decoder, n ast.Node, f *File) {
				f.Pollers = decodeNamed(d, n, "poller", newPoller, pollerFields())
				f.EmptyOnPurpose = f.EmptyOnPurpose || emptyMapping(n)
			}),
		logsField(),  // logs.go
		fleetField(), // fleet.go
	}
}

func managerFields() []field[Manager] {
	return []field[Manager]{
		intField("limit", "How many tasks run at once.", func(m *Manager) *int { return &m.Limit }).
			atLeast(1).because("a manager with limit 0 would never start a task").
			dflt(DefaultLimit).eg("limit: 2"),
		boolField("watch", "Keep starting queued tasks as slots free.", func(m *Manager) *bool { return &m.Watch }).dflt(true),
		objField("tasks", "The tasks, queued in this order.", kindList, "task",
			func(d *decoder, n ast.Node, m *Manager) { m.Tasks = decodeTasks(d, n, taskFields(false)) }),
	}
}

func poolFields() []field[Pool] {
	return []field[Pool]{
		intField("max_workers", "How many tasks run at once.", func(p *Pool) *int { return &p.MaxWorkers }).
			atLeast(1).because("a pool with no workers would never run a task").
			dflt(DefaultMaxWorkers).eg("max_workers: 4"),
		strField("task_type", "The only task type the pool accepts; defaults to the pool's name.",
			func(p *Pool) *string { return &p.TaskType }).notEmpty().onScreen().eg("task_type: io"),
		boolField("daemon", "Halt the pool's work on exit instead of waiting for it.", func(p *Pool) *bool { return &p.Daemon }).dflt(false),
		objField("backend", "Where the pool's queue lives when several engines share it: {redis: host:port, queue: name}.", kindObject, "backend",
			decodeBackend), // backend.go; before tasks, which it restricts
		objField("tasks", "The tasks submitted to the pool, in this order; with a backend, the tasks spindle enqueue can put on its queue.", kindList, "pool_task",
			func(d *decoder, n ast.Node, p *Pool) {
				p.Tasks = decodeTasks(d, n, taskFields(true))
				checkDistributedTasks(d, n, p)
			}),
	}
}

// taskFields lists a task's fields; only pool tasks have a type.
func taskFields(pool bool) []field[Task] {
	fs := []field[Task]{
		{
			fieldInfo: fieldInfo{name: "name", doc: "The task's name, unique in the file.", kind: kindString,
				required: true, nonEmpty: true, example: "name: web"},
			set: func(d *decoder, f *fieldInfo, n ast.Node, t *Task) {
				if v, ok := d.str(n, f); ok && d.checkName(n, "task", v) {
					t.Name = v
				}
			},
		},
		// env_file, env, command, dir: in this order, each sees the variables of those before it.
		envFileField(),
		envExpField("env", "Environment variables added to spindle's own; ${VAR} in them is interpolated.", func(t *Task) *map[string]string { return &t.Env }).
			eg("env: {PORT: \"8080\"}"),
		argvExpField("command", "The program and its arguments; never run through a shell; ${VAR} and $VAR are interpolated, $$ is a $.",
			func(t *Task) *[]string { return &t.Command }, taskEnv).
			req().eg(`command: [sh, -c, "echo hi; sleep 5"]`),
		strExpField("dir", "The working directory; relative to the task file's directory.", func(t *Task) *string { return &t.DirRaw }, taskEnv).
			notEmpty().eg("dir: ./web"),
	}
	if pool {
		fs = append(fs, strField("type", "The task type; must be the pool's task_type (the default).",
			func(t *Task) *string { return &t.Type }).notEmpty().onScreen().eg("type: io"))
	} else {
		fs = append(fs, scheduleFields("the task runs at those times, restarted each time, instead of once", // schedule.go
			func(t *Task) (*string, *Pos) { return &t.Schedule, &t.SchedulePos }, func(t *Task) *string { return &t.Timezone })...)
	}
	fs = append(fs,
		stored("restart", "When the process is started again after it ends.", kindRestart, (*decoder).restart,
			func(t *Task) *RestartPolicy { return &t.Restart }).dflt(string(RestartNever)),
		objField("backoff", "The delay between restarts.", kindObject, "backoff",
			func(d *decoder, n ast.Node, t *Task) { decodeObject(d, n, "backoff", backoffFields(), &t.Backoff) }),
		intField("max_restarts", "Restarts allowed within restart_window before the task is fatal; 0: none, the first end the policy would restart is fatal.",
			func(t *Task) *int { return &t.MaxRestarts }).dflt(DefaultMaxRestarts).eg("max_restarts: 5"),
		durField("restart_window", "The window max_restarts counts over.", func(t *Task) *time.Duration { return &t.RestartWindow }).
			atLeast(1).because("max_restarts counts the restarts within it").dflt(DefaultRestartWindow.String()),
		stored("stop_signal", "The signal sent on halt.", kindSignal, (*decoder).signal,
			func(t *Task) *syscall.Signal { return &t.StopSignal }).dflt("SIGTERM"),
		durField("stop_grace", "How long a halted process has before SIGKILL; 0s: SIGKILL right after the stop signal.",
			func(t *Task) *time.Duration { return &t.StopGrace }).dflt(DefaultStopGrace.String()),
	)
	return append(fs, orchestrationFields()...)
}

func backoffFields() []field[Backoff] {
	return []field[Backoff]{
		durField("initial", "The first delay; 0s: restart at once, every time (max_restarts still applies).",
			func(b *Backoff) *time.Duration { return &b.Initial }).dflt(DefaultBackoffInit.String()),
		durField("max", "The longest delay.", func(b *Backoff) *time.Duration { return &b.Max }).
			dflt(DefaultBackoffMax.String()),
	}
}

func pollerFields() []field[Poller] {
	return append([]field[Poller]{
		durField("period", "How often the command runs; or give a schedule.", func(p *Poller) *time.Duration { return &p.Period }).
			atLeastDur(engine.MinCommandPollPeriod, "each run starts a process; a shorter period would take a core").
			reqUnless("schedule").eg("period: 2s"),
		durField("min_wait", "The least pause before the next start after a run that overran its period.",
			func(p *Poller) *time.Duration { return &p.MinWait }).dflt("0s"),
		durField("timeout", "How long a run may take; 0 for no limit.", func(p *Poller) *time.Duration { return &p.Timeout }).dflt("0s"),
		intField("concurrency", "How many runs may overlap.", func(p *Poller) *int { return &p.Concurrency }).
			atLeast(1).because("a poller with concurrency 0 would never run").dflt(DefaultConcurrency),
		envExpField("env", "Environment variables added to spindle's own; ${VAR} in them is interpolated.", func(p *Poller) *map[string]string { return &p.Env }),
		argvExpField("command", "The program and its arguments; the last line it prints is the value; ${VAR} and $VAR are interpolated, $$ is a $.",
			func(p *Poller) *[]string { return &p.Command }, pollerEnv).req().eg("command: [cat, /proc/loadavg]"),
		strExpField("dir", "The working directory; relative to the task file's directory.", func(p *Poller) *string { return &p.DirRaw }, pollerEnv).
			notEmpty().eg("dir: ./web"),
	}, scheduleFields("the command runs at those times instead of every period", // schedule.go
		func(p *Poller) (*string, *Pos) { return &p.Schedule, &p.SchedulePos }, func(p *Poller) *string { return &p.Timezone })...)
}

// most is the greatest value of a kindInt field.
func (f *fieldInfo) most() int {
	if f.max > 0 {
		return f.max
	}
	return MaxCount
}
