package engine

import (
	"testing"
	"time"
)

// TestProcessSpecZeroAndNone: a zero field takes its default, so the zero
// ProcessSpec is useful; a negative one says "none" (zero itself).
func TestProcessSpecZeroAndNone(t *testing.T) {
	tests := []struct {
		name string
		in   ProcessSpec
		want func(ProcessSpec) bool
	}{
		{"zero max restarts: the default", ProcessSpec{}, func(s ProcessSpec) bool { return s.MaxRestarts == DefaultMaxRestarts }},
		{"negative max restarts: none", ProcessSpec{MaxRestarts: -1}, func(s ProcessSpec) bool { return s.MaxRestarts == 0 }},
		{"zero stop grace: the default", ProcessSpec{}, func(s ProcessSpec) bool { return s.StopGrace == DefaultStopGrace }},
		{"negative stop grace: none", ProcessSpec{StopGrace: -1}, func(s ProcessSpec) bool { return s.StopGrace == 0 }},
		{"negative backoff: restart at once", ProcessSpec{Backoff: Backoff{Initial: -1, Max: -1, Jitter: -1}},
			func(s ProcessSpec) bool { return s.Backoff == Backoff{} }},
		{"negative initial, default max", ProcessSpec{Backoff: Backoff{Initial: -1}},
			func(s ProcessSpec) bool { return s.Backoff == Backoff{0, DefaultBackoffMax, DefaultBackoffJitter} }},
		{"zero jitter: the default; negative: none", ProcessSpec{Backoff: Backoff{Jitter: -0.5}},
			func(s ProcessSpec) bool { return s.Backoff.Jitter == 0 }},
		{"negative window: the default (a window of no length counts nothing)", ProcessSpec{RestartWindow: -time.Second},
			func(s ProcessSpec) bool { return s.RestartWindow == DefaultRestartWindow }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.in.withDefaults(); !tc.want(got) {
				t.Errorf("withDefaults(%+v) = %+v", tc.in, got)
			}
		})
	}
}
