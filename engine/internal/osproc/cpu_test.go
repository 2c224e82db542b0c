package osproc

import "testing"

func TestCPUCounter(t *testing.T) {
	var c cpuCounter
	if got := c.used(1, 50); got != 50 {
		t.Fatalf("first sight: %d, want all 50", got)
	}
	c.used(2, 7)
	c.next()
	if got := c.used(1, 80); got != 30 {
		t.Fatalf("since the last sample: %d, want 30", got)
	}
	c.next() // 2 was not seen: forgotten
	if got := c.used(2, 9); got != 9 {
		t.Fatalf("a forgotten pid counts all: %d, want 9", got)
	}
	if got := c.used(1, 10); got != 0 {
		t.Fatalf("a counter that went back (a reused pid): %d, want 0", got)
	}
}
