package model

import "time"

// PoolCluster is what a distributed pool's queue looks like across every engine
// that works it, read from its backend (Redis) about once a second. The local
// figures of the same pool (Busy, Queued, Done, …) are this engine's part.
type PoolCluster struct {
	Backend string `json:"backend"` // where the queue lives: "redis 127.0.0.1:6379"
	Queue   string `json:"queue"`   // the queue's name there

	Paused    bool `json:"paused,omitempty"` // paused cluster-wide: no engine takes new work
	Pending   int  `json:"pending"`          // waiting for any engine's worker
	Active    int  `json:"active"`           // running on some engine
	Scheduled int  `json:"scheduled"`        // to run later (ProcessIn, ProcessAt)
	Retry     int  `json:"retry"`            // failed, waiting to be tried again
	Archived  int  `json:"archived"`         // failed for good (or halted): kept for inspection
	Completed int  `json:"completed"`        // done, kept for the retention time (what Wait reads)

	// ProcessedPerMin and FailedPerMin are the cluster's completions (done or
	// failed) and failures over the last minute (or since the figures began,
	// scaled to a minute).
	ProcessedPerMin float64 `json:"processed_per_min"`
	FailedPerMin    float64 `json:"failed_per_min"`
	// Latency is how long the oldest pending task has waited.
	Latency time.Duration `json:"latency"`
	// Engines is how many engines work the queue now (asynq servers alive).
	Engines int `json:"engines,omitempty"`

	// Read is when the figures above were read.
	Read time.Time `json:"read,omitzero"`
	// Lost is the error of the last attempt to reach the backend, empty when
	// it answered; LostSince is when it stopped answering. The figures above
	// are then the last ones read.
	Lost      string    `json:"lost,omitempty"`
	LostSince time.Time `json:"lost_since,omitzero"`
}
