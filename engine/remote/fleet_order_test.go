package remote

import (
	"slices"
	"testing"
	"time"

	"github.com/spindle-tui/spindle/model"
)

// TestFleetMergeKeepsOriginOrder: every list of a merged snapshot is in the
// order of its Origins (the fleet's members, numbers by value), each engine's
// rows in its own order. The Pools view interleaves pools and replica sets
// by walking both lists together, and the tables' default order is the
// snapshot's: pools sorted by their qualified text ("demo-10/p" before
// "demo-2/p") beside replica sets in origin order put rows out of place.
func TestFleetMergeKeepsOriginOrder(t *testing.T) {
	for _, names := range [][]string{{"demo-10", "demo-2"}, {"api-2", "api"}, {"web", "db", "api"}} {
		members := make([]FleetMember, len(names))
		for i, n := range names {
			members[i] = FleetMember{Name: n}
		}
		sortMembers(members)
		slots := make([]*fleetSlot, len(members))
		for i, m := range members {
			slots[i] = &fleetSlot{name: m.Name}
			slots[i].take(model.Snapshot{Seq: 1, Time: time.Unix(1, 0),
				Managers: []model.Manager{{Name: "a"}, {Name: "b"}},
				Pools:    []model.Pool{{Name: "a"}, {Name: "b"}},
				Replicas: []model.ReplicaSet{{Name: "a"}, {Name: "b"}},
				Pollers:  []model.Poller{{Name: "a"}, {Name: "b"}},
			})
		}
		s := merge(slots, 1)
		var want []string
		for _, o := range s.Origins {
			want = append(want, model.Qualify(o.Name, "a"), model.Qualify(o.Name, "b"))
		}
		lists := map[string][]string{}
		for _, m := range s.Managers {
			lists["managers"] = append(lists["managers"], m.Name)
		}
		for _, p := range s.Pools {
			lists["pools"] = append(lists["pools"], p.Name)
		}
		for _, r := range s.Replicas {
			lists["replicas"] = append(lists["replicas"], r.Name)
		}
		for _, p := range s.Pollers {
			lists["pollers"] = append(lists["pollers"], p.Name)
		}
		for list, got := range lists {
			if !slices.Equal(got, want) {
				t.Errorf("origins %v: %s %v, want %v (the origins' order)", names, list, got, want)
			}
		}
	}
}
