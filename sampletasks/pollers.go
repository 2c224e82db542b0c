package sampletasks

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/spindle-tui/spindle/engine"
)

// Names of the demo's pollers and poll dict.
const (
	HeartbeatPoller = "heartbeat"   // 50ms, trivial: the delay sparkline stays flat
	QueuePoller     = "queue depth" // 250ms
	DiskPoller      = "disk usage"  // 1s
	CertPoller      = "cert expiry" // 5s
	SlowAPIPoller   = "slow api"    // 200ms, runs sometimes outlast it: skipped ticks, usage near 100%
	FlakyDNSPoller  = "flaky dns"   // 500ms, fails every third run
	TempsDict       = "temps"       // a PollDict of rack temperatures, one period per key
)

// errDNS is what the flaky poller returns every few runs.
var errDNS = errors.New("lookup api.example.org: i/o timeout")

// registerPollers adds the demo pollers and the temperature dict to e and starts
// them. They run until the engine closes; ctx bounds nothing here, as pollers
// end with the engine.
func registerPollers(_ context.Context, e *engine.Engine) error {
	start := time.Now()
	beats := 0
	heartbeat := e.NewPoller(HeartbeatPoller, 50*time.Millisecond, func(context.Context) (any, error) {
		beats++
		return fmt.Sprintf("beat %d, up %s", beats, time.Since(start).Round(time.Second)), nil
	})

	queueRng := rand.New(rand.NewPCG(3, 5))
	depth := 40
	queue := e.NewPoller(QueuePoller, 250*time.Millisecond, func(context.Context) (any, error) {
		depth = max(0, depth+queueRng.IntN(21)-10)
		return fmt.Sprintf("%d jobs waiting", depth), nil
	})

	used := 61.0
	disk := e.NewPoller(DiskPoller, time.Second, func(context.Context) (any, error) {
		used = math.Min(99, used+0.1)
		return fmt.Sprintf("/ %.1f%% used", used), nil
	})

	cert := e.NewPoller(CertPoller, 5*time.Second, func(context.Context) (any, error) {
		left := 29*24*time.Hour - time.Since(start)
		return fmt.Sprintf("example.org expires in %dd%dh", int(left.Hours())/24, int(left.Hours())%24), nil
	})

	slowRng := rand.New(rand.NewPCG(13, 17))
	calls := 0
	slow := e.NewPoller(SlowAPIPoller, 200*time.Millisecond, func(ctx context.Context) (any, error) {
		calls++
		took := time.Duration(120+slowRng.IntN(200)) * time.Millisecond // 120–320ms against 200ms
		if err := sleep(ctx, took); err != nil {
			return nil, err
		}
		return fmt.Sprintf("GET /v1/status 200 in %s", took), nil
	}, engine.MinWait(10*time.Millisecond), engine.Timeout(time.Second))

	lookups := 0
	dns := e.NewPoller(FlakyDNSPoller, 500*time.Millisecond, func(context.Context) (any, error) {
		lookups++
		if lookups%3 == 0 {
			return nil, fmt.Errorf("resolve api.example.org: %w", errDNS)
		}
		return "api.example.org → 93.184.216.34", nil
	})

	for _, p := range []*engine.Poller{heartbeat, queue, disk, cert, slow, dns} {
		if err := p.Start(); err != nil {
			return fmt.Errorf("sampletasks: start poller %s: %w", p.Name(), err)
		}
	}
	return registerTemps(e)
}

// rackSensors is the fake hardware behind the temps dict: a slow drift per rack
// that Set can override (a thermostat target).
type rackSensors struct {
	mu     sync.Mutex
	rng    *rand.Rand
	temps  map[string]float64
	target map[string]float64
	since  time.Time // when rack-5 was added (calendar.go)
}

func (r *rackSensors) read(_ context.Context, rack string) (float64, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if err := r.offlineLocked(rack); err != nil {
		return 0, err
	}
	t := r.temps[rack] + (r.target[rack]-r.temps[rack])*0.1 + r.rng.Float64()*0.4 - 0.2
	r.temps[rack] = t
	return math.Round(t*10) / 10, nil
}

func (r *rackSensors) write(_ context.Context, rack string, target float64) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.target[rack] = target
	return nil
}

// registerTemps adds the PollDict of rack temperatures, each rack at its own period.
func registerTemps(e *engine.Engine) error {
	racks := []struct {
		name   string
		period time.Duration
		temp   float64
	}{
		{"rack-1", 200 * time.Millisecond, 21},
		{"rack-2", 500 * time.Millisecond, 24},
		{"rack-3", time.Second, 27},
		{"rack-4", 2 * time.Second, 31},
	}
	s := &rackSensors{rng: rand.New(rand.NewPCG(19, 23)), temps: map[string]float64{}, target: map[string]float64{}}
	for _, r := range racks {
		s.temps[r.name], s.target[r.name] = r.temp, r.temp
	}
	d := engine.NewPollDict(e, TempsDict, s.read, s.write)
	for _, r := range racks {
		if err := d.Add(r.name, r.period); err != nil {
			return fmt.Errorf("sampletasks: %s: %w", TempsDict, err)
		}
	}
	if err := addOfflineRack(d, s); err != nil { // calendar.go
		return fmt.Errorf("sampletasks: %s: %w", TempsDict, err)
	}
	return nil
}
