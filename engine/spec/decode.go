package spec

import (
	"fmt"
	"strings"

	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/token"
)

// Limits that keep hostile or fuzzed input cheap: aliases let a small file name
// the same node many times.
const (
	maxResolve     = 64      // anchors/aliases/tags followed to reach one value
	maxMergeDepth  = 16      // nested merge keys (<<: *a where a merges *b ...)
	maxMergedItems = 1 << 14 // entries copied through merge keys in one file
	// maxValues bounds the mapping entries, tasks and argv words decoded from
	// one file. A file within MaxFileSize holds fewer without aliases; with
	// them, 200 KB naming one long list 5,000 times is 40 million words.
	maxValues = 1 << 18
	// maxErrors bounds the errors listed (the rest are counted), so a file with
	// thousands of problems makes a readable message, not a megabyte of them.
	maxErrors = 100
)

// decoder walks a YAML AST into the typed File, collecting every error.
type decoder struct {
	file     string
	errs     ErrorList
	anchors  map[string][]anchorDef
	merged   int // entries copied through merge keys so far
	values   int // values decoded so far (see maxValues)
	unlisted int // errors past maxErrors
	lastPos  Pos // where the last of them is

	// warns is what is valid but worth saying (File.ReadWarnings).
	warns ErrorList
	// lenient is set for a process-compose file: an unknown field and an
	// undefined variable are warnings there, not errors.
	lenient bool
	// getenv is spindle's environment for interpolation (nil: os.LookupEnv).
	getenv func(string) (string, bool)
	// dir anchors relative env_file paths: the task file's directory.
	dir string
	// envFiles holds each env file read so far, so that tasks sharing one
	// read it (and report its problems) once.
	envFiles map[string]envFile
}

// envFile is one env file's variables, or why it could not be read.
type envFile struct {
	vars map[string]string
	err  error
}

// warnings returns the warnings, sorted; nil when there are none.
func (d *decoder) warnings() ErrorList {
	if len(d.warns) == 0 {
		return nil
	}
	d.warns.sort()
	return d.warns
}

// warnf records a warning at n's position.
func (d *decoder) warnf(n ast.Node, hint, format string, args ...any) {
	d.warnAt(posOf(n), hint, format, args...)
}

// warnAt records a warning at p; past maxErrors they are dropped.
func (d *decoder) warnAt(p Pos, hint, format string, args ...any) {
	if len(d.warns) < maxErrors {
		d.warns = append(d.warns, &Error{File: d.file, Line: p.Line, Col: p.Col, Msg: fmt.Sprintf(format, args...), Hint: hint})
	}
}

// anchorDef is one &name in the document; an alias refers to the last one before it.
type anchorDef struct {
	offset int
	node   ast.Node
}

// entry is one key of a mapping after merge keys are applied.
type entry struct {
	key   string
	keyAt ast.Node
	value ast.Node
}

func newDecoder(file string, root ast.Node) *decoder {
	d := &decoder{file: file, anchors: map[string][]anchorDef{}, dir: baseDir(file), envFiles: map[string]envFile{}}
	ast.Walk(anchorCollector{d}, root)
	return d
}

type anchorCollector struct{ d *decoder }

// Visit records every anchor in document order.
func (c anchorCollector) Visit(n ast.Node) ast.Visitor {
	if a, ok := n.(*ast.AnchorNode); ok && a.Name != nil {
		name := a.Name.GetToken().Value
		c.d.anchors[name] = append(c.d.anchors[name], anchorDef{offset: offsetOf(a), node: a.Value})
	}
	return c
}

// errorf records an error at n's position.
func (d *decoder) errorf(n ast.Node, hint, format string, args ...any) {
	d.errorAt(posOf(n), hint, format, args...)
}

// errorAt records an error at p.
func (d *decoder) errorAt(p Pos, hint, format string, args ...any) {
	d.record(&Error{File: d.file, Line: p.Line, Col: p.Col, Msg: fmt.Sprintf(format, args...), Hint: hint})
}

// record records e (which may be in another file: an env file); past
// maxErrors it only counts it.
func (d *decoder) record(e *Error) {
	if len(d.errs) >= maxErrors {
		d.unlisted++
		d.lastPos = e.Pos()
		return
	}
	d.errs = append(d.errs, e)
}

// finish returns the errors, sorted, with a last one counting those not listed.
func (d *decoder) finish() ErrorList {
	if d.unlisted > 0 {
		d.errs = append(d.errs, &Error{File: d.file, Line: d.lastPos.Line, Col: d.lastPos.Col, More: d.unlisted,
			Msg: fmt.Sprintf("and %d more problems (only the first %d are listed)", d.unlisted, maxErrors)})
	}
	d.errs.sort()
	return d.errs
}

// spend counts one decoded value and reports whether the file may have more
// (see maxValues); the first value past the bound is an error at n.
func (d *decoder) spend(n ast.Node) bool {
	if d.values++; d.values <= maxValues {
		return true
	}
	if d.values == maxValues+1 {
		d.errorf(n, "each use of an alias copies what its anchor holds: use fewer of them",
			"too many values through aliases (more than %d)", maxValues)
	}
	return false
}

// resolve follows anchors, aliases and tags to the value they stand for. It
// returns nil (after recording an error) for an unknown alias.
func (d *decoder) resolve(n ast.Node) ast.Node {
	for range maxResolve {
		switch v := n.(type) {
		case *ast.AnchorNode:
			n = v.Value
		case *ast.TagNode:
			n = v.Value
		case *ast.AliasNode:
			target := d.aliasTarget(v)
			if target == nil {
				name := ""
				if v.Value != nil {
					name = v.Value.GetToken().Value
				}
				d.errorf(v, "define it first with &"+name, "unknown alias *%s", name)
				return nil
			}
			n = target
		default:
			return n
		}
	}
	d.errorf(n, "", "too many nested aliases")
	return nil
}

func (d *decoder) aliasTarget(a *ast.AliasNode) ast.Node {
	if a.Value == nil {
		return nil
	}
	var found ast.Node
	for _, def := range d.anchors[a.Value.GetToken().Value] {
		if def.offset < offsetOf(a) {
			found = def.node
		}
	}
	return found
}

// mapping returns n as a mapping; ok is true for null too (an empty mapping).
func (d *decoder) mapping(n ast.Node, what string) (m *ast.MappingNode, ok bool) {
	switch v := d.resolve(n).(type) {
	case *ast.MappingNode:
		return v, true
	case *ast.NullNode:
		return nil, true
	case nil:
		return nil, false
	default:
		d.errorf(v, "", "%s must be a mapping of keys to values, got %s", what, describe(v))
		return nil, false
	}
}

// emptyMapping reports whether n is written as an empty mapping, {} (through
// an anchor or a tag too, not an alias).
func emptyMapping(n ast.Node) bool {
	for {
		switch v := n.(type) {
		case *ast.AnchorNode:
			n = v.Value
		case *ast.TagNode:
			n = v.Value
		case *ast.MappingNode:
			return len(v.Values) == 0
		default:
			return false
		}
	}
}

// sequence returns n as a list; ok is true for null too (an empty list).
func (d *decoder) sequence(n ast.Node, what string, hint string) (s *ast.SequenceNode, ok bool) {
	switch v := d.resolve(n).(type) {
	case *ast.SequenceNode:
		return v, true
	case *ast.NullNode:
		return nil, true
	case nil:
		return nil, false
	default:
		d.errorf(v, hint, "%s must be a list, got %s", what, describe(v))
		return nil, false
	}
}

// entries lists m's keys with merge keys (<<) applied: explicit keys win over
// merged ones, and a key written twice is an error.
func (d *decoder) entries(m *ast.MappingNode) []entry {
	if m == nil {
		return nil
	}
	var explicit, merged []entry
	first := map[string]ast.Node{}
	for _, mv := range m.Values {
		if mv == nil || mv.Key == nil {
			continue
		}
		if !d.spend(mv) {
			break
		}
		if _, ok := mv.Key.(*ast.MergeKeyNode); ok {
			merged = append(merged, d.mergeEntries(mv.Value, 0)...)
			continue
		}
		key, ok := d.scalar(mv.Key)
		if !ok {
			d.errorf(mv.Key, "", "a key must be a plain name, got %s", describe(d.resolve(mv.Key)))
			continue
		}
		if prev, dup := first[key]; dup {
			d.errorf(mv.Key, "remove one of them", "duplicate key %q (first at line %d)", key, posOf(prev).Line)
			continue
		}
		first[key] = mv.Key
		explicit = append(explicit, entry{key: key, keyAt: mv.Key, value: mv.Value})
	}
	for _, e := range merged {
		if _, ok := first[e.key]; !ok {
			first[e.key] = e.keyAt
			explicit = append(explicit, e)
		}
	}
	return explicit
}

// mergeEntries returns the entries a merge key's value brings: a mapping, or a
// list of mappings where the earlier ones win.
func (d *decoder) mergeEntries(n ast.Node, depth int) []entry {
	if depth >= maxMergeDepth {
		d.errorf(n, "", "merge keys nested too deeply")
		return nil
	}
	var maps []*ast.MappingNode
	switch v := d.resolve(n).(type) {
	case nil:
		return nil
	case *ast.MappingNode:
		maps = append(maps, v)
	case *ast.SequenceNode:
		for _, item := range v.Values {
			m, ok := d.resolve(item).(*ast.MappingNode)
			if !ok {
				d.errorf(item, "write <<: *name or <<: [*a, *b]", "a merge key takes mappings")
				continue
			}
			maps = append(maps, m)
		}
	default:
		d.errorf(v, "write <<: *name or <<: [*a, *b]", "a merge key takes a mapping, got %s", describe(v))
		return nil
	}
	var out []entry
	seen := map[string]bool{}
	for _, m := range maps {
		for _, mv := range m.Values {
			if mv == nil || mv.Key == nil {
				continue
			}
			if d.merged++; d.merged > maxMergedItems {
				if d.merged == maxMergedItems+1 {
					d.errorf(mv, "", "too many keys brought in through merge keys")
				}
				return out
			}
			if _, ok := mv.Key.(*ast.MergeKeyNode); ok {
				for _, e := range d.mergeEntries(mv.Value, depth+1) {
					if !seen[e.key] {
						seen[e.key] = true
						out = append(out, e)
					}
				}
				continue
			}
			key, ok := d.scalar(mv.Key)
			if !ok || seen[key] {
				continue
			}
			seen[key] = true
			out = append(out, entry{key: key, keyAt: mv.Key, value: mv.Value})
		}
	}
	return out
}

// scalar returns the text of a scalar as written (numbers and booleans keep
// their spelling: 0x10 stays "0x10"). Null and collections are not scalars.
func (d *decoder) scalar(n ast.Node) (string, bool) {
	switch v := d.resolve(n).(type) {
	case *ast.StringNode:
		return v.Value, true
	case *ast.LiteralNode:
		if v.Value == nil {
			return "", true
		}
		return v.Value.Value, true
	case *ast.IntegerNode, *ast.FloatNode, *ast.BoolNode, *ast.InfinityNode, *ast.NanNode:
		return v.GetToken().Value, true
	}
	return "", false
}

// describe names what n is, for "must be X, got Y" messages.
func describe(n ast.Node) string {
	switch v := n.(type) {
	case nil:
		return "nothing"
	case *ast.NullNode:
		return "null"
	case *ast.MappingNode:
		return "a mapping"
	case *ast.SequenceNode:
		return "a list"
	case *ast.IntegerNode:
		return "the number " + v.GetToken().Value
	case *ast.FloatNode, *ast.InfinityNode, *ast.NanNode:
		return "the number " + v.GetToken().Value
	case *ast.BoolNode:
		return "the boolean " + v.GetToken().Value
	case *ast.StringNode:
		return fmt.Sprintf("the string %q", clip(v.Value))
	case *ast.LiteralNode:
		return "a block string"
	}
	return n.Type().String()
}

// clip shortens s for a message.
func clip(s string) string {
	const n = 40
	if len(s) <= n {
		return s
	}
	return strings.ToValidUTF8(s[:n], "") + "…"
}

// posOf is where n starts: for a mapping its first key, for a key-value pair its key.
func posOf(n ast.Node) Pos {
	switch v := n.(type) {
	case nil:
		return Pos{Line: 1, Col: 1}
	case *ast.MappingNode:
		if v == nil {
			return Pos{Line: 1, Col: 1}
		}
		if len(v.Values) > 0 && v.Values[0] != nil && v.Values[0].Key != nil {
			return posOf(v.Values[0].Key)
		}
	case *ast.MappingValueNode:
		if v.Key != nil {
			return posOf(v.Key)
		}
	}
	return tokenPos(n.GetToken())
}

func tokenPos(tk *token.Token) Pos {
	if tk == nil || tk.Position == nil {
		return Pos{Line: 1, Col: 1}
	}
	return Pos{Line: max(tk.Position.Line, 1), Col: max(tk.Position.Column, 1)}
}

func offsetOf(n ast.Node) int {
	if tk := n.GetToken(); tk != nil && tk.Position != nil {
		return tk.Position.Offset
	}
	return 0
}
