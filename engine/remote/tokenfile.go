package remote

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"unicode"
)

// maxTokenFile bounds what ReadTokenFile reads.
const maxTokenFile = 4 << 10

// ErrTokenFile is matched by the errors of ReadTokenFile and of a server whose
// WithTokenFile cannot be used.
var ErrTokenFile = errors.New("bad token file")

// ReadTokenFile returns the token in the file at path: its first line, without
// surrounding space. The file must be a regular file of at most 4 KiB that
// neither group nor others can read or write (as ssh asks of a private key), and
// the token must be printable. (Where files have no Unix modes, the mode is
// not checked.)
func ReadTokenFile(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", fmt.Errorf("remote: token file: %w", err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return "", fmt.Errorf("remote: token file: %w", err)
	}
	bad := func(problem string) error {
		return fmt.Errorf("remote: token file %s %s: %w", path, problem, ErrTokenFile)
	}
	switch {
	case !fi.Mode().IsRegular():
		return "", bad("is not a regular file")
	case hasModes(fi) && fi.Mode().Perm()&0o077 != 0:
		return "", bad(fmt.Sprintf("has mode %04o, open to group or others (chmod 600 %s)", fi.Mode().Perm(), path))
	case fi.Size() > maxTokenFile:
		return "", bad(fmt.Sprintf("is %d bytes, over %d", fi.Size(), maxTokenFile))
	}
	data, err := io.ReadAll(io.LimitReader(f, maxTokenFile+1))
	if err != nil {
		return "", fmt.Errorf("remote: token file: %w", err)
	}
	line, _, _ := strings.Cut(string(data), "\n")
	tok := strings.TrimSpace(line)
	if tok == "" {
		return "", bad("is empty")
	}
	if strings.IndexFunc(tok, func(r rune) bool { return !unicode.IsPrint(r) || r == ' ' }) >= 0 {
		return "", bad("holds a token with spaces or unprintable characters")
	}
	return tok, nil
}

// hasModes reports whether fi's permission bits mean something (not on
// Windows, where ACLs decide).
func hasModes(fi fs.FileInfo) bool {
	_, ok := fileOwner(fi)
	return ok
}

// writeTokenFile creates path 0600 (never following a symlink there, never
// over an existing file) and writes tok to it.
func writeTokenFile(path, tok string) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL|noFollow, 0o600)
	if err != nil {
		return fmt.Errorf("remote: writing the token file: %w", err)
	}
	if _, err := f.WriteString(tok + "\n"); err != nil {
		_ = f.Close()
		_ = os.Remove(path)
		return fmt.Errorf("remote: writing the token file: %w", err)
	}
	if err := f.Close(); err != nil {
		_ = os.Remove(path)
		return fmt.Errorf("remote: writing the token file: %w", err)
	}
	return nil
}

// setupToken settles the token of a server on addr (port, for a TCP listener)
// as the options ask. It returns the token file's path ("" for none) and
// whether the server created it for itself (and so removes it on shutdown):
//
//   - WithTokenFile(p) and p exists: the token is p's (WithToken must agree)
//   - WithTokenFile(p) and p does not exist: WithToken's token, else a
//     generated one, is written to p, which is kept
//   - TCP with neither: a generated token is written to
//     DefaultSocketDir()/spindle-<pid>-<port>.token, removed on shutdown
func setupToken(cfg *serverConfig, tcpPort string) (path string, own bool, err error) {
	if cfg.tokenFile != "" {
		tok, err := ReadTokenFile(cfg.tokenFile)
		switch {
		case err == nil:
			if cfg.token != "" && cfg.token != tok {
				return "", false, fmt.Errorf("remote: token file %s holds another token than the one given: %w", cfg.tokenFile, ErrTokenFile)
			}
			cfg.token = tok
			return cfg.tokenFile, false, nil
		case !errors.Is(err, fs.ErrNotExist):
			return "", false, err
		}
		if cfg.token == "" {
			cfg.token = newToken()
		}
		return cfg.tokenFile, false, writeTokenFile(cfg.tokenFile, cfg.token)
	}
	if tcpPort == "" || cfg.token != "" {
		return "", false, nil // a Unix socket needs no token; a given one is the caller's to keep
	}
	dir := DefaultSocketDir()
	if err := ensureSocketDir(dir); err != nil {
		return "", false, err
	}
	cfg.token = newToken()
	path = filepath.Join(dir, "spindle-"+strconv.Itoa(os.Getpid())+"-"+tcpPort+".token")
	_ = os.Remove(path) // left by a dead process with our pid: the directory is ours alone
	if err := writeTokenFile(path, cfg.token); err != nil {
		return "", false, err
	}
	return path, true, nil
}
