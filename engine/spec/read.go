package spec

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
)

// ErrNotRegular is matched by the error of reading a task file that is not a
// regular file once symlinks are followed: a device may never end (/dev/zero)
// and a named pipe blocks its reader until someone writes to it.
var ErrNotRegular = errors.New("not a regular file")

// readFile reads the task file at path, as Load, every reload and a manual
// reload do: only a regular file, opened without blocking (so that a named
// pipe put there between the check and the open cannot block), checked again
// on the opened descriptor, and at most MaxFileSize+1 bytes of it (Parse
// reports a file past MaxFileSize where it crosses it).
func readFile(path string) ([]byte, error) {
	fi, err := os.Stat(path) // refuses a device before opening it at all
	if err != nil {
		return nil, err
	}
	if err := regular(path, fi.Mode()); err != nil {
		return nil, err
	}
	f, err := openNonBlocking(path)
	if err != nil {
		return nil, err
	}
	defer func() { _ = f.Close() }()
	if fi, err = f.Stat(); err != nil {
		return nil, err
	}
	if err := regular(path, fi.Mode()); err != nil {
		return nil, err
	}
	return io.ReadAll(io.LimitReader(f, MaxFileSize+1))
}

// regular returns nil for a regular file, else an error naming what it is.
func regular(path string, mode fs.FileMode) error {
	if mode.IsRegular() {
		return nil
	}
	what := "a special file"
	switch {
	case mode.IsDir():
		what = "a directory"
	case mode&fs.ModeNamedPipe != 0:
		what = "a named pipe"
	case mode&fs.ModeSocket != 0:
		what = "a socket"
	case mode&(fs.ModeDevice|fs.ModeCharDevice) != 0:
		what = "a device"
	}
	return &fs.PathError{Op: "read", Path: path, Err: fmt.Errorf("%w: it is %s", ErrNotRegular, what)}
}
