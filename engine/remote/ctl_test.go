package remote

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/spindle-tui/spindle/engine"
	"github.com/spindle-tui/spindle/model"
)

// TestCtl runs `spindle ctl` against a served engine: a task halted by name
// and by id, an ambiguous name refused with the ids, an unknown one, and bad
// arguments refused before any connection (a dead address is never dialled).
func TestCtl(t *testing.T) {
	e := newEngine(t)
	web := startBlocker(t, e, "web")
	m := e.NewManager("twins", 2)
	a, _ := m.Append("twin", blocker)
	b, _ := m.Append("twin", blocker)
	must(t, m.Run())
	waitState(t, e, b, model.StateRunning)
	e.NewPoller("disk", 0, nil)
	s := listenT(t, e, shortSocket(t))
	ctl := func(args ...string) (string, error) {
		var out bytes.Buffer
		err := Ctl(context.Background(), &out, args)
		return out.String(), err
	}

	if out, err := ctl(s.Addr(), "pause", "web"); err != nil || out != "pause "+string(web)+": ok\n" {
		t.Fatalf("pause by name: %q %v", out, err)
	}
	waitState(t, e, web, model.StatePausing) // blocker has no Checkpoint to park at
	if out, err := ctl(s.Addr(), "resume", string(web)); err != nil || !strings.HasSuffix(out, ": ok\n") {
		t.Fatalf("resume by id: %q %v", out, err)
	}
	_, err := ctl(s.Addr(), "halt", "twin")
	if !errors.Is(err, ErrAmbiguousName) || !strings.Contains(err.Error(), string(a)+" (twins, running)") || !strings.Contains(err.Error(), string(b)) {
		t.Errorf("ambiguous name: %v", err)
	}
	if _, err := ctl(s.Addr(), "halt", "disk"); !errors.Is(err, engine.ErrUnknownTask) || !strings.Contains(err.Error(), "give poller:disk") {
		t.Errorf("a poller's name: %v", err)
	}
	for _, st := range []model.TaskID{a, b} {
		waitState(t, e, st, model.StateRunning)
	}

	dead := shortSocket(t)
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{dead, "explode", "t1"}, `unknown verb "explode"`},
		{[]string{dead, "halt"}, "halt what?"},
		{[]string{"halt"}, "got 1 arguments"},
		{[]string{dead, "halt", "t1", "t2"}, "got 4 arguments"},
		{[]string{dead, "kill", "pool:io"}, "not killed"},
		{[]string{dead, "halt", "a\x1b[2J"}, "U+001B"},
	} {
		if _, err := ctl(tt.args...); !errors.Is(err, ErrUsage) || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("ctl %q: %v, want a usage error saying %q", tt.args, err, tt.want)
		}
	}
}

// TestCtlNewestSocket: with no address ctl uses the newest socket, as status
// and attach do.
func TestCtlNewestSocket(t *testing.T) {
	t.Setenv("XDG_RUNTIME_DIR", shortTempDir(t))
	e := newEngine(t)
	id := startBlocker(t, e, "web")
	listenT(t, e, "")
	var out bytes.Buffer
	if err := Ctl(context.Background(), &out, []string{"halt", "web"}); err != nil {
		t.Fatal(err)
	}
	waitState(t, e, id, model.StateHalted)
}

// TestClientFlags: --token wins with a warning, --token-file is read, both is
// a usage error, and $SPINDLE_TOKEN is the fallback.
func TestClientFlags(t *testing.T) {
	t.Setenv(TokenEnv, "from-env")
	var warn bytes.Buffer
	if tok, err := (ClientFlags{Token: "flag"}).token(&warn); tok != "flag" || err != nil || !strings.Contains(warn.String(), "/proc/PID/cmdline") {
		t.Errorf("--token: %q %v, warned %q", tok, err, warn.String())
	}
	if _, err := (ClientFlags{Token: "a", TokenFile: "b"}).Options(&warn); !errors.Is(err, ErrUsage) {
		t.Errorf("both flags: %v", err)
	}
	if tok, err := (ClientFlags{}).token(&warn); tok != "from-env" || err != nil {
		t.Errorf("no flag: %q %v", tok, err)
	}
	if _, err := (ClientFlags{TokenFile: "/nonexistent/token"}).Options(&warn); err == nil {
		t.Error("a missing token file was accepted")
	}
}
