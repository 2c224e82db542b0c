package spec

import (
	"context"
	"fmt"
	"time"

	"github.com/spindle-tui/spindle/engine"
	"github.com/spindle-tui/spindle/model"
)

// Run loads the task file at path, applies it to e and keeps it applied as the
// file is saved: a valid save is applied as a difference, an invalid one
// changes nothing and shows its errors (file:line:col) in the dashboard until a
// valid save. A save that declares nothing is refused while something runs,
// unless it says managers: {} (see File.EmptyOnPurpose). The engine's source
// becomes path, and OpReload (ctrl+r) re-reads the file at once.
//
// Saves are applied on a goroutine of their own, one at a time, so watching
// goes on while a reload waits for removed work to stop: a newer valid save
// replaces one not yet started, and an invalid save's error shows at once.
//
// A file that does not load at start is an error (an ErrorList for an invalid
// one) and nothing is started. Run returns after the first apply; watching and
// applying end when ctx is done, and the Supervisor's Done is closed once both
// have and the engine has left every distributed pool's queue (what it still
// ran goes back there). WithJoiner makes pools with a backend work; without it
// such a pool is refused (ErrNoBackends).
func Run(ctx context.Context, e *engine.Engine, path string, opts ...RunOption) (*Supervisor, error) {
	f, err := Load(path)
	if err != nil {
		return nil, err
	}
	e.SetSource(path)
	reportRead(e, f)
	sup := NewSupervisor(e)
	for _, o := range opts {
		o(sup)
	}
	if _, err := sup.Apply(ctx, f); err != nil {
		return sup, fmt.Errorf("spec: start %s: %w", path, err)
	}
	a := newApplier(sup)
	w, err := Watch(ctx, path, DefaultDebounce, a.offer)
	if err != nil {
		return sup, err
	}
	done := make(chan struct{})
	sup.done = done
	go func() {
		defer close(done)
		a.run(ctx, w.Done())
		// Before the engine closes: what this engine still runs of a
		// distributed pool goes back to its queue, for another engine.
		leave, cancel := context.WithTimeout(context.Background(), leaveGrace)
		defer cancel()
		if err := sup.leaveAll(leave); err != nil {
			e.Event(model.LevelWarn, err.Error())
		}
	}()
	e.SetReloader(func(context.Context) error {
		w.Reload()
		return nil
	})
	return sup, nil
}

// leaveGrace bounds how long the end of Run waits for the distributed pools'
// handlers to return once their work has been given back.
const leaveGrace = 15 * time.Second

// reportRead says in the events what f was read as, when it is not a spindle
// file, and each warning reading it gave (a process-compose field spindle
// does not support): nothing is skipped silently.
func reportRead(e *engine.Engine, f *File) {
	if f.Format != FormatSpindle && f.Format != "" {
		e.Event(model.LevelInfo, fmt.Sprintf("%s: read as %s", f.Path, f.Format.Article()))
	}
	for _, w := range f.ReadWarnings {
		e.Event(model.LevelWarn, "warning: "+w.Error())
	}
}
