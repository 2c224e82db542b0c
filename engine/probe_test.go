package engine_test

import (
	"context"
	"errors"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/spindle-tui/spindle/engine"
	"github.com/spindle-tui/spindle/model"
)

// scripted is a probe check that returns the results of script in turn, then
// keeps returning the last one.
func scripted(script string) engine.ProbeCheck {
	var mu sync.Mutex
	i := 0
	return func(context.Context) error {
		mu.Lock()
		defer mu.Unlock()
		c := script[min(i, len(script)-1)]
		i++
		if c == '+' {
			return nil
		}
		return errors.New("check " + string(rune('0'+i)) + " failed")
	}
}

// TestProbeThresholds checks health after each check of a scripted readiness
// probe: SuccessThreshold passes in a row make it ready, FailureThreshold
// failures in a row make it not ready again.
func TestProbeThresholds(t *testing.T) {
	cases := []struct {
		name       string
		succ, fail int
		script     string // + pass, - fail, one per period
		want       string // R ready, n not ready, after each check
	}{
		{"one pass is ready, three failures are not", 1, 3, "+--+---", "RRRRRRn"},
		{"two passes in a row", 2, 1, "+-++-+", "nnnRnn"},
		{"failures below the threshold keep it ready", 1, 2, "+-+-+--", "RRRRRRn"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				e := engine.New()
				defer closeEngine(t, e)
				m := e.NewManager("m", 1)
				_ = m.Watch()
				id, err := m.Append("db", untilHalted, engine.Readiness(engine.Probe{
					Check: scripted(c.script), Period: time.Second, InitialDelay: 500 * time.Millisecond,
					SuccessThreshold: c.succ, FailureThreshold: c.fail,
				}))
				if err != nil {
					t.Fatal(err)
				}
				synctest.Wait()
				if got := taskOf(t, e, id); got.Health != model.HealthNotReady || got.Probes[0].Count != 0 {
					t.Fatalf("before the initial delay: %s, %d checks", got.Health, got.Probes[0].Count)
				}
				time.Sleep(500 * time.Millisecond) // the first check is at the initial delay
				var got strings.Builder
				for i := range c.want {
					synctest.Wait()
					task := taskOf(t, e, id)
					if task.Probes[0].Count != i+1 {
						t.Fatalf("check %d: count %d", i+1, task.Probes[0].Count)
					}
					if task.Health == model.HealthReady {
						got.WriteByte('R')
					} else {
						got.WriteByte('n')
					}
					time.Sleep(time.Second)
				}
				if got.String() != c.want {
					t.Fatalf("health after each check %s, want %s", got.String(), c.want)
				}
				pl, ok := e.Poller("db readiness")
				if !ok || pl.Stats().Count < int64(len(c.want)) {
					t.Fatalf("the probe's poller: %v %+v", ok, pl.Stats())
				}
			})
		})
	}
}

// TestLivenessFailureFailsTheRun: FailureThreshold failed liveness checks
// halt the run, which ends failed with the probe's error.
func TestLivenessFailureFailsTheRun(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := engine.New()
		defer closeEngine(t, e)
		m := e.NewManager("m", 1)
		_ = m.Watch()
		id, _ := m.Append("api", untilHalted, engine.Liveness(engine.Probe{
			Check: scripted("++--"), Period: time.Second, FailureThreshold: 2,
		}))
		time.Sleep(2500 * time.Millisecond)
		synctest.Wait()
		if got := stateOf(t, e, id); got != model.StateRunning {
			t.Fatalf("after one failure: %s", got)
		}
		time.Sleep(time.Second)
		synctest.Wait()
		got := taskOf(t, e, id)
		if got.State != model.StateFailed || !strings.Contains(got.Error, "liveness probe: 2 liveness checks failed in a row: check 4 failed") {
			t.Fatalf("after two failures: %s %q", got.State, got.Error)
		}
		if p := got.Probes[0]; p.Failure != "check 4 failed" || p.LastFailure.IsZero() {
			t.Fatalf("probe status %+v", p)
		}
	})
}

// TestNetworkProbes runs the TCP and HTTP checks against real loopback
// listeners.
func TestNetworkProbes(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var up atomic.Bool
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/health" || !up.Load() {
			http.Error(w, "warming up", http.StatusServiceUnavailable)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	})}
	served := make(chan struct{})
	go func() { defer close(served); _ = srv.Serve(ln) }()
	defer func() { _ = srv.Close(); <-served }()
	closed, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	refused := closed.Addr().String()
	_ = closed.Close()

	ctx := context.Background()
	addr := ln.Addr().String()
	check := func(p engine.Probe) error {
		ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		defer cancel()
		return p.Check(ctx)
	}
	if err := check(engine.TCPProbe(addr)); err != nil {
		t.Errorf("tcp %s: %v", addr, err)
	}
	if err := check(engine.TCPProbe(refused)); err == nil || !strings.Contains(err.Error(), "refused") {
		t.Errorf("tcp %s (closed): %v", refused, err)
	}
	url := "http://" + addr + "/health"
	if err := check(engine.HTTPProbe(url, 0)); err == nil || !strings.Contains(err.Error(), "503 Service Unavailable: warming up") {
		t.Errorf("http before up: %v", err)
	}
	up.Store(true)
	if err := check(engine.HTTPProbe(url, 0)); err != nil {
		t.Errorf("http up: %v", err)
	}
	if err := check(engine.HTTPProbe(url, http.StatusOK)); err == nil {
		t.Errorf("http wanting 200 got 204 and passed")
	}

	// And as a task's readiness, gating a dependent.
	e := engine.New()
	defer closeEngine(t, e)
	m := e.NewManager("stack", 2)
	_ = m.Watch()
	p := engine.HTTPProbe(url, 0)
	p.Period = 10 * time.Millisecond
	up.Store(false)
	api, _ := m.Append("api", untilHalted, engine.Readiness(p))
	web, _ := m.Append("web", untilHalted, engine.DependsOn(api, engine.Healthy))
	eventually(t, "api probed", func() bool {
		pr := findTask(e, api).Probes
		return len(pr) == 1 && pr[0].Failures > 0
	})
	if got := findTask(e, web); got.State != model.StateWaiting || got.Reason != "waiting for api (healthy)" {
		t.Fatalf("web is %s %q", got.State, got.Reason)
	}
	up.Store(true)
	untilState(t, e, web, model.StateRunning)
	if h := findTask(e, api).Health; h != model.HealthReady {
		t.Fatalf("api health %s", h)
	}
}
