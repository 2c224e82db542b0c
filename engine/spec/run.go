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
// valid save. The engine's source becomes path, and OpReload (ctrl+r) re-reads
// the file at once.
//
// A file that does not load at start is an error (an ErrorList for an invalid
// one) and nothing is started. Run returns after the first apply; watching ends
// when ctx is done.
func Run(ctx context.Context, e *engine.Engine, path string) (*Supervisor, error) {
	f, err := Load(path)
	if err != nil {
		return nil, err
	}
	e.SetSource(path)
	sup := NewSupervisor(e)
	if _, err := sup.Apply(ctx, f); err != nil {
		return sup, fmt.Errorf("spec: start %s: %w", path, err)
	}
	w, err := Watch(ctx, path, DefaultDebounce, func(f *File, err error) {
		sup.reload(ctx, f, err)
	})
	if err != nil {
		return sup, err
	}
	e.SetReloader(func(context.Context) error {
		w.Reload()
		return nil
	})
	return sup, nil
}

// reload applies a new version of the file, or rejects an invalid one.
func (s *Supervisor) reload(ctx context.Context, f *File, err error) {
	if err != nil {
		s.Reject(err)
		return
	}
	// A reload must not hang on one stubborn task; what does not stop in time
	// is reported and the rest goes on.
	actx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	plan, err := s.Apply(actx, f)
	switch {
	case err != nil:
		s.e.SetSourceError("reload: " + err.Error())
	case !plan.Empty():
		s.e.Event(model.LevelInfo, "reload: "+plan.Summary())
	default:
		s.e.Event(model.LevelInfo, "reload: nothing changed")
	}
}
