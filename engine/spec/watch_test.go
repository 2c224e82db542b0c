package spec

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// These tests use the real file system and fsnotify, so they run on real time:
// they wait for callbacks (with a generous deadline that only a broken watcher
// reaches), they never assert how long anything took.

const fsDebounce = 20 * time.Millisecond

// fsRig is a Watch on a real file.
type fsRig struct {
	w      *Watcher
	got    chan result
	cancel context.CancelFunc
}

func startWatch(t *testing.T, path string) *fsRig {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	r := &fsRig{got: make(chan result, 1024), cancel: cancel}
	w, err := Watch(ctx, path, fsDebounce, func(f *File, err error) { r.got <- result{f, err} })
	if err != nil {
		cancel()
		t.Fatalf("Watch: %v", err)
	}
	r.w = w
	t.Cleanup(r.stop)
	return r
}

// stop ends the watcher and waits for it.
func (r *fsRig) stop() {
	r.cancel()
	<-r.w.Done()
}

// waitFor returns the first callback whose file has the given refresh,
// failing on a deadline. Callbacks before it (intermediate saves) are skipped.
func (r *fsRig) waitFor(t *testing.T, refresh time.Duration) {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		select {
		case res := <-r.got:
			if res.err == nil && res.file.Refresh == refresh {
				return
			}
		case <-deadline:
			t.Fatalf("no callback with refresh %s", refresh)
		}
	}
}

// waitErr returns at the first callback whose error matches target, failing
// on a deadline.
func (r *fsRig) waitErr(t *testing.T, target error) {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		select {
		case res := <-r.got:
			if errors.Is(res.err, target) {
				return
			}
		case <-deadline:
			t.Fatalf("no callback with an error matching %v", target)
		}
	}
}

func writeFile(t *testing.T, path, data string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

func refreshFile(d time.Duration) string { return fmt.Sprintf("refresh: %s\n", d) }

func TestWatchInPlaceWrite(t *testing.T) {
	path := filepath.Join(t.TempDir(), "spindle.yaml")
	writeFile(t, path, refreshFile(time.Second))
	r := startWatch(t, path)
	writeFile(t, path, refreshFile(2*time.Second))
	r.waitFor(t, 2*time.Second)
	writeFile(t, path, refreshFile(3*time.Second))
	r.waitFor(t, 3*time.Second)
}

func TestWatchRenameSave(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "spindle.yaml")
	writeFile(t, path, refreshFile(time.Second))
	r := startWatch(t, path)
	for i := 2; i <= 4; i++ {
		// Like most editors: write a temporary file, rename it over the old one.
		tmp := filepath.Join(dir, fmt.Sprintf(".spindle.yaml.%d.tmp", i))
		writeFile(t, tmp, refreshFile(time.Duration(i)*time.Second))
		if err := os.Rename(tmp, path); err != nil {
			t.Fatal(err)
		}
		r.waitFor(t, time.Duration(i)*time.Second)
	}
	// Like vim with backupcopy=no: move the old file away, write a new one.
	if err := os.Rename(path, path+"~"); err != nil {
		t.Fatal(err)
	}
	writeFile(t, path, refreshFile(9*time.Second))
	r.waitFor(t, 9*time.Second)
}

// TestWatchSymlinkSwap swaps a Kubernetes-style "..data" symlink, twice, and
// also edits the file through a symlinked directory.
func TestWatchSymlinkSwap(t *testing.T) {
	dir := t.TempDir()
	version := func(name string, d time.Duration) {
		if err := os.Mkdir(filepath.Join(dir, name), 0o755); err != nil {
			t.Fatal(err)
		}
		writeFile(t, filepath.Join(dir, name, "spindle.yaml"), refreshFile(d))
	}
	swap := func(to string) {
		tmp := filepath.Join(dir, "..data_tmp")
		if err := os.Symlink(to, tmp); err != nil {
			t.Fatal(err)
		}
		if err := os.Rename(tmp, filepath.Join(dir, "..data")); err != nil {
			t.Fatal(err)
		}
	}
	version("..v1", time.Second)
	swap("..v1")
	path := filepath.Join(dir, "spindle.yaml")
	if err := os.Symlink(filepath.Join("..data", "spindle.yaml"), path); err != nil {
		t.Fatal(err)
	}
	r := startWatch(t, path)

	version("..v2", 2*time.Second)
	swap("..v2")
	if err := os.RemoveAll(filepath.Join(dir, "..v1")); err != nil {
		t.Fatal(err)
	}
	r.waitFor(t, 2*time.Second)

	version("..v3", 3*time.Second)
	swap("..v3")
	if err := os.RemoveAll(filepath.Join(dir, "..v2")); err != nil {
		t.Fatal(err)
	}
	r.waitFor(t, 3*time.Second)

	// An in-place edit of the real file, seen through both symlinks.
	writeFile(t, filepath.Join(dir, "..v3", "spindle.yaml"), refreshFile(4*time.Second))
	r.waitFor(t, 4*time.Second)
}

func TestWatchSymlinkedDirectory(t *testing.T) {
	root := t.TempDir()
	real := filepath.Join(root, "dotfiles")
	if err := os.Mkdir(real, 0o755); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(real, "spindle.yaml"), refreshFile(time.Second))
	link := filepath.Join(root, "config")
	if err := os.Symlink(real, link); err != nil {
		t.Fatal(err)
	}
	r := startWatch(t, filepath.Join(link, "spindle.yaml"))
	writeFile(t, filepath.Join(real, "spindle.yaml"), refreshFile(2*time.Second))
	r.waitFor(t, 2*time.Second)
}

// TestWatchReloadStorm writes hundreds of versions, some invalid, as fast as
// it can: the watcher must end on the last one, and call back no more after it.
func TestWatchReloadStorm(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "spindle.yaml")
	writeFile(t, path, refreshFile(time.Hour))
	r := startWatch(t, path)
	const writes = 300
	for i := 1; i <= writes; i++ {
		data := refreshFile(time.Duration(i) * time.Millisecond)
		if i%7 == 0 && i != writes {
			data = fmt.Sprintf("refresh: [%d\n", i) // a syntax error
		}
		if i%2 == 0 {
			tmp := filepath.Join(dir, "tmp.yaml")
			writeFile(t, tmp, data)
			if err := os.Rename(tmp, path); err != nil {
				t.Fatal(err)
			}
		} else {
			writeFile(t, path, data)
		}
	}
	r.waitFor(t, writes*time.Millisecond)
	r.stop()
	if n := len(r.got); n != 0 {
		last := <-r.got
		t.Errorf("%d callbacks after the last write's, first %+v", n, last)
	}
}

func TestWatchManualReload(t *testing.T) {
	path := filepath.Join(t.TempDir(), "spindle.yaml")
	writeFile(t, path, refreshFile(time.Second))
	r := startWatch(t, path)
	r.w.Reload()
	r.waitFor(t, time.Second) // same content, but asked for
}

func TestWatchMissingDirectory(t *testing.T) {
	_, err := Watch(t.Context(), filepath.Join(t.TempDir(), "nope", "spindle.yaml"), 0, func(*File, error) {})
	if !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("Watch of a missing directory = %v, want ErrNotExist", err)
	}
}

func TestLinkChain(t *testing.T) {
	dir := t.TempDir()
	dir, _ = filepath.EvalSymlinks(dir)
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(os.MkdirAll(filepath.Join(dir, "..v1"), 0o755))
	must(os.Symlink("..v1", filepath.Join(dir, "..data")))
	must(os.Symlink("..data/s.yaml", filepath.Join(dir, "s.yaml")))
	must(os.Symlink(dir, filepath.Join(dir, "self")))
	tests := []struct {
		path string
		want []string
	}{
		{"plain.yaml", []string{"plain.yaml"}},
		{"s.yaml", []string{"s.yaml", "..data", "..v1/s.yaml"}},
		{"self/s.yaml", []string{"self/s.yaml", "self", "s.yaml", "..data", "..v1/s.yaml"}},
	}
	for _, tc := range tests {
		got := linkChain(filepath.Join(dir, tc.path))
		var want []string
		for _, w := range tc.want {
			want = append(want, filepath.Join(dir, w))
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("linkChain(%s) = %v, want %v", tc.path, got, want)
		}
	}
	// A loop ends, it does not spin.
	must(os.Symlink("loop", filepath.Join(dir, "loop")))
	if got := linkChain(filepath.Join(dir, "loop")); len(got) != 1 {
		t.Errorf("linkChain(loop) = %v", got)
	}
}
