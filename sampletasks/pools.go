package sampletasks

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"runtime"
	"time"

	"github.com/spindle-tui/spindle/engine"
)

// Names and task types of the demo's pools.
const (
	IOPool        = "io"     // type io, 4 workers, drained on quit
	CPUPool       = "cpu"    // type cpu, GOMAXPROCS-1 workers (at least 1), daemon
	RenderPool    = "render" // type component_render, 4 workers; one runs the site build
	FragmentsPool = "fragments"

	IOType     = "io"
	CPUType    = "cpu"
	RenderType = "component_render"
	fragType   = "fragment"
)

// registerPools starts the demo pools, keeps them fed until ctx is done, sends
// now and then work of the wrong type (rejected, with the error in the events),
// and runs a site build that resolves a pool of its own and fans work out to
// children and grandchildren, to show lineage.
func registerPools(ctx context.Context, e *engine.Engine) error {
	cfgs := []struct {
		id  string
		cfg engine.PoolConfig
	}{
		{IOPool, engine.PoolConfig{MaxWorkers: 4, TaskType: IOType}},
		{CPUPool, engine.PoolConfig{MaxWorkers: max(runtime.GOMAXPROCS(0)-1, 1), TaskType: CPUType, Daemon: true}},
		{RenderPool, engine.PoolConfig{MaxWorkers: 4, TaskType: RenderType}},
	}
	f := &poolFeeder{e: e, rng: rand.New(rand.NewPCG(3, 5))}
	for _, c := range cfgs {
		_, p, err := engine.ResolvePool(ctx, e, c.id)
		if err != nil {
			return fmt.Errorf("sampletasks: %w", err)
		}
		if err := p.Start(c.cfg); err != nil {
			return fmt.Errorf("sampletasks: %w", err)
		}
		f.pools = append(f.pools, p)
	}
	if _, err := f.pools[2].SubmitNamed(ctx, "build site", RenderType, buildSite(e)); err != nil {
		return fmt.Errorf("sampletasks: %w", err)
	}
	if err := f.topUp(); err != nil {
		return err
	}
	go f.feed(ctx)
	return nil
}

// poolFeeder keeps the demo pools busy.
type poolFeeder struct {
	e     *engine.Engine
	pools []*engine.Pool // io, cpu, render
	rng   *rand.Rand     // only the feeder goroutine uses it after registerPools
	n     int
}

var components = []string{"header", "navbar", "hero", "card grid", "footer", "sidebar", "modal"}

// errBucket is what a failing sync returns.
var errBucket = errors.New("s3: 503 SlowDown: reduce your request rate")

// topUp queues work on every pool whose queue runs low.
func (f *poolFeeder) topUp() error {
	ctx := context.Background()
	for i, p := range f.pools {
		if p.Stats().Queued >= 3 {
			continue
		}
		for range 4 {
			f.n++
			var err error
			switch i {
			case 0:
				var fail error
				if f.rng.IntN(8) == 0 {
					fail = errBucket
				}
				_, err = p.SubmitNamed(ctx, fmt.Sprintf("sync bucket-%d", f.n), IOType,
					steps(8+f.rng.IntN(20), time.Duration(100+f.rng.IntN(200))*time.Millisecond, fail))
			case 1:
				_, err = p.SubmitNamed(ctx, fmt.Sprintf("hash chunk %d", f.n), CPUType,
					steps(20+f.rng.IntN(40), 50*time.Millisecond, nil))
			case 2:
				c := components[f.rng.IntN(len(components))]
				_, err = p.SubmitNamed(ctx, "render "+c, RenderType, steps(5+f.rng.IntN(15), 150*time.Millisecond, nil))
			}
			if err != nil {
				return fmt.Errorf("sampletasks: %w", err)
			}
		}
	}
	return nil
}

// feed tops the pools up and, every few seconds, submits render work to the io
// pool: a producer with a bug, refused by task-type protection.
func (f *poolFeeder) feed(ctx context.Context) {
	t := time.NewTicker(400 * time.Millisecond)
	defer t.Stop()
	for tick := 1; ; tick++ {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if f.topUp() != nil {
			return // the engine is closing
		}
		if tick%12 == 0 {
			_, _ = f.pools[0].SubmitNamed(ctx, "render avatar", RenderType, steps(3, 100*time.Millisecond, nil))
		}
	}
}

// steps is well-behaved pool work: n steps of d, with Checkpoint, progress and a
// log line now and then; it ends with fail.
func steps(n int, d time.Duration, fail error) engine.Func {
	return func(ctx context.Context) error {
		for i := range n {
			if err := engine.Checkpoint(ctx); err != nil {
				return err
			}
			engine.Progress(ctx, int64(i), int64(n))
			if i%4 == 0 {
				engine.Logf(ctx, "step %d/%d", i+1, n)
			}
			if err := sleep(ctx, d); err != nil {
				return err
			}
		}
		engine.Progress(ctx, int64(n), int64(n))
		return fail
	}
}

// buildSite shows lineage: it creates a "fragments" pool bound to its own
// context, then in rounds submits pages to it; each page resolves the pool
// through its inherited context (StrictlyGet) and submits its fragments there,
// so the Workers tree shows build site → page → fragment.
func buildSite(e *engine.Engine) engine.Func {
	return func(ctx context.Context) error {
		ctx, frags, err := engine.ResolvePool(ctx, e, FragmentsPool, engine.ForceCreate())
		if err != nil {
			return err
		}
		if err := frags.Start(engine.PoolConfig{MaxWorkers: 3, TaskType: fragType}); err != nil {
			return err
		}
		defer frags.Stop(false)
		for round := 1; ; round++ {
			engine.Logf(ctx, "round %d: building 2 pages", round)
			var pages []*engine.Future
			for i := range 2 {
				f, err := frags.SubmitNamed(ctx, fmt.Sprintf("page %d.%d", round, i+1), fragType, buildPage(e))
				if err != nil {
					return err
				}
				pages = append(pages, f)
			}
			for _, f := range pages {
				if err := f.Wait(ctx); err != nil {
					return err
				}
			}
			if err := sleep(ctx, 2*time.Second); err != nil {
				return err
			}
		}
	}
}

// buildPage finds the fragments pool through its lineage and renders two
// fragments as its children.
func buildPage(e *engine.Engine) engine.Func {
	return func(ctx context.Context) error {
		_, pool, err := engine.ResolvePool(ctx, e, FragmentsPool, engine.StrictlyGet())
		if err != nil {
			return err
		}
		var parts []*engine.Future
		for _, part := range []string{"markup", "styles"} {
			f, err := pool.SubmitNamed(ctx, part, fragType, steps(6, 150*time.Millisecond, nil))
			if err != nil {
				return err
			}
			parts = append(parts, f)
		}
		for _, f := range parts {
			if err := f.Wait(ctx); err != nil {
				return err
			}
		}
		return nil
	}
}
