package remote

import (
	"compress/gzip"
	"encoding/json"
	"os"
	"strconv"
	"testing"

	"github.com/spindle-tui/spindle/model"
)

// benchDemoSnapshot reads the served demo's snapshot the ui's fleet
// benchmark uses (ui/testdata: 840 tasks, 13 pollers, 192 events).
func benchDemoSnapshot(b *testing.B) model.Snapshot {
	f, err := os.Open("../../ui/testdata/demo_snapshot.json.gz")
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	z, err := gzip.NewReader(f)
	if err != nil {
		b.Fatal(err)
	}
	var s model.Snapshot
	if err := json.NewDecoder(z).Decode(&s); err != nil {
		b.Fatal(err)
	}
	return s
}

// BenchmarkFleetMerge: what a fleet does per published frame, over n demo
// engines: qualify is one engine's new snapshot taken in (done as it
// arrives), merge is the merged snapshot built from every engine's latest.
func BenchmarkFleetMerge(b *testing.B) {
	demo := benchDemoSnapshot(b)
	b.Run("qualify", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			_ = model.QualifySnapshot(demo, "demo-17")
		}
	})
	for _, n := range []int{10, 50} {
		slots := make([]*fleetSlot, n)
		for i := range slots {
			slots[i] = &fleetSlot{name: "demo-" + strconv.Itoa(i+1)}
			slots[i].take(demo)
		}
		b.Run("merge/"+strconv.Itoa(n)+"engines", func(b *testing.B) {
			b.ReportAllocs()
			var seq uint64
			for b.Loop() {
				seq++
				_ = merge(slots, seq)
			}
		})
	}
}
