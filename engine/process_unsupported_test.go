//go:build !linux && !darwin && !freebsd

package engine_test

import (
	"context"
	"errors"
	"runtime"
	"testing"

	"github.com/spindle-tui/spindle/engine"
	"github.com/spindle-tui/spindle/model"
)

// Where processes are not supported (Windows), every way to start one says
// so, and the rest of the engine works.
func TestProcessesUnsupported(t *testing.T) {
	if engine.ProcessesSupported {
		t.Fatal("ProcessesSupported on an OS without process support")
	}
	e := engine.New()
	defer closeEngine(t, e)
	spec := engine.ProcessSpec{Command: []string{"cmd", "/c", "echo hi"}}
	if _, err := e.NewManager("procs", 1).AppendProcess("p", spec); !errors.Is(err, engine.ErrProcessUnsupported) {
		t.Errorf("AppendProcess: %v", err)
	}
	p := startPool(t, e, "io", engine.PoolConfig{MaxWorkers: 1})
	if _, err := p.SubmitProcess(context.Background(), "p", "", spec); !errors.Is(err, engine.ErrProcessUnsupported) {
		t.Errorf("SubmitProcess: %v", err)
	}
	if _, err := engine.CommandPoll(spec)(context.Background()); !errors.Is(err, engine.ErrProcessUnsupported) {
		t.Errorf("CommandPoll: %v", err)
	}
	if got := engine.ErrProcessUnsupported.Error(); got != "processes are not supported on "+runtime.GOOS {
		t.Errorf("error text %q", got)
	}
	// Goroutine work runs as anywhere.
	m := e.NewManager("work", 1)
	id, err := m.Append("job", func(context.Context) error { return nil })
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Run(); err != nil {
		t.Fatal(err)
	}
	untilState(t, e, id, model.StateDone)
}
