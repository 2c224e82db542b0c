package model

// PoolState is where a pool is in its life. It marshals as a lowercase string.
type PoolState string

// Pool states.
const (
	PoolIdle     PoolState = "idle"     // created, not started
	PoolRunning  PoolState = "running"  // taking and running work
	PoolPaused   PoolState = "paused"   // queued work waits; running work goes on
	PoolStopping PoolState = "stopping" // Stop was called; draining or halting
	PoolStopped  PoolState = "stopped"  // no longer takes work
)

// Pool is one engine.Pool: a namespace of workers with task-type protection
// (Duck's ThreadPoolManager), as a viewer sees it.
type Pool struct {
	Name      string    `json:"name"`                 // the namespace id
	Origin    string    `json:"origin,omitempty"`     // the engine it belongs to, in a fleet
	Owner     TaskID    `json:"owner,omitempty"`      // the task that created it; empty for the root
	OwnerName string    `json:"owner_name,omitempty"` // that task's name, for display
	Type      string    `json:"type"`                 // the task type it accepts
	Daemon    bool      `json:"daemon"`               // halted on Close instead of drained
	State     PoolState `json:"state"`

	MaxWorkers int `json:"max_workers"`
	Busy       int `json:"busy"`   // workers running a task
	Queued     int `json:"queued"` // submitted, waiting for a worker

	Submitted int64 `json:"submitted"`
	Done      int64 `json:"done"`
	Failed    int64 `json:"failed"`   // returned an error or panicked
	Halted    int64 `json:"halted"`   // halted, killed or abandoned before it finished, or dropped before it ran
	Rejected  int64 `json:"rejected"` // refused: wrong task type or pool stopped

	// Throughput is tasks completed per second, one sample per second, oldest
	// first, bounded (for a sparkline).
	Throughput []float64 `json:"throughput,omitempty"`

	// Cluster is the queue of a distributed pool as every engine that works it
	// shares it (nil for a pool whose queue is this engine's memory).
	Cluster *PoolCluster `json:"cluster,omitempty"`
}
