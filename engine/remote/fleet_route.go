package remote

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/spindle-tui/spindle/model"
)

// ErrUnknownOrigin is matched by a fleet's errors for a command or query that
// names an engine the fleet does not have (or names none).
var ErrUnknownOrigin = errors.New("unknown origin")

// ErrOriginDown is matched by a fleet's errors for a command to an engine
// whose connection is lost: it is not sent.
var ErrOriginDown = errors.New("engine not connected")

// OriginError is an engine's own error, as a fleet reports it: the origin
// first ("web: no task has the id t9"). errors.Is sees the engine's error.
type OriginError struct {
	Origin string
	Err    error
}

// Error returns "origin: the engine's message".
func (e *OriginError) Error() string { return e.Origin + ": " + e.Err.Error() }

// Unwrap returns the engine's error.
func (e *OriginError) Unwrap() error { return e.Err }

// Apply sends cmd to the engine that owns what it names, with the name the
// engine knows: "halt api/t1f" goes to api as "halt t1f". A command that names
// nothing (halt_all, pause_all, …) goes to every connected engine. A name with
// an origin the fleet lacks fails with ErrUnknownOrigin, one for an engine
// whose connection is lost with ErrOriginDown; both name the origin.
func (f *Fleet) Apply(ctx context.Context, cmd model.Command) error {
	named := cmd.Target != "" || cmd.Group != "" || cmd.Pool != "" || cmd.Poller != ""
	if !named {
		return f.broadcast(ctx, cmd)
	}
	var origin string
	own := cmd
	var ok bool
	split := func(name string) string {
		var rest string
		origin, rest, ok = model.SplitOrigin(name)
		return rest
	}
	switch {
	case cmd.Target != "":
		origin, own.Target, ok = model.SplitID(cmd.Target)
	case cmd.Group != "":
		own.Group = split(cmd.Group)
	case cmd.Pool != "":
		own.Pool = split(cmd.Pool)
	default:
		own.Poller = split(cmd.Poller)
	}
	if !ok {
		return &saidError{fmt.Sprintf("%s: names no engine: in a fleet give ORIGIN/NAME (the engines: %s)", cmd, f.names()), ErrUnknownOrigin}
	}
	m, err := f.member(origin, cmd.String())
	if err != nil {
		return err
	}
	if err := m.Engine.Apply(ctx, own); err != nil {
		return &OriginError{origin, err}
	}
	return nil
}

// member returns the engine named origin, ready for what (a command's text):
// known and connected.
func (f *Fleet) member(origin, what string) (FleetMember, error) {
	i, ok := f.index[origin]
	if !ok {
		return FleetMember{}, &saidError{fmt.Sprintf("%s: no engine %q in this fleet (the engines: %s)", what, origin, f.names()), ErrUnknownOrigin}
	}
	f.mu.Lock()
	why, down := f.stale[origin]
	f.mu.Unlock()
	if down {
		return FleetMember{}, &saidError{fmt.Sprintf("%s: not sent: engine %s is not connected (%s)", what, origin, firstLineOf(why)), ErrOriginDown}
	}
	return f.members[i], nil
}

// broadcast sends cmd to every connected engine; the errors, each with its
// origin, are joined.
func (f *Fleet) broadcast(ctx context.Context, cmd model.Command) error {
	errs := make([]error, len(f.members))
	var wg sync.WaitGroup
	for i, m := range f.members {
		mm, err := f.member(m.Name, cmd.String())
		if err != nil {
			errs[i] = err
			continue
		}
		wg.Go(func() {
			if err := mm.Engine.Apply(ctx, cmd); err != nil {
				errs[i] = &OriginError{m.Name, err}
			}
		})
	}
	wg.Wait()
	return errors.Join(errs...)
}

// names lists the fleet's origins for messages: "api, db, web".
func (f *Fleet) names() string {
	names := make([]string, len(f.members))
	for i, m := range f.members {
		names[i] = m.Name
	}
	return strings.Join(names, ", ")
}

// firstLineOf returns s up to its first newline.
func firstLineOf(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}

// Goroutines samples every connected engine at once and merges the samples:
// each group keeps its engine in Origin, its key and task qualified. An engine
// that fails (or is not connected) is named in Stale, with why, and its last
// sample's groups stand in for its own; only when no engine has ever answered
// is it an error (theirs, joined).
func (f *Fleet) Goroutines(ctx context.Context) (model.Goroutines, error) {
	got := make([]model.Goroutines, len(f.members))
	errs := make([]error, len(f.members))
	var wg sync.WaitGroup
	for i, m := range f.members {
		mm, err := f.member(m.Name, "goroutines")
		if err != nil {
			errs[i] = err
			continue
		}
		wg.Go(func() {
			g, err := mm.Engine.Goroutines(ctx)
			if err != nil {
				errs[i] = &OriginError{m.Name, err}
				return
			}
			got[i] = g
		})
	}
	wg.Wait()
	var out model.Goroutines
	shown := false
	f.mu.Lock()
	defer f.mu.Unlock()
	for i, g := range got {
		name := f.members[i].Name
		if errs[i] == nil {
			f.gor[name] = g
			shown = true
			mergeGoroutines(&out, g, name)
			continue
		}
		// Its last sample stands in, marked stale, as its last snapshot does.
		last, had := f.gor[name]
		st := model.StaleSample{Origin: name, Error: firstLineOf(errs[i].Error())}
		if had {
			st.Time = last.Time
			mergeGoroutines(&out, last, name)
			shown = true
		}
		out.Stale = append(out.Stale, st)
	}
	if !shown && len(f.members) > 0 {
		return model.Goroutines{}, errors.Join(errs...)
	}
	slices.SortStableFunc(out.Groups, func(a, b model.GoroutineGroup) int { return cmp.Compare(b.Count, a.Count) })
	return out, nil
}

// mergeGoroutines adds origin's sample g to out.
func mergeGoroutines(out *model.Goroutines, g model.Goroutines, origin string) {
	if g.Time.After(out.Time) {
		out.Time = g.Time
	}
	if g.StatesAt.After(out.StatesAt) {
		out.StatesAt = g.StatesAt
	}
	out.Took, out.Interval = max(out.Took, g.Took), max(out.Interval, g.Interval)
	out.Total += g.Total
	out.Labelled = out.Labelled || g.Labelled
	for _, gr := range g.Groups {
		gr.Origin, gr.Key = origin, model.Qualify(origin, gr.Key)
		gr.Task, gr.Group = model.QualifyID(origin, gr.Task), model.Qualify(origin, gr.Group)
		out.Groups = append(out.Groups, gr)
	}
	if len(g.ByTask) > 0 && out.ByTask == nil {
		out.ByTask = make(map[model.TaskID]int)
	}
	for id, n := range g.ByTask {
		out.ByTask[model.QualifyID(origin, id)] = n
	}
}
