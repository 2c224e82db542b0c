package main

import (
	"regexp"
	"strconv"
	"testing"
)

// TestEndToEndKeysInABurst drives the demo in tmux the way a person holding a
// key does: keys sent in one burst, faster than snapshots come. Four + on a
// pool make four more workers, and a filter typed in one go filters on all of
// it.
func TestEndToEndKeysInABurst(t *testing.T) {
	s := startSpindle(t, t.TempDir())
	s.waitFor("a running row", regexp.MustCompile(`(?m)^.*\bt\w+\s+fetch page \d+\s+crawl\s+running\b`))

	// A filter typed in one burst: "/sync" filters on all of it, at once.
	s.keys("/sync")
	s.waitFor("the filter on sync", regexp.MustCompile(`\[filter: sync\]`))
	s.waitFor("only sync rows", regexp.MustCompile(`(?m)^│\s+t\w+\s+sync bucket-\d+`))
	s.keys("Enter", "Escape") // keep it, then clear it: esc at once after enter, not as alt+key
	s.waitGone("the filter", regexp.MustCompile(`\[filter: sync\]`))

	// Pools, the io pool selected by a filter, then ++++ in one burst.
	s.keys("2", "/io", "Enter")
	workers := regexp.MustCompile(`(?m)^│ io\s+\S+\s+\S+\s+[█░]+ \d+/(\d+)`)
	before, err := strconv.Atoi(s.waitFor("the io pool's size", workers))
	if err != nil {
		t.Fatal(err)
	}
	s.keys("++++")
	want := strconv.Itoa(before + 4)
	s.waitFor("io at "+want+" workers", regexp.MustCompile(`(?m)^│ io\s+\S+\s+\S+\s+[█░]+ \d+/`+want+`\s`))
	s.keys("q")
	s.waitFor("spindle to exit", regexp.MustCompile(`SPINDLE-EXIT=(\d+)`))
}
