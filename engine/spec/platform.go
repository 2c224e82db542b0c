package spec

import "github.com/spindle-tui/spindle/engine"

// checkPlatform reports every task and poller of f, at its position, where
// processes cannot run (supported is false: Windows). A task file declares
// nothing but commands, so none of it could start there.
func (f *File) checkPlatform(d *decoder, supported bool) {
	if supported {
		return
	}
	const hint = "process tasks run on Linux, macOS and FreeBSD"
	for _, m := range f.Managers {
		for _, t := range m.Tasks {
			d.errorAt(t.Pos, hint, "task %q: %v", t.Name, engine.ErrProcessUnsupported)
		}
	}
	for _, p := range f.Pools {
		for _, t := range p.Tasks {
			d.errorAt(t.Pos, hint, "task %q: %v", t.Name, engine.ErrProcessUnsupported)
		}
	}
	for _, p := range f.Pollers {
		d.errorAt(p.Pos, hint, "poller %q: %v", p.Name, engine.ErrProcessUnsupported)
	}
}
