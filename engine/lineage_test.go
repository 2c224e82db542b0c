package engine_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"testing/synctest"

	"github.com/spindle-tui/spindle/engine"
	"github.com/spindle-tui/spindle/model"
)

// TestLineageAcrossThreeGenerations: a manager task creates a pool bound to its
// context; its child (pool work) and grandchild find it, and each records its
// parent. A sibling namespace and the root do not see it.
func TestLineageAcrossThreeGenerations(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := engine.New()
		defer closeEngine(t, e)
		type seen struct {
			pool    *engine.Pool
			err     error
			otherNS error
		}
		child, grandchild := make(chan seen, 1), make(chan seen, 1)
		hold := make(chan struct{})
		var created *engine.Pool

		m := e.NewManager("root", 1)
		a := mustAppend(t, m, "generation 1", func(ctx context.Context) error {
			ctx, p, err := engine.ResolvePool(ctx, e, "render", engine.ForceCreate())
			if err != nil {
				return err
			}
			created = p
			if err := p.Start(engine.PoolConfig{MaxWorkers: 2, TaskType: "r"}); err != nil {
				return err
			}
			f, err := p.SubmitNamed(ctx, "generation 2", "r", func(ctx context.Context) error {
				_, p2, err := engine.ResolvePool(ctx, e, "render", engine.StrictlyGet())
				child <- seen{pool: p2, err: err}
				g, err := p2.SubmitNamed(ctx, "generation 3", "r", func(ctx context.Context) error {
					_, p3, err := engine.ResolvePool(ctx, e, "render", engine.StrictlyGet())
					_, _, other := engine.ResolvePool(ctx, e, "io", engine.StrictlyGet())
					grandchild <- seen{pool: p3, err: err, otherNS: other}
					<-hold
					return nil
				})
				if err != nil {
					return err
				}
				return g.Wait(ctx)
			})
			if err != nil {
				return err
			}
			return f.Wait(ctx)
		})
		if err := m.Run(); err != nil {
			t.Fatal(err)
		}
		c, g := <-child, <-grandchild
		synctest.Wait()
		if c.err != nil || g.err != nil || c.pool != created || g.pool != created {
			t.Fatalf("child %+v grandchild %+v, want the pool %p", c, g, created)
		}
		if !errors.Is(g.otherNS, engine.ErrPoolNotFound) || !strings.Contains(g.otherNS.Error(), `"io"`) {
			t.Fatalf("another namespace: %v", g.otherNS)
		}
		if _, _, err := engine.ResolvePool(context.Background(), e, "render", engine.StrictlyGet()); !errors.Is(err, engine.ErrPoolNotFound) {
			t.Fatalf("the root sees a pool bound in a task: %v", err)
		}

		s := e.Snapshot()
		byName := map[string]model.Task{}
		for _, task := range s.Tasks {
			byName[task.Name] = task
		}
		g2, g3 := byName["generation 2"], byName["generation 3"]
		if g2.Parent != a || g3.Parent != g2.ID || g2.Group != "render" || g3.Type != "r" {
			t.Fatalf("lineage rows: gen2 %+v gen3 %+v (gen1 %s)", g2, g3, a)
		}
		if st := poolOf(t, e, "render"); st.Owner != a || st.OwnerName != "generation 1" {
			t.Fatalf("owner %q %q, want %s", st.Owner, st.OwnerName, a)
		}
		close(hold)
		synctest.Wait()
		if st := stateOf(t, e, a); st != model.StateDone {
			t.Fatalf("generation 1 ended %s", st)
		}
		created.Stop(true)
	})
}

func TestResolveNamespacesAndOptions(t *testing.T) {
	e := engine.New()
	defer closeEngine(t, e)
	bg := context.Background()
	_, io, err := engine.ResolvePool(bg, e, "io")
	if err != nil || io.Name() != "io" {
		t.Fatalf("create at the root: %v %v", io, err)
	}

	cases := []struct {
		name     string
		ctx      context.Context
		id       string
		opts     []engine.PoolOption
		wantName string // empty: the same pool as io
		wantErr  error
	}{
		{"root get", bg, "io", nil, "", nil},
		{"strict get", bg, "io", []engine.PoolOption{engine.StrictlyGet()}, "", nil},
		{"strict missing", bg, "cpu", []engine.PoolOption{engine.StrictlyGet()}, "", engine.ErrPoolNotFound},
		{"other namespace", bg, "cpu", nil, "cpu", nil},
		{"force shadows", bg, "io", []engine.PoolOption{engine.ForceCreate()}, "io-2", nil},
		{"force and strict", bg, "io", []engine.PoolOption{engine.ForceCreate(), engine.StrictlyGet()}, "", engine.ErrPoolOptions},
		{"generated", bg, "", nil, "pool-1", nil},
		{"generated again", bg, "", nil, "pool-2", nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, p, err := engine.ResolvePool(c.ctx, e, c.id, c.opts...)
			switch {
			case c.wantErr != nil:
				if !errors.Is(err, c.wantErr) || p != nil {
					t.Fatalf("got %v, %v; want %v", p, err, c.wantErr)
				}
				if c.wantErr == engine.ErrPoolNotFound && !strings.Contains(err.Error(), `"`+c.id+`"`) {
					t.Fatalf("error does not name the id: %v", err)
				}
			case err != nil:
				t.Fatal(err)
			case c.wantName == "" && p != io:
				t.Fatalf("got pool %s, want io", p.Name())
			case c.wantName != "" && p.Name() != c.wantName:
				t.Fatalf("got pool %s, want %s", p.Name(), c.wantName)
			}
		})
	}

	// A force-created pool is found through the context it was bound to, and
	// only there; its children's contexts keep the binding.
	ctx, shadow, _ := engine.ResolvePool(bg, e, "io", engine.ForceCreate())
	if _, p, _ := engine.ResolvePool(ctx, e, "io", engine.StrictlyGet()); p != shadow {
		t.Fatal("the bound context does not find its pool")
	}
	if _, p, _ := engine.ResolvePool(bg, e, "io"); p != io {
		t.Fatal("the root namespace lost io")
	}
	if p, ok := e.Pool(shadow.Name()); !ok || p != shadow || shadow.ID() != "io" {
		t.Fatalf("Engine.Pool(%q) = %v %v", shadow.Name(), p, ok)
	}
	if got := len(e.Snapshot().Pools); got != 6 {
		t.Fatalf("%d pools in the snapshot, want 6", got)
	}
}

// sliceCtx is a context whose dynamic type is not comparable.
type sliceCtx struct {
	context.Context
	tags []string
}

// TestSubmitWithAnUncomparableContext: alike submissions share their source
// by comparing contexts, which must not panic on a context that is a struct
// holding a slice.
func TestSubmitWithAnUncomparableContext(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := engine.New()
		p := startPool(t, e, "p", engine.PoolConfig{MaxWorkers: 1})
		ctx := sliceCtx{Context: context.Background(), tags: []string{"a"}}
		var fs []*engine.Future
		for range 3 {
			fs = append(fs, mustSubmit(t, ctx, p, "w", func(context.Context) error { return nil }))
		}
		for _, f := range fs {
			if err := f.Wait(context.Background()); err != nil {
				t.Fatal(err)
			}
		}
		closeEngine(t, e)
	})
}
