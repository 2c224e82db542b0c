package engine

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"
)

// PollDict sentinel errors; test them with errors.Is.
var (
	// ErrUnknownKey is returned by PollDict.Get, Set and Remove for a key that
	// was never added (or was removed).
	ErrUnknownKey = errors.New("engine: unknown key")
	// ErrNoValue is returned by PollDict.Get for a key whose value has not been
	// read successfully yet; it wraps the last read error, if any.
	ErrNoValue = errors.New("engine: no value read yet")
)

// PollDict is a dictionary whose values are produced by polling, per key
// (Fandango's ThreadDict): each key added is read by its own poller at its own
// period, Get returns the cached value and Set writes through and refreshes.
// Each key shows as a poller named "name[key]" whose Group is the dict's name.
// All methods are safe for concurrent use.
type PollDict[K comparable, V any] struct {
	e     *Engine
	name  string
	read  func(ctx context.Context, key K) (V, error)
	write func(ctx context.Context, key K, v V) error

	mu      sync.Mutex
	entries map[K]*dictEntry[V]
}

// dictEntry is one key: its poller and its cached value. Guarded by PollDict.mu.
type dictEntry[V any] struct {
	p       *Poller
	val     V
	has     bool      // a read succeeded
	lastErr error     // the last read error, while no value has been read
	reads   uint64    // reads started, the poller's and Set's
	stored  uint64    // the read whose value is cached: an older read finishing late never overwrites a newer one
	at      time.Time // when the cached value was read (its read returned)

	expire   time.Duration  // Expire: the value's age limit; 0: none
	onUpdate func(V, error) // OnUpdate, bound to the key; nil: none
}

// NewPollDict returns an empty dict named name. read produces a key's value;
// write (may be nil for a read-only dict) stores one.
func NewPollDict[K comparable, V any](e *Engine, name string,
	read func(ctx context.Context, key K) (V, error),
	write func(ctx context.Context, key K, v V) error,
) *PollDict[K, V] {
	return &PollDict[K, V]{e: e, name: name, read: read, write: write, entries: make(map[K]*dictEntry[V])}
}

// Name returns the dict's name, the Group of its pollers.
func (d *PollDict[K, V]) Name() string { return d.name }

// Add starts polling key every period (the first read is at once; with Cron,
// at its first time). opts are Expire, OnUpdate and PollerOptions for the
// key's poller. For a key already there it changes the period (see
// Poller.SetPeriod) and ignores opts. It returns ErrNilFunc when the dict has
// no read func, an error for an OnUpdate of other key or value types, and
// ErrClosed once the engine is closing.
func (d *PollDict[K, V]) Add(key K, period time.Duration, opts ...KeyOption) error {
	if d.read == nil {
		return errorf("poll dict %q: read: %w", d.name, ErrNilFunc)
	}
	kc, onUpdate, err := d.keyOptions(opts)
	if err != nil {
		return err
	}
	d.mu.Lock()
	if ent, ok := d.entries[key]; ok {
		d.mu.Unlock()
		return ent.p.SetPeriod(period)
	}
	ent := &dictEntry[V]{expire: kc.expire}
	if onUpdate != nil {
		ent.onUpdate = func(v V, err error) { onUpdate(key, v, err) }
	}
	fn := func(ctx context.Context) (any, error) {
		v, err := d.readInto(ctx, key, ent)
		if err != nil {
			return nil, err
		}
		return v, nil
	}
	ent.p = d.e.newPoller(fmt.Sprintf("%s[%v]", d.name, key), d.name, period, fn, append(kc.poller, expireOption(kc.expire)))
	d.entries[key] = ent
	d.mu.Unlock()
	if err := ent.p.Start(); err != nil {
		d.drop(key, ent)
		return err
	}
	return nil
}

// readInto reads key and caches the value unless a newer read already did.
func (d *PollDict[K, V]) readInto(ctx context.Context, key K, ent *dictEntry[V]) (V, error) {
	d.mu.Lock()
	ent.reads++
	seq := ent.reads
	d.mu.Unlock()
	v, err := d.read(ctx, key)
	now := time.Now()
	d.mu.Lock()
	report := ent.onUpdate
	switch {
	case seq < ent.stored:
		report = nil // a newer read has been stored and reported
	case err != nil:
		ent.lastErr = err
	default:
		ent.val, ent.has, ent.lastErr, ent.stored, ent.at = v, true, nil, seq, now
	}
	d.mu.Unlock()
	if report != nil {
		if err != nil {
			var zero V
			report(zero, err)
		} else {
			report(v, nil)
		}
	}
	return v, err
}

// Get returns key's cached value. It returns an error wrapping ErrUnknownKey
// for a key never added, ErrNoValue while no read has succeeded, and an
// *ExpiredError (ErrExpired) once the value is as old as the key's Expire.
func (d *PollDict[K, V]) Get(key K) (V, error) {
	now := time.Now()
	d.mu.Lock()
	defer d.mu.Unlock()
	var zero V
	ent, ok := d.entries[key]
	switch {
	case !ok:
		return zero, d.noKey(key)
	case !ent.has && ent.lastErr != nil:
		return zero, errorf("poll dict %q key %v: %w: %w", d.name, key, ErrNoValue, ent.lastErr)
	case !ent.has:
		return zero, errorf("poll dict %q key %v: %w", d.name, key, ErrNoValue)
	}
	if err := d.expiredLocked(key, ent, now); err != nil {
		return zero, err
	}
	return ent.val, nil
}

// Set writes v for key through the write func, then reads key again so that
// Get returns what the source now holds. It returns an error wrapping
// ErrUnknownKey for a key never added, ErrNilFunc for a read-only dict, and the
// write's or the read's error.
func (d *PollDict[K, V]) Set(ctx context.Context, key K, v V) error {
	d.mu.Lock()
	ent, ok := d.entries[key]
	d.mu.Unlock()
	switch {
	case !ok:
		return d.noKey(key)
	case d.write == nil:
		return errorf("poll dict %q: write: %w", d.name, ErrNilFunc)
	}
	if err := d.write(ctx, key, v); err != nil {
		return errorf("poll dict %q: write %v: %w", d.name, key, err)
	}
	if _, err := d.readInto(ctx, key, ent); err != nil {
		return errorf("poll dict %q: refresh %v after write: %w", d.name, key, err)
	}
	return nil
}

// Remove stops polling key, forgets its value and takes its poller off the
// engine. It returns an error wrapping ErrUnknownKey for a key never added.
func (d *PollDict[K, V]) Remove(key K) error {
	d.mu.Lock()
	ent, ok := d.entries[key]
	d.mu.Unlock()
	if !ok {
		return d.noKey(key)
	}
	d.drop(key, ent)
	return nil
}

// drop kills ent's poller and forgets key.
func (d *PollDict[K, V]) drop(key K, ent *dictEntry[V]) {
	ent.p.kill()
	d.e.pollers.remove(ent.p)
	d.e.markDirty()
	d.mu.Lock()
	if d.entries[key] == ent {
		delete(d.entries, key)
	}
	d.mu.Unlock()
}

// Poller returns the poller that reads key.
func (d *PollDict[K, V]) Poller(key K) (*Poller, bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	ent, ok := d.entries[key]
	if !ok {
		return nil, false
	}
	return ent.p, true
}

// Len returns the number of keys.
func (d *PollDict[K, V]) Len() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return len(d.entries)
}

func (d *PollDict[K, V]) noKey(key K) error {
	return &notFoundError{msg: fmt.Sprintf("engine: poll dict %q: no key %v", d.name, key), sentinel: ErrUnknownKey}
}
