package spec

import (
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/goccy/go-yaml/ast"
)

// Interpolation: command, env and dir values (of tasks, pollers, probes and
// shutdown commands) may name variables, taken from the task's env and
// env_file, then from spindle's own environment:
//
//	$NAME, ${NAME}      the variable; undefined is an error
//	${NAME:-default}    default when NAME is undefined or empty
//	${NAME-default}     default when NAME is undefined
//	$$                  a literal $ (what a shell script in a command writes)
//
// A $ not followed by a name, { or $ stays as it is ($(date), $1, "$ "). In a
// process-compose file an undefined variable is empty, as there, with a
// warning instead of an error.

// maxExpanded bounds what one value may expand to: a value naming a large
// variable many times must not make parsing cost more than the file's size.
const maxExpanded = MaxFileSize

// vars looks a variable up: the task's own first, then spindle's environment.
type vars struct {
	own    map[string]string
	getenv func(string) (string, bool)
}

func (v vars) lookup(name string) (string, bool) {
	if s, ok := v.own[name]; ok {
		return s, true
	}
	if v.getenv == nil {
		return os.LookupEnv(name)
	}
	return v.getenv(name)
}

// errUndefined is what expand returns for an undefined variable.
type errUndefined struct{ name string }

func (e *errUndefined) Error() string { return fmt.Sprintf("undefined variable %q", e.name) }

// expand interpolates s. It returns the first undefined variable as an
// *errUndefined along with the text expanded so far with it empty, so a
// caller that only warns can go on; any other error means s is malformed.
func expand(s string, v vars) (string, error) {
	if !strings.Contains(s, "$") {
		return s, nil
	}
	var b strings.Builder
	var undefined error
	for i := 0; i < len(s); {
		c := s[i]
		if c != '$' || i+1 >= len(s) {
			b.WriteByte(c)
			i++
			continue
		}
		switch next := s[i+1]; {
		case next == '$':
			b.WriteByte('$')
			i += 2
		case next == '{':
			end := strings.IndexByte(s[i+2:], '}')
			if end < 0 {
				return "", fmt.Errorf("unclosed ${ at character %d", i+1)
			}
			val, err := braced(s[i+2:i+2+end], v)
			if err != nil {
				var u *errUndefined
				if !errors.As(err, &u) {
					return "", err
				}
				if undefined == nil {
					undefined = err
				}
			}
			b.WriteString(val)
			i += 3 + end
		case isNameStart(next):
			j := i + 2
			for j < len(s) && isNameChar(s[j]) {
				j++
			}
			val, ok := v.lookup(s[i+1 : j])
			if !ok && undefined == nil {
				undefined = &errUndefined{s[i+1 : j]}
			}
			b.WriteString(val)
			i = j
		default:
			b.WriteByte('$')
			i++
		}
		if b.Len() > maxExpanded {
			return "", fmt.Errorf("expands to more than %d KiB", maxExpanded>>10)
		}
	}
	return b.String(), undefined
}

// braced expands the inside of ${...}.
func braced(expr string, v vars) (string, error) {
	name, rest := expr, ""
	for k := 0; k < len(expr); k++ {
		if !isNameChar(expr[k]) || (k == 0 && !isNameStart(expr[k])) {
			name, rest = expr[:k], expr[k:]
			break
		}
	}
	if name == "" {
		return "", fmt.Errorf("bad variable name in ${%s}", clip(expr))
	}
	val, ok := v.lookup(name)
	switch {
	case rest == "":
		if !ok {
			return "", &errUndefined{name}
		}
		return val, nil
	case strings.HasPrefix(rest, ":-"):
		if !ok || val == "" {
			return rest[2:], nil
		}
		return val, nil
	case strings.HasPrefix(rest, "-"):
		if !ok {
			return rest[1:], nil
		}
		return val, nil
	}
	return "", fmt.Errorf("${%s} is not supported: write ${NAME}, ${NAME:-default} or ${NAME-default}", clip(expr))
}

func isNameStart(c byte) bool { return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
func isNameChar(c byte) bool  { return isNameStart(c) || c >= '0' && c <= '9' }

// expandAt interpolates s, the value at n (what names it), reporting a
// problem at n: an undefined variable is an error, or in a process-compose
// file a warning (it is then empty).
func (d *decoder) expandAt(n ast.Node, what, s string, v vars) string {
	v.getenv = d.getenv
	out, err := expand(s, v)
	var u *errUndefined
	switch {
	case err == nil:
	case errors.As(err, &u) && d.lenient:
		d.warnf(n, "define it in the environment or an env_file; process-compose makes it empty too",
			"%s: %s: it is empty", what, err)
	case errors.As(err, &u):
		d.errorf(n, "define it in the environment, env or an env_file, or write $$ for a literal $", "%s: %s", what, err)
	default:
		d.errorf(n, "write $$ for a literal $", "%s: %s", what, err)
	}
	return out
}

// expandArgv interpolates each word of argv, decoded from the list at n.
func (d *decoder) expandArgv(n ast.Node, what string, argv []string, v vars) []string {
	seq, _ := d.resolve(n).(*ast.SequenceNode)
	for i := range argv {
		if !strings.Contains(argv[i], "$") {
			continue // nothing to do: no label to format
		}
		at := n
		if seq != nil && i < len(seq.Values) {
			at = seq.Values[i]
		}
		argv[i] = d.expandAt(at, fmt.Sprintf("%s[%d]", what, i), argv[i], v)
	}
	return argv
}

// argvExpField is an argv field whose words are interpolated with the
// variables own returns.
func argvExpField[T any](name, doc string, ptr func(*T) *[]string, own func(*T) map[string]string) field[T] {
	return field[T]{
		fieldInfo: fieldInfo{name: name, doc: doc, kind: kindArgv},
		set: func(d *decoder, f *fieldInfo, n ast.Node, dst *T) {
			if v, ok := d.argv(n, f); ok {
				*ptr(dst) = d.expandArgv(n, f.name, v, vars{own: own(dst)})
			}
		},
	}
}

// strExpField is a string field whose value is interpolated.
func strExpField[T any](name, doc string, ptr func(*T) *string, own func(*T) map[string]string) field[T] {
	return field[T]{
		fieldInfo: fieldInfo{name: name, doc: doc, kind: kindString},
		set: func(d *decoder, f *fieldInfo, n ast.Node, dst *T) {
			if v, ok := d.str(n, f); ok {
				*ptr(dst) = d.expandAt(n, f.name, v, vars{own: own(dst)})
			}
		},
	}
}

// envExpField is an env field: its values are interpolated with the
// variables already in *ptr (an env_file's), then added to them, winning.
func envExpField[T any](name, doc string, ptr func(*T) *map[string]string) field[T] {
	return field[T]{
		fieldInfo: fieldInfo{name: name, doc: doc, kind: kindEnv},
		set: func(d *decoder, f *fieldInfo, n ast.Node, dst *T) {
			base := *ptr(dst)
			env, ok := d.envWith(n, f, &vars{own: base})
			if !ok {
				return
			}
			if base == nil {
				base = make(map[string]string, len(env))
			}
			for k, v := range env {
				base[k] = v
			}
			*ptr(dst) = base
		},
	}
}
