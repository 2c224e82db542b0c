package engine

import (
	"errors"
	"fmt"
	"time"

	"github.com/spindle-tui/spindle/model"
)

// ErrExpired is matched (errors.Is) by every *ExpiredError: PollDict.Get of a
// key whose value is older than the key's Expire.
var ErrExpired = errors.New("engine: value expired")

// ExpiredError is PollDict.Get's error for a key whose last value is older
// than the key's Expire (Fandango's expire): reading it is an error that says
// how old it is, never a stale value. It matches ErrExpired, and unwraps to
// the last read's error when the reads since that value have failed (the
// source stopped answering).
type ExpiredError struct {
	Dict   string
	Key    string        // the key, formatted
	Age    time.Duration // how old the value is
	Expire time.Duration // the key's Expire
	Last   error         // the error of the last read, if it failed; nil otherwise
}

// Error reads like `engine: poll dict "temps" key rack-5: value expired: 12s
// old, expires after 10s; last read: connection refused`.
func (e *ExpiredError) Error() string {
	s := fmt.Sprintf("engine: poll dict %q key %s: value expired: %s old, expires after %s",
		e.Dict, e.Key, model.FormatDuration(e.Age), model.FormatDuration(e.Expire))
	if e.Last != nil {
		s += "; last read: " + firstLine(e.Last.Error())
	}
	return s
}

// Is makes errors.Is(err, ErrExpired) true.
func (e *ExpiredError) Is(target error) bool { return target == ErrExpired }

// Unwrap returns the last read's error, if it failed.
func (e *ExpiredError) Unwrap() error { return e.Last }

// KeyOption configures one key of a PollDict in Add: Expire, OnUpdate, or any
// PollerOption (MinWait, Timeout, Cron...) for the key's poller.
type KeyOption interface{ applyKey(*keyConfig) }

// keyConfig is what Add's options set.
type keyConfig struct {
	poller   []PollerOption
	expire   time.Duration
	onUpdate any // func(K, V, error) of the dict's K and V
}

func (o PollerOption) applyKey(c *keyConfig) { c.poller = append(c.poller, o) }

// keyOption is a KeyOption of the dict's own.
type keyOption func(*keyConfig)

func (o keyOption) applyKey(c *keyConfig) { o(c) }

// Expire makes a key's value expire d after it was read: Get then returns an
// *ExpiredError (with the age) instead of the value, until a read succeeds
// again. Its row in the Pollers view shows the value's age and marks it
// expired. d <= 0 (the default) means never.
func Expire(d time.Duration) KeyOption {
	return keyOption(func(c *keyConfig) { c.expire = max(d, 0) })
}

// OnUpdate calls fn after each read of the key (the poller's and Set's) with
// what it gave: the value and nil, or the zero value and the read's error. A
// read that finishes after a newer one has been stored is not reported. fn
// runs in the goroutine that read, without the dict's lock, so it may call
// the dict; it should be quick, since the key's next read waits for it. K and
// V must be the dict's, or Add returns an error.
func OnUpdate[K comparable, V any](fn func(key K, value V, err error)) KeyOption {
	return keyOption(func(c *keyConfig) { c.onUpdate = fn })
}

// keyOptions sorts Add's options for the dict d.
func (d *PollDict[K, V]) keyOptions(opts []KeyOption) (keyConfig, func(K, V, error), error) {
	var c keyConfig
	for _, o := range opts {
		if o != nil {
			o.applyKey(&c)
		}
	}
	if c.onUpdate == nil {
		return c, nil, nil
	}
	fn, ok := c.onUpdate.(func(K, V, error))
	if !ok {
		var k K
		var v V
		return c, nil, errorf("poll dict %q: OnUpdate is a %T, the dict's keys and values need a func(%T, %T, error)", d.name, c.onUpdate, k, v)
	}
	return c, fn, nil
}

// expireOption records a key's expiry in its poller, for its row.
func expireOption(d time.Duration) PollerOption {
	return func(c *pollerConfig) {
		if d > 0 {
			c.extra().expire = d
		}
	}
}

// expiredLocked returns ent's *ExpiredError at now, or nil while its value is
// fresh. The caller holds the dict's lock.
func (d *PollDict[K, V]) expiredLocked(key K, ent *dictEntry[V], now time.Time) error {
	if ent.expire <= 0 {
		return nil
	}
	age := now.Sub(ent.at)
	if age < ent.expire {
		return nil
	}
	return &ExpiredError{Dict: d.name, Key: fmt.Sprint(key), Age: age, Expire: ent.expire, Last: ent.lastErr}
}
