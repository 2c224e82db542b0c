//go:build linux || darwin || freebsd

package engine_test

import (
	"context"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/spindle-tui/spindle/engine"
)

func TestCommandPoll(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		spec    engine.ProcessSpec
		want    any
		wantErr string
	}{
		{"last line trimmed", sh(`echo first; echo "  42 %  "; echo`), "42 %", ""},
		{"no output", sh(`true`), "", ""},
		{"stderr does not count", sh(`echo value; echo noise >&2`), "value", ""},
		{"env", engine.ProcessSpec{Command: []string{"sh", "-c", `echo $X`}, Env: []string{"X=7"}}, "7", ""},
		{"non-zero exit", sh(`echo partial; echo "first" >&2; echo "df: /nope: No such file" >&2; exit 2`), nil,
			"exit status 2: df: /nope: No such file"},
		{"signal", sh(`kill -KILL $$`), nil, "signal: killed"},
		{"missing binary", engine.ProcessSpec{Command: []string{"spindle-no-such-binary"}}, nil, "executable file not found"},
		{"no command", engine.ProcessSpec{}, nil, engine.ErrNoCommand.Error()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			v, err := engine.CommandPoll(tt.spec)(context.Background())
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || v != tt.want {
				t.Fatalf("CommandPoll = %#v, %v; want %#v", v, err, tt.want)
			}
		})
	}
}

func TestCommandPollCancelKillsTheGroup(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	pidFile := t.TempDir() + "/pids"
	poll := engine.CommandPoll(sh(`sleep 1000 & echo "$$ $!" > ` + pidFile + `; wait`))
	_, err := poll(ctx)
	if err == nil || !strings.Contains(err.Error(), "signal: killed") {
		t.Fatalf("cancelled poll: %v", err)
	}
	pids := readPIDs(t, pidFile)
	noSurvivors(t, pids[0], pids...)
}

func TestCommandPollAsPoller(t *testing.T) {
	t.Parallel()
	e := engine.New()
	defer closeEngine(t, e)
	pl := e.NewPoller("load", time.Hour, engine.CommandPoll(sh(`echo 0.42`)))
	if err := pl.Start(); err != nil {
		t.Fatal(err)
	}
	eventually(t, "a value", func() bool { return pl.Stats().Value == "0.42" })

	failing := e.NewPoller("bad", time.Hour, engine.CommandPoll(sh(`echo nope >&2; exit 1`)))
	_ = failing.Start()
	eventually(t, "an error", func() bool { return failing.Stats().LastError == "exit status 1: nope" })
}

// readPIDs reads the space-separated pids a script wrote to path.
func readPIDs(t *testing.T, path string) []int {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var pids []int
	for _, f := range strings.Fields(string(b)) {
		n, err := strconv.Atoi(f)
		if err != nil {
			t.Fatal(err)
		}
		pids = append(pids, n)
	}
	if len(pids) == 0 {
		t.Fatal("no pids written")
	}
	return pids
}
