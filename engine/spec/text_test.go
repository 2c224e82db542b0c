package spec

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/spindle-tui/spindle/engine"
	"github.com/spindle-tui/spindle/model"
)

// TestCommandsKeepTheirTextAndShowEscaped: a command is data for the program
// (a script may well hold a tab, a newline or any character), so the file
// passes it as written; the dashboard shows it escaped, never raw.
func TestCommandsKeepTheirTextAndShowEscaped(t *testing.T) {
	f := mustParse(t, "c.yaml", "managers:\n  m:\n    tasks:\n      - {name: a, command: [sh, -c, \"echo \\u202e\\tx; sleep 7501\"]}\n")
	if got := f.Managers[0].Tasks[0].Command[2]; got != "echo \u202e\tx; sleep 7501" {
		t.Fatalf("command passed as %q", got)
	}
	e := engine.New(engine.WithRefresh(10 * time.Millisecond))
	defer e.Close(context.Background())
	if _, err := NewSupervisor(e).Apply(context.Background(), f); err != nil {
		t.Fatal(err)
	}
	s := waitFor(t, e, "a listed", func(s model.Snapshot) bool { return taskRows(s)["a"].Command != "" })
	shown := taskRows(s)["a"].Command
	if strings.ContainsAny(shown, "\u202e\t") || !strings.Contains(shown, `\u202e\tx`) {
		t.Errorf("command shown as %q, want the characters escaped", shown)
	}
}
