package engine

import (
	"testing"

	"github.com/spindle-tui/spindle/model"
)

// TestTaskIDRoundTrip checks that pool work's numeric ids format and parse
// back, and that other spellings are not taken for them.
func TestTaskIDRoundTrip(t *testing.T) {
	for _, n := range []uint64{1, 35, 36, 1 << 40, ^uint64(0)} {
		id := formatTaskID(n)
		if got, ok := parseTaskID(id); !ok || got != n {
			t.Errorf("parseTaskID(%q) = %d, %v; want %d", id, got, ok, n)
		}
	}
	for _, id := range []string{"", "t", "x1", "T1", "t01", "tA", "t-1", "t1 "} {
		if n, ok := parseTaskID(model.TaskID(id)); ok {
			t.Errorf("parseTaskID(%q) = %d, true; want false", id, n)
		}
	}
}
