//go:build unix

package remote

import (
	"errors"
	"io/fs"
	"os"

	"golang.org/x/sys/unix"
)

// noFollow makes an open fail on a symlink at the path's last component.
const noFollow = unix.O_NOFOLLOW

// errIsSymlink is statNoFollow's error for a symlink.
var errIsSymlink = errors.New("is a symlink")

// statNoFollow opens dir with O_NOFOLLOW|O_DIRECTORY and returns what fstat
// says of the directory opened: what was checked is what is there, even if the
// path was swapped for a symlink after an lstat.
func statNoFollow(dir string) (fs.FileInfo, error) {
	fd, err := unix.Open(dir, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
	if errors.Is(err, unix.ELOOP) {
		return nil, errIsSymlink
	}
	if errors.Is(err, unix.ENOTDIR) {
		return os.Lstat(dir) // not a directory: the caller says so
	}
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: dir, Err: err}
	}
	f := os.NewFile(uintptr(fd), dir)
	defer f.Close()
	return f.Stat()
}
