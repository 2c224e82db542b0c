package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestEnqueueRefusesWhatItCannotEnqueue: spindle enqueue is a usage error
// (exit 2), saying why, for a pool the file lacks, a pool without a backend,
// a task the pool lacks and a count below 1; none of them reaches Redis.
func TestEnqueueRefusesWhatItCannotEnqueue(t *testing.T) {
	file := filepath.Join(t.TempDir(), "spindle.yaml")
	writeFile(t, file, "pools:\n  local: {tasks: [{name: a, command: [\"true\"]}]}\n"+
		"  render:\n    backend: {redis: 127.0.0.1:1, queue: render}\n    tasks: [{name: frame, command: [\"true\"]}]\n")
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"enqueue", "-f", file, "nope"}, `declares no pool "nope"`},
		{[]string{"enqueue", "-f", file, "local"}, `pool "local" has no backend: its tasks run when the file is loaded`},
		{[]string{"enqueue", "-f", file, "render", "thumb"}, `pool "render" has no task "thumb" (it has: frame)`},
		{[]string{"enqueue", "-f", file, "-n", "0", "render"}, "--count must be at least 1"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args[3:], " "), func(t *testing.T) {
			code, _, stderr := runCLI(tt.args...)
			if code != 2 || !strings.Contains(stderr, tt.want) {
				t.Errorf("exit %d, stderr %q; want 2 and %q", code, stderr, tt.want)
			}
		})
	}
}
