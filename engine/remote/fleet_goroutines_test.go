package remote

import (
	"context"
	"errors"
	"reflect"
	"slices"
	"testing"
	"testing/synctest"
	"time"

	"github.com/spindle-tui/spindle/model"
)

// TestFleetGoroutines: samples merge, keys and tasks qualified.
func TestFleetGoroutines(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f, fakes, _, _ := fleetOf(t, "api", "web")
		for n, fk := range fakes {
			fk.gor = model.Goroutines{Total: 3, Labelled: true, ByTask: map[model.TaskID]int{"t1": 2},
				Groups: []model.GoroutineGroup{{Key: "k1", Count: 2, Task: "t1"}, {Key: "k2", Count: map[string]int{"api": 1, "web": 5}[n]}}}
		}
		g, err := f.Goroutines(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if g.Total != 6 || g.ByTask["api/t1"] != 2 || g.ByTask["web/t1"] != 2 || len(g.Groups) != 4 {
			t.Fatalf("merged %+v", g)
		}
		if top := g.Groups[0]; top.Key != "web/k2" || top.Origin != "web" || g.Groups[1].Task != "api/t1" {
			t.Errorf("groups %+v", g.Groups)
		}
	})
}

// TestFleetGoroutinesStale: an engine that stops answering keeps its last
// sample's groups, named in Stale with when they were sampled and why; one
// that never answered is named with no groups; only a fleet none of whose
// engines ever answered is an error.
func TestFleetGoroutinesStale(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f, fakes, _, _ := fleetOf(t, "api", "db", "web")
		first := time.Now()
		for _, fk := range fakes {
			fk.gor = model.Goroutines{Time: first, Total: 1, Groups: []model.GoroutineGroup{{Key: "k", Count: 1}}}
		}
		fakes["db"].gerr = errors.New("never up\nsecond line")
		if _, err := f.Goroutines(context.Background()); err != nil {
			t.Fatal(err)
		}
		time.Sleep(10 * time.Second)
		fakes["web"].mu.Lock()
		fakes["web"].gerr = errors.New("connection refused")
		fakes["web"].mu.Unlock()
		fakes["api"].gor.Time = time.Now()
		g, err := f.Goroutines(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		want := []model.StaleSample{{Origin: "db", Error: "db: never up"}, {Origin: "web", Error: "web: connection refused", Time: first}}
		if !reflect.DeepEqual(g.Stale, want) {
			t.Errorf("Stale = %+v, want %+v", g.Stale, want)
		}
		var origins []string
		for _, gr := range g.Groups {
			origins = append(origins, gr.Origin)
		}
		slices.Sort(origins)
		if !slices.Equal(origins, []string{"api", "web"}) || g.Total != 2 {
			t.Errorf("groups of %v (total %d), want api's fresh and web's last", origins, g.Total)
		}

		for _, fk := range fakes {
			fk.mu.Lock()
			fk.gerr = errors.New("down")
			fk.mu.Unlock()
		}
		if g, err := f.Goroutines(context.Background()); err != nil || len(g.Stale) != 3 || len(g.Groups) != 2 {
			t.Errorf("all down after answering once: %v, %+v; want the last groups, all stale", err, g)
		}
		never, nf, _, _ := fleetOf(t, "x", "y")
		for _, fk := range nf {
			fk.gerr = errors.New("down")
		}
		if _, err := never.Goroutines(context.Background()); err == nil {
			t.Error("a fleet none of whose engines ever answered gave a sample")
		}
	})
}
