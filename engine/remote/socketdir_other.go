//go:build !unix

package remote

import (
	"errors"
	"io/fs"
	"os"
)

// noFollow is 0 where open has no O_NOFOLLOW.
const noFollow = 0

// errIsSymlink is statNoFollow's error for a symlink.
var errIsSymlink = errors.New("is a symlink")

// statNoFollow is an lstat where there is no O_NOFOLLOW.
func statNoFollow(dir string) (fs.FileInfo, error) {
	fi, err := os.Lstat(dir)
	if err == nil && fi.Mode()&fs.ModeSymlink != 0 {
		return nil, errIsSymlink
	}
	return fi, err
}
