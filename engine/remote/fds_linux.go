package remote

import (
	"encoding/binary"

	"golang.org/x/sys/unix"
)

// fdUsage returns how many file descriptors the process has open (counted in
// /proc/self/fd) and its soft RLIMIT_NOFILE. Go raises the soft limit to the
// hard one at start (and gives children back the original), so this is the
// most the process can open.
func fdUsage() (open, limit int, ok bool) {
	var rl unix.Rlimit
	if unix.Getrlimit(unix.RLIMIT_NOFILE, &rl) != nil || rl.Cur > 1<<31 {
		return 0, 0, false
	}
	n, err := countDir("/proc/self/fd")
	if err != nil {
		return 0, 0, false
	}
	return n - 1, int(rl.Cur), true // less the descriptor that reads the directory
}

// countDir counts the entries of dir but "." and "..", without allocating a
// name per entry.
func countDir(dir string) (int, error) {
	fd, err := unix.Open(dir, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return 0, err
	}
	defer unix.Close(fd)
	var buf [8 << 10]byte
	n := 0
	for {
		got, err := unix.Getdents(fd, buf[:])
		if err != nil {
			return 0, err
		}
		if got <= 0 {
			return n - 2, nil
		}
		// linux_dirent64: ino u64, off u64, reclen u16, type u8, name.
		for off := 0; off+19 <= got; {
			reclen := int(binary.NativeEndian.Uint16(buf[off+16:]))
			if reclen == 0 {
				break
			}
			n++
			off += reclen
		}
	}
}
