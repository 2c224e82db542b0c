package remote

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"
)

// ErrNotInFleet is matched by DialFleet's error for an address that is not a
// spindle engine (a Go service's /debug/pprof/): a fleet merges engines.
var ErrNotInFleet = errors.New("not an engine")

// DialFleet dials every address (the forms Dial takes; "" is not one of them)
// at once and returns the fleet of their engines, named by OriginNames from
// their sources. Any address that fails fails it, with every such error
// joined (each names its address), and nothing stays open. Close the fleet to
// close its clients.
func DialFleet(ctx context.Context, addrs []string, refresh time.Duration, opts ...ClientOption) (*Fleet, error) {
	clients := make([]*Client, len(addrs))
	sources := make([]string, len(addrs))
	errs := make([]error, len(addrs))
	var wg sync.WaitGroup
	for i, a := range addrs {
		if a == "" {
			errs[i] = usagef("an empty address in the fleet (give each engine's socket path or host:port)")
			continue
		}
		wg.Go(func() {
			c, err := Dial(ctx, a, opts...)
			if err != nil {
				errs[i] = err
				return
			}
			clients[i] = c
			s, err := c.Snapshot(ctx)
			switch {
			case err != nil:
				errs[i] = err
			case s.NotEngine:
				errs[i] = &saidError{fmt.Sprintf("remote: %s is a Go service's pprof, not a spindle engine: attach it alone", a), ErrNotInFleet}
			}
			sources[i] = s.Source
		})
	}
	wg.Wait()
	closeAll := func() {
		for _, c := range clients {
			if c != nil {
				c.Close()
			}
		}
	}
	if err := joinDialErrors(errs); err != nil {
		closeAll()
		return nil, err
	}
	names := OriginNames(addrs, sources)
	members := make([]FleetMember, len(addrs))
	for i, c := range clients {
		members[i] = FleetMember{Name: names[i], Addr: addrs[i], Engine: c}
	}
	f := NewFleet(members, refresh)
	f.closeFn = closeAll
	return f, nil
}

// DialError is DialFleet's error: the engines that failed, each error naming
// its address. errors.Is and errors.As see every one of them.
type DialError struct {
	Of   int     // engines asked for
	Errs []error // the failures
}

// Error says how many failed and why, one line each: "remote: 2 of 3
// engines cannot be reached:\n  cannot reach spindle at …".
func (e *DialError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "remote: %d of %d engines cannot be reached:", len(e.Errs), e.Of)
	for _, err := range e.Errs {
		b.WriteString("\n  " + strings.TrimPrefix(err.Error(), "remote: "))
	}
	return b.String()
}

// Unwrap returns the failures.
func (e *DialError) Unwrap() []error { return e.Errs }

// joinDialErrors returns a *DialError of the non-nil errs, or nil.
func joinDialErrors(errs []error) error {
	var failed []error
	for _, err := range errs {
		if err != nil {
			failed = append(failed, err)
		}
	}
	if len(failed) == 0 {
		return nil
	}
	return &DialError{Of: len(errs), Errs: failed}
}
