package remote

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestSocketDirRefused plants what a local attacker could at the default
// socket directory, with and without XDG_RUNTIME_DIR: Listen("") and Dial("")
// refuse each with an error naming the path and the problem, and never touch
// what the path leads to (a symlink to /etc once made root's serve chmod /etc
// 0700 and put its socket there).
func TestSocketDirRefused(t *testing.T) {
	e := newEngine(t)
	tests := []struct {
		name  string
		plant func(t *testing.T, dir, victim string)
		want  string
		root  bool // needs root (to give the directory to another user)
	}{
		{"symlink to a directory", func(t *testing.T, dir, victim string) { must(t, os.Symlink(victim, dir)) }, "is a symlink (to ", false},
		{"dangling symlink", func(t *testing.T, dir, victim string) { must(t, os.Symlink(victim+"/none", dir)) }, "is a symlink", false},
		{"a file", func(t *testing.T, dir, _ string) { must(t, os.WriteFile(dir, nil, 0o600)) }, "is not a directory", false},
		{"open to others", func(t *testing.T, dir, _ string) { must(t, os.Mkdir(dir, 0o700)); must(t, os.Chmod(dir, 0o755)) }, "has mode 0755, open to group or others", false},
		{"another user's", func(t *testing.T, dir, _ string) { must(t, os.Mkdir(dir, 0o700)); must(t, os.Chown(dir, 65534, 65534)) }, "belongs to uid 65534", true},
	}
	for _, tt := range tests {
		for _, xdg := range []bool{true, false} {
			name := tt.name + map[bool]string{true: " in XDG_RUNTIME_DIR", false: " in TMPDIR"}[xdg]
			t.Run(name, func(t *testing.T) {
				if tt.root && os.Getuid() != 0 {
					t.Skip("needs root to chown")
				}
				base := shortTempDir(t)
				victim := filepath.Join(base, "victim")
				must(t, os.Mkdir(victim, 0o755))
				var dir string
				if xdg {
					t.Setenv("XDG_RUNTIME_DIR", base)
					dir = filepath.Join(base, "spindle")
				} else {
					t.Setenv("XDG_RUNTIME_DIR", "")
					t.Setenv("TMPDIR", base)
					dir = filepath.Join(base, "spindle-"+strconv.Itoa(os.Getuid()))
				}
				if DefaultSocketDir() != dir {
					t.Fatalf("DefaultSocketDir() = %s, want %s", DefaultSocketDir(), dir)
				}
				tt.plant(t, dir, victim)

				s, err := Listen(context.Background(), e, "")
				if err == nil {
					_ = s.Close()
					t.Fatalf("listen in a planted %s: served on %s", tt.name, s.Addr())
				}
				if !errors.Is(err, ErrUnsafeSocketDir) || !strings.Contains(err.Error(), dir) || !strings.Contains(err.Error(), tt.want) {
					t.Errorf("listen: %v\nwant ErrUnsafeSocketDir naming %s and saying %q", err, dir, tt.want)
				}
				if _, err := Dial(context.Background(), ""); !errors.Is(err, ErrUnsafeSocketDir) {
					t.Errorf("dial with no address: %v, want ErrUnsafeSocketDir", err)
				}
				if fi, err := os.Stat(victim); err != nil || fi.Mode().Perm() != 0o755 {
					t.Errorf("the symlink's target changed: %v %v", fi.Mode(), err)
				}
				if ents, _ := os.ReadDir(victim); len(ents) > 0 {
					t.Errorf("the symlink's target got %s", ents[0].Name())
				}
			})
		}
	}
}

// TestSocketDirCreated: without the directory, Listen("") creates it 0700
// (under TMPDIR when there is no XDG_RUNTIME_DIR) and serves in it.
func TestSocketDirCreated(t *testing.T) {
	e := newEngine(t)
	base := shortTempDir(t)
	t.Setenv("XDG_RUNTIME_DIR", "")
	t.Setenv("TMPDIR", base)
	s := listenT(t, e, "")
	dir := filepath.Join(base, "spindle-"+strconv.Itoa(os.Getuid()))
	if filepath.Dir(s.Addr()) != dir {
		t.Errorf("socket %s not in %s", s.Addr(), dir)
	}
	if fi, err := os.Lstat(dir); err != nil || !fi.IsDir() || fi.Mode().Perm() != 0o700 {
		t.Errorf("socket dir %v %v, want a 0700 directory", fi.Mode(), err)
	}
	c := dialT(t, s)
	if c.Addr() != s.Addr() {
		t.Errorf("dial found %s, want %s", c.Addr(), s.Addr())
	}
}

// must fails the test on an error.
func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// shortTempDir returns a directory with a path short enough for sockets in it.
func shortTempDir(t *testing.T) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "sp")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.RemoveAll(dir) })
	return dir
}
