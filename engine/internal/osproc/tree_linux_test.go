package osproc

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// helperEnv makes the test binary a helper process (see TestMain).
const helperEnv = "OSPROC_TEST_HELPER"

func TestMain(m *testing.M) {
	if os.Getenv(helperEnv) == "sigkill" {
		runSigkillHelper()
		return
	}
	os.Exit(m.Run())
}

// escapes leave their leader's process group every way a shell can.
const escapes = `setsid sleep 1000 &
(setsid sh -c 'sleep 1000 & exit 0' &)
sh -c 'sh -c "setsid sh -c \"trap \\\"\\\" TERM; sleep 1000 & wait\" & wait" & wait' &
`

// runSigkillHelper starts trees whose descendants escape, prints this
// process's marker token once they run, and waits to be SIGKILLed.
func runSigkillHelper() {
	for range 3 {
		if _, err := Start(Spec{Argv: []string{"sh", "-c", escapes + "exec sleep 1000"}}); err != nil {
			fmt.Println("error", err)
			os.Exit(1)
		}
	}
	for len(marked(fam.token)) < 3*7 {
		time.Sleep(10 * time.Millisecond)
	}
	fmt.Println("token", fam.token)
	select {}
}

// marked returns the live processes carrying a marker of token.
func marked(token string) []int {
	var pids []int
	scanAll(func(st procStat) {
		if v, ok, _ := environValue(st.pid, markerKey); ok && st.alive() && strings.HasPrefix(v, token+"-") {
			pids = append(pids, st.pid)
		}
	})
	return pids
}

func TestParseStat(t *testing.T) {
	tests := []struct {
		name string
		line string
		want procStat
		ok   bool
	}{
		{"plain", "4242 (sleep) S 1 4240 4239 0 -1 4194560 100 0 0 0 7 3 0 0 20 0 1 0 123 2240512 217 18446744073709551615",
			procStat{pid: 4242, ppid: 1, pgrp: 4240, sid: 4239, state: 'S', ticks: 10, start: 123, rssPages: 217}, true},
		{"name with spaces and parens", "77 (a) (b c)) T 1 77 77 0 -1 0 0 0 0 0 150 50 0 0 20 0 1 0 9 1 1000 0",
			procStat{pid: 77, ppid: 1, pgrp: 77, sid: 77, state: 'T', ticks: 200, start: 9, rssPages: 1000}, true},
		{"zombie", "9 (sh) Z 1 9 9 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 9 0 0 0",
			procStat{pid: 9, ppid: 1, pgrp: 9, sid: 9, state: 'Z', start: 9}, true},
		{"truncated", "9 (sh) S 1 9 9 0", procStat{}, false},
		{"no name", "9 sh S 1 9 9", procStat{}, false},
		{"bad number", "9 (sh) S 1 x 9 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 9 0 0 0", procStat{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := parseStat([]byte(tt.line + "\n"))
			if ok != tt.ok || got != tt.want {
				t.Fatalf("parseStat = %+v, %v; want %+v, %v", got, ok, tt.want, tt.ok)
			}
		})
	}
}

// markedWith returns the live processes whose environment holds entry.
func markedWith(entry string) []procStat {
	key, val, _ := strings.Cut(entry, "=")
	var out []procStat
	scanAll(func(st procStat) {
		if v, ok, _ := environValue(st.pid, key); ok && v == val && st.alive() {
			out = append(out, st)
		}
	})
	return out
}

// gone reports whether none of procs exists any more, alive or as a zombie.
func gone(procs []procStat) []string {
	var left []string
	var buf statBuf
	for _, p := range procs {
		if st, ok := readStat(p.pid, &buf); ok && st.start == p.start {
			left = append(left, fmt.Sprintf("%d %c", st.pid, st.state))
		}
	}
	return left
}

func TestSignalAndWaitReachEscapees(t *testing.T) {
	t.Parallel()
	entry := fmt.Sprintf("OSPROC_TEST=%d", time.Now().UnixNano())
	var out syncBuffer
	tr, err := Start(Spec{Argv: []string{"sh", "-c", escapes + "echo ready; exec sleep 1000"}, Env: []string{entry}, Stdout: &out})
	if err != nil {
		t.Fatal(err)
	}
	var procs []procStat
	eventually(t, "every escapee running", func() bool {
		procs = markedWith(entry)
		return len(procs) >= 7
	})
	// Pause reaches every one of them, in its group or not.
	tr.Signal(SIGSTOP)
	eventually(t, "all stopped", func() bool {
		for _, p := range markedWith(entry) {
			if p.state != 'T' {
				return false
			}
		}
		return true
	})
	tr.Signal(SIGCONT)
	tr.Signal(SIGKILL)
	if err := tr.Wait(); err == nil {
		t.Fatal("killed tree exited cleanly")
	}
	if left := gone(procs); len(left) > 0 {
		t.Fatalf("left behind: %v", left)
	}
}

func TestWaitSweepsWhatTheLeaderLeft(t *testing.T) {
	t.Parallel()
	entry := fmt.Sprintf("OSPROC_TEST=%d", time.Now().UnixNano())
	gate := t.TempDir() + "/go"
	// The leader exits by itself once its escapees run; one more exits by
	// itself after being adopted, unseen, and must be reaped all the same.
	script := escapes + `(setsid sh -c 'sleep 0.05' &)
while [ ! -e ` + gate + ` ]; do sleep 0.01; done; sleep 0.2; exit 0`
	tr, err := Start(Spec{Argv: []string{"sh", "-c", script}, Env: []string{entry}})
	if err != nil {
		t.Fatal(err)
	}
	var procs []procStat
	eventually(t, "every escapee running", func() bool {
		procs = markedWith(entry)
		return len(procs) >= 8
	})
	if err := os.WriteFile(gate, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := tr.Wait(); err != nil {
		t.Fatal(err)
	}
	if left := gone(procs); len(left) > 0 {
		t.Fatalf("left behind: %v", left)
	}
}

func TestNoThreadPerChild(t *testing.T) {
	const children = 100
	before := threads(t)
	var trees []*Tree
	for range children {
		trees = append(trees, start(t, "exec sleep 1000", new(syncBuffer)))
	}
	done := make(chan error, children)
	for _, tr := range trees {
		go func() { done <- tr.Wait() }()
	}
	time.Sleep(200 * time.Millisecond) // let every waiter park
	during := threads(t)
	for _, tr := range trees {
		tr.Signal(SIGKILL)
	}
	for range children {
		<-done
	}
	if during-before > 10 {
		t.Fatalf("%d children waited for with %d more threads (%d → %d)", children, during-before, before, during)
	}
}

// threads returns this process's OS thread count.
func threads(t *testing.T) int {
	t.Helper()
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "Threads:"); ok {
			n, _ := strconv.Atoi(strings.TrimSpace(v))
			return n
		}
	}
	t.Fatal("no Threads line")
	return 0
}

func TestWatchdogKillsWhatASIGKILLLeaves(t *testing.T) {
	t.Parallel()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	helper := exec.Command(exe, "-test.run=^$")
	helper.Env = append(os.Environ(), helperEnv+"=sigkill")
	stdout, err := helper.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := helper.Start(); err != nil {
		t.Fatal(err)
	}
	line, err := bufio.NewReader(stdout).ReadString('\n')
	token, ok := strings.CutPrefix(strings.TrimSpace(line), "token ")
	if err != nil || !ok {
		_ = helper.Process.Kill()
		_ = helper.Wait()
		t.Fatalf("helper said %q, %v", line, err)
	}
	if n := len(marked(token)); n < 21 {
		t.Fatalf("%d of the helper's processes running, want 21", n)
	}
	_ = helper.Process.Signal(syscall.SIGKILL)
	_ = helper.Wait()
	// The leaders die with Pdeathsig; the watchdog kills the rest.
	eventually(t, "nothing of the helper's left", func() bool { return len(marked(token)) == 0 })
}

func TestSamplerCountsEscapees(t *testing.T) {
	t.Parallel()
	var out syncBuffer
	// All the CPU is burnt in a descendant that left the leader's session.
	tr := start(t, `setsid sh -c 'while :; do :; done' & echo ready; exec sleep 1000`, &out)
	defer func() {
		tr.Signal(SIGKILL)
		_ = tr.Wait()
	}()
	eventually(t, "ready", func() bool { return strings.Contains(out.String(), "ready") })
	s := NewSampler()
	s.Sample([]*Tree{tr}, time.Now())
	eventually(t, "the escapee's CPU counted", func() bool {
		u := s.Sample([]*Tree{tr}, time.Now())
		return u[0].CPU > 10 && u[0].RSS > 0
	})
}

func TestConcurrentTrees(t *testing.T) {
	t.Parallel()
	// Trees that start, exit, leave orphans behind and get killed at once,
	// from many goroutines: each Wait reaps its own leader and reports how it
	// ended, and no sweep takes another tree's leader or misses its own.
	scripts := []struct {
		script string
		kill   bool
		want   string
	}{
		{`exit 0`, false, ""},
		{`exit 5`, false, "exit status 5"},
		{`(setsid sh -c 'sleep 0.01' &); exit 0`, false, ""},
		{`setsid sleep 1000 & exit 0`, false, ""},
		{`(setsid sh -c 'sleep 1000 & exit 0' &); exec sleep 1000`, true, "signal: killed"},
	}
	const workers, rounds = 8, 25
	errs := make(chan error, workers)
	for w := range workers {
		go func() {
			for i := range rounds {
				sc := scripts[(w+i)%len(scripts)]
				tr, err := Start(Spec{Argv: []string{"sh", "-c", sc.script}})
				if err != nil {
					errs <- err
					return
				}
				if sc.kill {
					tr.Signal(SIGKILL)
				}
				if got := errText(tr.Wait()); got != sc.want {
					errs <- fmt.Errorf("%q: Wait = %q, want %q", sc.script, got, sc.want)
					return
				}
			}
			errs <- nil
		}()
	}
	for range workers {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}
