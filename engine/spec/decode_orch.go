package spec

import (
	"regexp"
	"slices"
	"strings"

	"github.com/goccy/go-yaml/ast"
)

// conditionNames lists the spellings of every Condition, for hints.
func conditionNames() []string {
	return mapSlice(Conditions(), func(c Condition) string { return string(c) })
}

// composeConditions maps process-compose's condition names to spindle's.
var composeConditions = map[string]Condition{
	"process_started":                ConditionStarted,
	"process_healthy":                ConditionHealthy,
	"process_completed":              ConditionCompleted,
	"process_completed_successfully": ConditionCompletedSuccessfully,
	"process_log_ready":              ConditionLogReady,
}

// dependsOn decodes depends_on: a mapping of names to conditions ({db:
// healthy}, or {db: {condition: healthy}} as process-compose writes it), or a
// list of names, each meaning started.
func (d *decoder) dependsOn(n ast.Node, f *fieldInfo) ([]Dependency, bool) {
	const hint = "write depends_on: {db: healthy} or depends_on: [db]"
	var out []Dependency
	ok := true
	switch v := d.resolve(n).(type) {
	case nil:
		return nil, false
	case *ast.NullNode:
		return nil, true
	case *ast.SequenceNode:
		seen := map[string]Pos{}
		for _, item := range v.Values {
			if !d.spend(item) {
				return nil, false
			}
			name, isScalar := d.scalar(item)
			if !isScalar || strings.TrimSpace(name) == "" {
				d.errorf(item, hint, "%s: each entry must be a task name, got %s", f.name, describe(d.resolve(item)))
				ok = false
				continue
			}
			at := posOf(d.resolve(item))
			if first, dup := seen[name]; dup {
				d.errorAt(at, "remove one of them", "%s lists %q twice (first at %s)", f.name, clip(name), first)
				ok = false
				continue
			}
			seen[name] = at
			out = append(out, Dependency{Name: name, Condition: ConditionStarted, Pos: at})
		}
	case *ast.MappingNode:
		for _, e := range d.entries(v) {
			if strings.TrimSpace(e.key) == "" {
				d.errorf(e.keyAt, hint, "%s: a task name must not be empty", f.name)
				ok = false
				continue
			}
			c, good := d.condition(e.value, f.name+" "+clip(e.key))
			if !good {
				ok = false
				continue
			}
			out = append(out, Dependency{Name: e.key, Condition: c, Pos: posOf(e.keyAt)})
		}
	default:
		d.errorf(v, hint, "%s must be a mapping of task names to conditions, or a list of names, got %s", f.name, describe(v))
		return nil, false
	}
	return out, ok
}

// defaultCondition is a dependency's condition when it names none: started,
// or in a process-compose file completed (its zero value there).
func (d *decoder) defaultCondition() Condition {
	if d.lenient {
		return ConditionCompleted
	}
	return ConditionStarted
}

// conditionEntry is {condition: NAME} decoded.
type conditionEntry struct {
	c  Condition
	ok bool
}

// condition decodes one dependency's condition: a name, null (started), or
// {condition: NAME}.
func (d *decoder) condition(n ast.Node, what string) (Condition, bool) {
	r := d.resolve(n)
	switch v := r.(type) {
	case nil:
		return "", false
	case *ast.NullNode:
		return d.defaultCondition(), true
	case *ast.MappingNode:
		c := conditionEntry{c: d.defaultCondition(), ok: true}
		decodeObject(d, v, what, []field[conditionEntry]{{
			fieldInfo: fieldInfo{name: "condition", kind: kindString},
			set: func(d *decoder, _ *fieldInfo, n ast.Node, dst *conditionEntry) {
				dst.c, dst.ok = d.conditionName(n, what)
			},
		}}, &c)
		return c.c, c.ok
	}
	return d.conditionName(r, what)
}

// conditionName decodes a condition's name. In a spindle file a
// process-compose name is an error naming the spindle one; in a
// process-compose file both are accepted.
func (d *decoder) conditionName(n ast.Node, what string) (Condition, bool) {
	s, ok := d.scalar(n)
	if !ok {
		d.errorf(n, "use one of: "+strings.Join(conditionNames(), ", "), "%s must be a condition, got %s", what, describe(d.resolve(n)))
		return "", false
	}
	c := Condition(strings.TrimSpace(s))
	if slices.Contains(Conditions(), c) {
		return c, true
	}
	if pc, isPC := composeConditions[string(c)]; isPC {
		if d.lenient {
			return pc, true
		}
		d.errorf(n, "write "+string(pc), "%s: %q is process-compose's name for %s", what, clip(s), pc)
		return "", false
	}
	hint := suggest(string(c), conditionNames())
	if !strings.HasPrefix(hint, "did you mean") {
		hint = "use one of: " + strings.Join(conditionNames(), ", ")
	}
	d.errorf(n, hint, "%s: unknown condition %q", what, clip(s))
	return "", false
}

// regexp decodes a Go regular expression; a bad one is an error with Go's message.
func (d *decoder) regexp(n ast.Node, f *fieldInfo) (string, bool) {
	s, ok := d.str(n, f)
	if !ok {
		return "", false
	}
	if strings.TrimSpace(s) == "" {
		d.errorf(n, "leave it out to not wait for a line", "%s must not be empty: it would match every line", f.name)
		return "", false
	}
	if _, err := regexp.Compile(s); err != nil {
		d.errorf(n, "it is a Go regular expression (RE2): https://pkg.go.dev/regexp/syntax", "%s: %v", f.name, err)
		return "", false
	}
	return s, true
}

// exitCodes decodes a list of exit statuses.
func (d *decoder) exitCodes(n ast.Node, f *fieldInfo) ([]int, bool) {
	seq, ok := d.sequence(n, f.name, "write a list such as [0, 143]")
	if !ok || seq == nil {
		return nil, ok
	}
	code := fieldInfo{name: f.name + " entries", min: 0, max: 255, why: "exit statuses are 0 to 255", example: "[0, 143]"}
	out := make([]int, 0, len(seq.Values))
	for _, item := range seq.Values {
		if !d.spend(item) {
			return nil, false
		}
		c, good := d.integer(item, &code)
		if !good {
			ok = false
			continue
		}
		if !slices.Contains(out, c) {
			out = append(out, c)
		}
	}
	return out, ok
}

// paths decodes a path or a list of paths.
func (d *decoder) paths(n ast.Node, f *fieldInfo) ([]string, bool) {
	r := d.resolve(n)
	seq, isSeq := r.(*ast.SequenceNode)
	if !isSeq {
		s, ok := d.str(r, &fieldInfo{name: f.name, nonEmpty: true, example: f.example})
		if !ok {
			return nil, false
		}
		return []string{s}, true
	}
	out := make([]string, 0, len(seq.Values))
	ok := true
	for _, item := range seq.Values {
		if !d.spend(item) {
			return nil, false
		}
		s, good := d.str(item, &fieldInfo{name: f.name + " entries", nonEmpty: true, example: f.example})
		if !good {
			ok = false
			continue
		}
		out = append(out, s)
	}
	return out, ok
}

// scheme decodes an HTTP probe's scheme.
func (d *decoder) scheme(n ast.Node, f *fieldInfo) (string, bool) {
	s, ok := d.str(n, f)
	if !ok {
		return "", false
	}
	if l := strings.ToLower(strings.TrimSpace(s)); l == "http" || l == "https" {
		return l, true
	}
	d.errorf(n, "use http or https", "unknown scheme %q for %s", clip(s), f.name)
	return "", false
}

// urlPath decodes an HTTP probe's path, which starts with /.
func (d *decoder) urlPath(n ast.Node, f *fieldInfo) (string, bool) {
	s, ok := d.str(n, f)
	if !ok {
		return "", false
	}
	if !strings.HasPrefix(s, "/") {
		d.errorf(n, "for example path: /healthz", "%s must start with /, got %q", f.name, clip(s))
		return "", false
	}
	if !d.checkVisible(n, f.name, s) {
		return "", false
	}
	return s, true
}
