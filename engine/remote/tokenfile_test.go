package remote

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestGeneratedTokenFile: a TCP server without a token writes the one it
// generates to a 0600 file in the socket directory, logs the file's path and
// never the token, and removes the file on shutdown.
func TestGeneratedTokenFile(t *testing.T) {
	e := newEngine(t)
	t.Setenv("XDG_RUNTIME_DIR", shortTempDir(t))
	var logged bytes.Buffer
	s, err := Listen(context.Background(), e, "127.0.0.1:0", WithLogger(slog.New(slog.NewTextHandler(&logged, nil))))
	if err != nil {
		t.Fatal(err)
	}
	path := s.TokenFile()
	if filepath.Dir(path) != DefaultSocketDir() {
		t.Errorf("token file %q not in %s", path, DefaultSocketDir())
	}
	fi, err := os.Lstat(path)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("token file %v %v, want 0600", fi, err)
	}
	if tok, err := ReadTokenFile(path); err != nil || tok != s.Token() {
		t.Errorf("token file holds %q (%v), the server %q", tok, err, s.Token())
	}
	if strings.Contains(logged.String(), s.Token()) || !strings.Contains(logged.String(), path) {
		t.Errorf("the log shows the token or not the file:\n%s", logged.String())
	}
	c, err := Dial(context.Background(), s.Addr(), WithClientToken(s.Token()))
	if err != nil {
		t.Fatal(err)
	}
	c.Close()
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Lstat(path); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("token file left after shutdown: %v", err)
	}
}

// TestWithTokenFile: a missing file is created 0600 with the token and kept;
// the next server reads the same token from it.
func TestWithTokenFile(t *testing.T) {
	e := newEngine(t)
	path := filepath.Join(t.TempDir(), "token")
	s1, err := Listen(context.Background(), e, "127.0.0.1:0", WithTokenFile(path))
	if err != nil {
		t.Fatal(err)
	}
	tok := s1.Token()
	if err := s1.Close(); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("token file %v %v, want it kept 0600", fi, err)
	}
	s2 := listenT(t, e, "127.0.0.1:0", WithTokenFile(path))
	if s2.Token() != tok || s2.TokenFile() != path {
		t.Errorf("second server: token %q file %q, want %q from %s", s2.Token(), s2.TokenFile(), tok, path)
	}
	if _, err := Listen(context.Background(), e, "127.0.0.1:0", WithTokenFile(path), WithToken("other")); !errors.Is(err, ErrTokenFile) {
		t.Errorf("a token that disagrees with the file: %v", err)
	}
}

// TestReadTokenFile refuses files others could read, empty ones, and tokens
// with spaces; it reads the first line, trimmed.
func TestReadTokenFile(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name, content string
		mode          os.FileMode
		want, err     string
	}{
		{"plain", "s3cret\n", 0o600, "s3cret", ""},
		{"trimmed, first line", "  s3cret  \nignored\n", 0o400, "s3cret", ""},
		{"readable by others", "s3cret\n", 0o644, "", "has mode 0644, open to group or others (chmod 600"},
		{"empty", "\n", 0o600, "", "is empty"},
		{"spaces", "two words\n", 0o600, "", "spaces or unprintable"},
		{"escape", "tok\x1b[2J\n", 0o600, "", "spaces or unprintable"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(dir, strings.ReplaceAll(tt.name, " ", "_"))
			must(t, os.WriteFile(path, []byte(tt.content), 0o600))
			must(t, os.Chmod(path, tt.mode))
			got, err := ReadTokenFile(path)
			if tt.err == "" {
				if err != nil || got != tt.want {
					t.Errorf("got %q %v, want %q", got, err, tt.want)
				}
				return
			}
			if !errors.Is(err, ErrTokenFile) || !strings.Contains(err.Error(), tt.err) || !strings.Contains(err.Error(), path) {
				t.Errorf("got %q %v, want ErrTokenFile naming %s and saying %q", got, err, path, tt.err)
			}
		})
	}
	if _, err := ReadTokenFile(dir); !errors.Is(err, ErrTokenFile) {
		t.Errorf("a directory: %v", err)
	}
}
