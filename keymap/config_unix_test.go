//go:build unix

package keymap

import (
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestLoadConfigFIFO: a FIFO in place of the config is refused at once, not
// read until a writer comes.
func TestLoadConfigFIFO(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "config.yaml")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skip("no FIFOs here:", err)
	}
	if _, err := Load(fifo); err == nil || !strings.Contains(err.Error(), "not a regular file") {
		t.Errorf("a FIFO: %v", err)
	}
}
