package engine

import (
	"context"
	"errors"
	"testing"
)

// An engine error that wraps another says "engine: " once, and the chain
// still answers errors.Is and errors.As.
func TestErrorfSaysEngineOnce(t *testing.T) {
	tests := []struct {
		err  error
		want string
		is   error
	}{
		{poolError("io", ErrPoolStopped), `engine: pool "io": pool not running`, ErrPoolStopped},
		{errorf("remove pool %q: %w", "io", poolError("io", ErrClosed)), `engine: remove pool "io": pool "io": closed`, ErrClosed},
		{errorf("wait for t1: %w", context.Canceled), `engine: wait for t1: context canceled`, context.Canceled},
		{errorf("%s: %w", "halt t1", &UnknownTaskError{TaskType: "a", PoolType: "b", Pool: "p"}), "", ErrUnknownTaskType},
	}
	for _, tt := range tests {
		if tt.want != "" && tt.err.Error() != tt.want {
			t.Errorf("message %q, want %q", tt.err, tt.want)
		}
		if !errors.Is(tt.err, tt.is) {
			t.Errorf("%q does not match %v", tt.err, tt.is)
		}
	}
	var ute *UnknownTaskError
	if !errors.As(tests[3].err, &ute) || ute.Pool != "p" {
		t.Errorf("errors.As lost the *UnknownTaskError: %v", tests[3].err)
	}
}
