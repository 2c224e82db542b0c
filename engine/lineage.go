package engine

import (
	"context"
)

// Pools are found through the lineage of the code asking (Duck's
// get_or_create_thread_manager resolved through the thread lineage): a pool is
// bound to a context, and work the engine starts from that context (a pool's
// work, and what it submits in turn) keeps its values, so children and
// grandchildren find the pool their ancestor bound. Pools created without a
// binding in reach live in the engine's root namespace. Each id is a namespace
// of its own.

// poolKey is the context key a pool is bound under: one per engine and id.
type poolKey struct {
	e  *Engine
	id string
}

// resolveOptions is what PoolOptions set.
type resolveOptions struct {
	force, strict bool
}

// PoolOption changes how ResolvePool finds a pool.
type PoolOption func(*resolveOptions)

// ForceCreate makes ResolvePool create a fresh pool bound to the returned
// context, even if one of that id is in reach: the caller's lineage (the work it
// submits with that context, and theirs) then uses the new pool.
func ForceCreate() PoolOption { return func(o *resolveOptions) { o.force = true } }

// StrictlyGet makes ResolvePool never create a pool: if none of that id is in
// reach it returns an error wrapping ErrPoolNotFound.
func StrictlyGet() PoolOption { return func(o *resolveOptions) { o.strict = true } }

// ResolvePool returns the pool of namespace id for the code running with ctx,
// and ctx with that pool bound (pass it to Submit so the work inherits it).
//
// It looks for the pool bound nearest in ctx's lineage, then in the engine's
// root namespace; if there is none it creates one in the root namespace, idle
// until Started. ForceCreate creates a fresh pool bound only to the returned
// context; StrictlyGet never creates (ErrPoolNotFound). Both together return
// ErrPoolOptions. An empty id gets a generated one ("pool-1", ...). The task
// running with ctx, if any, is recorded as the pool's creator. After Close it
// returns ErrClosed instead of creating.
func ResolvePool(ctx context.Context, e *Engine, id string, opts ...PoolOption) (context.Context, *Pool, error) {
	var o resolveOptions
	for _, opt := range opts {
		opt(&o)
	}
	if o.force && o.strict {
		return ctx, nil, errorf("resolve pool %q: ForceCreate with StrictlyGet: %w", id, ErrPoolOptions)
	}
	if ctx == nil {
		ctx = context.Background()
	}
	creator := runFrom(ctx)
	var bound *Pool
	if !o.force && id != "" {
		bound, _ = ctx.Value(poolKey{e: e, id: id}).(*Pool) // user contexts: not under the lock
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if id == "" && !o.strict { // a fresh id: nothing can be bound to it yet
		e.pools.anon++
		id = "pool-" + itoa(e.pools.anon)
	}
	key := poolKey{e: e, id: id}
	if !o.force {
		p := bound
		if p == nil {
			p = e.pools.root[id]
		}
		if p != nil {
			return context.WithValue(ctx, key, p), p, nil
		}
		if o.strict {
			return ctx, nil, errorf("no pool %q in reach of this context: %w", id, ErrPoolNotFound)
		}
	}
	if e.closing {
		return ctx, nil, errorf("create pool %q: %w", id, ErrClosed)
	}
	p := e.newPoolLocked(id, creator)
	if !o.force {
		if e.pools.root == nil {
			e.pools.root = make(map[string]*Pool)
		}
		e.pools.root[id] = p
	}
	return context.WithValue(ctx, key, p), p, nil
}
