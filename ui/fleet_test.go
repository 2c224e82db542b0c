package ui

import (
	"slices"
	"strings"
	"testing"
	"testing/synctest"

	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"

	"github.com/spindle-tui/spindle/model"
)

// fleetSnapshot merges three engines the way remote.Fleet does: api and db
// live, web's connection lost (its rows the last it sent). api and web have
// tasks with the same ids.
func fleetSnapshot() model.Snapshot {
	fx := fixtureSnapshot()
	pick := func(s model.Snapshot, ids ...model.TaskID) model.Snapshot {
		s.Tasks = slices.DeleteFunc(slices.Clone(s.Tasks), func(t model.Task) bool { return !slices.Contains(ids, t.ID) })
		return s
	}
	part := func(s model.Snapshot, pools, pollers []int, events ...int) model.Snapshot {
		var ps []model.Pool
		for _, i := range pools {
			ps = append(ps, s.Pools[i])
		}
		var pl []model.Poller
		for _, i := range pollers {
			pl = append(pl, s.Pollers[i])
		}
		var ev []model.Event
		for _, i := range events {
			ev = append(ev, s.Events[i])
		}
		s.Pools, s.Pollers, s.Events, s.Managers = ps, pl, ev, nil
		return s
	}
	api := model.QualifySnapshot(part(pick(fx, "t1", "t2", "t3", "t5"), []int{0}, []int{0, 1}, 7), "api")
	db := model.QualifySnapshot(part(pick(fx, "t7", "t9", "t11"), []int{1, 2}, []int{2}, 2, 3), "db")
	web := model.QualifySnapshot(part(pick(fx, "t1", "t2", "t8"), []int{3}, []int{3}, 4), "web")
	out := model.Snapshot{Seq: 9, Time: fixtureNow, Source: "3 engines", Leaked: 0,
		SourceError: "web: connection lost: EOF; reconnecting in 2s",
		Origins: []model.Origin{
			{Name: "api", Addr: "/run/spindle/api.sock", Source: "api.yaml", Seen: fixtureNow},
			{Name: "db", Addr: "/run/spindle/db.sock", Source: "db.yaml", Seen: fixtureNow},
			{Name: "web", Addr: "127.0.0.1:7070", Source: "web.yaml", Stale: true, Error: "connection lost: EOF; reconnecting in 2s", Seen: ago(5e9)},
		}}
	for _, s := range []model.Snapshot{api, db, web} {
		out.Tasks = append(out.Tasks, s.Tasks...)
		out.Pools = append(out.Pools, s.Pools...)
		out.Pollers = append(out.Pollers, s.Pollers...)
		out.Events = append(out.Events, s.Events...)
		for _, t := range s.Tasks {
			out.Counts[t.State]++
		}
	}
	slices.SortStableFunc(out.Events, func(a, b model.Event) int { return b.Time.Compare(a.Time) })
	return out
}

// TestGoldenFleet: a fleet's frames: the ORIGIN column in every table, the
// ids and names without their origin next to it, the engines and their
// connections in the header, the stale engine's rows marked.
func TestGoldenFleet(t *testing.T) {
	tests := []struct {
		name string
		keys []string
	}{
		{name: "workers"},
		{name: "pools", keys: []string{"2"}},
		{name: "pollers", keys: []string{"3"}},
		{name: "events", keys: []string{"4"}},
		{name: "filter_origin", keys: []string{"/", "o", "r", "i", "g", "i", "n", ":", "d", "b", "enter"}},
		{name: "sort_origin", keys: []string{"2", "s", "s", "s", "s", "s", "s", "s", "s", "s"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				h := newHarness(t)
				h.publish(fleetSnapshot())
				h.keys(tt.keys...)
				golden.RequireEqual(t, []byte(ansi.Strip(h.m.View().Content)))
			})
		})
	}
}

// TestFleetCommandsCarryOrigin: a key on a row sends the command with the
// row's qualified id or name, so the fleet routes it to its engine.
func TestFleetCommandsCarryOrigin(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := newHarness(t)
		h.publish(fleetSnapshot())
		h.selectID("web/t1")
		h.keys("h")
		h.keys("2", "j") // db/legacy
		h.keys("p")
		got := h.src.commands()
		want := []model.Command{{Op: model.OpHalt, Target: "web/t1"}}
		if len(got) < 1 || got[0] != want[0] {
			t.Fatalf("commands %v, want %v first", got, want)
		}
		if len(got) > 1 && !strings.HasPrefix(got[1].Pool, "db/") && !strings.HasPrefix(got[1].Pool, "api/") {
			t.Errorf("pool command %v: pool not qualified", got[1])
		}
	})
}

// TestFleetHeaderCompact: with more engines than fit, the header counts them
// and names the lost ones.
func TestFleetHeaderCompact(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := newHarness(t)
		s := fleetSnapshot()
		s.Origins = nil
		for i := range 50 {
			o := model.Origin{Name: "demo-" + string(rune('a'+i%26)) + string(rune('a'+i/26))}
			o.Stale = i == 3 || i == 7
			s.Origins = append(s.Origins, o)
		}
		h.publish(s)
		first := strings.Split(h.screen(), "\n")[0]
		if !strings.Contains(first, "50 engines: 48 ● 2 ○ demo-da, demo-ha") {
			t.Errorf("header %q", first)
		}
	})
}

// TestFleetRowsByOrigin: a fleet's rows of one state go by origin, then id,
// whatever order the snapshot lists them in and however long the origins
// are ("db/t1" is shorter than "api/t1", yet comes after it).
func TestFleetRowsByOrigin(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := newHarness(t)
		s := model.Snapshot{Seq: 2, Time: fixtureNow, Origins: []model.Origin{{Name: "api"}, {Name: "db"}}}
		for _, id := range []model.TaskID{"db/t2", "db/t1", "api/t10", "api/t9"} {
			origin, _, _ := model.SplitID(id)
			s.Tasks = append(s.Tasks, model.Task{ID: id, Origin: origin, Name: string(id), State: model.StateRunning})
			s.Counts[model.StateRunning]++
		}
		h.publish(s)
		want := []model.TaskID{"api/t9", "api/t10", "db/t1", "db/t2"}
		if got := h.rowIDs(); !slices.Equal(got, want) {
			t.Errorf("rows %v, want %v", got, want)
		}
	})
}

// TestFleetLogsShowOrigin: the Logs view of a fleet says which engine each
// line comes from.
func TestFleetLogsShowOrigin(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := newHarness(t)
		h.publish(fleetSnapshot())
		a, b := logLines("api/t1", "crawl root", 1, 2), logLines("web/t1", "crawl root", 1, 2)
		a[0].Origin, a[1].Origin, b[0].Origin, b[1].Origin = "api", "api", "web", "web"
		a[0].Seq, b[0].Seq, a[1].Seq, b[1].Seq = 1, 2, 3, 4
		h.src.mu.Lock()
		h.src.logs = []model.LogEntry{a[0], b[0], a[1], b[1]}
		h.src.mu.Unlock()
		h.keys("6")
		s := h.screen()
		if !strings.Contains(s, "api crawl root │ crawl root line 1") || !strings.Contains(s, "web crawl root │ crawl root line 1") {
			t.Fatalf("the Logs view does not name the engines:\n%s", s)
		}
	})
}
