package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// signalsUnderTest are the signals that end spindle: each is sent 20 times.
var signalsUnderTest = []syscall.Signal{syscall.SIGTERM, syscall.SIGINT, syscall.SIGHUP}

// signalRuns is how many times each signal is sent in the signal tests.
const signalRuns = 20

// TestDashboardSignals runs the dashboard in tmux over a task file with a
// child, sends it SIGTERM, SIGINT and SIGHUP 20 times each (a fresh spindle
// each time, signalled as soon as its first frame shows the child running),
// and counts the runs that did not exit within 15 s: there must be none, and
// no child may outlive any run.
func TestDashboardSignals(t *testing.T) {
	bin := requireTmux(t)
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "spindle.yaml"), `managers:
  svc:
    tasks:
      - name: child
        command: [sh, -c, 'sleep 631 & sleep 632 & wait']
`)
	tm := newTmuxServer(t)
	hangs := map[syscall.Signal]int{}
	for _, sig := range signalsUnderTest {
		for i := range signalRuns {
			name := fmt.Sprintf("%s-%d", strings.ToLower(sig.String()[:4]), i)
			s := tm.session(name, dir, bin)
			s.waitFor("the child running", regexp.MustCompile(`(?m)\bchild\s+svc\s+running\b`))
			pid := s.childPid()
			if err := signalPid(pid, sig); err != nil {
				t.Fatal(err)
			}
			code, ok := s.exitCode(15 * time.Second)
			if !ok {
				hangs[sig]++
				_ = signalPid(pid, syscall.SIGKILL)
				s.exitCode(10 * time.Second)
				killProcesses(t, "sleep\x00631", "sleep\x00632") // its watchdog reaps them after a SIGKILL; this only makes the next run certain
			} else if code != "0" {
				t.Errorf("%s run %d: spindle exited %s; screen:\n%s", sig, i, code, s.screen())
			}
			waitNoProcess(t, "sleep\x00631", "sleep\x00632")
			s.kill()
		}
	}
	for _, sig := range signalsUnderTest {
		t.Logf("%s: %d of %d runs hung", sig, hangs[sig], signalRuns)
		if hangs[sig] > 0 {
			t.Errorf("%s hung the dashboard in %d of %d runs", sig, hangs[sig], signalRuns)
		}
	}
}

// TestDashboardSecondSignalForces: the first SIGTERM starts the graceful quit
// (the screen says so) while a child ignores its stop signal; the second
// forces: spindle exits and the child is killed, long before the child's
// 60 s stop_grace.
func TestDashboardSecondSignalForces(t *testing.T) {
	bin := requireTmux(t)
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "spindle.yaml"), `managers:
  svc:
    tasks:
      - name: stubborn
        command: [sh, -c, "trap '' TERM; exec sleep 633"]
        stop_grace: 60s
`)
	tm := newTmuxServer(t)
	s := tm.session("force", dir, bin)
	s.waitFor("the child running", regexp.MustCompile(`(?m)\bstubborn\s+svc\s+running\b`))
	pid := s.childPid()
	if err := signalPid(pid, syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	s.waitFor("the graceful quit", regexp.MustCompile(`quitting`))
	if _, done := s.exitCode(0); done {
		t.Fatalf("one SIGTERM ended spindle at once; screen:\n%s", s.screen())
	}
	if err := signalPid(pid, syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	code, ok := s.exitCode(15 * time.Second)
	if !ok {
		t.Fatalf("a second SIGTERM did not end spindle; screen:\n%s", s.screen())
	}
	t.Logf("exit %s after the second signal", code)
	waitNoProcess(t, "sleep\x00633")
}

// TestServeSignals runs `spindle serve` over a task file with a child and a
// grandchild (the first run of each signal asks `spindle status` too), and
// ends it with SIGTERM, SIGINT and SIGHUP 20 times each: every run exits 0
// within 15 s and leaves no process behind.
func TestServeSignals(t *testing.T) {
	bin := spindleBinary(t)
	dir := t.TempDir()
	file := filepath.Join(dir, "spindle.yaml")
	writeFile(t, file, `managers:
  svc:
    tasks:
      - name: daemon
        command: [sh, -c, 'sleep 641 & sleep 642 & wait']
`)
	sockDir := shortTempDir(t)
	hangs := map[syscall.Signal]int{}
	for _, sig := range signalsUnderTest {
		for i := range signalRuns {
			addr := filepath.Join(sockDir, "s.sock")
			cmd := exec.Command(bin, "serve", "-f", file, "--listen", addr)
			var out strings.Builder
			cmd.Stdout, cmd.Stderr = &out, &out
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			waitProcess(t, "sleep\x00642")
			waitPath(t, addr)
			if i == 0 { // the API answers while it runs
				status, err := exec.Command(bin, "status", addr).CombinedOutput()
				if err != nil || !regexp.MustCompile(`(?m)daemon\s+svc\s+running`).Match(status) {
					t.Fatalf("status: %v\n%s\nserve said:\n%s", err, status, out.String())
				}
			}
			if err := cmd.Process.Signal(sig); err != nil {
				t.Fatal(err)
			}
			done := make(chan error, 1)
			go func() { done <- cmd.Wait() }()
			select {
			case err := <-done:
				if err != nil {
					t.Errorf("%s run %d: serve exited with %v:\n%s", sig, i, err, out.String())
				}
			case <-time.After(15 * time.Second):
				hangs[sig]++
				_ = cmd.Process.Kill()
				<-done
				killProcesses(t, "sleep\x00641", "sleep\x00642")
			}
			waitNoProcess(t, "sleep\x00641", "sleep\x00642")
		}
	}
	for _, sig := range signalsUnderTest {
		t.Logf("%s: %d of %d serve runs hung", sig, hangs[sig], signalRuns)
		if hangs[sig] > 0 {
			t.Errorf("%s hung serve in %d of %d runs", sig, hangs[sig], signalRuns)
		}
	}
}

// tmuxServer names the detached tmux servers of one test: each run gets a
// server of its own (a server whose last session ends exits, and a new
// session could race its exit).
type tmuxServer struct {
	t      *testing.T
	prefix string
}

func newTmuxServer(t *testing.T) *tmuxServer {
	return &tmuxServer{t: t, prefix: fmt.Sprintf("spindle-sig-%d-%s", os.Getpid(), t.Name())}
}

// session starts bin in dir in a new 160x48 tmux server and session called
// name; the shell prints SPINDLE-EXIT=<code> when it ends.
func (tm *tmuxServer) session(name, dir, bin string, args ...string) tmuxRun {
	cmd := "cd " + dir + " && env TERM=xterm-256color " + bin + " " + strings.Join(args, " ") + "; echo SPINDLE-EXIT=$?; sleep 60"
	s := tmuxRun{tmuxSession{t: tm.t, socket: tm.prefix + "-" + name}, name}
	s.tmux("new-session", "-d", "-s", name, "-x", "160", "-y", "48", cmd)
	tm.t.Cleanup(s.kill)
	return s
}

// tmuxRun is one run: a tmux server with one session.
type tmuxRun struct {
	tmuxSession
	name string
}

func (s tmuxRun) screen() string { return s.tmux("capture-pane", "-p", "-t", s.name) }

func (s tmuxRun) keys(keys ...string) {
	s.tmux(append([]string{"send-keys", "-t", s.name}, keys...)...)
}

func (s tmuxRun) kill() { _ = exec.Command("tmux", "-L", s.socket, "kill-server").Run() }

// waitFor polls the screen until re matches, or fails with the last screen.
func (s tmuxRun) waitFor(what string, re *regexp.Regexp) {
	s.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		screen := s.screen()
		if re.MatchString(screen) {
			return
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("timed out waiting for %s (%s); screen:\n%s", what, re, screen)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// exitCode waits up to d for the shell's SPINDLE-EXIT line.
func (s tmuxRun) exitCode(d time.Duration) (string, bool) {
	re := regexp.MustCompile(`SPINDLE-EXIT=(\d+)`)
	deadline := time.Now().Add(d)
	for {
		if m := re.FindStringSubmatch(s.screen()); m != nil {
			return m[1], true
		}
		if time.Now().After(deadline) {
			return "", false
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// childPid returns the pid of the pane shell's child: spindle.
func (s tmuxRun) childPid() int {
	s.t.Helper()
	shell, err := strconv.Atoi(strings.TrimSpace(s.tmux("display-message", "-p", "-t", s.name, "#{pane_pid}")))
	if err != nil {
		s.t.Fatal(err)
	}
	stats, _ := filepath.Glob("/proc/[0-9]*/stat")
	for _, st := range stats {
		b, err := os.ReadFile(st)
		if err != nil {
			continue
		}
		// pid (comm) state ppid ...: comm may hold spaces, so split after ")".
		f := strings.Fields(string(b[strings.LastIndexByte(string(b), ')')+1:]))
		if len(f) > 1 && f[1] == strconv.Itoa(shell) {
			pid, _ := strconv.Atoi(filepath.Base(filepath.Dir(st)))
			return pid
		}
	}
	s.t.Fatalf("no child of the pane's shell %d", shell)
	return 0
}

// waitProcess waits until a process whose command line holds argv runs.
func waitProcess(t *testing.T, argv string) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for len(processes(t, argv)) == 0 {
		if time.Now().After(deadline) {
			t.Fatalf("%q never started", strings.ReplaceAll(argv, "\x00", " "))
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// waitNoProcess waits (5 s at most: a killed process is reaped by then) until
// no process's command line holds any of argvs, and fails naming those left.
func waitNoProcess(t *testing.T, argvs ...string) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		var left []string
		for _, argv := range argvs {
			if pids := processes(t, argv); len(pids) > 0 {
				left = append(left, fmt.Sprintf("%q: pids %v", strings.ReplaceAll(argv, "\x00", " "), pids))
			}
		}
		if len(left) == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("still running after spindle ended: %s", strings.Join(left, "; "))
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// killProcesses SIGKILLs the processes whose command line holds any of argvs
// (what a hung run left), so that the next run starts clean.
func killProcesses(t *testing.T, argvs ...string) {
	for _, argv := range argvs {
		for _, p := range processes(t, argv) {
			if pid, err := strconv.Atoi(p); err == nil {
				_ = signalPid(pid, syscall.SIGKILL)
			}
		}
	}
}

// waitPath waits until path exists.
func waitPath(t *testing.T, path string) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		if _, err := os.Lstat(path); err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s never appeared", path)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestServeRaisesFDLimit: started with a soft descriptor limit of 256 under a
// hard one of 4096, serve runs with the soft limit raised to (about) the hard
// one, so API connections and children have room, while its children get the
// 256 they were started with.
func TestServeRaisesFDLimit(t *testing.T) {
	bin := spindleBinary(t)
	if _, err := exec.LookPath("prlimit"); err != nil {
		t.Skip("prlimit not installed")
	}
	dir := t.TempDir()
	file := filepath.Join(dir, "spindle.yaml")
	writeFile(t, file, "managers:\n  svc:\n    tasks:\n      - name: child\n        command: [sleep, '681']\n")
	cmd := exec.Command("prlimit", "--nofile=256:4096", bin, "serve", "-f", file, "--listen", filepath.Join(shortTempDir(t), "s.sock"))
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = cmd.Process.Signal(syscall.SIGTERM); _ = cmd.Wait() }()
	waitProcess(t, "sleep\x00681")
	soft := func(pid string) int {
		b, err := os.ReadFile("/proc/" + pid + "/limits")
		if err != nil {
			t.Fatal(err)
		}
		m := regexp.MustCompile(`(?m)^Max open files\s+(\d+)`).FindSubmatch(b)
		n, _ := strconv.Atoi(string(m[1]))
		return n
	}
	if got := soft(strconv.Itoa(cmd.Process.Pid)); got < 4095 {
		t.Errorf("serve's soft limit %d, want the hard 4096 (or 4095: Go keeps one below)", got)
	}
	if got := soft(processes(t, "sleep\x00681")[0]); got != 256 {
		t.Errorf("the child's soft limit %d, want the 256 spindle was started with", got)
	}
}

// signalPid sends sig to process pid (through os.Process, so that this file
// builds on every OS).
func signalPid(pid int, sig os.Signal) error {
	p, err := os.FindProcess(pid)
	if err != nil {
		return err
	}
	defer p.Release()
	return p.Signal(sig)
}
