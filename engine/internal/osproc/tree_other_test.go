//go:build !linux && !darwin && !freebsd

package osproc

import (
	"errors"
	"testing"
	"time"
)

func TestUnsupported(t *testing.T) {
	if Supported {
		t.Fatal("Supported on an OS without process support")
	}
	if _, err := Start(Spec{Argv: []string{"cmd", "/c", "echo"}}); !errors.Is(err, ErrUnsupported) {
		t.Fatalf("Start: %v", err)
	}
	if _, err := List(); !errors.Is(err, ErrUnsupported) {
		t.Fatalf("List: %v", err)
	}
	if got := NewSampler().Sample([]*Tree{nil, nil}, time.Now()); len(got) != 2 {
		t.Fatalf("Sample: %v", got)
	}
}
