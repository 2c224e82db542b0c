package model

import (
	"fmt"
	"time"
)

// Health is what a task's readiness probe says, for the HEALTH column.
type Health uint8

// The healths of a task.
const (
	HealthNone     Health = iota // no readiness probe (shown as "—")
	HealthNotReady               // the probe has not passed (yet), or failed
	HealthReady                  // the probe passes
)

var healthNames = [...]string{HealthNone: "", HealthNotReady: "not ready", HealthReady: "ready"}

// String returns "", "not ready" or "ready".
func (h Health) String() string {
	if int(h) < len(healthNames) {
		return healthNames[h]
	}
	return fmt.Sprintf("health(%d)", uint8(h))
}

// MarshalText encodes h as its name ("" for HealthNone).
func (h Health) MarshalText() ([]byte, error) { return []byte(h.String()), nil }

// UnmarshalText decodes a health name.
func (h *Health) UnmarshalText(b []byte) error {
	for i, n := range healthNames {
		if n == string(b) {
			*h = Health(i)
			return nil
		}
	}
	return fmt.Errorf("model: unknown health %q", b)
}

// Dependency is one task a task depends on, as a viewer sees it: what it must
// reach (Condition: "started", "healthy", "completed",
// "completed_successfully", "log_ready") and whether it does now.
type Dependency struct {
	ID        TaskID `json:"id"`
	Name      string `json:"name"`
	Group     string `json:"group,omitempty"`
	Condition string `json:"condition"`
	State     State  `json:"state"` // the dependency's state
	Holds     bool   `json:"holds"`
	// Never is set when the condition can no longer hold (the dependent is
	// blocked by it), with the reason in Why.
	Never bool   `json:"never,omitempty"`
	Why   string `json:"why,omitempty"`
}

// ProbeStatus is a readiness or liveness probe of a task, as a viewer sees it.
// Its timing (count, last, delay) is that of the poller it runs as, named Poller.
type ProbeStatus struct {
	Kind    string `json:"kind"`   // "readiness" or "liveness"
	Check   string `json:"check"`  // what it checks: "tcp 127.0.0.1:5432", "http GET …", "exec …"
	Poller  string `json:"poller"` // the poller it runs as (in Snapshot.Pollers)
	Passing bool   `json:"passing"`

	Successes int `json:"successes,omitempty"` // passes in a row
	Failures  int `json:"failures,omitempty"`  // failures in a row
	Count     int `json:"count,omitempty"`     // checks since the run started

	SuccessThreshold int `json:"success_threshold"`
	FailureThreshold int `json:"failure_threshold"`

	Last        time.Time     `json:"last,omitzero"`         // when the last check ended
	Took        time.Duration `json:"took,omitempty"`        // how long it took
	LastFailure time.Time     `json:"last_failure,omitzero"` // when the last failing check ended
	Failure     string        `json:"failure,omitempty"`     // the last failure's error and output
}
