package remote

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spindle-tui/spindle/engine"
	"github.com/spindle-tui/spindle/model"
)

// servedPair serves two engines named by source on sockets of their own
// and returns them with their addresses.
func servedPair(t *testing.T) (ea, eb *engine.Engine, addrs []string) {
	t.Helper()
	ea = engine.New(engine.WithRefresh(5e6), engine.WithSource("api.yaml"))
	eb = engine.New(engine.WithRefresh(5e6), engine.WithSource("db.yaml"))
	for _, e := range []*engine.Engine{ea, eb} {
		t.Cleanup(func() { _ = e.Close(context.Background()) })
	}
	startBlocker(t, ea, "web")
	startBlocker(t, eb, "web")
	sa, sb := listenT(t, ea, shortSocket(t)), listenT(t, eb, shortSocket(t))
	return ea, eb, []string{sa.Addr(), sb.Addr()}
}

// TestStatusAll: several addresses print one section per engine, ids
// qualified; JSON is the merged snapshot with its origins.
func TestStatusAll(t *testing.T) {
	_, _, addrs := servedPair(t)
	var out bytes.Buffer
	if err := StatusAll(context.Background(), &out, addrs, false); err != nil {
		t.Fatal(err)
	}
	text := out.String()
	for _, want := range []string{"==> api (" + addrs[0] + ") <==", "==> db (" + addrs[1] + ") <==", "SOURCE api.yaml", "api/t", "db/t", "api/crawl"} {
		if !strings.Contains(text, want) {
			t.Errorf("status does not say %q:\n%s", want, text)
		}
	}
	out.Reset()
	if err := StatusAll(context.Background(), &out, addrs, true); err != nil {
		t.Fatal(err)
	}
	var s model.Snapshot
	if err := json.Unmarshal(out.Bytes(), &s); err != nil || len(s.Origins) != 2 || countOrigin(s, "db") != 1 {
		t.Errorf("JSON: %v, origins %+v", err, s.Origins)
	}
	// One address prints exactly as status always did.
	var one, plain bytes.Buffer
	if err := StatusAll(context.Background(), &one, addrs[:1], false); err != nil {
		t.Fatal(err)
	}
	if err := Status(context.Background(), &plain, addrs[0], false); err != nil {
		t.Fatal(err)
	}
	first := func(b *bytes.Buffer) string { l, _, _ := strings.Cut(b.String(), "\n"); return l }
	if strings.Contains(one.String(), "==>") || first(&one) != first(&plain) {
		t.Errorf("one address:\n%s", one.String())
	}
}

// TestCtlFleet: with several addresses, ORIGIN/ID reaches that engine; a
// name on both is refused with both ids; a pool named on one only is found.
func TestCtlFleet(t *testing.T) {
	ea, eb, addrs := servedPair(t)
	ctl := func(args ...string) (string, error) {
		var out bytes.Buffer
		err := Ctl(context.Background(), &out, args)
		return out.String(), err
	}
	idB := eb.Snapshot().Tasks[0].ID
	out, err := ctl(addrs[0], addrs[1], "halt", "db/"+string(idB))
	if err != nil || out != "halt db/"+string(idB)+": ok\n" {
		t.Fatalf("halt db/%s: %q %v", idB, out, err)
	}
	waitState(t, eb, idB, model.StateHalted)
	if st, _ := taskState(ea.Snapshot(), ea.Snapshot().Tasks[0].ID); st != model.StateRunning {
		t.Errorf("api's task is %s: the command went to the wrong engine", st)
	}
	_, err = ctl(addrs[0], addrs[1], "halt", "web")
	if !errors.Is(err, ErrAmbiguousName) || !strings.Contains(err.Error(), "api/t") || !strings.Contains(err.Error(), "db/t") {
		t.Errorf("a name on both engines: %v", err)
	}
	bare := string(ea.Snapshot().Tasks[0].ID) // the same id on both engines
	if _, err := ctl(addrs[0], addrs[1], "halt", bare); !errors.Is(err, ErrAmbiguousName) || !strings.Contains(err.Error(), "give one as ORIGIN/"+bare) {
		t.Errorf("a bare id on both engines: %v", err)
	}
	if _, err := ctl(addrs[0], addrs[1], "halt", "cache/t1"); !errors.Is(err, engine.ErrUnknownTask) {
		t.Errorf("an unknown origin: %v", err)
	}
	if _, err := ctl(addrs[0], addrs[1], "pause", "pool:nope"); !errors.Is(err, ErrUnknownOrigin) || !strings.Contains(err.Error(), `no engine has a pool "nope"`) {
		t.Errorf("an unknown pool: %v", err)
	}
}

// TestLsAndInfo: ls lists the runtime dir's sockets with pid, source and
// uptime; a socket nothing listens on is stale; attach --all takes the live.
func TestLsAndInfo(t *testing.T) {
	dir := shortTempDir(t)
	t.Setenv("XDG_RUNTIME_DIR", dir)
	var out bytes.Buffer
	if err := List(context.Background(), &out); err != nil || !strings.Contains(out.String(), "no engines in") {
		t.Fatalf("empty: %q %v", out.String(), err)
	}
	e := newEngine(t)
	s := listenT(t, e, "")
	sockDir := filepath.Dir(s.Addr())
	dead := filepath.Join(sockDir, "spindle-999999.sock")
	ln, err := net.Listen("unix", dead)
	if err != nil {
		t.Fatal(err)
	}
	ln.(*net.UnixListener).SetUnlinkOnClose(false)
	_ = ln.Close() // the socket file stays, nothing listens: a dead server's
	if _, err := os.Stat(dead); err != nil {
		t.Fatal(err)
	}
	out.Reset()
	if err := List(context.Background(), &out); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 3 || !strings.HasPrefix(lines[0], "ADDR") {
		t.Fatalf("ls:\n%s", out.String())
	}
	var live, stale string
	for _, l := range lines[1:] {
		switch {
		case strings.HasPrefix(l, s.Addr()):
			live = l
		case strings.HasPrefix(l, dead):
			stale = l
		}
	}
	if !strings.Contains(live, " test ") || !strings.Contains(live, "serving") || !strings.Contains(live, strings.TrimSuffix(strings.TrimPrefix(filepath.Base(s.Addr()), "spindle-"), ".sock")) {
		t.Errorf("the live engine's line: %q", live)
	}
	if !strings.Contains(stale, "999999") || !strings.Contains(stale, "stale: nothing listens") {
		t.Errorf("the stale socket's line: %q", stale)
	}
	es, err := FindEngines(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if got := LiveEngines(es); len(got) != 1 || got[0] != s.Addr() {
		t.Errorf("live engines %v", got)
	}
}
