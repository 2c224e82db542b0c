package remote

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// maxSocketPath is the longest Unix socket path the kernel takes (sun_path is
// 108 bytes on Linux, 104 on the BSDs, including the terminating NUL).
const maxSocketPath = 103

// ErrNotLoopback is returned by Listen and Serve for a TCP address that is not
// on a loopback interface when WithAllowRemote was not given.
var ErrNotLoopback = errors.New("remote: not a loopback address")

// ErrSocketInUse is returned by Listen when the Unix socket path is held by a
// live server.
var ErrSocketInUse = errors.New("remote: socket in use")

// ErrNoSocket is returned by Dial with an empty address when no server socket
// is found in the default socket directory.
var ErrNoSocket = errors.New("no spindle socket found")

// endpoint is a parsed address: a Unix socket path or a TCP host:port.
type endpoint struct {
	unix string // the socket path, for a Unix endpoint
	tcp  string // host:port, for a TCP endpoint
}

// String returns the socket path or host:port.
func (ep endpoint) String() string {
	if ep.unix != "" {
		return ep.unix
	}
	return ep.tcp
}

// parseAddr reads the address forms Listen and Dial take: "unix:/path" or any
// path containing "/" is a Unix socket; "host:port" and ":port" are TCP. The
// empty address is handled by the callers.
func parseAddr(addr string) (endpoint, error) {
	switch {
	case strings.HasPrefix(addr, "unix:"):
		p := strings.TrimPrefix(addr, "unix:")
		if p == "" {
			return endpoint{}, fmt.Errorf("remote: address %q: empty socket path", addr)
		}
		return endpoint{unix: p}, nil
	case strings.HasPrefix(addr, "http://"):
		return parseAddr(strings.TrimSuffix(strings.TrimPrefix(addr, "http://"), "/"))
	case strings.Contains(addr, "/"):
		return endpoint{unix: addr}, nil
	}
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return endpoint{}, fmt.Errorf("remote: address %q: want unix:/path, a socket path, host:port or :port: %w", addr, err)
	}
	if _, err := strconv.ParseUint(port, 10, 16); err != nil {
		return endpoint{}, fmt.Errorf("remote: address %q: bad port %q", addr, port)
	}
	return endpoint{tcp: net.JoinHostPort(host, port)}, nil
}

// removeStaleSocket removes path if it is a socket no server answers on (left
// by a process that died), and fails with ErrSocketInUse if one does. A path
// that is not a socket is left alone and reported.
func removeStaleSocket(ctx context.Context, path string) error {
	fi, err := os.Lstat(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("remote: socket %s: %w", path, err)
	}
	if fi.Mode()&os.ModeSocket == 0 {
		return fmt.Errorf("remote: %s exists and is not a socket; remove it or choose another path", path)
	}
	var d net.Dialer
	if c, err := d.DialContext(ctx, "unix", path); err == nil {
		_ = c.Close()
		return fmt.Errorf("remote: %s: %w (another server is listening)", path, ErrSocketInUse)
	}
	if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("remote: removing stale socket: %w", err)
	}
	return nil
}

// checkLoopback returns an error wrapping ErrNotLoopback unless host is empty
// (the caller then binds loopback), "localhost", or resolves only to loopback
// addresses.
func checkLoopback(ctx context.Context, host string) error {
	if host == "" || strings.EqualFold(host, "localhost") {
		return nil
	}
	if ip := net.ParseIP(host); ip != nil {
		if ip.IsLoopback() {
			return nil
		}
	} else if ips, err := net.DefaultResolver.LookupIPAddr(ctx, host); err == nil && len(ips) > 0 {
		all := true
		for _, ip := range ips {
			all = all && ip.IP.IsLoopback()
		}
		if all {
			return nil
		}
	}
	return fmt.Errorf("remote: refusing to serve the control API on %q: %w; "+
		"pass --allow-remote (remote.WithAllowRemote()) to expose it beyond this machine", host, ErrNotLoopback)
}

// findSocket returns the most recently created socket in the default socket
// directory, for a Dial without an address. The directory must pass
// checkSocketDir: a socket in a directory another user controls could be theirs.
func findSocket() (string, error) {
	dir := DefaultSocketDir()
	if _, err := os.Lstat(dir); errors.Is(err, os.ErrNotExist) {
		return "", fmt.Errorf("remote: %w (%s does not exist): is spindle serve running? Give its address (a socket path or host:port)", ErrNoSocket, dir)
	}
	if err := checkSocketDir(dir); err != nil {
		return "", err
	}
	matches, _ := filepath.Glob(filepath.Join(dir, "spindle-*.sock"))
	best, bestTime := "", int64(0)
	for _, m := range matches {
		fi, err := os.Lstat(m)
		if err != nil || fi.Mode()&os.ModeSocket == 0 {
			continue
		}
		if t := fi.ModTime().UnixNano(); best == "" || t > bestTime {
			best, bestTime = m, t
		}
	}
	if best == "" {
		return "", fmt.Errorf("remote: %w in %s: is spindle serve running? Give its address (a socket path or host:port)", ErrNoSocket, dir)
	}
	return best, nil
}
