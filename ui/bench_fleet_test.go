package ui

import (
	"compress/gzip"
	"encoding/json"
	"os"
	"slices"
	"strconv"
	"testing"

	"github.com/spindle-tui/spindle/model"
)

// demoSnapshot reads testdata/demo_snapshot.json.gz: what `spindle status
// --json` printed of a served demo after three minutes (840 tasks, 13
// pollers, 192 events), the size of one engine of the fleet benchmarks.
func demoSnapshot(tb testing.TB) model.Snapshot {
	tb.Helper()
	f, err := os.Open("testdata/demo_snapshot.json.gz")
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	z, err := gzip.NewReader(f)
	if err != nil {
		tb.Fatal(err)
	}
	var s model.Snapshot
	if err := json.NewDecoder(z).Decode(&s); err != nil {
		tb.Fatal(err)
	}
	return s
}

// fleetOfDemos merges n copies of the demo snapshot as remote.Fleet does:
// each qualified by its origin, the rows concatenated, the events newest first.
func fleetOfDemos(tb testing.TB, n int) model.Snapshot {
	demo := demoSnapshot(tb)
	out := model.Snapshot{Seq: 1, Time: demo.Time, Source: strconv.Itoa(n) + " engines"}
	for i := range n {
		name := "demo-" + strconv.Itoa(i+1)
		s := model.QualifySnapshot(demo, name)
		out.Origins = append(out.Origins, model.Origin{Name: name, Source: "demo", Seen: demo.Time})
		out.Tasks = append(out.Tasks, s.Tasks...)
		out.Managers = append(out.Managers, s.Managers...)
		out.Pools = append(out.Pools, s.Pools...)
		out.Pollers = append(out.Pollers, s.Pollers...)
		out.Events = append(out.Events, s.Events...)
		for st, c := range s.Counts {
			out.Counts[st] += c
		}
	}
	slices.SortStableFunc(out.Events, func(a, b model.Event) int { return b.Time.Compare(a.Time) })
	return out
}

// BenchmarkUpdateViewFleet: a merged snapshot of 50 (or 10) demo engines in,
// a 160x48 frame out, in each view: the dashboard's cost per merged frame.
func BenchmarkUpdateViewFleet(b *testing.B) {
	for _, n := range []int{10, 50} {
		s := fleetOfDemos(b, n)
		for _, v := range []struct {
			name string
			view view
		}{{"workers", viewWorkers}, {"pools", viewPools}, {"pollers", viewPollers}, {"events", viewEvents}} {
			b.Run(strconv.Itoa(n)+"engines/"+v.name, func(b *testing.B) {
				m := benchModel(160, 48, s)
				m.switchView(v.view)
				b.ReportAllocs()
				for b.Loop() {
					s.Seq++
					mm, _ := m.Update(snapshotMsg{snap: s})
					m = mm.(Model)
					sink = m.View().Content
				}
			})
		}
	}
}
