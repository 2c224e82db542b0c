package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/spindle-tui/spindle/engine"
	"github.com/spindle-tui/spindle/engine/remote"
)

// TestCLILogs: spindle logs against a real server: by name, --tail, --grep,
// --json, a colour kept only with --color, control sequences never printed,
// and usage errors.
func TestCLILogs(t *testing.T) {
	t.Setenv("XDG_RUNTIME_DIR", t.TempDir())
	t.Setenv(remote.TokenEnv, "sesame")
	e := engine.New(engine.WithRefresh(5 * time.Millisecond))
	t.Cleanup(func() { _ = e.Close(context.Background()) })
	m := e.NewManager("svc", 1)
	m.Append("web", func(ctx context.Context) error {
		engine.Logf(ctx, "GET / 200")
		engine.Logf(ctx, "\x1b[2J\x1b]0;PWNED\x07\x1b]52;c;SGVsbG8=\x07\x1b[31mred\x1b[0m\x1b[5;5Hmoved")
		engine.Logf(ctx, "GET /health 200")
		<-ctx.Done()
		return engine.ErrHalted
	})
	if err := m.Run(); err != nil {
		t.Fatal(err)
	}
	srv, err := remote.Listen(context.Background(), e, "127.0.0.1:0", remote.WithToken("sesame"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	addr := srv.Addr()
	deadline := time.Now().Add(10 * time.Second)
	for e.LogStats().Lines < 3 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	tests := []struct {
		args   []string
		code   int
		stdout string
	}{
		{[]string{"logs", addr, "web", "--tail", "1"}, 0, "^GET /health 200\n$"},
		{[]string{"logs", addr, "web", "--grep", "^GET /[a-z]"}, 0, "^GET /health 200\n$"},
		{[]string{"logs", addr, "web", "--grep", "red"}, 0, "^redmoved\n$"},
		{[]string{"logs", addr, "web", "--grep", "red", "--color"}, 0, "^\x1b\\[31mred\x1b\\[0mmoved\n$"},
		{[]string{"logs", addr, "web", "--tail", "1", "--json"}, 0, `^\{"seq":\d+,"time":"[^"]+","task":"t1","name":"web","stream":"log","text":"GET /health 200"\}` + "\n$"},
		{[]string{"logs", addr, "--tail", "1"}, 0, `^web \| GET /health 200` + "\n$"},
		{[]string{"logs", addr, "nobody"}, 1, "^$"},
		{[]string{"logs", addr, "web", "--grep", "("}, 2, "^$"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args[2:], " "), func(t *testing.T) {
			code, out, errw := runCLI(tt.args...)
			if code != tt.code || !regexp.MustCompile(tt.stdout).MatchString(out) {
				t.Errorf("exit %d (want %d)\nstdout: %q (want %q)\nstderr: %s", code, tt.code, out, tt.stdout, errw)
			}
		})
	}
}

// hostileScript prints five lines full of control sequences (clear screen,
// cursor home and moves, a window title, an OSC 52 clipboard write, leaving
// the alternate screen, a terminal reset), then waits.
const hostileScript = `i=0; while [ $i -lt 5 ]; do printf '\033[2J\033[HHOSTILE-%d\033]0;PWNED-TITLE\007\033]52;c;SGVsbG8=\007\033[31mred\033[0m\033[10;10Hmoved\033[?1049l\033c\n' $i; i=$((i+1)); done; echo done-printing; exec sleep 603`

// writeHostileFile writes a task file running hostileScript as task hostile.
func writeHostileFile(t *testing.T, dir string) string {
	t.Helper()
	// In the file, \ is doubled for YAML and $ for spindle's ${VAR} expansion.
	quoted := strings.ReplaceAll(strings.ReplaceAll(hostileScript, `\`, `\\`), "$", "$$")
	file := filepath.Join(dir, "spindle.yaml")
	writeFile(t, file, "managers:\n  evil:\n    tasks:\n      - name: hostile\n        command: [sh, -c, \""+quoted+"\"]\n")
	return file
}

// checkIntact fails unless the five hostile lines show as plain text on rows
// of their own, the pane title is not the child's and the clipboard is empty.
func checkIntact(t *testing.T, s tmuxSession, target, screen string) {
	t.Helper()
	if n := len(regexp.MustCompile(`(?m)HOSTILE-\dredmoved\s*$`).FindAllString(screen, -1)); n != 5 {
		t.Errorf("%d of 5 hostile lines shown as plain text on their own row:\n%s", n, screen)
	}
	if title := s.tmux("display-message", "-p", "-t", target, "#{pane_title}"); strings.Contains(title, "PWNED") {
		t.Errorf("the child set the pane title: %q", title)
	}
	if bufs := strings.TrimSpace(s.tmux("list-buffers")); bufs != "" {
		t.Errorf("the child wrote the clipboard: %q", bufs)
	}
}

// TestEndToEndHostileOutput runs a task file whose child prints control
// sequences through the real binary in tmux, opens its log in the dashboard,
// and checks the screen is intact: the header where it belongs, the text on
// one row each, no title set, nothing on the clipboard. Then `spindle logs`
// prints the same lines straight to the terminal, with the same result.
func TestEndToEndHostileOutput(t *testing.T) {
	dir := t.TempDir()
	file := writeHostileFile(t, dir)
	s := startSpindle(t, dir)
	s.waitFor("the hostile task", regexp.MustCompile(`hostile\s+evil\s+running`))
	s.keys("l")
	s.waitFor("the log view", regexp.MustCompile(`Log of hostile \(t\w+\)`))
	screen := s.waitFor("the last line", regexp.MustCompile(`(?s).*done-printing.*`))
	if first := strings.Split(screen, "\n")[0]; !strings.Contains(first, "spindle") || !strings.Contains(first, "6 Logs") {
		t.Errorf("the header was overwritten:\n%s", screen)
	}
	checkIntact(t, s, "e2e", screen)
	s.keys("Escape")
	s.waitFor("the Workers view back", regexp.MustCompile(`Workers \(1/1\)`))
	s.keys("q")
	if code := s.waitFor("spindle to exit", regexp.MustCompile(`SPINDLE-EXIT=(\d+)`)); code != "0" {
		t.Fatalf("spindle exited %s; screen:\n%s", code, s.screen())
	}

	// spindle logs writes to the terminal itself: nothing between it and the
	// screen but its own cleaning.
	bin := spindleBinary(t)
	runtimeDir := shortTempDir(t)
	serve := exec.Command(bin, "serve", "-f", file)
	serve.Env = append(os.Environ(), "XDG_RUNTIME_DIR="+runtimeDir)
	if err := serve.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = serve.Process.Signal(os.Interrupt); _ = serve.Wait() })
	waitPath(t, filepath.Join(runtimeDir, "spindle", fmt.Sprintf("spindle-%d.sock", serve.Process.Pid)))
	tm := newTmuxServer(t)
	logs := tm.session("logs", dir, "XDG_RUNTIME_DIR="+runtimeDir+" "+bin, "logs", "hostile", "--grep", "HOSTILE")
	if code, ok := logs.exitCode(20 * time.Second); !ok || code != "0" {
		t.Fatalf("spindle logs exited %q (%v); screen:\n%s", code, ok, logs.screen())
	}
	checkIntact(t, logs.tmuxSession, logs.name, logs.screen())
}
