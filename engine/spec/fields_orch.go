package spec

import (
	"time"

	"github.com/goccy/go-yaml/ast"

	"github.com/spindle-tui/spindle/engine"
)

// The defaults of the orchestration fields (Kubernetes' and process-compose's
// where they have one).
const (
	DefaultProbePeriod      = 10 * time.Second
	DefaultProbeTimeout     = 1 * time.Second
	DefaultSuccessThreshold = 1
	DefaultFailureThreshold = 3
	DefaultProbeHost        = "127.0.0.1"
	DefaultShutdownTimeout  = 10 * time.Second

	// MaxReplicas bounds replicas: each is a process of its own.
	MaxReplicas = 1024
)

// orchestrationFields lists a task's fields about its dependencies, health,
// shutdown and copies (see orchestration.go).
func orchestrationFields() []field[Task] {
	return []field[Task]{
		stored("depends_on", "Tasks that must reach a condition before this one starts: {db: healthy, migrate: completed_successfully}, or a list of names (started).",
			kindDependsOn, (*decoder).dependsOn, func(t *Task) *[]Dependency { return &t.DependsOn }).
			eg("depends_on: {db: healthy}"),
		objField("readiness", "A probe that says when the task is ready (the healthy condition).", kindObject, "probe",
			func(d *decoder, n ast.Node, t *Task) { t.Readiness = decodeProbe(d, n, "readiness", t.Env) }),
		objField("liveness", "A probe whose failure restarts the task under its restart policy.", kindObject, "probe",
			func(d *decoder, n ast.Node, t *Task) { t.Liveness = decodeProbe(d, n, "liveness", t.Env) }),
		stored("ready_log_line", "A Go regular expression: the first line of output it matches makes the task log_ready.",
			kindRegexp, (*decoder).regexp, func(t *Task) *string { return &t.ReadyLogLine }).
			eg(`ready_log_line: "listening on :\\d+"`),
		stored("success_exit_codes", "Exit statuses that count as success besides 0 (for completed_successfully and restart: on-failure).",
			kindExitCodes, (*decoder).exitCodes, func(t *Task) *[]int { return &t.SuccessExitCodes }).
			eg("success_exit_codes: [0, 143]"),
		objField("shutdown", "A command run when the task is stopped, before its stop signal.", kindObject, "shutdown",
			func(d *decoder, n ast.Node, t *Task) {
				s := Shutdown{Timeout: DefaultShutdownTimeout, Pos: posOf(d.resolve(n))}
				decodeObject(d, n, "shutdown", shutdownFields(t.Env), &s)
				t.Shutdown = &s
			}),
		boolField("disabled", "Declared but not started until asked (r on its row).", func(t *Task) *bool { return &t.Disabled }).dflt(false),
		intField("replicas", "How many copies run, named NAME-1..NAME-N; depends_on NAME waits for all of them.",
			func(t *Task) *int { return &t.Replicas }).atLeast(1).atMost(MaxReplicas).
			because("a task runs at least once; disabled: true declares it without starting it").dflt(1).eg("replicas: 3"),
	}
}

// envFileField is env_file, decoded before env and command so that both can
// use the variables it defines (see decodeObject's order).
func envFileField() field[Task] {
	return field[Task]{
		fieldInfo: fieldInfo{name: "env_file", kind: kindPaths, example: "env_file: .env",
			doc: "Dotenv files (a path or a list, relative to the task file's directory) whose variables are added to the task's environment; env wins over them."},
		set: func(d *decoder, f *fieldInfo, n ast.Node, t *Task) {
			paths, ok := d.paths(n, f)
			if !ok {
				return
			}
			t.EnvFiles, t.Env = d.readEnvFiles(n, paths, t.Env)
		},
	}
}

// orchestrationObjects describes the mappings the orchestration fields hold, for the schema.
func orchestrationObjects() []objectInfo {
	return []objectInfo{
		{"probe", "A health check: exactly one of exec, http_get and tcp, run every period.", info(probeFields(nil))},
		{"http_probe", "A GET request that passes with the expected status.", info(httpProbeFields())},
		{"tcp_probe", "A TCP connection that passes when it opens.", info(tcpProbeFields())},
		{"shutdown", "A command run before the stop signal.", info(shutdownFields(nil))},
	}
}

// probeFields lists a probe's fields; own is the task's env, for interpolation.
func probeFields(own map[string]string) []field[Probe] {
	return []field[Probe]{
		argvExpField("exec", "A command that passes when it exits 0; never run through a shell.", func(p *Probe) *[]string { return &p.Exec },
			func(*Probe) map[string]string { return own }).eg("exec: [pg_isready, -h, localhost]"),
		objField("http_get", "An HTTP GET that passes with the expected status.", kindObject, "http_probe",
			func(d *decoder, n ast.Node, p *Probe) {
				h := HTTPProbe{Scheme: "http", Host: DefaultProbeHost, Path: "/"}
				decodeObject(d, n, "http_get", httpProbeFields(), &h)
				p.HTTPGet = &h
			}),
		objField("tcp", "A TCP connection that passes when it opens.", kindObject, "tcp_probe",
			func(d *decoder, n ast.Node, p *Probe) {
				c := TCPProbe{Host: DefaultProbeHost}
				decodeObject(d, n, "tcp", tcpProbeFields(), &c)
				p.TCP = &c
			}),
		durField("initial_delay", "How long after the run starts the first check waits.",
			func(p *Probe) *time.Duration { return &p.InitialDelay }).dflt("0s"),
		durField("period", "The time between checks.", func(p *Probe) *time.Duration { return &p.Period }).
			atLeastDur(engine.MinCommandPollPeriod, "each check may start a process; a shorter period would take a core").
			dflt(DefaultProbePeriod.String()).eg("period: 2s"),
		durField("timeout", "How long one check may take before it counts as failed.", func(p *Probe) *time.Duration { return &p.Timeout }).
			atLeast(1).because("a check with no time to run always fails").dflt(DefaultProbeTimeout.String()),
		intField("success_threshold", "Passes in a row that make the probe pass.", func(p *Probe) *int { return &p.SuccessThreshold }).
			atLeast(1).because("one pass is the least that can show health").dflt(DefaultSuccessThreshold),
		intField("failure_threshold", "Failures in a row that make the probe fail.", func(p *Probe) *int { return &p.FailureThreshold }).
			atLeast(1).because("one failure is the least that can show a problem").dflt(DefaultFailureThreshold),
	}
}

func httpProbeFields() []field[HTTPProbe] {
	return []field[HTTPProbe]{
		stored("scheme", "http or https.", kindString, (*decoder).scheme, func(h *HTTPProbe) *string { return &h.Scheme }).dflt("http"),
		strField("host", "The host to ask.", func(h *HTTPProbe) *string { return &h.Host }).notEmpty().dflt(DefaultProbeHost),
		portField(func(h *HTTPProbe) *int { return &h.Port }),
		stored("path", "The path to GET; starts with /.", kindString, (*decoder).urlPath, func(h *HTTPProbe) *string { return &h.Path }).dflt("/"),
		intField("status", "The status that passes; leave it out for any 2xx or 3xx.", func(h *HTTPProbe) *int { return &h.Status }).
			atLeast(100).atMost(599).because("HTTP statuses are 100 to 599").eg("status: 200"),
	}
}

func tcpProbeFields() []field[TCPProbe] {
	return []field[TCPProbe]{
		strField("host", "The host to connect to.", func(c *TCPProbe) *string { return &c.Host }).notEmpty().dflt(DefaultProbeHost),
		portField(func(c *TCPProbe) *int { return &c.Port }),
	}
}

func portField[T any](ptr func(*T) *int) field[T] {
	return intField("port", "The port, 1 to 65535.", ptr).req().atLeast(1).atMost(65535).
		because("ports are 1 to 65535").eg("port: 8080")
}

// shutdownFields lists shutdown's fields; own is the task's env, for interpolation.
func shutdownFields(own map[string]string) []field[Shutdown] {
	return []field[Shutdown]{
		argvExpField("command", "The program and its arguments, run in the task's dir and environment; never through a shell.",
			func(s *Shutdown) *[]string { return &s.Command }, func(*Shutdown) map[string]string { return own }).
			req().eg("command: [pg_ctl, stop]"),
		durField("timeout", "How long the command may take; then the stop signal is sent anyway.",
			func(s *Shutdown) *time.Duration { return &s.Timeout }).atLeast(1).
			because("the command needs some time to run").dflt(DefaultShutdownTimeout.String()),
	}
}

// decodeProbe decodes a readiness or liveness probe with its defaults; what
// names it in messages. Exactly one of exec, http_get and tcp must be set.
func decodeProbe(d *decoder, n ast.Node, what string, own map[string]string) *Probe {
	p := Probe{Period: DefaultProbePeriod, Timeout: DefaultProbeTimeout,
		SuccessThreshold: DefaultSuccessThreshold, FailureThreshold: DefaultFailureThreshold,
		Pos: posOf(d.resolve(n))}
	errs := len(d.errs)
	decodeObject(d, n, what, probeFields(own), &p)
	set := 0
	for _, b := range []bool{p.Exec != nil, p.HTTPGet != nil, p.TCP != nil} {
		if b {
			set++
		}
	}
	if set != 1 && len(d.errs) == errs {
		how := "has none of them"
		if set > 1 {
			how = "has more than one"
		}
		d.errorAt(p.Pos, "for example "+what+": {tcp: {port: 5432}}", "%s needs exactly one of exec, http_get and tcp; it %s", what, how)
	}
	return &p
}
