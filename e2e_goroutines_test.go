//go:build unix

package main

import (
	"fmt"
	"net/http"
	"os/exec"
	"path/filepath"
	"regexp"
	"testing"
	"time"
)

// startLeaky builds examples/leaky and runs it on a free loopback port until
// the test ends; it returns the service's /debug/pprof/ address once it
// answers.
func startLeaky(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "leaky")
	if out, err := exec.Command("go", "build", "-o", bin, "./examples/leaky").CombinedOutput(); err != nil {
		t.Fatalf("go build ./examples/leaky: %v\n%s", err, out)
	}
	addr := fmt.Sprintf("127.0.0.1:%d", freePort(t))
	cmd := exec.Command(bin, "-addr", addr)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	url := "http://" + addr + "/debug/pprof/"
	client := &http.Client{Timeout: time.Second}
	deadline := time.Now().Add(20 * time.Second)
	for {
		resp, err := client.Get(url)
		if err == nil {
			resp.Body.Close()
			return url
		}
		if time.Now().After(deadline) {
			t.Fatalf("leaky never served %s: %v", url, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestEndToEndAttachLeaky attaches the real binary to a Go service that
// leaks a goroutine per request (examples/leaky, nothing of spindle in it),
// opens the Goroutines view, sorts by count, and finds the leaking group on
// top, marked as only growing.
func TestEndToEndAttachLeaky(t *testing.T) {
	url := startLeaky(t)
	s := startSpindle(t, t.TempDir(), "attach", url)
	s.waitFor("the service attached", regexp.MustCompile(`Go service `+regexp.QuoteMeta(url)))
	s.keys("5")
	s.waitFor("the Goroutines view", regexp.MustCompile(`Goroutines \(\d+/\d+\) \[sort: COUNT`))
	// Sort by another column and back: COUNT, WAIT, STATE, COUNT.
	s.keys("s")
	s.waitFor("sorted by wait", regexp.MustCompile(`\[sort: WAIT`))
	s.keys("s", "s")
	s.waitFor("sorted by count", regexp.MustCompile(`\[sort: COUNT`))
	top := regexp.MustCompile(`COUNT[↑↓][^\n]*\n│\s+(\d+)\s+chan send\s[^\n]*main\.fetchUpstream [^\n]*▲`)
	n := s.waitFor("main.fetchUpstream on top, marked as only growing", top)
	if n == "" || n == "0" {
		t.Fatalf("leaking group count %q", n)
	}
	s.keys("q")
	s.waitFor("attach to quit", regexp.MustCompile(`SPINDLE-EXIT=0`))
}
