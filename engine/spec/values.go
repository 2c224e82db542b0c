package spec

import (
	"math"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/goccy/go-yaml/ast"
)

const durationHint = "use Go durations like 500ms, 2s, 1m"

// str decodes a string field. Numbers and booleans are taken as written.
func (d *decoder) str(n ast.Node, f *fieldInfo) (string, bool) {
	v, ok := d.scalar(n)
	if !ok {
		if r := d.resolve(n); r != nil {
			d.errorf(r, f.exampleHint(), "%s must be a string, got %s", f.name, describe(r))
		}
		return "", false
	}
	if f.nonEmpty && strings.TrimSpace(v) == "" {
		d.errorf(n, f.emptyHint(), "%s must not be empty", f.name)
		return "", false
	}
	if f.shown && !d.checkVisible(n, f.name, v) {
		return "", false
	}
	return v, true
}

// boolean decodes true or false.
func (d *decoder) boolean(n ast.Node, f *fieldInfo) (bool, bool) {
	switch v := d.resolve(n).(type) {
	case nil:
		return false, false
	case *ast.BoolNode:
		return v.Value, true
	default:
		d.errorf(v, "write true or false, unquoted", "%s must be true or false, got %s", f.name, describe(v))
		return false, false
	}
}

// integer decodes a whole number between f.min and f.most().
func (d *decoder) integer(n ast.Node, f *fieldInfo) (int, bool) {
	r := d.resolve(n)
	v, isInt := r.(*ast.IntegerNode)
	if r == nil {
		return 0, false
	}
	if !isInt {
		d.errorf(r, f.emptyHint(), "%s must be a whole number, got %s", f.name, describe(r))
		return 0, false
	}
	var x int64
	switch num := v.Value.(type) {
	case int64:
		x = num
	case uint64:
		x = math.MaxInt64
		if num <= math.MaxInt64 {
			x = int64(num)
		}
	}
	most := f.most()
	switch {
	case x < int64(f.min):
		d.errorf(v, f.emptyHint(), "%s must be at least %d, got %d%s", f.name, f.min, x, f.reason())
		return 0, false
	case x > int64(most):
		d.errorf(v, f.emptyHint(), "%s must be at most %d, got %s", f.name, most, clip(v.GetToken().Value))
		return 0, false
	}
	return int(x), true
}

// duration decodes a Go duration ("500ms"); 0 needs no unit. With f.min 1 it
// must be more than zero, otherwise at least zero; and at least f.floor.
func (d *decoder) duration(n ast.Node, f *fieldInfo) (time.Duration, bool) {
	r := d.resolve(n)
	s, ok := d.scalar(r)
	if r == nil {
		return 0, false
	}
	if !ok {
		d.errorf(r, durationHint, "%s must be a duration, got %s", f.name, describe(r))
		return 0, false
	}
	v, err := time.ParseDuration(strings.TrimSpace(s))
	if err != nil {
		d.errorf(r, durationHint, "bad duration %q for %s", clip(s), f.name)
		return 0, false
	}
	switch {
	case v < 0:
		d.errorf(r, durationHint, "%s must not be negative, got %s", f.name, v)
		return 0, false
	case v == 0 && f.min > 0:
		d.errorf(r, durationHint, "%s must be more than 0%s", f.name, f.reason())
		return 0, false
	case v < f.floor:
		d.errorf(r, f.emptyHint(), "%s must be at least %s, got %s: %s", f.name, f.floor, v, f.floorWhy)
		return 0, false
	}
	return v, true
}

// signal decodes a stop signal name: SIGTERM, TERM and sigterm are the same.
func (d *decoder) signal(n ast.Node, f *fieldInfo) (syscall.Signal, bool) {
	s, ok := d.str(n, f)
	if !ok {
		return 0, false
	}
	sig, ok := ParseSignal(s)
	if !ok {
		d.errorf(n, "accepted: "+strings.Join(signalNames(), ", "), "unknown signal %q for %s", clip(s), f.name)
	}
	return sig, ok
}

// restart decodes a restart policy.
func (d *decoder) restart(n ast.Node, f *fieldInfo) (RestartPolicy, bool) {
	s, ok := d.str(n, f)
	if !ok {
		return "", false
	}
	p := RestartPolicy(strings.ToLower(strings.TrimSpace(s)))
	if !slices.Contains(RestartPolicies(), p) {
		names := make([]string, 0, 3)
		for _, k := range RestartPolicies() {
			names = append(names, string(k))
		}
		d.errorf(n, "use one of: "+strings.Join(names, ", "), "unknown restart policy %q", clip(s))
		return "", false
	}
	return p, true
}

// argv decodes a command: a non-empty list of strings whose first is a program.
func (d *decoder) argv(n ast.Node, f *fieldInfo) ([]string, bool) {
	const hint = `write a list such as [sleep, "10"]; for a shell, [sh, -c, "..."]`
	r := d.resolve(n)
	seq, isSeq := r.(*ast.SequenceNode)
	switch {
	case r == nil:
		return nil, false
	case !isSeq:
		if _, null := r.(*ast.NullNode); null {
			d.errorf(r, hint, "%s is empty", f.name)
		} else {
			d.errorf(r, hint, "%s must be a list (argv), got %s", f.name, describe(r))
		}
		return nil, false
	case len(seq.Values) == 0:
		d.errorf(seq, hint, "%s is empty", f.name)
		return nil, false
	}
	out := make([]string, 0, len(seq.Values))
	ok := true
	for i, item := range seq.Values {
		if !d.spend(item) {
			return nil, false
		}
		s, isScalar := d.scalar(item)
		if !isScalar {
			if ri := d.resolve(item); ri != nil {
				d.errorf(ri, "quote it if it is text", "%s[%d] must be a string, got %s", f.name, i, describe(ri))
			}
			ok = false
			continue
		}
		if i == 0 && strings.TrimSpace(s) == "" {
			d.errorf(item, hint, "%s starts with an empty program name", f.name)
			ok = false
		}
		out = append(out, s)
	}
	return out, ok
}

// env decodes a mapping of variable names to string values.
func (d *decoder) env(n ast.Node, f *fieldInfo) (map[string]string, bool) {
	return d.envWith(n, f, nil)
}

// envWith decodes env, interpolating its values with v unless v is nil.
func (d *decoder) envWith(n ast.Node, f *fieldInfo, v *vars) (map[string]string, bool) {
	m, ok := d.mapping(n, f.name)
	if !ok {
		return nil, false
	}
	out := map[string]string{}
	for _, e := range d.entries(m) {
		if e.key == "" || strings.ContainsAny(e.key, "=\x00") {
			d.errorf(e.keyAt, "names are like GOFLAGS or PORT", "bad environment variable name %q", clip(e.key))
			ok = false
			continue
		}
		if !d.checkVisible(e.keyAt, "environment variable name", e.key) {
			ok = false
			continue
		}
		s, isScalar := d.scalar(e.value)
		if !isScalar {
			if r := d.resolve(e.value); r != nil {
				d.errorf(r, `quote the value: FOO: ""`, "%s %s must be a string, got %s", f.name, e.key, describe(r))
			}
			ok = false
			continue
		}
		if v != nil {
			s = d.expandAt(e.value, f.name+" "+e.key, s, *v)
		}
		out[e.key] = s
	}
	return out, ok
}

// checkName reports whether s can name a task, manager, pool or poller: names
// are rows in the dashboard, so they must be non-empty single lines of
// visible text (see checkVisible).
func (d *decoder) checkName(at ast.Node, what, s string) bool {
	if strings.TrimSpace(s) == "" {
		d.errorf(at, "", "%s name must not be empty", what)
		return false
	}
	return d.checkVisible(at, what+" name", s)
}

// checkVisible reports whether s, shown on screen as what, holds only what
// shows as itself: no invalid UTF-8, control or format character (a bidi
// override such as U+202E makes "abc\u202edef" read as "abcfed"), or line
// separator. The error names the code point, escaped.
func (d *decoder) checkVisible(at ast.Node, what, s string) bool {
	if i, bad, found := hiddenRune(s); found {
		d.errorf(at, "write it with visible characters only", "%s %q holds %s at character %d", what, clip(s), bad, i)
		return false
	}
	return true
}
