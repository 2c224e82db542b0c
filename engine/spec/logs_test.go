package spec

import (
	"strings"
	"testing"
	"time"

	"github.com/spindle-tui/spindle/engine"
)

func TestLogsBlock(t *testing.T) {
	f := mustParse(t, "/srv/app/spindle.yaml", `
logs:
  dir: ./logs
  max_size: 10
  max_backups: 3
  max_age: 168h
  compress: true
  format: json
  tasks:
    noisy: {off: true}
    web: {max_size: 50}
managers:
  m:
    tasks: [{name: web, command: [x]}]
`)
	got := f.Logs.LogFiles(f.Dir)
	want := engine.LogFiles{Dir: "/srv/app/logs", MaxSize: 10, MaxBackups: 3, MaxAge: 168 * time.Hour, Compress: true, JSON: true,
		Tasks: map[string]engine.TaskLogFile{"noisy": {Off: true}, "web": {MaxSize: 50}}}
	if got.Dir != want.Dir || got.MaxSize != 10 || got.MaxBackups != 3 || got.MaxAge != want.MaxAge || !got.Compress || !got.JSON ||
		got.Tasks["noisy"] != want.Tasks["noisy"] || got.Tasks["web"] != want.Tasks["web"] {
		t.Fatalf("LogFiles = %+v, want %+v", got, want)
	}
	if none := mustParse(t, "/a/spindle.yaml", "managers: {}\n").Logs.LogFiles("/a"); none.Dir != "" {
		t.Fatalf("no logs block writes files: %+v", none)
	}
}

func TestLogsBlockErrors(t *testing.T) {
	for _, tt := range []struct{ src, msg string }{
		{"logs: {format: xml}\n", `logs format "xml": want text or json`},
		{"logs: {dir: ./l, max_size: 0}\n", "max_size must be at least 1"},
		{"logs: {dir: ./l, max_sise: 3}\n", `did you mean "max_size"`},
		{"logs: {tasks: {web: {of: true}}}\n", `unknown field "of"`},
	} {
		_, err := Parse("spindle.yaml", []byte(tt.src))
		if err == nil || !strings.Contains(err.Error(), tt.msg) || !strings.Contains(err.Error(), "spindle.yaml:1:") {
			t.Errorf("%q: %v, want %q at line 1", tt.src, err, tt.msg)
		}
	}
}
