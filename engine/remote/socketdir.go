package remote

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
)

// ErrUnsafeSocketDir is matched by the error of Listen and Dial when the socket
// directory is a symlink, not a directory, not ours, or open to others: a
// shared temp dir must not let another user plant, redirect or read our socket.
var ErrUnsafeSocketDir = errors.New("unsafe socket directory")

// DefaultSocketDir returns the directory default sockets are created in:
// $XDG_RUNTIME_DIR/spindle, or spindle-<uid> under os.TempDir when there is no
// runtime directory.
func DefaultSocketDir() string {
	if d := os.Getenv("XDG_RUNTIME_DIR"); d != "" {
		return filepath.Join(d, "spindle")
	}
	return filepath.Join(os.TempDir(), "spindle-"+strconv.Itoa(os.Getuid()))
}

// defaultSocketPath returns DefaultSocketDir/spindle-<pid>.sock.
func defaultSocketPath() string {
	return filepath.Join(DefaultSocketDir(), "spindle-"+strconv.Itoa(os.Getpid())+".sock")
}

// ensureSocketDir creates dir 0700 when it does not exist, then checks it with
// checkSocketDir. Mkdir does not follow a symlink planted at dir (it fails
// with EEXIST, and the check then names the symlink).
func ensureSocketDir(dir string) error {
	if err := os.Mkdir(dir, 0o700); err != nil && !errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("remote: creating socket directory: %w", err)
	}
	return checkSocketDir(dir)
}

// checkSocketDir refuses dir unless it is a real directory (not a symlink),
// owned by this user, with no access for group or others. It looks at dir
// without following a symlink at its last component (lstat, then an open with
// O_NOFOLLOW checked with fstat where the platform has it), and never changes
// it: the error names the path, the problem and the fix.
func checkSocketDir(dir string) error {
	fi, err := os.Lstat(dir)
	if err != nil {
		return fmt.Errorf("remote: socket directory: %w", err)
	}
	if fi.Mode()&fs.ModeSymlink != 0 {
		target, _ := os.Readlink(dir)
		return unsafeDir(dir, fmt.Sprintf("is a symlink (to %s), not a directory", target))
	}
	if fi, err = statNoFollow(dir); err != nil {
		if errors.Is(err, errIsSymlink) {
			return unsafeDir(dir, "was replaced by a symlink")
		}
		return fmt.Errorf("remote: socket directory: %w", err)
	}
	if !fi.IsDir() {
		return unsafeDir(dir, "is not a directory")
	}
	owner, ok := fileOwner(fi)
	if !ok {
		return nil // no uids and modes here (Windows): the directory's ACL is the user's
	}
	if owner != os.Getuid() {
		return unsafeDir(dir, fmt.Sprintf("belongs to uid %d, not to this user (uid %d)", owner, os.Getuid()))
	}
	if perm := fi.Mode().Perm(); perm&0o077 != 0 {
		return unsafeDir(dir, fmt.Sprintf("has mode %04o, open to group or others (want 0700: chmod 700 %s)", perm, dir))
	}
	return nil
}

// unsafeDir is the error for a socket directory that fails a check.
func unsafeDir(dir, problem string) error {
	return fmt.Errorf("remote: socket directory %s %s; refusing to use it (remove it, or set XDG_RUNTIME_DIR): %w",
		dir, problem, ErrUnsafeSocketDir)
}
