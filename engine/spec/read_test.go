package spec

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// loadWithin runs Load on another goroutine and fails the test if it has not
// returned by a deadline only a blocked or runaway read reaches.
func loadWithin(t *testing.T, path string) error {
	t.Helper()
	done := make(chan error, 1)
	go func() {
		_, err := Load(path)
		done <- err
	}()
	select {
	case err := <-done:
		return err
	case <-time.After(10 * time.Second):
		t.Fatalf("Load(%s) did not return", path)
		return nil
	}
}

// TestLoadRefusesWhatIsNotARegularFile: a directory (or, on unix, a device,
// a named pipe and a symlink to either, see read_unix_test.go) is refused
// without reading it.
func TestLoadRefusesADirectory(t *testing.T) {
	err := loadWithin(t, t.TempDir())
	if !errors.Is(err, ErrNotRegular) || !strings.Contains(err.Error(), "a directory") {
		t.Fatalf("Load of a directory = %v, want ErrNotRegular naming a directory", err)
	}
}

// TestLoadReadsABoundedPrefix: a file larger than MaxFileSize is an error at
// the place it crosses the bound, and only that much is read.
func TestLoadTooLarge(t *testing.T) {
	path := filepath.Join(t.TempDir(), "big.yaml")
	data := "refresh: 1s\n" + strings.Repeat("# padding\n", MaxFileSize/10+10)
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
	var list ErrorList
	if err := loadWithin(t, path); !errors.As(err, &list) || list[0].Line < 2 || !strings.Contains(list[0].Msg, "larger than 256 KiB") {
		t.Fatalf("Load of %d bytes = %v, want an error at the 256 KiB mark", len(data), err)
	}
}
