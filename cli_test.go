package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/spindle-tui/spindle/engine"
	"github.com/spindle-tui/spindle/engine/remote"
	"github.com/spindle-tui/spindle/model"
)

// runCLI runs one invocation in-process.
func runCLI(args ...string) (code int, stdout, stderr string) {
	var out, errw bytes.Buffer
	code = run(args, &out, &errw)
	return code, out.String(), errw.String()
}

// TestCLIUsage: exit codes 0 ok / 1 failure / 2 usage, the same for every
// subcommand, and what each says.
func TestCLIUsage(t *testing.T) {
	t.Setenv("XDG_RUNTIME_DIR", t.TempDir()) // no server there
	bad := filepath.Join(t.TempDir(), "bad.yaml")
	writeFile(t, bad, "managers:\n  web:\n    tasks:\n      - name: x\n        comand: [true]\n")
	tests := []struct {
		args   []string
		code   int
		stdout string // a regexp; "" matches anything
		stderr string
	}{
		{[]string{"--version"}, 0, `^spindle \S+ \(.*\) go1\.\d+.* \w+/\w+\n$`, "^$"},
		{[]string{"version"}, 0, `^spindle \S+ \(`, "^$"},
		// (Not "bogus": two edits from "logs", so cobra rightly suggests it.)
		{[]string{"frobnicate"}, 2, "^$", `^spindle: unknown command "frobnicate"\nRun 'spindle --help' for usage\.\n$`},
		{[]string{"stauts"}, 2, "", `did you mean "status"\?`},
		{[]string{"--help"}, 0, `(?s)Available Commands:.*attach.*completion.*ctl.*logs.*serve.*status.*validate.*version`, "^$"},
		{[]string{"validate", "-h"}, 0, `spindle validate \[FILE\]`, "^$"},
		{[]string{"serve", "-h"}, 0, `--token-file`, "^$"},
		{[]string{"ctl", "--help"}, 0, `ctl \[ADDR\.\.\.\] halt\|pause`, "^$"},
		{[]string{"validate", bad}, 1, "^$", `task has no command(?s).*\nspindle: \S*bad\.yaml: 2 errors\n$`},
		{[]string{"validate", "a", "b"}, 2, "", `spindle validate: unexpected argument "b"`},
		{[]string{"validate", "engine/spec/testdata/procfile/ok/Procfile"}, 0, `Procfile \(read as a Procfile\): ok: 1 manager \(3 tasks\)`, "^$"},
		{[]string{"validate", "-f", "engine/spec/testdata/compose/unsupported/process-compose.yaml"}, 0,
			`\(read as a process-compose file\): ok: 1 manager \(1 task\)`, `warning: \S+:1:15: process-compose's log_location is not supported`},
		{[]string{"validate", "engine/spec/testdata/procfile/bad/Procfile"}, 1, "^$", `Procfile:2:1: a Procfile line must be name: command(?s).*: 4 errors \(read as a Procfile\)\n$`},
		{[]string{"convert", "engine/spec/testdata/compose/chain/process-compose.yaml"}, 0, `(?s)^# .*converted from a process-compose file.*\n  stack:\n    limit: 6\n.*db: healthy`, "^$"},
		{[]string{"convert", "a", "b"}, 2, "", `spindle convert: unexpected argument "b"`},
		{[]string{"status", "-json"}, 2, "", `long flags take two dashes: --json`},
		{[]string{"status", "--bogus"}, 2, "", `unknown flag: --bogus\nRun 'spindle status --help'`},
		{[]string{"status", "/nonexistent/a.sock", "/nonexistent/b.sock"}, 1, "",
			`^spindle: remote: 2 of 2 engines cannot be reached:\n  cannot reach spindle at /nonexistent/a\.sock: .*\n  cannot reach spindle at /nonexistent/b\.sock: `},
		{[]string{"ls", "a"}, 2, "", `spindle ls: unexpected argument "a"`},
		{[]string{"attach", "--all", "/x.sock"}, 2, "", `give addresses or --all, not both`},
		{[]string{"--refresh", "0s"}, 2, "", `--refresh must be positive`},
		{[]string{"--refresh", "1ms"}, 2, "", `--refresh 1ms is below the floor of 10ms`},
		{[]string{"ctl", "halt"}, 2, "", `want \[ADDR\.\.\.\] VERB TARGET`},
		{[]string{"ctl", "/a.sock", "/b.sock", "halt", "t1", "t2"}, 2, "", `got 5 arguments`},
		{[]string{"ctl", "/nonexistent.sock", "explode", "t1"}, 2, "", `unknown verb "explode"`},
		{[]string{"status", "--token", "a", "--token-file", "b"}, 2, "", `not both`},
		{[]string{"completion", "bash"}, 0, `bash completion`, ""},
		{[]string{"completion", "zsh"}, 0, `compdef`, ""},
		{[]string{"completion", "fish"}, 0, `complete -c spindle`, ""},
		{[]string{"status"}, 1, "", `^spindle: remote: no spindle socket found \(`},
		{[]string{"ctl", "halt", "web"}, 1, "", `no spindle socket found`},
		{[]string{"status", "/nonexistent/x.sock"}, 1, "", `^spindle: remote: cannot reach spindle at /nonexistent/x\.sock: connect: no such file or directory\n$`},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			code, out, errw := runCLI(tt.args...)
			if code != tt.code {
				t.Errorf("exit %d, want %d\nstdout: %s\nstderr: %s", code, tt.code, out, errw)
			}
			if tt.stdout != "" && !regexp.MustCompile(tt.stdout).MatchString(out) {
				t.Errorf("stdout %q does not match %q", out, tt.stdout)
			}
			if tt.stderr != "" && !regexp.MustCompile(tt.stderr).MatchString(errw) {
				t.Errorf("stderr %q does not match %q", errw, tt.stderr)
			}
			if strings.Count(errw, "remote:") > 1 {
				t.Errorf("stderr says remote: more than once: %q", errw)
			}
		})
	}
}

// TestCLIFlagsAnywhere: status and ctl against a real server over TCP, with
// the flags before or after the address; a token given after the address is
// used, and a missing token is said once, naming --token-file.
func TestCLIFlagsAnywhere(t *testing.T) {
	t.Setenv("XDG_RUNTIME_DIR", t.TempDir())
	t.Setenv(remote.TokenEnv, "")
	e := engine.New(engine.WithRefresh(5 * time.Millisecond))
	t.Cleanup(func() { _ = e.Close(context.Background()) })
	m := e.NewManager("svc", 1)
	id, _ := m.Append("web", func(ctx context.Context) error { <-ctx.Done(); return engine.ErrHalted })
	if err := m.Run(); err != nil {
		t.Fatal(err)
	}
	srv, err := remote.Listen(context.Background(), e, "127.0.0.1:0", remote.WithToken("sesame"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	tokFile := filepath.Join(t.TempDir(), "token")
	if err := os.WriteFile(tokFile, []byte("sesame\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	addr := srv.Addr()
	for _, args := range [][]string{
		{"status", addr, "--json", "--token-file", tokFile},
		{"status", "--json", "--token-file", tokFile, addr},
		{"status", "--token-file", tokFile, "--json", addr},
	} {
		code, out, errw := runCLI(args...)
		if code != 0 || !strings.Contains(out, `"name": "web"`) {
			t.Errorf("%q: exit %d\nstdout: %.200s\nstderr: %s", args, code, out, errw)
		}
	}
	code, out, errw := runCLI("status", addr, "--token", "sesame")
	if code != 0 || !regexp.MustCompile(`(?m)web\s+svc\s+running`).MatchString(out) || !strings.Contains(errw, "warning: --token") {
		t.Errorf("status ADDR --token: exit %d\nstdout: %s\nstderr: %s", code, out, errw)
	}
	code, _, errw = runCLI("status", addr)
	if code != 1 || strings.Count(errw, "token") != 2 || !strings.Contains(errw, "--token-file FILE or set SPINDLE_TOKEN") {
		t.Errorf("status without a token: exit %d, stderr %q: want the hint once", code, errw)
	}
	code, out, errw = runCLI("ctl", addr, "halt", "web", "--token-file", tokFile)
	if code != 0 || out != "halt "+string(id)+": ok\n" {
		t.Errorf("ctl halt web: exit %d %q %q", code, out, errw)
	}
	deadline := time.Now().Add(10 * time.Second)
	for e.Snapshot().Tasks[0].State != model.StateHalted && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
}

// TestServeVerbose: serve -v logs the server's life and each command to
// stderr; stdout names the token file, never the token.
func TestServeVerbose(t *testing.T) {
	bin := spindleBinary(t)
	dir := t.TempDir()
	file := filepath.Join(dir, "spindle.yaml")
	writeFile(t, file, "managers:\n  svc:\n    tasks:\n      - name: web\n        command: [sleep, '661']\n")
	cmd := exec.Command(bin, "serve", "-v", "-f", file, "--listen", "127.0.0.1:0")
	cmd.Env = append(os.Environ(), "XDG_RUNTIME_DIR="+shortTempDir(t), remote.TokenEnv+"=")
	var out, errw syncBuffer
	cmd.Stdout, cmd.Stderr = &out, &errw
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()
	re := regexp.MustCompile(`token in (\S+) `)
	deadline := time.Now().Add(20 * time.Second)
	for !re.MatchString(out.String()) && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	m := re.FindStringSubmatch(out.String())
	if m == nil {
		t.Fatalf("serve never named its token file:\n%s\n%s", out.String(), errw.String())
	}
	tok, err := remote.ReadTokenFile(m[1])
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(out.String(), tok) || strings.Contains(errw.String(), tok) {
		t.Errorf("serve printed its token:\n%s\n%s", out.String(), errw.String())
	}
	addr := regexp.MustCompile(`on (127\.0\.0\.1:\d+)`).FindStringSubmatch(out.String())[1]
	waitProcess(t, "sleep\x00661")
	if c, o, e := runCLI("ctl", addr, "halt", "web", "--token-file", m[1]); c != 0 {
		t.Fatalf("ctl: %d %s %s", c, o, e)
	}
	_ = cmd.Process.Signal(os.Interrupt)
	_ = cmd.Wait()
	for _, want := range []string{"spindle control API listening", "command applied", "halt t1", "spindle control API stopped"} {
		if !strings.Contains(errw.String(), want) {
			t.Errorf("serve -v stderr lacks %q:\n%s", want, errw.String())
		}
	}
}

// syncBuffer is a bytes.Buffer a command writes while the test reads it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
