package model

// ReplicaSet is one engine.ReplicaSet as a viewer sees it: a process task run
// as Desired copies named NAME-1..NAME-N in one manager, shown as a pool-like
// group. Its replicas are ordinary tasks in Snapshot.Tasks whose ReplicaOf
// is Name.
type ReplicaSet struct {
	Name    string `json:"name"`              // the set's name; its replicas are NAME-1, NAME-2, …
	Origin  string `json:"origin,omitempty"`  // the engine it belongs to, in a fleet
	Manager string `json:"manager"`           // the manager whose tasks they are
	Desired int    `json:"desired"`           // how many replicas it has (the scale)
	Running int    `json:"running"`           // replicas whose process is live
	Ready   int    `json:"ready"`             // replicas whose readiness holds (live, and passing the probe if any)
	Leaving int    `json:"leaving,omitempty"` // replicas a scale-down is halting, not counted in Desired

	// Counts holds the replicas (Desired, not Leaving) by current state.
	Counts StateCounts `json:"counts"`
	// Target is a replica's id: a Command that scales the set names it
	// (OpResize with Target and Step or Value).
	Target TaskID `json:"target"`
}
