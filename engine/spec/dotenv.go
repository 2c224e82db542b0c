package spec

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"github.com/goccy/go-yaml/ast"
)

// Env files are dotenv files, as foreman, overmind, Docker Compose and
// process-compose read them:
//
//	# a comment
//	PORT=8080
//	export NAME=value          # "export " is allowed; a " #" starts a comment
//	GREETING="hello\nworld"    # double quotes: \n \t \" \\ \$ escapes, may span lines
//	RAW='$not ${expanded}'     # single quotes: as written
//
// Values are taken as written (no ${VAR} expansion inside an env file); a
// name is letters, digits, _ and ., not starting with a digit. They are read
// as the task file is: a regular file, at most MaxFileSize bytes, UTF-8.

// readEnvFiles reads the env files paths (written at n, relative to the task
// file's directory) and returns their resolved paths and env with their
// variables added, later files winning over earlier ones; every problem is
// recorded on d.
func (d *decoder) readEnvFiles(n ast.Node, paths []string, env map[string]string) ([]string, map[string]string) {
	resolved := make([]string, 0, len(paths))
	for _, p := range paths {
		abs := d.resolvePath(p)
		resolved = append(resolved, abs)
		ef, seen := d.envFiles[abs]
		if !seen {
			ef.vars, ef.err = loadEnvFile(abs)
			d.envFiles[abs] = ef
		}
		vars, err := ef.vars, ef.err
		if err != nil {
			var list ErrorList
			if errors.As(err, &list) {
				if !seen {
					for _, e := range list {
						d.record(e)
					}
				}
				continue
			}
			if d.lenient {
				d.warnf(n, "", "env_file %s: %v: ignored", p, unwrapPath(err))
			} else {
				d.errorf(n, "", "env_file %s: %v", p, unwrapPath(err))
			}
			continue
		}
		if env == nil {
			env = make(map[string]string, len(vars))
		}
		for k, v := range vars {
			env[k] = v
		}
	}
	return resolved, env
}

// resolvePath anchors a relative path at the task file's directory.
func (d *decoder) resolvePath(p string) string {
	if filepath.IsAbs(p) {
		return filepath.Clean(p)
	}
	return filepath.Join(d.dir, p)
}

// unwrapPath drops a PathError's repetition of the path a message already names.
func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// loadEnvFile reads and parses the env file at path: a wrapped fs error when
// it cannot be read, an ErrorList (positions in the env file) when it is bad.
func loadEnvFile(path string) (map[string]string, error) {
	data, err := readFile(path)
	if err != nil {
		return nil, err
	}
	return parseDotenv(path, data)
}

// parseDotenv parses a dotenv file's contents; path names it in errors.
func parseDotenv(path string, data []byte) (map[string]string, error) {
	if len(data) > MaxFileSize {
		p := offsetPos(data, MaxFileSize)
		return nil, ErrorList{{File: path, Line: p.Line, Col: p.Col,
			Msg: fmt.Sprintf("the env file is larger than %d KiB", MaxFileSize>>10)}}
	}
	data = bytes.TrimPrefix(data, utf8BOM)
	if !utf8.Valid(data) {
		return nil, ErrorList{{File: path, Line: 1, Col: 1, Msg: "the env file is not valid UTF-8", Hint: "save it as UTF-8"}}
	}
	p := dotenvParser{path: path, src: string(data), out: map[string]string{}}
	p.parse()
	if len(p.errs) > 0 {
		return nil, p.errs
	}
	return p.out, nil
}

// dotenvParser walks a dotenv file's text.
type dotenvParser struct {
	path string
	src  string
	off  int
	out  map[string]string
	errs ErrorList
}

func (p *dotenvParser) errorAt(off int, hint, format string, args ...any) {
	if len(p.errs) >= maxErrors {
		return
	}
	pos := offsetPos([]byte(p.src), off)
	p.errs = append(p.errs, &Error{File: p.path, Line: pos.Line, Col: pos.Col, Msg: fmt.Sprintf(format, args...), Hint: hint})
}

// line returns the rest of the current line and moves past it.
func (p *dotenvParser) line() string {
	end := strings.IndexByte(p.src[p.off:], '\n')
	if end < 0 {
		end = len(p.src) - p.off
	}
	s := p.src[p.off : p.off+end]
	p.off = min(p.off+end+1, len(p.src))
	return strings.TrimSuffix(s, "\r")
}

func (p *dotenvParser) parse() {
	for p.off < len(p.src) {
		start := p.off
		indent := len(p.src[start:]) - len(strings.TrimLeft(p.src[start:], " \t"))
		rest := p.src[start+indent:]
		if rest == "" || rest[0] == '\n' || rest[0] == '\r' || rest[0] == '#' {
			p.line()
			continue
		}
		keyAt := start + indent
		if strings.HasPrefix(rest, "export ") {
			keyAt += len("export ")
			keyAt += len(p.src[keyAt:]) - len(strings.TrimLeft(p.src[keyAt:], " \t"))
		}
		eq := strings.IndexAny(p.src[keyAt:], "=\n")
		if eq < 0 || p.src[keyAt+eq] != '=' {
			p.errorAt(keyAt, "write NAME=value", "a line must be NAME=value")
			p.line()
			continue
		}
		key := strings.TrimRight(p.src[keyAt:keyAt+eq], " \t")
		if !validEnvName(key) {
			p.errorAt(keyAt, "names are letters, digits, _ and ., not starting with a digit", "bad variable name %q", clip(key))
			p.line()
			continue
		}
		p.off = keyAt + eq + 1
		for p.off < len(p.src) && (p.src[p.off] == ' ' || p.src[p.off] == '\t') {
			p.off++
		}
		if v, ok := p.value(); ok {
			p.out[key] = v
		}
	}
}

// value reads a value at p.off and what follows it on its line.
func (p *dotenvParser) value() (string, bool) {
	if p.off >= len(p.src) {
		return "", true
	}
	q := p.src[p.off]
	if q != '"' && q != '\'' {
		v := p.line()
		for i := 0; i < len(v); i++ {
			if v[i] == '#' && (i == 0 || v[i-1] == ' ' || v[i-1] == '\t') {
				v = v[:i]
				break
			}
		}
		return strings.TrimRight(v, " \t"), true
	}
	open := p.off
	var b strings.Builder
	i := p.off + 1
	for ; i < len(p.src) && p.src[i] != q; i++ {
		c := p.src[i]
		if q == '"' && c == '\\' && i+1 < len(p.src) {
			i++
			switch e := p.src[i]; e {
			case 'n':
				b.WriteByte('\n')
			case 't':
				b.WriteByte('\t')
			case 'r':
				b.WriteByte('\r')
			case '"', '\\', '$', '\'':
				b.WriteByte(e)
			default:
				b.WriteByte('\\')
				b.WriteByte(e)
			}
			continue
		}
		b.WriteByte(c)
	}
	if i >= len(p.src) {
		p.errorAt(open, "close it with "+string(q), "unterminated quoted value")
		p.off = len(p.src)
		return "", false
	}
	p.off = i + 1
	after := p.line()
	if t := strings.TrimLeft(after, " \t"); t != "" && t[0] != '#' {
		p.errorAt(i+1+len(after)-len(t), "quote the whole value, or start a comment with #", "text after the closing quote")
		return "", false
	}
	return b.String(), true
}

// validEnvName reports whether s can name a variable in an env file.
func validEnvName(s string) bool {
	if s == "" || s[0] >= '0' && s[0] <= '9' {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isNameChar(s[i]) && s[i] != '.' {
			return false
		}
	}
	return true
}
