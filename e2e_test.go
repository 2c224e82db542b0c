package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// binDir holds the spindle binary the end-to-end tests build once.
var binDir string

func TestMain(m *testing.M) {
	code := m.Run()
	if binDir != "" {
		_ = os.RemoveAll(binDir)
	}
	os.Exit(code)
}

// buildOnce builds spindle the first time a test needs it.
var buildOnce = sync.OnceValues(func() (string, error) {
	dir, err := os.MkdirTemp("", "spindle-e2e")
	if err != nil {
		return "", err
	}
	binDir = dir
	bin := filepath.Join(dir, "spindle")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build: %v\n%s", err, out)
	}
	return bin, nil
})

// spindleBinary returns the path of the spindle binary built for the
// end-to-end tests (built once per run); it skips in -short mode.
func spindleBinary(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("end-to-end test skipped in -short mode")
	}
	bin, err := buildOnce()
	if err != nil {
		t.Fatal(err)
	}
	return bin
}

// requireTmux returns the spindle binary, skipping the test where tmux is
// missing (but not in CI, where .ci/run installs it).
func requireTmux(t *testing.T) string {
	t.Helper()
	bin := spindleBinary(t)
	if _, err := exec.LookPath("tmux"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("tmux is required in CI (.ci/run installs it)")
		}
		t.Skip("tmux not installed")
	}
	return bin
}

// writeFile writes content to path or fails the test.
func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// shortTempDir returns a directory short enough for a Unix socket path in it,
// removed at the end of the test.
func shortTempDir(t *testing.T) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "sp")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.RemoveAll(dir) })
	return dir
}

// tmuxSession drives the real binary in a detached tmux server of its own.
type tmuxSession struct {
	t      *testing.T
	socket string
}

func (s tmuxSession) tmux(args ...string) string {
	s.t.Helper()
	out, err := exec.Command("tmux", append([]string{"-L", s.socket}, args...)...).CombinedOutput()
	if err != nil {
		s.t.Fatalf("tmux %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

func (s tmuxSession) screen() string { return s.tmux("capture-pane", "-p", "-t", "e2e") }

func (s tmuxSession) keys(keys ...string) {
	s.tmux(append([]string{"send-keys", "-t", "e2e"}, keys...)...)
}

// waitFor polls the screen until re matches, or fails with the last screen.
func (s tmuxSession) waitFor(what string, re *regexp.Regexp) string {
	s.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	var screen string
	for time.Now().Before(deadline) {
		screen = s.screen()
		if m := re.FindStringSubmatch(screen); m != nil {
			if len(m) > 1 {
				return m[1]
			}
			return m[0]
		}
		time.Sleep(100 * time.Millisecond)
	}
	s.t.Fatalf("timed out waiting for %s (%s); screen:\n%s", what, re, screen)
	return ""
}

// waitGone polls the screen until re no longer matches.
func (s tmuxSession) waitGone(what string, re *regexp.Regexp) {
	s.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		if !re.MatchString(s.screen()) {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	s.t.Fatalf("timed out waiting for %s to go; screen:\n%s", what, s.screen())
}

// startSpindle builds spindle and runs it with args in dir, in a detached tmux
// server of its own at 160x48. It skips the test where tmux is missing (but not
// in CI, where .ci/run installs it).
func startSpindle(t *testing.T, dir string, args ...string) tmuxSession {
	t.Helper()
	bin := requireTmux(t)
	s := tmuxSession{t: t, socket: fmt.Sprintf("spindle-e2e-%d-%s", os.Getpid(), t.Name())}
	cmd := "cd " + dir + " && env TERM=xterm-256color " + bin
	for _, a := range args {
		cmd += " " + a
	}
	s.tmux("new-session", "-d", "-s", "e2e", "-x", "160", "-y", "48", cmd+"; echo SPINDLE-EXIT=$?; sleep 30")
	t.Cleanup(func() { _ = exec.Command("tmux", "-L", s.socket, "kill-server").Run() })
	return s
}

// TestEndToEndDemo builds spindle, runs the demo in tmux at 160x48 and drives it
// with keys as a person would: halt the selected task, pause another, open help,
// quit gracefully.
func TestEndToEndDemo(t *testing.T) {
	s := startSpindle(t, t.TempDir())

	// The demo comes up with running crawl work at the top (sorted by state).
	s.waitFor("a running row", regexp.MustCompile(`(?m)^.*\bt\w+\s+fetch page \d+\s+crawl\s+running\b`))

	// h halts the selected (top) task.
	s.keys("g", "h")
	s.waitFor("a halted task", regexp.MustCompile(`(?m)^.*\bt\w+\s+.+?\s+crawl\s+halted\b`))

	// p pauses another running task.
	s.keys("g", "p")
	s.waitFor("a paused task", regexp.MustCompile(`(?m)^.*\bt\w+\s+.+?\s+crawl\s+paused\b`))

	// ? opens the help overlay and closes it again. (Not esc: a key sent right
	// after a bare ESC reads as alt+key.)
	help := regexp.MustCompile(`closes this help`)
	s.keys("?")
	s.waitFor("the help overlay", help)
	s.keys("?")
	s.waitGone("the help overlay", help)

	// q quits gracefully: work is halted and the process exits 0 — or, if the
	// demo's legacy scraper (which ignores its context) happened to be running,
	// exits 1 naming it as the work that did not stop.
	s.keys("q")
	code := s.waitFor("spindle to exit", regexp.MustCompile(`SPINDLE-EXIT=(\d+)`))
	if screen := s.screen(); code != "0" && !strings.Contains(screen, `"legacy scraper" (crawl)`) {
		t.Fatalf("spindle exited %s; screen:\n%s", code, screen)
	}
}

// TestEndToEndTaskFile runs spindle over a task file in tmux, saves a new
// version with one more task and sees it appear, saves an invalid version and
// sees the error with its position while the tasks keep running, then quits.
func TestEndToEndTaskFile(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "spindle.yaml")
	v1 := `managers:
  web:
    limit: 3
    tasks:
      - name: server
        command: [sh, -c, 'echo listening; sleep 601 & wait']
`
	write := func(content string) {
		t.Helper()
		// Save as editors do: write a temporary file and rename it over.
		tmp := file + ".tmp"
		if err := os.WriteFile(tmp, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Rename(tmp, file); err != nil {
			t.Fatal(err)
		}
	}
	write(v1)
	s := startSpindle(t, dir) // picks up ./spindle.yaml
	s.waitFor("the server row", regexp.MustCompile(`(?m)\bserver\s+web\s+running\b`))

	write(v1 + `      - name: worker
        command: [sh, -c, 'exec sleep 602']
`)
	s.waitFor("the new worker row", regexp.MustCompile(`(?m)\bworker\s+web\s+running\b`))

	write(v1 + `      - name: broken
        comand: [true]
`)
	s.waitFor("the reload error", regexp.MustCompile(`spindle\.yaml:\d+:\d+: task has no command`))
	if !regexp.MustCompile(`(?m)\bserver\s+web\s+running\b`).MatchString(s.screen()) {
		t.Fatalf("an invalid save stopped the running task; screen:\n%s", s.screen())
	}

	s.keys("q")
	if code := s.waitFor("spindle to exit", regexp.MustCompile(`SPINDLE-EXIT=(\d+)`)); code != "0" {
		t.Fatalf("spindle exited %s; screen:\n%s", code, s.screen())
	}
	// No child or grandchild outlives spindle.
	for _, argv := range []string{"sleep\x00601", "sleep\x00602"} {
		if pids := processes(t, argv); len(pids) > 0 {
			t.Errorf("%q still runs after quit: pids %v", strings.ReplaceAll(argv, "\x00", " "), pids)
		}
	}
}

// processes returns the pids whose command line holds argv (NUL-separated).
func processes(t *testing.T, argv string) []string {
	t.Helper()
	matches, _ := filepath.Glob("/proc/[0-9]*/cmdline")
	var pids []string
	for _, m := range matches {
		if b, err := os.ReadFile(m); err == nil && strings.Contains(string(b), argv) {
			pids = append(pids, filepath.Base(filepath.Dir(m)))
		}
	}
	return pids
}

// TestAttachFindsRestartedServer runs `spindle serve` with a runtime dir of the
// test's own and `spindle attach` with no address in tmux; the server is
// stopped and another started (its socket named by its new pid): the attached
// dashboard finds it and shows its task.
func TestAttachFindsRestartedServer(t *testing.T) {
	bin := requireTmux(t)
	dir := t.TempDir()
	runtimeDir := shortTempDir(t)
	serve := func(task string) *exec.Cmd {
		file := filepath.Join(dir, task+".yaml")
		writeFile(t, file, "managers:\n  svc:\n    tasks:\n      - name: "+task+"\n        command: [sleep, '671']\n")
		cmd := exec.Command(bin, "serve", "-f", file)
		cmd.Env = append(os.Environ(), "XDG_RUNTIME_DIR="+runtimeDir)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
		waitPath(t, filepath.Join(runtimeDir, "spindle", fmt.Sprintf("spindle-%d.sock", cmd.Process.Pid)))
		return cmd
	}
	first := serve("before-restart")
	tm := newTmuxServer(t)
	s := tm.session("attach", dir, "XDG_RUNTIME_DIR="+runtimeDir+" "+bin, "attach")
	s.waitFor("the first server's task", regexp.MustCompile(`before-restart\s+svc\s+running`))

	_ = first.Process.Signal(os.Interrupt)
	_ = first.Wait()
	s.waitFor("the drop", regexp.MustCompile(`connection lost`))
	serve("after-restart")
	s.waitFor("the restarted server's task", regexp.MustCompile(`after-restart\s+svc\s+running`))
	s.keys("q")
	if code, ok := s.exitCode(15 * time.Second); !ok || code != "0" {
		t.Fatalf("attach exited %q (%v); screen:\n%s", code, ok, s.screen())
	}
}
