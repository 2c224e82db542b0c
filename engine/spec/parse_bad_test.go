package spec

import (
	"errors"
	"strings"
	"testing"
)

// badInput is a task file with exactly one problem, where it is, and what the
// message and hint say about it.
type badInput struct {
	name      string
	src       string
	line, col int
	msg       string // a substring of Error.Msg
	hint      string // a substring of Error.Hint
}

func badInputs() []badInput {
	return []badInput{
		{"backend without queue", "pools:\n  io:\n    backend: {redis: 127.0.0.1:6379}\n", 3, 15, "backend has no queue", "add queue: builds"},
		{"backend without redis", "pools:\n  io:\n    backend: {queue: io}\n", 3, 15, "backend has no redis", "add redis: 127.0.0.1:6379"},
		{"backend address without port", "pools:\n  io:\n    backend: {redis: localhost, queue: io}\n", 3, 22, `bad redis address "localhost": not host:port`, "host:port"},
		{"backend port out of range", "pools:\n  io:\n    backend: {redis: \"h:70000\", queue: io}\n", 3, 22, "the port must be a number from 1 to 65535", ""},
		{"backend unknown field", "pools:\n  io:\n    backend: {redis: h:1, queue: io, db: 2}\n", 3, 38, `unknown field "db" in backend`, ""},
		{"backend pool task with restart", "pools:\n  io:\n    backend: {redis: h:1, queue: io}\n    tasks:\n      - {name: a, command: [x], restart: always}\n",
			5, 33, `restart is not supported in pool "io", which has a backend`, "command, env and dir"},
		{"backend pool task with readiness", "pools:\n  io:\n    backend: {redis: h:1, queue: io}\n    tasks:\n      - name: a\n        command: [x]\n        readiness: {exec: [true]}\n",
			7, 9, `readiness is not supported in pool "io"`, ""},
		{"yaml syntax", "managers: [\n", 1, 11, "YAML: sequence end token", ""},
		{"two documents", "refresh: 1s\n---\nrefresh: 2s\n", 3, 1, "one YAML document", "remove the ---"},
		{"top level not a mapping", "- a\n- b\n", 1, 1, "must be a mapping", ""},
		{"unknown top field", "refresh: 1s\nmanagerz: {}\n", 2, 1, `unknown field "managerz"`, `did you mean "managers"?`},
		{"unknown field far from any", "zzzzzzzzzzzzz: 1\n", 1, 1, `unknown field "zzzzzzzzzzzzz"`, "known fields: refresh, managers, pools, pollers"},
		{"unknown task field", "managers:\n  b:\n    tasks:\n      - name: vet\n        command: [go]\n        max_restart: 3\n",
			6, 9, `unknown field "max_restart" in task`, `did you mean "max_restarts"?`},
		{"type on a manager task", "managers:\n  b:\n    tasks:\n      - {name: vet, command: [go], type: io}\n",
			4, 36, `unknown field "type" in task`, "known fields"},
		{"bad duration", "refresh: 5\n", 1, 10, `bad duration "5" for refresh`, "use Go durations like 500ms, 2s, 1m"},
		{"duration words", "pollers:\n  p: {period: soon, command: [x]}\n", 2, 15, `bad duration "soon" for period`, "500ms"},
		{"duration as list", "refresh: [1s]\n", 1, 10, "refresh must be a duration, got a list", "500ms"},
		{"zero period", "pollers:\n  p: {period: 0s, command: [x]}\n", 2, 15, "period must be more than 0", ""},
		{"negative timeout", "pollers:\n  p: {period: 1s, timeout: -1s, command: [x]}\n", 2, 28, "timeout must not be negative", ""},
		{"zero refresh", "refresh: 0\n", 1, 10, "refresh must be more than 0", ""},
		{"refresh below the floor", "refresh: 1ns\n", 1, 10, "refresh must be at least 10ms, got 1ns: no dashboard draws snapshots that often", "refresh: 100ms"},
		{"period below the floor", "pollers:\n  p: {period: 1ns, command: [x]}\n", 2, 15,
			"period must be at least 10ms, got 1ns: each run starts a process", "period: 2s"},
		{"period just below the floor", "pollers:\n  p: {period: 9.9ms, command: [x]}\n", 2, 15, "period must be at least 10ms, got 9.9ms", ""},
		{"missing period", "pollers:\n  disk:\n    command: [df]\n", 3, 5, `poller "disk" has no period`, "add period: 2s"},
		{"bad signal", "managers:\n  b:\n    tasks:\n      - {name: a, command: [x], stop_signal: SIGFOO}\n",
			4, 46, `unknown signal "SIGFOO" for stop_signal`, "accepted: SIGTERM, SIGINT"},
		{"signal number", "managers:\n  b:\n    tasks:\n      - {name: a, command: [x], stop_signal: 15}\n",
			4, 46, `unknown signal "15"`, "SIGTERM"},
		{"restart policy", "managers:\n  b:\n    tasks:\n      - {name: a, command: [x], restart: sometimes}\n",
			4, 42, `unknown restart policy "sometimes"`, "never, on-failure, always"},
		{"pool task restart policy", "pools:\n  io:\n    tasks:\n      - {name: a, command: [x], restart: sometimes}\n",
			4, 42, `unknown restart policy "sometimes"`, "never, on-failure, always"},
		{"pool task backoff", "pools:\n  io:\n    tasks:\n      - {name: a, command: [x], backoff: {initial: soon}}\n",
			4, 52, `bad duration "soon" for initial`, "500ms"},
		{"duplicate task", "managers:\n  a:\n    tasks:\n      - {name: vet, command: [x]}\n  b:\n    tasks:\n      - {name: vet, command: [y]}\n",
			7, 10, `duplicate task "vet" (first at line 4)`, "unique"},
		{"duplicate task across pool", "managers:\n  a:\n    tasks: [{name: vet, command: [x]}]\npools:\n  io:\n    tasks: [{name: vet, command: [y]}]\n",
			6, 14, `duplicate task "vet" (first at line 3)`, ""},
		{"manager and pool share a name", "managers:\n  io: {}\npools:\n  io: {}\n", 4, 3, `duplicate name "io" (first at line 2, a manager)`, "namespace"},
		{"poller and pool share a name", "pools:\n  disk: {}\npollers:\n  disk: {period: 1s, command: [df]}\n", 4, 3, `duplicate name "disk" (first at line 2, a pool)`, ""},
		{"duplicate key", "refresh: 1s\nrefresh: 2s\n", 2, 1, `duplicate key "refresh" (first at line 1)`, ""},
		{"missing command", "managers:\n  b:\n    tasks:\n      - name: vet\n", 4, 9, "task has no command", "add command:"},
		{"empty command", "managers:\n  b:\n    tasks:\n      - {name: vet, command: []}\n", 4, 30, "command is empty", "[sh, -c"},
		{"null command", "managers:\n  b:\n    tasks:\n      - {name: vet, command: }\n", 4, 29, "command is empty", ""},
		{"command as a string", "managers:\n  b:\n    tasks:\n      - {name: vet, command: go vet}\n", 4, 30, "command must be a list (argv)", "[sh, -c"},
		{"empty program", "managers:\n  b:\n    tasks:\n      - {name: vet, command: [\"\", x]}\n", 4, 31, "empty program name", ""},
		{"null in argv", "managers:\n  b:\n    tasks:\n      - {name: vet, command: [go, ~]}\n", 4, 35, "command[1] must be a string, got null", ""},
		{"missing name", "managers:\n  b:\n    tasks:\n      - command: [x]\n", 4, 9, "task has no name", "add name:"},
		{"fleet not a list", "fleet: /run/a.sock\n", 1, 8, "fleet must be a list of addresses, got the string", "[/run/user/1000/spindle/api.sock"},
		{"fleet empty", "fleet: []\n", 1, 8, "fleet is empty", "a list of addresses"},
		{"fleet bad address", "fleet:\n  - /run/a.sock\n  - api\n", 3, 5, `fleet[1] "api": not a socket path (it has no /), unix:/path or host:port`, ""},
		{"fleet bad port", "fleet: [\"127.0.0.1:http\"]\n", 1, 9, `fleet[0] "127.0.0.1:http": bad port "http"`, ""},
		{"fleet duplicate", "fleet:\n  - 127.0.0.1:7070\n  - 127.0.0.1:7070\n", 3, 5, `fleet[1] "127.0.0.1:7070" is already listed at line 2`, "once"},
		{"empty name", "managers:\n  b:\n    tasks:\n      - {name: \"\", command: [x]}\n", 4, 16, "name must not be empty", ""},
		{"name with newline", "managers:\n  b:\n    tasks:\n      - {name: \"a\\nb\", command: [x]}\n", 4, 16, "holds U+000A, a control character", ""},
		{"limit zero", "managers:\n  b:\n    limit: 0\n", 3, 12, "limit must be at least 1, got 0", "limit: 2"},
		{"limit a word", "managers:\n  b:\n    limit: two\n", 3, 12, `limit must be a whole number, got the string "two"`, ""},
		{"limit huge", "managers:\n  b:\n    limit: 10000000\n", 3, 12, "limit must be at most 65536", ""},
		{"max_workers negative", "pools:\n  io:\n    max_workers: -1\n", 3, 18, "max_workers must be at least 1, got -1", ""},
		{"concurrency zero", "pollers:\n  p: {period: 1s, concurrency: 0, command: [x]}\n", 2, 32, "concurrency must be at least 1", ""},
		{"max_restarts negative", "managers:\n  b:\n    tasks:\n      - {name: a, command: [x], max_restarts: -1}\n", 4, 47, "max_restarts must be at least 0", ""},
		{"watch yes", "managers:\n  b:\n    watch: yes\n", 3, 12, `watch must be true or false, got the string "yes"`, "true or false"},
		{"pool task type", "pools:\n  io:\n    task_type: io\n    tasks:\n      - {name: sync, type: cpu, command: [rsync]}\n",
			5, 10, `task "sync" has type "cpu" but pool "io" takes "io"`, "type: io"},
		{"pool task type vs default", "pools:\n  io:\n    tasks:\n      - {name: sync, type: cpu, command: [rsync]}\n",
			4, 10, `pool "io" takes "io"`, ""},
		{"empty dir", "managers:\n  b:\n    tasks:\n      - {name: a, command: [x], dir: \"\"}\n", 4, 38, "dir must not be empty", ""},
		{"env list", "managers:\n  b:\n    tasks:\n      - {name: a, command: [x], env: [A=1]}\n", 4, 38, "env must be a mapping", ""},
		{"env value list", "managers:\n  b:\n    tasks:\n      - {name: a, command: [x], env: {A: [1]}}\n", 4, 42, "env A must be a string, got a list", ""},
		{"env value null", "managers:\n  b:\n    tasks:\n      - {name: a, command: [x], env: {A: }}\n", 4, 41, "env A must be a string, got null", `FOO: ""`},
		{"env bad name", "managers:\n  b:\n    tasks:\n      - {name: a, command: [x], env: {\"A=B\": c}}\n", 4, 39, `bad environment variable name "A=B"`, ""},
		{"backoff max below initial", "managers:\n  b:\n    tasks:\n      - {name: a, command: [x], backoff: {initial: 2s, max: 1s}}\n",
			4, 10, "backoff max 1s below initial 2s", ""},
		{"backoff unknown field", "managers:\n  b:\n    tasks:\n      - {name: a, command: [x], backoff: {first: 2s}}\n",
			4, 43, `unknown field "first" in backoff`, "known fields: initial, max"},
		{"tasks not a list", "managers:\n  b:\n    tasks: {name: a}\n", 3, 13, "tasks must be a list, got a mapping", "list item"},
		{"manager not a mapping", "managers:\n  b: 3\n", 2, 6, `manager "b" must be a mapping`, ""},
		{"managers a list", "managers:\n  - b\n", 2, 3, "managers must be a mapping", ""},
		{"unknown alias", "managers:\n  b: *nope\n", 2, 6, "unknown alias *nope", "&nope"},
		{"merge of a scalar", "managers:\n  b:\n    <<: 3\n", 3, 9, "a merge key takes a mapping", ""},
		{"complex key", "managers:\n  ? [a]\n  : {}\n", 3, 3, "YAML: found an invalid key", ""},
		// Names are rows of the dashboard: nothing invisible, reordering or broken in them.
		{"bidi override in a manager name", "managers:\n  \"ab\u202ecd\": {}\n", 2, 3,
			`manager name "ab\u202ecd" holds U+202E, a bidirectional control, at character 3`, "visible"},
		{"zero-width space in a pool name", "pools:\n  \"io\u200b\": {}\n", 2, 3, `pool name "io\u200b" holds U+200B, a zero-width character`, ""},
		{"BOM inside a poller name", "pollers:\n  \"\ufeffp\": {period: 1s, command: [x]}\n", 2, 3, "holds U+FEFF, a zero-width character, at character 1", ""},
		{"C1 control in a task name", "managers:\n  m:\n    tasks: [{name: \"a\u0085\", command: [x]}]\n", 3, 20, "holds U+0085, a control character", ""},
		{"line separator in a task name", "managers:\n  m:\n    tasks: [{name: \"a\u2028b\", command: [x]}]\n", 3, 20, "holds U+2028, a line or paragraph separator", ""},
		{"soft hyphen in a task name", "managers:\n  m:\n    tasks: [{name: \"a\u00adb\", command: [x]}]\n", 3, 20, "holds U+00AD, an invisible format character", ""},
		{"invalid UTF-8 in a task name", "managers:\n  m:\n    tasks: [{name: \"a\xffb\", command: [x]}]\n", 3, 22, "not valid UTF-8 here (byte 0xff)", "UTF-8"},
		{"bidi in a task type", "pools:\n  io:\n    task_type: \"io\u2067\"\n", 3, 16, `task_type "io\u2067" holds U+2067, a bidirectional control`, ""},
		{"bidi in an env name", "managers:\n  m:\n    tasks: [{name: a, command: [x], env: {\"A\u202eB\": c}}]\n", 3, 43, "holds U+202E, a bidirectional control", ""},
		{"UTF-16 file", "\xff\xfem\x00", 1, 1, "UTF-16", "save it as UTF-8"},
	}
}

// TestParseBOM: a UTF-8 byte order mark at the start (as Windows editors
// write) is not part of the first key, and positions do not count it.
func TestParseBOM(t *testing.T) {
	f := mustParse(t, "bom.yaml", "\ufeffmanagers:\n  m: {limit: 2}\n")
	if len(f.Managers) != 1 || f.Managers[0].Limit != 2 {
		t.Fatalf("managers %+v", f.Managers)
	}
	_, err := Parse("bom.yaml", []byte("\ufeffbogus: 1\n"))
	if err == nil || !strings.HasPrefix(err.Error(), `bom.yaml:1:1: unknown field "bogus"`) {
		t.Errorf("error %v, want bom.yaml:1:1 and the field without the mark", err)
	}
}

func TestParseBadInputs(t *testing.T) {
	for _, tc := range badInputs() {
		t.Run(tc.name, func(t *testing.T) {
			f, err := Parse("bad.yaml", []byte(tc.src))
			if f != nil {
				t.Fatalf("Parse returned a file for a bad input")
			}
			var list ErrorList
			if !errors.As(err, &list) {
				t.Fatalf("error %v (%T) is not an ErrorList", err, err)
			}
			if len(list) != 1 {
				t.Fatalf("want 1 error, got %d:\n%v", len(list), err)
			}
			e := list[0]
			if e.File != "bad.yaml" || e.Line != tc.line || e.Col != tc.col {
				t.Errorf("position %s:%d:%d, want bad.yaml:%d:%d (%s)", e.File, e.Line, e.Col, tc.line, tc.col, e)
			}
			if !strings.Contains(e.Msg, tc.msg) {
				t.Errorf("message %q does not hold %q", e.Msg, tc.msg)
			}
			if !strings.Contains(e.Hint, tc.hint) {
				t.Errorf("hint %q does not hold %q", e.Hint, tc.hint)
			}
		})
	}
}

// TestParseCollectsEveryError checks that problems in different places are all
// reported, sorted by position, rendered one per line.
func TestParseCollectsEveryError(t *testing.T) {
	src := "refresh: 5\n" +
		"managers:\n" +
		"  b:\n" +
		"    limit: 0\n" +
		"    tasks:\n" +
		"      - {name: a, command: []}\n" +
		"      - {name: a, command: [x], stop_signal: NOPE}\n" +
		"pollers:\n" +
		"  p: {command: [x]}\n" +
		"bogus: 1\n"
	_, err := Parse("f.yaml", []byte(src))
	var list ErrorList
	if !errors.As(err, &list) {
		t.Fatalf("not an ErrorList: %v", err)
	}
	want := []string{
		`f.yaml:1:10: bad duration "5" for refresh (use Go durations like 500ms, 2s, 1m)`,
		`f.yaml:4:12: limit must be at least 1, got 0: a manager with limit 0 would never start a task (for example limit: 2)`,
		`f.yaml:6:28: command is empty`,
		`f.yaml:7:10: duplicate task "a" (first at line 6)`,
		`f.yaml:7:46: unknown signal "NOPE" for stop_signal`,
		`f.yaml:9:7: poller "p" has no period or schedule (add period: 2s, or schedule: "0 3 * * *")`,
		`f.yaml:10:1: unknown field "bogus" in the task file`,
	}
	lines := strings.Split(err.Error(), "\n")
	if len(lines) != len(want) {
		t.Fatalf("got %d errors, want %d:\n%v", len(lines), len(want), err)
	}
	for i, w := range want {
		if !strings.HasPrefix(lines[i], w) {
			t.Errorf("line %d = %q, want prefix %q", i, lines[i], w)
		}
	}
	var one *Error
	if !errors.As(err, &one) || one.Line != 1 {
		t.Errorf("errors.As(*Error) = %v, want the first error", one)
	}
}

func TestErrorRendering(t *testing.T) {
	tests := []struct {
		err  *Error
		want string
	}{
		{&Error{File: "a.yaml", Line: 3, Col: 4, Msg: "boom", Hint: "fix it"}, "a.yaml:3:4: boom (fix it)"},
		{&Error{File: "a.yaml", Line: 3, Col: 4, Msg: "boom"}, "a.yaml:3:4: boom"},
		{&Error{File: "a.yaml", Msg: "boom"}, "a.yaml: boom"},
	}
	for _, tc := range tests {
		if got := tc.err.Error(); got != tc.want {
			t.Errorf("Error() = %q, want %q", got, tc.want)
		}
	}
	l := ErrorList{{File: "f", Line: 9, Col: 1, Msg: "b"}, {File: "f", Line: 2, Col: 5, Msg: "a"}}
	if got, want := l.Error(), "f:2:5: a\nf:9:1: b"; got != want {
		t.Errorf("ErrorList.Error() = %q, want %q", got, want)
	}
	if l[0].Line != 9 {
		t.Errorf("Error() reordered the list it renders")
	}
}
