package model

import (
	"strings"
	"time"
)

// OriginSep joins an origin and a name in a fleet snapshot: the task "t1f" of
// the engine "api" is "api/t1f" there, its manager "crawl" is "api/crawl", so
// the ids and names of different engines never collide, and a command naming
// one says which engine it goes to.
const OriginSep = "/"

// Qualify returns name as a fleet snapshot spells it for origin: "api/t1f".
// An empty origin leaves name as it is.
func Qualify(origin, name string) string {
	if origin == "" || name == "" {
		return name
	}
	return origin + OriginSep + name
}

// SplitOrigin splits a qualified name into its origin and the name the engine
// knows: "api/t1f" is ("api", "t1f"); ok is false when there is no origin.
func SplitOrigin(qualified string) (origin, name string, ok bool) {
	return strings.Cut(qualified, OriginSep)
}

// Unqualify returns name without the origin prefix it carries in a fleet
// snapshot, for display next to an ORIGIN column: ("api/t1f", "api") is "t1f".
func Unqualify(name, origin string) string {
	if origin == "" {
		return name
	}
	if rest, ok := strings.CutPrefix(name, origin+OriginSep); ok {
		return rest
	}
	return name
}

// Origin is one engine of a fleet snapshot and the state of its connection.
type Origin struct {
	Name   string `json:"name"`             // short and distinct: the ORIGIN column's text
	Addr   string `json:"addr"`             // the address it is reached at
	Source string `json:"source,omitempty"` // what the engine runs, as its snapshot says
	// Stale: the connection is lost; its rows are the last it sent, kept
	// until it comes back. Error says why and when it is tried again.
	Stale bool   `json:"stale,omitempty"`
	Error string `json:"error,omitempty"`
	// Seen is the time of the last snapshot it sent (zero: none yet).
	Seen time.Time `json:"seen,omitzero"`
}
