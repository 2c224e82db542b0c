package spec

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestSchema checks that the schema is valid JSON, that every object the
// parser decodes has a definition, and that each lists exactly the parser's
// fields, with the right required ones.
func TestSchema(t *testing.T) {
	var s map[string]any
	if err := json.Unmarshal(Schema(), &s); err != nil {
		t.Fatalf("Schema is not JSON: %v", err)
	}
	if s["$schema"] != "https://json-schema.org/draft/2020-12/schema" || s["$id"] != SchemaID {
		t.Errorf("$schema/$id = %v, %v", s["$schema"], s["$id"])
	}
	defs := s["$defs"].(map[string]any)
	for i, o := range objects() {
		obj := s
		if i > 0 {
			def, ok := defs[o.name].(map[string]any)
			if !ok {
				t.Errorf("no $defs/%s", o.name)
				continue
			}
			obj = def
		}
		props := obj["properties"].(map[string]any)
		var got, want, req []string
		for name := range props {
			got = append(got, name)
		}
		for _, f := range o.fields {
			want = append(want, f.name)
			if f.required && f.unless == "" {
				req = append(req, f.name)
			}
			p := props[f.name].(map[string]any)
			if p["description"] == "" {
				t.Errorf("%s.%s has no description", o.name, f.name)
			}
			if ref, ok := p["$ref"].(string); ok && defs[strings.TrimPrefix(ref, "#/$defs/")] == nil {
				t.Errorf("%s.%s refers to missing %s", o.name, f.name, ref)
			}
		}
		slices.Sort(got)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("%s: schema properties %v, parser fields %v", o.name, got, want)
		}
		gotReq, _ := obj["required"].([]any)
		if len(gotReq) != len(req) {
			t.Errorf("%s: required %v, want %v", o.name, gotReq, req)
		}
		if obj["additionalProperties"] != false {
			t.Errorf("%s: additionalProperties must be false (the parser is strict)", o.name)
		}
	}
}

// TestSchemaFieldsParse feeds the parser one file that uses every field the
// schema lists: none may be unknown to it.
func TestSchemaFieldsParse(t *testing.T) {
	src := "refresh: 1s\nmanagers:\n  m:\n    limit: 1\n    watch: true\n    tasks:\n      - name: a\n" +
		"        command: [x]\n        dir: .\n        env: {A: b}\n        restart: always\n" +
		"        backoff: {initial: 1s, max: 2s}\n        max_restarts: 1\n        restart_window: 1m\n" +
		"        stop_signal: TERM\n        stop_grace: 1s\n" +
		"      - {name: s, command: [x], schedule: \"0 3 * * *\", timezone: UTC}\n" +
		"pools:\n  p:\n    max_workers: 1\n    task_type: t\n    daemon: false\n    tasks:\n" +
		"      - {name: b, type: t, command: [x], dir: ., env: {}, restart: never, backoff: {}, max_restarts: 0, restart_window: 1s, stop_signal: KILL, stop_grace: 0}\n" +
		"  d:\n    backend: {redis: h:1, queue: q}\n    tasks: [{name: f, command: [x]}]\n" +
		"pollers:\n  q: {period: 1s, min_wait: 0, timeout: 1s, concurrency: 1, command: [x], dir: ., env: {}}\n" +
		"  r: {schedule: \"@daily\", timezone: Local, command: [x]}\n" +
		"logs: {dir: ., max_size: 1, max_backups: 1, max_age: 1h, compress: true, format: json, tasks: {a: {off: true, max_size: 1, max_backups: 1, max_age: 1h, compress: true}}}\n" +
		"fleet: [/run/a.sock, unix:/run/b.sock, 127.0.0.1:7070, http://localhost:7071/]\n"
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, ".env"), []byte("A=1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	extra := "      - {name: c, command: [x], env_file: .env, depends_on: {a: started}, ready_log_line: up, success_exit_codes: [0], disabled: false, replicas: 1, shutdown: {command: [x], timeout: 1s}, readiness: {exec: [x], initial_delay: 0s, period: 1s, timeout: 1s, success_threshold: 1, failure_threshold: 1}, liveness: {http_get: {scheme: http, host: h, port: 1, path: /, status: 200}}}\n"
	poolExtra := "      - {name: e, type: t, command: [x], env_file: .env, depends_on: [a], ready_log_line: up, success_exit_codes: [0], disabled: true, replicas: 2, shutdown: {command: [x]}, readiness: {tcp: {host: h, port: 1}}, liveness: {tcp: {port: 1}}}\n"
	full := strings.Replace(src, "        stop_grace: 1s\n", "        stop_grace: 1s\n"+extra, 1)
	full = strings.Replace(full, "stop_grace: 0}\n", "stop_grace: 0}\n"+poolExtra, 1)
	if full == src {
		t.Fatal("the orchestration tasks were not put in")
	}
	mustParse(t, filepath.Join(dir, "all.yaml"), full)
	src = full
	// Every field of every object appears in src: keep this test honest.
	for _, o := range objects() {
		for _, f := range o.fields {
			if !strings.Contains(src, f.name+":") {
				t.Errorf("src does not use %s.%s", o.name, f.name)
			}
		}
	}
}

// TestSchemaDurationPattern checks the schema's duration pattern agrees with
// time.ParseDuration on the usual spellings.
func TestSchemaDurationPattern(t *testing.T) {
	re := regexp.MustCompile(durationPattern)
	for _, tc := range []string{"0", "1s", "500ms", "1m30s", "1.5h", ".5s", "10µs", "3us", "2ns"} {
		if _, err := time.ParseDuration(tc); err != nil || !re.MatchString(tc) {
			t.Errorf("%q: ParseDuration err %v, pattern match %v", tc, err, re.MatchString(tc))
		}
	}
	for _, tc := range []string{"5", "soon", "1 s", "s", "-1s", ""} {
		if re.MatchString(tc) {
			t.Errorf("pattern matches %q", tc)
		}
	}
}
