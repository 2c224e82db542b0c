package spec

import (
	"fmt"
	"path/filepath"
	"reflect"
	"strings"
	"syscall"
	"testing"
	"time"
)

// loadFixture loads testdata/DIR/NAME.
func loadFixture(t *testing.T, dir, name string) *File {
	t.Helper()
	f, err := Load(filepath.Join("testdata", dir, name))
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	return f
}

// deps renders a task's dependencies as "name:condition" words.
func deps(t *Task) string {
	var out []string
	for _, d := range t.DependsOn {
		out = append(out, fmt.Sprintf("%s/%s:%s", d.Owner, d.Name, d.Condition))
	}
	return strings.Join(out, " ")
}

// TestComposeChain: a process-compose chain with every mapped field.
func TestComposeChain(t *testing.T) {
	f := loadFixture(t, "compose/chain", "process-compose.yaml")
	if f.Format != FormatProcessCompose || len(f.Managers) != 1 {
		t.Fatalf("format %q, %d managers", f.Format, len(f.Managers))
	}
	m := f.Managers[0]
	if m.Name != "stack" || m.Limit != 6 || !m.Watch {
		t.Errorf("manager %s limit %d watch %v, want stack 6 (1+1+1+3) true", m.Name, m.Limit, m.Watch)
	}
	db, migrate, api, worker := &m.Tasks[0], &m.Tasks[1], &m.Tasks[2], &m.Tasks[3]
	if want := []string{"sh", "-c", "sleep 30"}; !reflect.DeepEqual(db.Command, want) {
		t.Errorf("command %q, want %q", db.Command, want)
	}
	wantProbe := &Probe{Exec: []string{"sh", "-c", "true"}, InitialDelay: time.Second, Period: 2 * time.Second, Timeout: 3 * time.Second,
		SuccessThreshold: 1, FailureThreshold: 4, Pos: Pos{9, 7}}
	if !reflect.DeepEqual(db.Readiness, wantProbe) {
		t.Errorf("readiness %+v, want %+v", db.Readiness, wantProbe)
	}
	if want := (&Shutdown{Command: []string{"sh", "-c", "echo stopping db"}, Timeout: 7 * time.Second, Pos: Pos{17, 16}}); !reflect.DeepEqual(db.Shutdown, want) ||
		db.StopSignal != syscall.SIGINT || db.StopGrace != 7*time.Second {
		t.Errorf("shutdown %+v, signal %v, grace %v", db.Shutdown, db.StopSignal, db.StopGrace)
	}
	if got := deps(migrate); got != "stack/db:healthy" || !reflect.DeepEqual(migrate.SuccessExitCodes, []int{3}) {
		t.Errorf("migrate: deps %q, exit codes %v", got, migrate.SuccessExitCodes)
	}
	if got := deps(api); got != "stack/migrate:completed_successfully" || api.Dir != "/tmp" ||
		api.Restart != RestartOnFailure || api.Backoff != (Backoff{2 * time.Second, 2 * time.Second}) || api.MaxRestarts != 4 {
		t.Errorf("api: deps %q dir %q restart %s backoff %v max %d", got, api.Dir, api.Restart, api.Backoff, api.MaxRestarts)
	}
	if want := (&HTTPProbe{Scheme: "http", Host: "127.0.0.1", Port: 8080, Path: "/healthz", Status: 200}); !reflect.DeepEqual(api.Readiness.HTTPGet, want) {
		t.Errorf("http probe %+v", api.Readiness.HTTPGet)
	}
	if got := deps(worker); got != "stack/api:healthy" || worker.Replicas != 3 || worker.Restart != RestartAlways ||
		worker.MaxRestarts != MaxCount || worker.Command[2] != "echo worker $PC_REPLICA_NUM; sleep 30" {
		t.Errorf("worker: deps %q replicas %d restart %s max %d command %q", got, worker.Replicas, worker.Restart, worker.MaxRestarts, worker.Command)
	}
	if ws := f.Warnings(); len(ws) != 0 {
		t.Errorf("warnings: %v", ws)
	}
}

// TestComposeRhombus: completed_successfully on both sides of a rhombus, and
// a ready_log_line, which process-compose matches as text.
func TestComposeRhombus(t *testing.T) {
	m := loadFixture(t, "compose/rhombus", "process-compose.yaml").Managers[0]
	if m.Name != "process-compose" {
		t.Errorf("manager named %q, want the file's name", m.Name)
	}
	var got []string
	for i := range m.Tasks {
		got = append(got, m.Tasks[i].Name+"<"+deps(&m.Tasks[i])+">")
	}
	want := "top<> left<process-compose/top:completed_successfully> right<process-compose/top:completed_successfully> " +
		"bottom<process-compose/left:completed_successfully process-compose/right:completed_successfully> tail<process-compose/bottom:log_ready>"
	if strings.Join(got, " ") != want {
		t.Errorf("got  %s\nwant %s", strings.Join(got, " "), want)
	}
	if m.Tasks[3].ReadyLogLine != `ready \(really\)` {
		t.Errorf("ready_log_line %q", m.Tasks[3].ReadyLogLine)
	}
}

// TestComposeEnv: .env beside the file, the project's environment, env_file
// and the process's environment, each winning over the one before; .env and
// spindle's environment for interpolation; $$; an undefined variable warned.
func TestComposeEnv(t *testing.T) {
	f := loadFixture(t, "compose/env", "process-compose.yaml")
	app, plain := f.Managers[0].Tasks[0], f.Managers[0].Tasks[1]
	if got, want := app.Command[2], "echo 1.2.3 dotenv $HOME fallback"; got != want {
		t.Errorf("command %q, want %q", got, want)
	}
	want := map[string]string{"VERSION": "1.2.3", "DOT": "1", "GLOBAL": "g", "LEVEL": "process", "BACKEND": "b"}
	if !reflect.DeepEqual(app.Env, want) {
		t.Errorf("env %v, want %v", app.Env, want)
	}
	if want := map[string]string{"GLOBAL": "g", "LEVEL": "global"}; !reflect.DeepEqual(plain.Env, want) {
		t.Errorf("is_dotenv_disabled env %v, want %v", plain.Env, want)
	}
	ws := f.Warnings()
	if len(ws) != 1 || !strings.HasSuffix(ws[0].Error(), `process-compose.yaml:11:14: command: undefined variable "UNDEFINED_IN_TEST": it is empty (define it in the environment or an env_file; process-compose makes it empty too)`) {
		t.Errorf("warnings %v", ws)
	}
}

// TestComposeUnsupported: every field spindle does not support is a warning
// naming it, at its line:col; the file still loads.
func TestComposeUnsupported(t *testing.T) {
	f := loadFixture(t, "compose/unsupported", "process-compose.yaml")
	var got []string
	for _, w := range f.Warnings() {
		got = append(got, fmt.Sprintf("%d:%d %s", w.Line, w.Col, w.Msg))
	}
	want := []string{
		"1:15 process-compose's log_location is not supported: ignored",
		"2:12 process-compose's is_strict is not supported: ignored",
		"3:19 ordered_shutdown: false: spindle always stops dependents before what they depend on",
		"5:3 process-compose's vars is not supported: ignored",
		"9:16 is_daemon: spindle supervises the process it starts; one that forks into the background and exits is seen as completed",
		"10:19 process-compose's log_location is not supported: ignored",
		"11:16 process-compose's namespace is not supported: ignored",
		"12:18 process-compose's description is not supported: ignored",
		`13:5 unknown field "bogus_field" in process "svc": ignored`,
		"15:16 restart: exit_on_failure: spindle does not stop everything when one task fails; the task is not restarted",
		"16:20 exit_on_end: spindle keeps running when this task ends; quit with q",
		"18:20 process-compose's parent_only is not supported: ignored",
		"22:19 process-compose's headers is not supported: ignored",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestComposeErrors: what no process-compose file can mean is still an error.
func TestComposeErrors(t *testing.T) {
	tests := []struct{ name, src, want string }{
		{"no command", "processes:\n  a: {}\n", `pc.yaml:2:3: process "a" has no command (add command: "...")`},
		{"unknown dependency", "processes:\n  a: {command: x, depends_on: {b: {condition: process_started}}}\n",
			`pc.yaml:2:32: task "a" depends on "b", which is no task in this file (depends_on names tasks of this file: a)`},
		{"cycle", "processes:\n  a: {command: x, depends_on: {b: {}}}\n  b: {command: x, depends_on: {a: {}}}\n",
			"pc.yaml:2:32: a dependency cycle: a → b → a (remove one of these dependencies: none of them could ever start)"},
		{"bad restart", "processes:\n  a: {command: x, availability: {restart: sometimes}}\n",
			`pc.yaml:2:43: unknown restart policy "sometimes" (use one of: no, always, on_failure, exit_on_failure)`},
		{"bad environment entry", "processes:\n  a: {command: x, environment: [NOVALUE]}\n",
			`pc.yaml:2:33: environment entries must be NAME=value, got the string "NOVALUE" (write NAME=value, such as "PORT=8080")`},
		{"probe without check", "processes:\n  a: {command: x, readiness_probe: {period_seconds: 1}}\n",
			`pc.yaml:2:37: readiness_probe needs exec or http_get (add exec: {command: "..."} or http_get: {port: 8080})`},
		{"signal not a stop signal", "processes:\n  a: {command: x, shutdown: {signal: 19}}\n",
			"pc.yaml:2:38: signal 19 is not a stop signal spindle sends (accepted: SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGKILL, SIGUSR1, SIGUSR2 (by number))"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse("pc.yaml", []byte(tc.src))
			if err == nil || err.Error() != tc.want {
				t.Errorf("got  %v\nwant %s", err, tc.want)
			}
		})
	}
}

// TestProcfile: each line a task run by sh -c, .env loaded, PORT given as
// foreman does (from .env's PORT here).
func TestProcfile(t *testing.T) {
	f := loadFixture(t, "procfile/ok", "Procfile")
	if f.Format != FormatProcfile || len(f.Managers) != 1 || f.Managers[0].Name != "Procfile" || f.Managers[0].Limit != 3 {
		t.Fatalf("format %q managers %+v", f.Format, f.Managers)
	}
	var got []string
	for _, tk := range f.Managers[0].Tasks {
		got = append(got, fmt.Sprintf("%s@%s %q PORT=%s GREETING=%s", tk.Name, tk.Pos, tk.Command, tk.Env["PORT"], tk.Env["GREETING"]))
	}
	want := []string{
		`web@2:1 ["sh" "-c" "python3 -m http.server $PORT"] PORT=7000 GREETING=hello`,
		`worker@4:1 ["sh" "-c" "sh -c 'while :; do echo work; sleep 5; done'"] PORT=7100 GREETING=hello`,
		`release@5:1 ["sh" "-c" "echo \"release: done\""] PORT=7200 GREETING=hello`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestProcfileErrors: every bad line is an error at its line:col.
func TestProcfileErrors(t *testing.T) {
	_, err := Load(filepath.Join("testdata", "procfile", "bad", "Procfile"))
	p := filepath.Join("testdata", "procfile", "bad", "Procfile")
	want := p + ":2:1: a Procfile line must be name: command (write name: command; a name is letters, digits, _ and -)\n" +
		p + ":3:3: a Procfile line must not be indented (start it at the beginning of the line)\n" +
		p + ":4:8: process \"worker\" has no command (write name: command)\n" +
		p + ":5:1: duplicate process \"web\" (first at line 1) (rename one of them)"
	if err == nil || err.Error() != want {
		t.Errorf("got  %v\nwant %s", err, want)
	}
}

// TestDetect: the format comes from the content, not the name.
func TestDetect(t *testing.T) {
	tests := []struct {
		src  string
		want Format
	}{
		{"", FormatSpindle},
		{"managers: {}\n", FormatSpindle},
		{"refresh: 1s\n", FormatSpindle},
		{"bogus: 1\n", FormatSpindle},     // a mistyped spindle file, not a process running "1"
		{"k: !t\nk: !t\n", FormatSpindle}, // YAML tags
		{"x-a: &a {}\n", FormatSpindle},
		{"managerz:\n  b: {}\n", FormatSpindle},
		{"processes:\n  a:\n    command: x\n", FormatProcessCompose},
		{"version: \"0.5\"\nprocesses: {}\n", FormatProcessCompose},
		{"\ufeffweb: run web\n", FormatProcfile},
		{"# c\nweb: bundle exec rails s -p $PORT\nworker: env A=b: c\n", FormatProcfile},
		{"web: run\nnot a line\n  indented: x\n", FormatProcfile}, // bad lines are the Procfile's errors
		{"web: run\nlist:\n  - a\n", FormatSpindle},
	}
	for _, tc := range tests {
		if got := Detect([]byte(tc.src)); got != tc.want {
			t.Errorf("Detect(%q) = %s, want %s", tc.src, got, tc.want)
		}
	}
}

// TestNewReadersBounded: the size and nesting bounds of the task file hold
// for process-compose files and Procfiles too.
func TestNewReadersBounded(t *testing.T) {
	big := strings.Repeat("web: run\n", MaxFileSize/9+1)
	deep := "processes:\n  a:\n    command: " + strings.Repeat("[", 2*MaxDepth) + "\n"
	for _, tc := range []struct{ name, src, want string }{
		{"Procfile past the size", big, "larger than 256 KiB"},
		{"process-compose nested deep", deep, "nested more than 64 deep"},
		{"interpolation past the size", "processes:\n  a:\n    command: \"" + strings.Repeat("${SPINDLE_T_BIG}", 64) + "\"\n", "expands to more than 256 KiB"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("SPINDLE_T_BIG", strings.Repeat("x", 8<<10))
			_, err := Parse("h.yaml", []byte(tc.src))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want %q", err, tc.want)
			}
		})
	}
}
