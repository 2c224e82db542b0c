package remote

import (
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/spindle-tui/spindle/model"
)

// wireNormal returns s as it reads after a JSON round trip: what the stream
// can carry. It drops the monotonic clock reading and the location of times
// (instants stay equal) and turns empty omitempty slices to nil; the stream
// is exact up to that, which is also all /v1/snapshot ever carried.
func wireNormal(t testing.TB, s model.Snapshot) model.Snapshot {
	t.Helper()
	data, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	var out model.Snapshot
	if err := json.Unmarshal(data, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

// streamSession plays both ends of one stream connection in memory.
type streamSession struct {
	t      testing.TB
	sent   *frame         // the server's last frame sent
	prev   *frame         // the last frame built (the cache's latest)
	snap   model.Snapshot // the client's
	handed []handed       // every snapshot the client handed out, with a copy
	bytes  []int          // the size of each event's data
}

type handed struct{ snap, copy model.Snapshot }

// send streams s: a full snapshot first, deltas after. skip builds the frame
// without sending it (the client missed it: latest wins).
func (ss *streamSession) send(s model.Snapshot, skip bool) {
	t := ss.t
	t.Helper()
	f, err := encodeFrame(&s, ss.prev)
	if err != nil {
		t.Fatal(err)
	}
	ss.prev = f
	if skip && ss.sent != nil {
		return
	}
	if ss.sent == nil {
		data, err := json.Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		if ss.snap, err = loadFull(data); err != nil {
			t.Fatal(err)
		}
		ss.bytes = append(ss.bytes, len(data))
	} else {
		data, err := diffFrames(ss.sent, f)
		if err != nil {
			t.Fatal(err)
		}
		if ss.snap, err = applyDelta(ss.snap, data); err != nil {
			t.Fatalf("applying the delta to %d: %v\n%s", s.Seq, err, data)
		}
		ss.bytes = append(ss.bytes, len(data))
	}
	ss.sent = f
	if want := wireNormal(t, s); !reflect.DeepEqual(ss.snap, want) {
		t.Fatalf("snapshot %d rebuilt differs:\n got %+v\nwant %+v", s.Seq, ss.snap, want)
	}
	ss.handed = append(ss.handed, handed{ss.snap, wireNormal(t, ss.snap)})
}

// checkImmutable fails if a snapshot handed out earlier changed since.
func (ss *streamSession) checkImmutable() {
	ss.t.Helper()
	for i, h := range ss.handed {
		if !reflect.DeepEqual(h.snap, h.copy) {
			ss.t.Fatalf("snapshot %d handed out was changed later", i)
		}
	}
}

// demoSnapshot is a snapshot with something in every list.
func demoSnapshot() model.Snapshot {
	at := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	code := 3
	s := model.Snapshot{Seq: 1, Time: at, Source: "demo", Leaked: 1}
	s.Counts[model.StateRunning] = 2
	s.Tasks = []model.Task{
		{ID: "t1", Name: "fetch 1", Group: "crawl", State: model.StateRunning, Created: at, Started: at, Done: 1, Total: 10,
			Log: []model.LogLine{{Time: at, Text: "get /1"}}},
		{ID: "t2", Name: "fetch 2", Group: "crawl", State: model.StateFailed, Created: at, ExitCode: &code, Error: "boom",
			Deps: []model.Dependency{{ID: "t0", Name: "db"}}},
		{ID: "t3", Name: "fetch 3", Group: "crawl", State: model.StateQueued, Created: at},
	}
	s.Managers = []model.Manager{{Name: "crawl", Limit: 3, Running: 1, Queued: 1}}
	s.Pools = []model.Pool{{Name: "io", Type: "io", State: model.PoolRunning, Throughput: []float64{1, 2}}}
	s.Replicas = []model.ReplicaSet{{Name: "web", Manager: "crawl", Desired: 2}}
	s.Pollers = []model.Poller{{Name: "disk", Period: time.Second, Alive: true, Started: true, Usage: 0.25,
		Value: "42%", Delays: []time.Duration{1, 2, 3}, Extra: &model.PollerExtra{Schedule: "@every 1s"}}}
	s.Events = []model.Event{{Time: at, Level: model.LevelInfo, Task: "t1", Text: "started"}}
	return s
}

// TestStreamDelta round-trips sequences of edits: every snapshot the client
// rebuilds equals the server's (after wireNormal), none it handed out changes
// later, and an unchanged snapshot costs only its Seq and Time.
func TestStreamDelta(t *testing.T) {
	tests := []struct {
		name string
		edit func(s *model.Snapshot)
		max  int // bytes the delta may take; 0: no bound
	}{
		{"only seq and time", func(s *model.Snapshot) {}, 80},
		{"progress of one task", func(s *model.Snapshot) {
			s.Tasks = cloneSlice(s.Tasks)
			s.Tasks[0].Done++
		}, 140},
		{"a task added in the middle", func(s *model.Snapshot) {
			s.Tasks = append(cloneSlice(s.Tasks[:1]), append([]model.Task{{ID: "t9", Name: "new", State: model.StateQueued}}, s.Tasks[1:]...)...)
		}, 0},
		{"a task removed", func(s *model.Snapshot) { s.Tasks = cloneSlice(s.Tasks[1:]) }, 0},
		{"tasks reordered", func(s *model.Snapshot) {
			s.Tasks = cloneSlice(s.Tasks)
			s.Tasks[0], s.Tasks[len(s.Tasks)-1] = s.Tasks[len(s.Tasks)-1], s.Tasks[0]
		}, 0},
		{"an omitempty field emptied", func(s *model.Snapshot) {
			s.Tasks = cloneSlice(s.Tasks)
			s.Tasks[1].Error, s.Tasks[1].ExitCode, s.Tasks[1].Deps = "", nil, nil
			s.Pollers = cloneSlice(s.Pollers)
			s.Pollers[0].Extra, s.Pollers[0].Value = nil, ""
		}, 0},
		{"a log line and a delay", func(s *model.Snapshot) {
			s.Tasks = cloneSlice(s.Tasks)
			s.Tasks[0].Log = append(cloneSlice(s.Tasks[0].Log), model.LogLine{Time: s.Time, Text: "more"})
			s.Pollers = cloneSlice(s.Pollers)
			s.Pollers[0].Delays = append(cloneSlice(s.Pollers[0].Delays[1:]), 4)
		}, 0},
		{"events pushed onto the ring", func(s *model.Snapshot) {
			ev := []model.Event{{Time: s.Time, Level: model.LevelWarn, Text: "new"}, {Time: s.Time, Level: model.LevelWarn, Text: "new"}}
			s.Events = append(ev, s.Events...)
		}, 0},
		{"lists emptied, nil and back", func(s *model.Snapshot) {
			s.Tasks, s.Managers, s.Replicas, s.Events = []model.Task{}, nil, nil, nil
		}, 0},
		{"top-level fields", func(s *model.Snapshot) {
			s.SourceError, s.Leaked, s.NotEngine = "spindle.yaml:3:4: bad", 0, true
			s.Counts[model.StateRunning] = 0
		}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ss := &streamSession{t: t}
			s := demoSnapshot()
			ss.send(s, false)
			for round := range 3 { // the edit, then it again on its result, then no change
				s.Seq++
				s.Time = s.Time.Add(100 * time.Millisecond)
				if round < 2 {
					tt.edit(&s)
				}
				ss.send(s, false)
				if tt.max > 0 && ss.bytes[len(ss.bytes)-1] > tt.max {
					t.Errorf("round %d: delta of %d bytes, want at most %d", round, ss.bytes[len(ss.bytes)-1], tt.max)
				}
			}
			s.Seq++
			ss.send(demoSnapshot(), false) // back to the start (Seq 1 again is fine: deltas name bases)
			ss.checkImmutable()
		})
	}
}

func cloneSlice[T any](s []T) []T { return append([]T(nil), s...) }

// TestStreamDeltaRefused: a delta that does not fit the client's state is a
// resync (errResync), never a wrong snapshot.
func TestStreamDeltaRefused(t *testing.T) {
	s := demoSnapshot()
	data, _ := json.Marshal(s)
	snap, err := loadFull(data)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct{ name, delta, want string }{
		{"another base", `{"base":7}`, "a delta from snapshot 7, the client has 1"},
		{"a copy past the end", `{"base":1,"lists":{"tasks":{"ops":[2,5]}}}`, "rows 2..7 copied from a list of 3"},
		{"new rows missing", `{"base":1,"lists":{"tasks":{"ops":[-1,2],"new":[{}]}}}`, "2 new rows wanted, 1 sent"},
		{"new rows left over", `{"base":1,"lists":{"tasks":{"ops":[0,1],"new":[{}]}}}`, "1 new rows sent, 0 used"},
		{"a patch out of range", `{"base":1,"lists":{"pools":{"ops":[0,1],"patch":[{"i":3}]}}}`, "patch of row 3 of 1"},
		{"an odd op", `{"base":1,"lists":{"pools":{"ops":[0]}}}`, "odd ops"},
		{"a bad op", `{"base":1,"lists":{"pools":{"ops":[-2,1]}}}`, "op (-2, 1)"},
		{"an unknown list", `{"base":1,"lists":{"widgets":{"ops":[]}}}`, `unknown list "widgets"`},
		{"a row of the wrong type", `{"base":1,"lists":{"pools":{"ops":[-1,1],"new":[{"busy":"x"}]}}}`, "pools: row 0"},
		{"a patch of the wrong type", `{"base":1,"lists":{"pools":{"ops":[0,1],"patch":[{"i":0,"set":{"busy":"x"}}]}}}`, "pools: row 0"},
		{"a list as a top-level field", `{"base":1,"top":{"tasks":[]}}`, "list tasks sent as a top-level field"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := applyDelta(snap, []byte(tt.delta))
			if !errors.Is(err, errResync) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got %v, want errResync saying %q", err, tt.want)
			}
		})
	}
	if !reflect.DeepEqual(snap, wireNormal(t, s)) {
		t.Error("a refused delta changed the state")
	}
}

// FuzzStreamDelta applies random edits (rows added, removed, changed, moved;
// events pushed; top-level fields; snapshots the client misses) and checks
// every rebuilt snapshot against the server's.
func FuzzStreamDelta(f *testing.F) {
	f.Add(uint64(1), []byte{0, 1, 2, 3, 4, 5, 6, 7, 8, 9})
	f.Add(uint64(7), []byte{9, 9, 9, 1, 1, 1, 0, 0, 200, 13})
	f.Add(uint64(42), []byte("a longer run of edits to play with"))
	f.Fuzz(func(t *testing.T, seed uint64, edits []byte) {
		if len(edits) > 200 {
			edits = edits[:200]
		}
		rng := rand.New(rand.NewPCG(seed, uint64(len(edits))))
		ss := &streamSession{t: t}
		s := demoSnapshot()
		ss.send(s, false)
		for _, e := range edits {
			s.Seq++
			s.Time = s.Time.Add(time.Duration(e) * time.Millisecond)
			randomEdit(&s, e, rng)
			ss.send(s, e%7 == 6)
		}
		ss.checkImmutable()
	})
}

// randomEdit changes s in the way e picks, copying every slice it changes
// (snapshots are immutable).
func randomEdit(s *model.Snapshot, e byte, rng *rand.Rand) {
	n := len(s.Tasks)
	switch e % 10 {
	case 0: // add a task somewhere
		i := rng.IntN(n + 1)
		task := model.Task{ID: model.TaskID(fmt.Sprintf("n%d", rng.IntN(50))), Name: "new", State: model.StateQueued, Created: s.Time}
		s.Tasks = append(cloneSlice(s.Tasks[:i]), append([]model.Task{task}, s.Tasks[i:]...)...)
	case 1: // remove one
		if n > 0 {
			i := rng.IntN(n)
			s.Tasks = append(cloneSlice(s.Tasks[:i]), s.Tasks[i+1:]...)
		}
	case 2: // change fields of one
		if n > 0 {
			s.Tasks = cloneSlice(s.Tasks)
			t := &s.Tasks[rng.IntN(n)]
			t.Done = rng.Int64N(5)
			t.State = model.State(rng.IntN(int(model.NumStates)))
			t.Error = []string{"", "boom", "halted"}[rng.IntN(3)]
			if rng.IntN(2) == 0 {
				t.Log = append(cloneSlice(t.Log), model.LogLine{Time: s.Time, Text: "line"})
			} else {
				t.Log = nil
			}
		}
	case 3: // move one
		if n > 1 {
			s.Tasks = cloneSlice(s.Tasks)
			i, j := rng.IntN(n), rng.IntN(n)
			s.Tasks[i], s.Tasks[j] = s.Tasks[j], s.Tasks[i]
		}
	case 4: // events: push some, drop the oldest past 5
		ev := make([]model.Event, rng.IntN(3)+1)
		for i := range ev {
			ev[i] = model.Event{Time: s.Time, Level: model.LevelInfo, Text: fmt.Sprint("e", rng.IntN(3))}
		}
		s.Events = append(ev, s.Events...)
		s.Events = s.Events[:min(len(s.Events), 5)]
	case 5: // pollers
		s.Pollers = cloneSlice(s.Pollers)
		if len(s.Pollers) > 0 && rng.IntN(4) > 0 {
			p := &s.Pollers[0]
			p.Usage = rng.Float64()
			p.Delays = append(cloneSlice(p.Delays), time.Duration(rng.IntN(9)))
			if rng.IntN(3) == 0 {
				p.Extra = nil
			}
		} else {
			s.Pollers = append(s.Pollers, model.Poller{Name: fmt.Sprint("p", rng.IntN(5))})
		}
	case 6: // top-level
		s.Leaked = rng.IntN(3)
		s.SourceError = []string{"", "bad file"}[rng.IntN(2)]
		s.Counts[rng.IntN(int(model.NumStates))] = rng.IntN(4)
	case 7: // a list to nil, empty or one row
		switch rng.IntN(3) {
		case 0:
			s.Managers = nil
		case 1:
			s.Managers = []model.Manager{}
		default:
			s.Managers = []model.Manager{{Name: "m", Limit: rng.IntN(4)}}
		}
	case 8: // replicas and pools
		if rng.IntN(2) == 0 {
			s.Replicas = nil
		} else {
			s.Replicas = []model.ReplicaSet{{Name: "web", Desired: rng.IntN(3)}}
		}
		s.Pools = cloneSlice(s.Pools)
		if len(s.Pools) > 0 {
			s.Pools[0].Throughput = append(cloneSlice(s.Pools[0].Throughput), rng.Float64())
		}
	case 9: // nothing but Seq and Time
	}
}
