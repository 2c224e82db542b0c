package remote

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spindle-tui/spindle/engine"
	"github.com/spindle-tui/spindle/model"
)

// StatusAll runs `spindle status` on one address or several. One (or none:
// the newest socket) prints as Status does. Several print each engine's
// status under a "==> ORIGIN (ADDR) <==" line, in the fleet's order, ids
// qualified as the dashboard and ctl take them ("api/t1f"); with asJSON, the
// merged snapshot (model.Snapshot with Origins).
func StatusAll(ctx context.Context, w io.Writer, addrs []string, asJSON bool, opts ...ClientOption) error {
	if len(addrs) <= 1 {
		return Status(ctx, w, firstOf(addrs), asJSON, opts...)
	}
	f, s, err := dialSnapshot(ctx, addrs, opts...)
	if err != nil {
		return err
	}
	defer f.Close()
	if asJSON {
		return WriteStatus(w, s, true)
	}
	for i, o := range s.Origins {
		if i > 0 {
			fmt.Fprintln(w)
		}
		fmt.Fprintf(w, "==> %s (%s) <==\n", o.Name, o.Addr)
		if err := WriteStatus(w, originPart(&s, o), false); err != nil {
			return err
		}
	}
	return nil
}

// dialSnapshot dials the fleet of addrs and takes its merged snapshot; the
// caller closes the fleet.
func dialSnapshot(ctx context.Context, addrs []string, opts ...ClientOption) (*Fleet, model.Snapshot, error) {
	f, err := DialFleet(ctx, addrs, 0, opts...)
	if err != nil {
		return nil, model.Snapshot{}, err
	}
	s, err := f.Snapshot(ctx)
	if err != nil {
		f.Close()
		return nil, model.Snapshot{}, err
	}
	return f, s, nil
}

// originPart returns the rows of one origin of a merged snapshot, as a
// snapshot of their own (the counts and source of that engine).
func originPart(s *model.Snapshot, o model.Origin) model.Snapshot {
	part := model.Snapshot{Time: o.Seen, Source: o.Source, SourceError: o.Error}
	part.Tasks = rowsOf(s.Tasks, o.Name, func(t *model.Task) string { return t.Origin })
	for _, t := range part.Tasks {
		part.Counts[t.State]++
	}
	part.Managers = rowsOf(s.Managers, o.Name, func(m *model.Manager) string { return m.Origin })
	part.Pools = rowsOf(s.Pools, o.Name, func(p *model.Pool) string { return p.Origin })
	part.Pollers = rowsOf(s.Pollers, o.Name, func(p *model.Poller) string { return p.Origin })
	part.Events = rowsOf(s.Events, o.Name, func(e *model.Event) string { return e.Origin })
	return part
}

// rowsOf returns the rows whose origin is name (nil for none).
func rowsOf[T any](rows []T, name string, origin func(*T) string) []T {
	var out []T
	for i := range rows {
		if origin(&rows[i]) == name {
			out = append(out, rows[i])
		}
	}
	return out
}

// firstOf returns addrs[0], or "" for none.
func firstOf(addrs []string) string {
	if len(addrs) == 0 {
		return ""
	}
	return addrs[0]
}

// ctlFleet sends cmd to the one engine of addrs that has what it names: an
// ORIGIN/ID or ORIGIN/NAME goes to that origin; a bare id, name, pool or
// poller must be on exactly one engine (else the error lists where it is).
func ctlFleet(ctx context.Context, w io.Writer, addrs []string, cmd model.Command, opts ...ClientOption) error {
	f, s, err := dialSnapshot(ctx, addrs, opts...)
	if err != nil {
		return err
	}
	defer f.Close()
	switch {
	case cmd.Target != "":
		if cmd.Target, err = resolveFleetTask(s, string(cmd.Target)); err != nil {
			return err
		}
	case cmd.Pool != "":
		if cmd.Pool, err = resolveIn(s.Pools, cmd.Pool, "pool", func(p *model.Pool) string { return p.Name }); err != nil {
			return err
		}
	case cmd.Poller != "":
		if cmd.Poller, err = resolveIn(s.Pollers, cmd.Poller, "poller", func(p *model.Poller) string { return p.Name }); err != nil {
			return err
		}
	}
	if err := f.Apply(ctx, cmd); err != nil {
		return err
	}
	fmt.Fprintf(w, "%s: ok\n", cmd)
	return nil
}

// resolveIn returns the qualified name of the one row of rows named word
// (as it is, or as ORIGIN/word); several or none is an error saying which.
func resolveIn[T any](rows []T, word, what string, name func(*T) string) (string, error) {
	var found []string
	for i := range rows {
		n := name(&rows[i])
		if n == word {
			return n, nil
		}
		if _, own, ok := model.SplitOrigin(n); ok && own == word {
			found = append(found, n)
		}
	}
	switch len(found) {
	case 1:
		return found[0], nil
	case 0:
		return "", &saidError{fmt.Sprintf("no engine has a %s %q", what, word), ErrUnknownOrigin}
	}
	return "", &saidError{fmt.Sprintf("%s %q is on %d engines: %s; give one as ORIGIN/%s", what, word, len(found), strings.Join(found, ", "), word), ErrAmbiguousName}
}

// resolveFleetTask returns the qualified id of the task word names in a
// merged snapshot: ORIGIN/ID or a name (ResolveTask), else a bare id, which
// must be on one engine only ("t1" is on every engine that ran a task).
func resolveFleetTask(s model.Snapshot, word string) (model.TaskID, error) {
	id, err := ResolveTask(s, word)
	if !errors.Is(err, engine.ErrUnknownTask) {
		return id, err
	}
	var found []string
	for _, t := range s.Tasks {
		if _, own, ok := model.SplitID(t.ID); ok && string(own) == word {
			id = t.ID
			found = append(found, fmt.Sprintf("%s (%s, %s)", t.ID, t.Name, t.State))
		}
	}
	switch len(found) {
	case 0:
		return "", err
	case 1:
		return id, nil
	}
	return "", &saidError{fmt.Sprintf("%q is a task on %d engines: %s; give one as ORIGIN/%s", word, len(found), strings.Join(found, ", "), word), ErrAmbiguousName}
}
