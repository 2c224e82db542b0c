package engine_test

import (
	"context"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/spindle-tui/spindle/engine"
	"github.com/spindle-tui/spindle/model"
)

// stopOrder records the order in which tasks see their halt.
type stopOrder struct {
	mu    sync.Mutex
	names []string
}

// task returns a Func that runs until halted, takes 10ms to stop, and
// records its name when it has.
func (o *stopOrder) task(name string) engine.Func {
	return func(ctx context.Context) error {
		<-ctx.Done()
		time.Sleep(10 * time.Millisecond)
		o.mu.Lock()
		o.names = append(o.names, name)
		o.mu.Unlock()
		return engine.ErrHalted
	}
}

// TestOrderedShutdown: Close and halt all stop dependents before what they
// depend on, and independent tasks together: db ← migrate-less api ←
// worker×3, across two managers, with an unrelated task.
func TestOrderedShutdown(t *testing.T) {
	for _, how := range []string{"close", "halt all"} {
		t.Run(how, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				e := engine.New()
				var order stopOrder
				infra := e.NewManager("infra", 4)
				apps := e.NewManager("apps", 8)
				_ = infra.Watch()
				_ = apps.Watch()
				db, _ := infra.Append("db", order.task("db"))
				// migrate ends at once: api depends on db through it.
				migrate, _ := infra.Append("migrate", returns(nil), engine.DependsOn(db, engine.Started))
				api, _ := apps.Append("api", order.task("api"), engine.DependsOn(migrate, engine.CompletedSuccessfully))
				for _, w := range []string{"worker-1", "worker-2", "worker-3"} {
					if _, err := apps.Append(w, order.task(w), engine.DependsOn(api, engine.Started)); err != nil {
						t.Fatal(err)
					}
				}
				_, _ = infra.Append("cron", order.task("cron"))
				synctest.Wait()
				if n := e.Snapshot().Counts[model.StateRunning]; n != 6 {
					t.Fatalf("%d running, want 6", n)
				}
				start := time.Now()
				if how == "close" {
					closeEngine(t, e)
				} else {
					if err := e.Apply(context.Background(), model.Command{Op: model.OpHaltAll}); err != nil {
						t.Fatal(err)
					}
					synctest.Wait()
					time.Sleep(time.Second)
					synctest.Wait()
					defer closeEngine(t, e)
				}
				got := order.names
				pos := func(n string) int { return slices.Index(got, n) }
				if len(got) != 6 {
					t.Fatalf("stopped %v", got)
				}
				for _, w := range []string{"worker-1", "worker-2", "worker-3"} {
					if pos(w) > pos("api") {
						t.Errorf("%s stopped after api: %v", w, got)
					}
				}
				if pos("api") > pos("db") || pos("db") != 5 && pos("cron") != 5 {
					t.Errorf("order %v", got)
				}
				if pos("cron") > 3 {
					t.Errorf("cron (independent) waited for the chain: %v", got)
				}
				// Three waves of 10ms: the workers and cron together, then api, then db.
				if took := time.Since(start); how == "close" && took != 30*time.Millisecond {
					t.Errorf("close took %s, want 3 waves of 10ms", took)
				}
				if !strings.HasPrefix(strings.Join(got, " "), "worker") && !strings.HasPrefix(strings.Join(got, " "), "cron") {
					t.Errorf("order %v", got)
				}
			})
		})
	}
}
