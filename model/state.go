// Package model holds the plain data shared by the engine, the dashboard and the
// remote API: task states, snapshots, commands and events. It has no goroutines and
// no behaviour beyond formatting and (un)marshalling.
package model

import (
	"encoding/json"
	"fmt"
)

// State is where a task is in its lifecycle. It marshals as a lowercase string.
//
//	queued → running ⇄ paused, running → halting → halted, running → done | failed,
//	failed → backoff → running, backoff → fatal, kill → killed | abandoned,
//	waiting → queued (its dependencies hold), waiting ⇄ blocked (one never will,
//	until it is restarted), disabled → waiting | queued (restarted).
type State uint8

// The task states, in the order the dashboard sorts them (most urgent first).
const (
	StateRunning   State = iota // executing
	StatePausing                // pause asked; takes effect at the next Checkpoint
	StatePaused                 // parked at a Checkpoint (or SIGSTOPped)
	StateHalting                // halt asked; the task has not returned yet
	StateBackoff                // waiting to be restarted after a failure
	StateQueued                 // waiting for a free slot
	StateBlocked                // a dependency can never hold (it failed, was halted, disabled, removed)
	StateWaiting                // a dependency does not hold yet; holds no slot and is not queued
	StateFailed                 // returned an error or panicked
	StateFatal                  // failed too often; no more restarts
	StateAbandoned              // killed, but the goroutine did not return within the kill grace (leaked)
	StateKilled                 // killed and returned
	StateHalted                 // halted and returned
	StateDone                   // returned nil
	StateDisabled               // declared, not started until restarted

	// NumStates is the number of states; StateCounts is indexed by State.
	NumStates int = iota
)

var stateNames = [NumStates]string{
	StateRunning:   "running",
	StatePausing:   "pausing",
	StatePaused:    "paused",
	StateHalting:   "halting",
	StateBackoff:   "backoff",
	StateQueued:    "queued",
	StateBlocked:   "blocked",
	StateWaiting:   "waiting",
	StateFailed:    "failed",
	StateFatal:     "fatal",
	StateAbandoned: "abandoned",
	StateKilled:    "killed",
	StateHalted:    "halted",
	StateDone:      "done",
	StateDisabled:  "disabled",
}

// String returns the lowercase name of s ("running", "halted", ...).
func (s State) String() string {
	if int(s) < NumStates {
		return stateNames[s]
	}
	return fmt.Sprintf("state(%d)", uint8(s))
}

// ParseState returns the State named name, or an error naming the bad value.
func ParseState(name string) (State, error) {
	for i, n := range stateNames {
		if n == name {
			return State(i), nil
		}
	}
	return 0, fmt.Errorf("model: unknown state %q", name)
}

// MarshalText encodes s as its lowercase name.
func (s State) MarshalText() ([]byte, error) {
	if int(s) >= NumStates {
		return nil, fmt.Errorf("model: unknown state %d", uint8(s))
	}
	return []byte(stateNames[s]), nil
}

// UnmarshalText decodes a lowercase state name.
func (s *State) UnmarshalText(b []byte) error {
	v, err := ParseState(string(b))
	if err != nil {
		return err
	}
	*s = v
	return nil
}

// Finished reports whether s is terminal: the task's function has returned (or was
// given up on) and it will not run again unless restarted.
//
// Waiting, blocked and disabled are neither Finished nor Live: the task has not
// run (this time) and holds no slot. A waiting task starts by itself once its
// dependencies hold, a blocked one once a dependency that failed is restarted
// (or it is restarted itself), a disabled one only when restarted. See Pending.
func (s State) Finished() bool {
	switch s {
	case StateDone, StateFailed, StateFatal, StateHalted, StateKilled, StateAbandoned:
		return true
	}
	return false
}

// Pending reports whether s is a state of a task that has not started yet and
// holds no slot: queued, waiting, blocked or disabled.
func (s State) Pending() bool {
	switch s {
	case StateQueued, StateWaiting, StateBlocked, StateDisabled:
		return true
	}
	return false
}

// Live reports whether the task's function is executing (possibly parked or stopping).
func (s State) Live() bool {
	switch s {
	case StateRunning, StatePausing, StatePaused, StateHalting:
		return true
	}
	return false
}

// StateCounts holds a count per State. It marshals as a JSON object keyed by state
// name, leaving out zero counts.
type StateCounts [NumStates]int

// Total returns the sum of all counts.
func (c StateCounts) Total() int {
	n := 0
	for _, v := range c {
		n += v
	}
	return n
}

// MarshalJSON encodes the non-zero counts as {"running": 3, ...}.
func (c StateCounts) MarshalJSON() ([]byte, error) {
	m := make(map[State]int, NumStates)
	for s, v := range c {
		if v != 0 {
			m[State(s)] = v
		}
	}
	return json.Marshal(m)
}

// UnmarshalJSON decodes an object keyed by state name.
func (c *StateCounts) UnmarshalJSON(b []byte) error {
	var m map[State]int
	if err := json.Unmarshal(b, &m); err != nil {
		return err
	}
	*c = StateCounts{}
	for s, v := range m {
		c[s] = v
	}
	return nil
}

// Kind is what executes a task.
type Kind uint8

// The kinds of task.
const (
	KindGoroutine Kind = iota // a Go function run by the engine
	KindProcess               // a child process
)

var kindNames = [...]string{KindGoroutine: "goroutine", KindProcess: "process"}

// String returns "goroutine" or "process".
func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return fmt.Sprintf("kind(%d)", uint8(k))
}

// MarshalText encodes k as its name.
func (k Kind) MarshalText() ([]byte, error) { return []byte(k.String()), nil }

// UnmarshalText decodes a kind name.
func (k *Kind) UnmarshalText(b []byte) error {
	for i, n := range kindNames {
		if n == string(b) {
			*k = Kind(i)
			return nil
		}
	}
	return fmt.Errorf("model: unknown kind %q", b)
}
