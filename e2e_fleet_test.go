//go:build unix

package main

import (
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestEndToEndFleet serves three engines (api, db, web) and attaches one
// dashboard to all three in tmux: every engine's task shows with its origin;
// a halt key on a db row reaches db (spindle status says so) and not api;
// web's server is killed (SIGKILL) mid-stream: its rows stay, marked stale,
// while api's and db's pollers keep counting; a new server on web's socket
// brings it back.
func TestEndToEndFleet(t *testing.T) {
	bin := requireTmux(t)
	dir := t.TempDir()
	socks := shortTempDir(t)
	addr := func(name string) string { return filepath.Join(socks, name+".sock") }
	serve := func(name string) *exec.Cmd {
		file := filepath.Join(dir, name+".yaml")
		writeFile(t, file, "managers:\n  svc:\n    tasks:\n      - name: "+name+"-task\n        command: [sleep, '673']\n"+
			"pollers:\n  tick:\n    period: 200ms\n    command: [true]\n")
		cmd := exec.Command(bin, "serve", "-f", file, "--listen", "unix:"+addr(name))
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
		waitPath(t, addr(name))
		return cmd
	}
	t.Cleanup(func() { // a SIGKILLed server leaves its child behind
		for _, pid := range processes(t, "sleep\x00673") {
			if n, err := strconv.Atoi(pid); err == nil {
				_ = syscall.Kill(n, syscall.SIGKILL)
			}
		}
	})
	serve("api")
	serve("db")
	web := serve("web")

	tm := newTmuxServer(t)
	s := tm.session("fleet", dir, bin, "attach", addr("api"), addr("db"), addr("web"))
	s.waitFor("the three engines connected", regexp.MustCompile(`3 engines: api ● db ● web ●`))
	for _, name := range []string{"api", "db", "web"} {
		s.waitFor(name+"'s task", regexp.MustCompile(`(?m)\b`+name+`\s+t\w+\s+`+name+`-task\s+svc\s+running\b`))
	}

	// A halt on db's row reaches db, and only db.
	s.keys("/", "origin:db", "Enter")
	s.waitFor("the filter on db", regexp.MustCompile(`\[filter: origin:db\]`))
	s.keys("g", "h")
	s.waitFor("db's task halted", regexp.MustCompile(`(?m)\bdb\s+t\w+\s+db-task\s+svc\s+halted\b`))
	if out := status(t, bin, addr("db")); !regexp.MustCompile(`(?m)\bdb-task\s+svc\s+halted\b`).MatchString(out) {
		t.Fatalf("spindle status db does not show the halt:\n%s", out)
	}
	if out := status(t, bin, addr("api")); !regexp.MustCompile(`(?m)\bapi-task\s+svc\s+running\b`).MatchString(out) {
		t.Fatalf("the halt reached api:\n%s", out)
	}
	s.keys("/", "C-u", "Enter") // clear the filter
	waitUntil(t, "the filter gone", func() bool { return !strings.Contains(s.screen(), "[filter:") }, s.screen)

	// web's server dies mid-stream: its rows stay, stale; the others go on.
	s.keys("3")
	ticks := func(origin string) int { // -1 while the row is not on screen
		m := regexp.MustCompile(`(?m)\b` + origin + `\s+tick\s+running\s+200ms\s+(\d+)`).FindStringSubmatch(s.screen())
		if m == nil {
			return -1
		}
		n, _ := strconv.Atoi(m[1])
		return n
	}
	if err := web.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = web.Wait()
	s.waitFor("web marked stale in the header", regexp.MustCompile(`web ○ (reconnecting|connection lost)`))
	s.waitFor("web's poller row kept, stale", regexp.MustCompile(`(?m)\bweb stale\s+tick\b`))
	for _, origin := range []string{"api", "db"} {
		s.waitFor(origin+"'s poller", regexp.MustCompile(`\b`+origin+`\s+tick\s+running`))
		before := ticks(origin)
		waitUntil(t, origin+"'s poller counting on", func() bool { return ticks(origin) > before }, s.screen)
	}
	s.keys("1")
	s.waitFor("web's task row kept, stale", regexp.MustCompile(`(?m)\bweb stale\s+t\w+\s+web-task\s+svc\s+running\b`))

	// A new server on the same socket: web comes back.
	serve("web")
	s.waitFor("web back in the header", regexp.MustCompile(`3 engines: api ● db ● web ●`))
	waitUntil(t, "the stale mark gone", func() bool { return !strings.Contains(s.screen(), "web stale") }, s.screen)
	s.waitFor("web's new task", regexp.MustCompile(`(?m)\bweb\s+t\w+\s+web-task\s+svc\s+running\b`))

	s.keys("q")
	if code, ok := s.exitCode(15 * time.Second); !ok || code != "0" {
		t.Fatalf("attach exited %q (%v); screen:\n%s", code, ok, s.screen())
	}
}

// status runs `spindle status ADDR` and returns its output.
func status(t *testing.T, bin, addr string) string {
	t.Helper()
	out, err := exec.Command(bin, "status", addr).CombinedOutput()
	if err != nil {
		t.Fatalf("spindle status %s: %v\n%s", addr, err, out)
	}
	return string(out)
}

// waitUntil polls cond until it holds, or fails showing screen().
func waitUntil(t *testing.T, what string, cond func() bool, screen func() string) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s; screen:\n%s", what, screen())
		}
		time.Sleep(100 * time.Millisecond)
	}
}
