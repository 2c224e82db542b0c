package engine_test

import (
	"os/exec"
	"strings"
	"testing"
)

// TestEngineDoesNotDependOnTheDistributedBackend: a program that uses the
// engine without a distributed pool carries none of asynq or Redis's code;
// only engine/distributed imports them.
func TestEngineDoesNotDependOnTheDistributedBackend(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go list")
	}
	out, err := exec.Command("go", "list", "-deps", "github.com/spindle-tui/spindle/engine").CombinedOutput()
	if err != nil {
		t.Fatalf("go list -deps: %v\n%s", err, out)
	}
	for _, dep := range strings.Fields(string(out)) {
		if strings.Contains(dep, "hibiken/asynq") || strings.Contains(dep, "redis/go-redis") || strings.HasSuffix(dep, "/engine/distributed") {
			t.Errorf("engine depends on %s", dep)
		}
	}
}
