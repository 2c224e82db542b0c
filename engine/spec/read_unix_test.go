//go:build unix

package spec

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestLoadRefusesSpecialFiles: a device reads forever and a named pipe with
// no writer blocks its reader: both are refused at once, through a symlink
// too.
func TestLoadRefusesSpecialFiles(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo.yaml")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, target, kind string
	}{
		{"named pipe", fifo, "a named pipe"},
		{"symlink to a named pipe", fifo, "a named pipe"},
		{"symlink to /dev/zero", "/dev/zero", "a device"},
		{"symlink to /dev/null", "/dev/null", "a device"},
	}
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := tc.target
			if strings.HasPrefix(tc.name, "symlink") {
				path = filepath.Join(dir, "link"+string(rune('a'+i))+".yaml")
				if err := os.Symlink(tc.target, path); err != nil {
					t.Fatal(err)
				}
			}
			err := loadWithin(t, path)
			if !errors.Is(err, ErrNotRegular) || !strings.Contains(err.Error(), tc.kind) {
				t.Fatalf("Load = %v, want ErrNotRegular naming %s", err, tc.kind)
			}
		})
	}
}

// TestLoadSparseHugeFile: a 1 TiB sparse file costs what MaxFileSize does.
func TestLoadSparseHugeFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "huge.yaml")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(1 << 40); err != nil {
		_ = f.Close()
		t.Skipf("no sparse files here: %v", err)
	}
	_ = f.Close()
	var list ErrorList
	if err := loadWithin(t, path); !errors.As(err, &list) || !strings.Contains(list[0].Msg, "larger than") {
		t.Fatalf("Load of a 1 TiB file = %v, want the size error", err)
	}
}

// TestWatchFIFOOverTheFile: a named pipe renamed over the task file is an
// error; the watcher is not blocked by it, so a manual reload still answers
// and a later save is applied.
func TestWatchFIFOOverTheFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "spindle.yaml")
	writeFile(t, path, refreshFile(1e9))
	r := startWatch(t, path)
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(fifo, path); err != nil {
		t.Fatal(err)
	}
	r.waitErr(t, ErrNotRegular)
	r.w.Reload()
	r.waitErr(t, ErrNotRegular)
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
	writeFile(t, path, refreshFile(2e9))
	r.waitFor(t, 2e9)
}
