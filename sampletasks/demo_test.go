package sampletasks_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/spindle-tui/spindle/engine"
	"github.com/spindle-tui/spindle/model"
	"github.com/spindle-tui/spindle/sampletasks"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// TestDemoShowsEveryKind runs the demo for a few seconds and checks that a
// newcomer sees what it promises: both managers (one watching, one waiting to be
// run), the failing task with its error, the pools doing work, the pollers
// ticking with an erroring one; and that it all ends with Close.
func TestDemoShowsEveryKind(t *testing.T) {
	e := engine.New(engine.WithRefresh(10 * time.Millisecond))
	ctx, stop := context.WithCancel(context.Background())
	if err := sampletasks.Register(ctx, e); err != nil {
		t.Fatal(err)
	}
	defer func() {
		stop()
		cctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := e.Close(cctx); err != nil {
			t.Errorf("close: %v", err)
		}
	}()

	want := map[string]func(s *model.Snapshot) bool{
		"crawl watching, batch waiting": func(s *model.Snapshot) bool {
			i := slices.IndexFunc(s.Managers, func(m model.Manager) bool { return m.Name == sampletasks.BatchManager })
			j := slices.IndexFunc(s.Managers, func(m model.Manager) bool { return m.Name == sampletasks.CrawlManager })
			return i >= 0 && j >= 0 && !s.Managers[i].Watching && s.Managers[i].Queued > 0 && s.Managers[j].Watching
		},
		"the sitemap task failed with its error": func(s *model.Snapshot) bool {
			return slices.ContainsFunc(s.Tasks, func(t model.Task) bool {
				return t.Name == "parse sitemap.xml" && t.State == model.StateFailed && strings.Contains(t.Error, "XML syntax error")
			})
		},
		"pools io, cpu and render done work": func(s *model.Snapshot) bool {
			done := 0
			for _, p := range s.Pools {
				if (p.Name == sampletasks.IOPool || p.Name == sampletasks.CPUPool || p.Name == sampletasks.RenderPool) && p.Done > 0 {
					done++
				}
			}
			return done == 3
		},
		"pollers ticking, one erroring": func(s *model.Snapshot) bool {
			ticking, erroring := 0, 0
			for _, p := range s.Pollers {
				if p.Count > 0 {
					ticking++
				}
				if p.Errors > 0 {
					erroring++
				}
			}
			return ticking >= 4 && erroring >= 1
		},
		"a serial queue answering calls one at a time": func(s *model.Snapshot) bool {
			i := slices.IndexFunc(s.Managers, func(m model.Manager) bool { return m.Name == sampletasks.DeviceSerial })
			return i >= 0 && s.Managers[i].Serial && s.Managers[i].Limit == 1 && s.Managers[i].Counts[model.StateDone] > 0
		},
		"a cron poller and a scheduled task with their next times": func(s *model.Snapshot) bool {
			n := 0
			for _, p := range s.Pollers {
				if (p.Name == sampletasks.RotatePoller || p.Name == sampletasks.BackupTask) && p.Schedule() != "" && p.Next.After(s.Time) {
					n++
				}
			}
			return n == 2
		},
		"rack-5's value expired": func(s *model.Snapshot) bool {
			return slices.ContainsFunc(s.Pollers, func(p model.Poller) bool {
				return p.Name == sampletasks.TempsDict+"["+sampletasks.OfflineRack+"]" && p.Expired(s.Time)
			})
		},
	}
	ch, cancel := e.Subscribe()
	defer cancel()
	deadline := time.After(20 * time.Second)
	for len(want) > 0 {
		select {
		case s := <-ch:
			for name, ok := range want {
				if ok(&s) {
					delete(want, name)
				}
			}
		case <-deadline:
			for name := range want {
				t.Errorf("the demo did not show: %s", name)
			}
			return
		}
	}
}
