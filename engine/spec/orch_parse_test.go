package spec

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"
)

// task wraps task lines (flow mappings, one per line) in a manager, for the
// orchestration tables: line 4 is the first task.
func tasks(lines ...string) string {
	src := "managers:\n  m:\n    tasks:\n"
	for _, l := range lines {
		src += "      - " + l + "\n"
	}
	return src
}

// TestParseOrchestration: each orchestration field, its defaults and its
// spellings reach the File.
func TestParseOrchestration(t *testing.T) {
	f := mustParse(t, "/srv/o.yaml", tasks(
		`{name: db, command: [db], readiness: {tcp: {port: 5432}}, ready_log_line: "ready to accept", shutdown: {command: [db, stop]}}`,
		`{name: migrate, command: [m], depends_on: {db: healthy}, success_exit_codes: [0, 3, 3]}`,
		`{name: api, command: [a], depends_on: {migrate: {condition: completed_successfully}, db: log_ready}, liveness: {http_get: {port: 8080, path: /healthz, status: 204}, initial_delay: 2s, period: 5s, timeout: 500ms, success_threshold: 2, failure_threshold: 5}}`,
		`{name: worker, command: [w], depends_on: [api, m/db], replicas: 3, disabled: true, readiness: {exec: [check]}}`,
	))
	ts := f.Managers[0].Tasks
	want := []struct {
		deps      []Dependency
		readiness *Probe
		liveness  *Probe
	}{
		{readiness: &Probe{TCP: &TCPProbe{Host: "127.0.0.1", Port: 5432}, Period: 10 * time.Second, Timeout: time.Second,
			SuccessThreshold: 1, FailureThreshold: 3, Pos: Pos{4, 47}}},
		{deps: []Dependency{{Name: "db", Owner: "m", Condition: ConditionHealthy, Pos: Pos{5, 52}}}},
		{deps: []Dependency{{Name: "migrate", Owner: "m", Condition: ConditionCompletedSuccessfully, Pos: Pos{6, 48}},
			{Name: "db", Owner: "m", Condition: ConditionLogReady, Pos: Pos{6, 94}}},
			liveness: &Probe{HTTPGet: &HTTPProbe{Scheme: "http", Host: "127.0.0.1", Port: 8080, Path: "/healthz", Status: 204},
				InitialDelay: 2 * time.Second, Period: 5 * time.Second, Timeout: 500 * time.Millisecond,
				SuccessThreshold: 2, FailureThreshold: 5, Pos: Pos{6, 121}}},
		{deps: []Dependency{{Name: "api", Owner: "m", Condition: ConditionStarted, Pos: Pos{7, 51}},
			{Name: "m/db", Owner: "m", Condition: ConditionStarted, Pos: Pos{7, 56}}},
			readiness: &Probe{Exec: []string{"check"}, Period: 10 * time.Second, Timeout: time.Second,
				SuccessThreshold: 1, FailureThreshold: 3, Pos: Pos{7, 104}}},
	}
	for i, w := range want {
		if !reflect.DeepEqual(ts[i].DependsOn, w.deps) {
			t.Errorf("%s depends_on = %+v, want %+v", ts[i].Name, ts[i].DependsOn, w.deps)
		}
		if !reflect.DeepEqual(ts[i].Readiness, w.readiness) {
			t.Errorf("%s readiness = %+v, want %+v", ts[i].Name, ts[i].Readiness, w.readiness)
		}
		if !reflect.DeepEqual(ts[i].Liveness, w.liveness) {
			t.Errorf("%s liveness = %+v, want %+v", ts[i].Name, ts[i].Liveness, w.liveness)
		}
	}
	if want := (&Shutdown{Command: []string{"db", "stop"}, Timeout: DefaultShutdownTimeout, Pos: Pos{4, 113}}); !reflect.DeepEqual(ts[0].Shutdown, want) {
		t.Errorf("shutdown = %+v, want %+v", ts[0].Shutdown, want)
	}
	if ts[0].ReadyLogLine != "ready to accept" || !reflect.DeepEqual(ts[1].SuccessExitCodes, []int{0, 3}) {
		t.Errorf("ready_log_line %q, success_exit_codes %v", ts[0].ReadyLogLine, ts[1].SuccessExitCodes)
	}
	if ts[3].Replicas != 3 || !ts[3].Disabled || ts[0].Replicas != 0 || ts[0].Disabled {
		t.Errorf("replicas/disabled: %d %v, %d %v", ts[3].Replicas, ts[3].Disabled, ts[0].Replicas, ts[0].Disabled)
	}
}

// TestParseOrchestrationErrors: each bad orchestration value is one error,
// rendered exactly, at its line:col.
func TestParseOrchestrationErrors(t *testing.T) {
	for _, tc := range orchBadInputs() {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse("bad.yaml", []byte(tc.src))
			var list ErrorList
			if !errors.As(err, &list) {
				t.Fatalf("error %v (%T) is not an ErrorList", err, err)
			}
			if got := err.Error(); got != tc.want {
				t.Errorf("got  %s\nwant %s", got, tc.want)
			}
		})
	}
}

// orchBadInput is a task file with one problem and its whole message.
type orchBadInput struct{ name, src, want string }

func orchBadInputs() []orchBadInput {
	return []orchBadInput{
		{"unknown dependency", tasks(`{name: db, command: [x]}`, `{name: api, command: [x], depends_on: {dbb: started}}`),
			`bad.yaml:5:48: task "api" depends on "dbb", which is no task in this file (did you mean "db"?)`},
		{"unknown dependency far from any", tasks(`{name: db, command: [x]}`, `{name: api, command: [x], depends_on: [zzzzzz]}`),
			`bad.yaml:5:48: task "api" depends on "zzzzzz", which is no task in this file (depends_on names tasks of this file: db, api)`},
		{"unknown owner", tasks(`{name: db, command: [x]}`, `{name: api, command: [x], depends_on: [n/db]}`),
			`bad.yaml:5:48: task "api" depends on "n/db", which is no task in this file (did you mean "db"?)`},
		{"self dependency", tasks(`{name: a, command: [x], depends_on: [a]}`),
			`bad.yaml:4:46: a task that depends on itself: a → a (remove one of these dependencies: none of them could ever start)`},
		{"two-cycle", tasks(`{name: a, command: [x], depends_on: [b]}`, `{name: b, command: [x], depends_on: {a: completed}}`),
			`bad.yaml:4:46: a dependency cycle: a → b → a (remove one of these dependencies: none of them could ever start)`},
		{"three-cycle reported at its first edge", tasks(`{name: c, command: [x], depends_on: [a]}`, `{name: a, command: [x], depends_on: [b]}`, `{name: b, command: [x], depends_on: [c]}`),
			`bad.yaml:4:46: a dependency cycle: c → a → b → c (remove one of these dependencies: none of them could ever start)`},
		{"healthy without readiness", tasks(`{name: db, command: [x]}`, `{name: api, command: [x], depends_on: {db: healthy}}`),
			`bad.yaml:5:48: task "api" waits for "db" to be healthy, but "db" has no readiness probe (give db a readiness probe, or wait for started)`},
		{"log_ready without ready_log_line", tasks(`{name: db, command: [x]}`, `{name: api, command: [x], depends_on: {db: log_ready}}`),
			`bad.yaml:5:48: task "api" waits for "db" to be log_ready, but "db" has no ready_log_line (give db a ready_log_line, or wait for started)`},
		{"unknown condition", tasks(`{name: db, command: [x]}`, `{name: api, command: [x], depends_on: {db: helthy}}`),
			`bad.yaml:5:52: depends_on db: unknown condition "helthy" (did you mean "healthy"?)`},
		{"condition far from any", tasks(`{name: db, command: [x]}`, `{name: api, command: [x], depends_on: {db: whenever}}`),
			`bad.yaml:5:52: depends_on db: unknown condition "whenever" (use one of: started, healthy, completed, completed_successfully, log_ready)`},
		{"process-compose condition name", tasks(`{name: db, command: [x]}`, `{name: api, command: [x], depends_on: {db: process_started}}`),
			`bad.yaml:5:52: depends_on db: "process_started" is process-compose's name for started (write started)`},
		{"condition object with another key", tasks(`{name: db, command: [x]}`, `{name: api, command: [x], depends_on: {db: {state: started}}}`),
			`bad.yaml:5:53: unknown field "state" in depends_on db (known fields: condition)`},
		{"depends_on a string", tasks(`{name: api, command: [x], depends_on: db}`),
			`bad.yaml:4:47: depends_on must be a mapping of task names to conditions, or a list of names, got the string "db" (write depends_on: {db: healthy} or depends_on: [db])`},
		{"depends_on listed twice", tasks(`{name: db, command: [x]}`, `{name: api, command: [x], depends_on: [db, db]}`),
			`bad.yaml:5:52: depends_on lists "db" twice (first at 5:48) (remove one of them)`},
		{"ambiguous name", "managers:\n  a:\n    tasks: [{name: vet, command: [x]}]\n  b:\n    tasks: [{name: vet, command: [x]}, {name: ci, command: [x], depends_on: [vet]}]\n",
			"bad.yaml:5:14: duplicate task \"vet\" (first at line 3) (task names are unique in the whole file: rename one of them)\n" +
				`bad.yaml:5:78: task "ci" depends on "vet", which names 2 tasks (write a/vet or b/vet)`},
		{"probe with none", tasks(`{name: a, command: [x], readiness: {period: 1s}}`),
			`bad.yaml:4:45: readiness needs exactly one of exec, http_get and tcp; it has none of them (for example readiness: {tcp: {port: 5432}})`},
		{"probe with two", tasks(`{name: a, command: [x], liveness: {exec: [x], tcp: {port: 1}}}`),
			`bad.yaml:4:44: liveness needs exactly one of exec, http_get and tcp; it has more than one (for example liveness: {tcp: {port: 5432}})`},
		{"probe period zero", tasks(`{name: a, command: [x], readiness: {exec: [x], period: 0s}}`),
			`bad.yaml:4:64: period must be more than 0 (use Go durations like 500ms, 2s, 1m)`},
		{"probe threshold zero", tasks(`{name: a, command: [x], readiness: {exec: [x], failure_threshold: 0}}`),
			`bad.yaml:4:75: failure_threshold must be at least 1, got 0: one failure is the least that can show a problem (leave it out for the default)`},
		{"tcp without port", tasks(`{name: a, command: [x], readiness: {tcp: {host: db}}}`),
			`bad.yaml:4:51: tcp has no port (add port: 8080)`},
		{"port out of range", tasks(`{name: a, command: [x], readiness: {tcp: {port: 70000}}}`),
			`bad.yaml:4:57: port must be at most 65535, got 70000 (for example port: 8080)`},
		{"http scheme", tasks(`{name: a, command: [x], readiness: {http_get: {port: 1, scheme: ftp}}}`),
			`bad.yaml:4:73: unknown scheme "ftp" for scheme (use http or https)`},
		{"http path", tasks(`{name: a, command: [x], readiness: {http_get: {port: 1, path: healthz}}}`),
			`bad.yaml:4:71: path must start with /, got "healthz" (for example path: /healthz)`},
		{"http status", tasks(`{name: a, command: [x], readiness: {http_get: {port: 1, status: 42}}}`),
			`bad.yaml:4:73: status must be at least 100, got 42: HTTP statuses are 100 to 599 (for example status: 200)`},
		{"bad regexp", tasks(`{name: a, command: [x], ready_log_line: "up ("}`),
			"bad.yaml:4:49: ready_log_line: error parsing regexp: missing closing ): `up (` (it is a Go regular expression (RE2): https://pkg.go.dev/regexp/syntax)"},
		{"empty regexp", tasks(`{name: a, command: [x], ready_log_line: ""}`),
			`bad.yaml:4:49: ready_log_line must not be empty: it would match every line (leave it out to not wait for a line)`},
		{"exit code out of range", tasks(`{name: a, command: [x], success_exit_codes: [0, 256]}`),
			`bad.yaml:4:57: success_exit_codes entries must be at most 255, got 256 (for example [0, 143])`},
		{"exit codes not a list", tasks(`{name: a, command: [x], success_exit_codes: 3}`),
			`bad.yaml:4:53: success_exit_codes must be a list, got the number 3 (write a list such as [0, 143])`},
		{"shutdown without command", tasks(`{name: a, command: [x], shutdown: {timeout: 1s}}`),
			`bad.yaml:4:44: shutdown has no command (add command: [pg_ctl, stop])`},
		{"replicas zero", tasks(`{name: a, command: [x], replicas: 0}`),
			`bad.yaml:4:43: replicas must be at least 1, got 0: a task runs at least once; disabled: true declares it without starting it (for example replicas: 3)`},
		{"replicas huge", tasks(`{name: a, command: [x], replicas: 5000}`),
			`bad.yaml:4:43: replicas must be at most 1024, got 5000 (for example replicas: 3)`},
		{"replica name taken", tasks(`{name: web, command: [x], replicas: 2}`, `{name: web-2, command: [x]}`),
			`bad.yaml:5:10: task "web-2" has the name of replica 2 of "web" (line 4) (rename it, or lower web's replicas)`},
		{"disabled yes", tasks(`{name: a, command: [x], disabled: yes}`),
			`bad.yaml:4:43: disabled must be true or false, got the string "yes" (write true or false, unquoted)`},
		{"env_file missing", tasks(`{name: a, command: [x], env_file: /nonexistent/.env}`),
			`bad.yaml:4:43: env_file /nonexistent/.env: no such file or directory`},
		{"env_file empty", tasks(`{name: a, command: [x], env_file: ""}`),
			`bad.yaml:4:43: env_file must not be empty (for example env_file: .env)`},
		{"undefined variable", tasks(`{name: a, command: [echo, "${SPINDLE_TEST_UNDEFINED}"]}`),
			`bad.yaml:4:35: command[1]: undefined variable "SPINDLE_TEST_UNDEFINED" (define it in the environment, env or an env_file, or write $$ for a literal $)`},
		{"undefined bare variable in env", tasks(`{name: a, command: [x], env: {A: "$SPINDLE_TEST_UNDEFINED/x"}}`),
			`bad.yaml:4:42: env A: undefined variable "SPINDLE_TEST_UNDEFINED" (define it in the environment, env or an env_file, or write $$ for a literal $)`},
		{"unclosed brace", tasks(`{name: a, command: [x], dir: "${HOME"}`),
			`bad.yaml:4:38: dir: unclosed ${ at character 1 (write $$ for a literal $)`},
		{"unsupported operator", tasks(`{name: a, command: ["${HOME:?no home}"]}`),
			`bad.yaml:4:29: command[0]: ${HOME:?no home} is not supported: write ${NAME}, ${NAME:-default} or ${NAME-default} (write $$ for a literal $)`},
		{"dir is a file", tasks(`{name: a, command: [x], dir: /dev/null}`),
			`bad.yaml:4:10: task "a": dir /dev/null is not a directory (dir names a directory)`},
	}
}

// TestInterpolation: ${VAR}, $VAR, defaults, $$ and what is left alone, with
// env_file, env and spindle's environment in their order of precedence.
func TestInterpolation(t *testing.T) {
	t.Setenv("SPINDLE_T_HOME", "/home/u")
	t.Setenv("SPINDLE_T_PORT", "1") // env_file and env win over the environment
	t.Setenv("SPINDLE_T_EMPTY", "")
	dir := t.TempDir()
	write(t, filepath.Join(dir, "base.env"), "SPINDLE_T_PORT=2\nFROM_FILE=file\nLATER=base\n")
	write(t, filepath.Join(dir, "local.env"), "LATER=local\n")
	f := mustParse(t, filepath.Join(dir, "i.yaml"), tasks(
		`{name: a, env_file: [base.env, local.env], env: {URL: "http://h:${SPINDLE_T_PORT}/", OWN: own}, dir: "$SPINDLE_T_HOME/src",`+
			` command: [sh, -c, "echo $SPINDLE_T_PORT $OWN $FROM_FILE $LATER ${SPINDLE_T_NONE:-dflt} ${SPINDLE_T_EMPTY:-e} ${SPINDLE_T_EMPTY-e} $$HOME $(date) $1 cost:$ 5"]}`,
		`{name: b, command: [x, "${SPINDLE_T_PORT}"], env: {SPINDLE_T_PORT: "3"}}`,
	))
	a, b := f.Managers[0].Tasks[0], f.Managers[0].Tasks[1]
	if want := "echo 2 own file local dflt e  $HOME $(date) $1 cost:$ 5"; a.Command[2] != want {
		t.Errorf("command = %q, want %q", a.Command[2], want)
	}
	wantEnv := map[string]string{"SPINDLE_T_PORT": "2", "FROM_FILE": "file", "LATER": "local", "URL": "http://h:2/", "OWN": "own"}
	if !reflect.DeepEqual(a.Env, wantEnv) {
		t.Errorf("env = %v, want %v", a.Env, wantEnv)
	}
	if a.Dir != "/home/u/src" || a.DirRaw != "/home/u/src" {
		t.Errorf("dir = %q (%q)", a.Dir, a.DirRaw)
	}
	if want := []string{filepath.Join(dir, "base.env"), filepath.Join(dir, "local.env")}; !reflect.DeepEqual(a.EnvFiles, want) {
		t.Errorf("env files = %v, want %v", a.EnvFiles, want)
	}
	if b.Command[1] != "3" {
		t.Errorf("a task's env wins over spindle's environment: got %q", b.Command[1])
	}
}

// TestEnvFileErrors: a bad env file is an error at its own file:line:col,
// reported once however many tasks read it.
func TestEnvFileErrors(t *testing.T) {
	dir := t.TempDir()
	env := filepath.Join(dir, ".env")
	write(t, env, "# ok\nGOOD=1\nno equals here\n1BAD=x\nQ=\"open\nR='a' b\n")
	_, err := Parse(filepath.Join(dir, "e.yaml"), []byte(tasks(`{name: a, command: [x], env_file: .env}`, `{name: b, command: [x], env_file: .env}`)))
	want := env + ":3:1: a line must be NAME=value (write NAME=value)\n" +
		env + ":4:1: bad variable name \"1BAD\" (names are letters, digits, _ and ., not starting with a digit)\n" +
		env + ":5:3: unterminated quoted value (close it with \")"
	if err == nil || err.Error() != want {
		t.Errorf("got  %v\nwant %s", err, want)
	}
}

// TestDotenv: the dotenv syntax.
func TestDotenv(t *testing.T) {
	got, err := parseDotenv("x.env", []byte("\ufeff# c\n\nA=1\n export B = two words # note\nC=\"x\\ny \\\"q\\\" \\$D\"\nD='${raw} \\n'\nE=\nF=a#b\nG=\"multi\nline\" # c\nA=again\r\n"))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"A": "again", "B": "two words", "C": "x\ny \"q\" $D", "D": "${raw} \\n", "E": "", "F": "a#b", "G": "multi\nline"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got  %q\nwant %q", got, want)
	}
	big := make([]byte, MaxFileSize+1)
	for i := range big {
		big[i] = '#'
	}
	if _, err := parseDotenv("big.env", big); err == nil || err.Error() != "big.env:1:262145: the env file is larger than 256 KiB" {
		t.Errorf("a large env file: %v", err)
	}
}

// TestMissingDirWarns: a dir that does not exist is a warning, not an error.
func TestMissingDirWarns(t *testing.T) {
	f := mustParse(t, "/nonexistent/w.yaml", tasks(`{name: a, command: [x], dir: sub}`))
	ws := f.Warnings()
	if len(ws) != 1 || ws[0].Error() != `/nonexistent/w.yaml:4:10: task "a": dir sub does not exist (create it, or have a task it depends on create it; the task fails to start while it is missing)` {
		t.Errorf("warnings = %v", ws)
	}
}

func write(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}
