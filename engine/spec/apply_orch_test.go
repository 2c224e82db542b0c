//go:build unix

package spec

import (
	"context"
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/spindle-tui/spindle/engine"
	"github.com/spindle-tui/spindle/model"
)

// stackFile is db (ready on a TCP port) → migrate (completed_successfully)
// → api (http readiness) → worker ×3, as a parsed file would hold it.
func stackFile(dbPort, apiPort int, apiArg string) *File {
	task := func(name string, argv ...string) Task {
		return Task{Name: name, Command: argv, Restart: RestartNever, StopSignal: DefaultStopSignal,
			StopGrace: time.Second, RestartWindow: DefaultRestartWindow}
	}
	db := task("db", "sleep", "7201")
	db.Readiness = &Probe{TCP: &TCPProbe{Port: dbPort}, Period: 20 * time.Millisecond}
	migrate := task("migrate", "true")
	migrate.DependsOn = []Dependency{{Name: "db", Owner: "stack", Condition: ConditionHealthy}}
	api := task("api", "sleep", apiArg)
	api.DependsOn = []Dependency{{Name: "migrate", Owner: "stack", Condition: ConditionCompletedSuccessfully}}
	api.Readiness = &Probe{HTTPGet: &HTTPProbe{Port: apiPort, Path: "health"}, Period: 20 * time.Millisecond}
	worker := task("worker", "sleep", "7203")
	worker.Replicas = 3
	worker.DependsOn = []Dependency{{Name: "api", Owner: "stack", Condition: ConditionHealthy}}
	// Written dependents first: the applier orders them.
	return &File{Refresh: DefaultRefresh, Managers: []Manager{{Name: "stack", Limit: 8, Watch: true,
		Tasks: []Task{worker, api, migrate, db}}}}
}

func listen(t *testing.T) (net.Listener, int) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	return ln, ln.Addr().(*net.TCPAddr).Port
}

// TestSupervisorStartsAStackInOrder applies the stack, sees it come up in
// dependency order with its health, and redefines api in place.
func TestSupervisorStartsAStackInOrder(t *testing.T) {
	dbLn, dbPort := listen(t)
	defer dbLn.Close()
	apiLn, apiPort := listen(t)
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {})}
	served := make(chan struct{})
	go func() { defer close(served); _ = srv.Serve(apiLn) }()
	defer func() { _ = srv.Close(); <-served }()

	e := engine.New(engine.WithRefresh(10 * time.Millisecond))
	defer e.Close(context.Background())
	sup := NewSupervisor(e)
	ctx := context.Background()
	if _, err := sup.Apply(ctx, stackFile(dbPort, apiPort, "7202")); err != nil {
		t.Fatal(err)
	}
	byName := func(s model.Snapshot) map[string]model.Task {
		m := map[string]model.Task{}
		for _, task := range s.Tasks {
			m[task.Name] = task
		}
		return m
	}
	s := waitFor(t, e, "the stack up", func(s model.Snapshot) bool {
		r := byName(s)
		for _, w := range []string{"worker-1", "worker-2", "worker-3"} {
			if r[w].State != model.StateRunning {
				return false
			}
		}
		return r["migrate"].State == model.StateDone && r["api"].Health == model.HealthReady
	})
	r := byName(s)
	if r["db"].Health != model.HealthReady || len(r["worker-2"].Deps) != 1 || r["worker-2"].Deps[0].Name != "api" {
		t.Fatalf("db %s, worker-2 deps %+v", r["db"].Health, r["worker-2"].Deps)
	}
	for _, pair := range [][2]string{{"db", "migrate"}, {"migrate", "api"}, {"api", "worker-1"}} {
		dep, dependent := r[pair[0]], r[pair[1]]
		if !dependent.Started.After(dep.Started) {
			t.Errorf("%s started %s, before %s at %s", pair[1], dependent.Started, pair[0], dep.Started)
		}
	}

	// An edit of api restarts it in place: same id, one more restart.
	api := r["api"]
	plan, err := sup.Apply(ctx, stackFile(dbPort, apiPort, "7204"))
	if err != nil {
		t.Fatal(err)
	}
	if got := plan.Summary(); got != "1 task restarted" {
		t.Errorf("plan: %s", got)
	}
	s = waitFor(t, e, "api redefined", func(s model.Snapshot) bool {
		a := byName(s)["api"]
		return a.State == model.StateRunning && a.Command == "sleep 7204"
	})
	after := byName(s)["api"]
	if after.ID != api.ID || after.Restarts != api.Restarts+1 {
		t.Fatalf("api was %s (%d restarts), now %s (%d)", api.ID, api.Restarts, after.ID, after.Restarts)
	}
	if _, ok := e.Poller("api readiness"); !ok || len(s.Pollers) != 2 {
		t.Fatalf("the probes' pollers after the edit: %+v", s.Pollers)
	}
	// Scaling down by a reload removes the last replica only.
	f := stackFile(dbPort, apiPort, "7204")
	f.Managers[0].Tasks[0].Replicas = 2
	w1 := byName(s)["worker-1"].ID
	if _, err := sup.Apply(ctx, f); err != nil {
		t.Fatal(err)
	}
	s = e.Snapshot()
	got := byName(s)
	if w3, ok := got["worker-3"]; got["worker-1"].ID != w1 || got["worker-1"].Restarts != 0 || ok {
		t.Fatalf("after scaling to 2: worker-1 %s (was %s, %d restarts), worker-3 %v %s", got["worker-1"].ID, w1, got["worker-1"].Restarts, ok, w3.State)
	}
}
