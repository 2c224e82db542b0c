package spec

import (
	"cmp"
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/lexer"
	"github.com/goccy/go-yaml/parser"
	"github.com/goccy/go-yaml/token"

	"github.com/spindle-tui/spindle/engine"
)

// Load reads and parses the task file at path. A file that cannot be read is
// a wrapped fs error (one wrapping ErrNotRegular for a device, a named pipe or
// a directory); a file with problems is an ErrorList.
func Load(path string) (*File, error) {
	data, err := readFile(path)
	if err != nil {
		return nil, fmt.Errorf("spec: %w", err)
	}
	return Parse(path, data)
}

// Parse parses a task file's contents; path names it in errors and anchors
// relative dirs. On any problem it returns nil and an ErrorList holding every
// problem found, sorted by position.
func Parse(path string, data []byte) (*File, error) {
	f := &File{Path: path, Dir: baseDir(path), Refresh: DefaultRefresh, Format: FormatSpindle}
	data, e := checkEncoding(path, data)
	if e != nil {
		return nil, ErrorList{e}
	}
	if e := checkSize(path, data); e != nil {
		return nil, ErrorList{e}
	}
	d := newDecoder(path, nil)
	switch f.Format = Detect(data); f.Format {
	case FormatProcfile:
		parseProcfile(d, data, f)
	default:
		root, errs := parseYAML(path, data)
		if errs != nil {
			return nil, errs
		}
		d = newDecoder(path, root)
		if root == nil {
			break
		}
		if _, null := d.resolve(root).(*ast.NullNode); null {
			break
		}
		if f.Format == FormatProcessCompose {
			parseCompose(d, root, f)
		} else {
			decodeObject(d, root, "the task file", fileFields(), f)
		}
	}
	f.check(d)
	f.checkOrchestration(d)
	f.resolveDirs()
	f.checkDirs(d)
	f.checkPlatform(d, engine.ProcessesSupported)
	if len(d.errs) > 0 {
		return nil, d.finish()
	}
	f.ReadWarnings = d.warnings()
	return f, nil
}

// parseYAML turns data into one document's root node (nil for an empty file)
// or the syntax error, with its position.
func parseYAML(path string, data []byte) (root ast.Node, errs ErrorList) {
	defer func() {
		// The YAML parser is third-party code fed untrusted bytes; a bug in it
		// must be a parse error, never a crash of the supervisor.
		if r := recover(); r != nil {
			root, errs = nil, ErrorList{{File: path, Line: 1, Col: 1, Msg: fmt.Sprintf("cannot parse YAML: %v", r)}}
		}
	}()
	if e := checkSize(path, data); e != nil {
		return nil, ErrorList{e}
	}
	// The parser's cost grows with the square of the nesting, so the nesting
	// is measured on the tokens first (they tell quotes, comments and block
	// scalars apart exactly as the parser will), then the same tokens are
	// parsed. A syntax error is left to the parser, which reports it at once.
	tokens := lexer.Tokenize(string(data))
	if tokens.InvalidToken() == nil {
		if _, e := checkShape(path, tokens); e != nil {
			return nil, ErrorList{e}
		}
	}
	file, err := parser.Parse(tokens, 0, parser.AllowDuplicateMapKey())
	if err != nil {
		e := &Error{File: path, Line: 1, Col: 1}
		// The syntax error's own Error() prints the source around it, which
		// costs the square of a long line's tokens (20 KB: 205 MB): only its
		// message and position are taken.
		if se, ok := err.(interface {
			GetMessage() string
			GetToken() *token.Token
		}); ok {
			p := tokenPos(se.GetToken())
			e.Line, e.Col, e.Msg = p.Line, p.Col, se.GetMessage()
		} else {
			e.Msg = err.Error()
		}
		e.Msg = "YAML: " + e.Msg
		return nil, ErrorList{e}
	}
	for i, doc := range file.Docs {
		if doc == nil || doc.Body == nil {
			continue
		}
		if root != nil {
			return nil, ErrorList{{File: path, Line: posOf(doc.Body).Line, Col: posOf(doc.Body).Col,
				Msg: fmt.Sprintf("a task file holds one YAML document; this is document %d", i+1), Hint: "remove the ---"}}
		}
		root = doc.Body
	}
	return root, nil
}

// baseDir is the absolute directory of path, the anchor of relative dirs.
func baseDir(path string) string {
	dir := filepath.Dir(path)
	if abs, err := filepath.Abs(dir); err == nil {
		return abs
	}
	return dir
}

// extensionPrefix starts keys the parser ignores in any mapping, so shared
// settings can be written once and merged in: "x-defaults: &defaults {...}".
const extensionPrefix = "x-"

// decodeObject decodes mapping n into dst through fields, reporting unknown
// and missing fields. what names the object in messages.
func decodeObject[T any](d *decoder, n ast.Node, what string, fields []field[T], dst *T) {
	m, ok := d.mapping(n, what)
	if !ok {
		return
	}
	seen := make(map[string]bool, len(fields))
	// Fields are decoded in the table's order, not the file's, so a field can
	// use those before it (env_file's variables in env and command).
	es := d.entries(m)
	slices.SortStableFunc(es, func(a, b entry) int { return cmp.Compare(fieldIndex(fields, a.key), fieldIndex(fields, b.key)) })
	for _, e := range es {
		if strings.HasPrefix(e.key, extensionPrefix) {
			continue // a place for anchors and notes, as in Compose files
		}
		i := fieldIndex(fields, e.key)
		if i < 0 {
			names := mapSlice(fields, func(f field[T]) string { return f.name })
			if d.lenient {
				hint := ""
				if near, ok := nearest(e.key, names); ok {
					hint = fmt.Sprintf("did you mean %q?", near)
				}
				d.warnf(e.keyAt, hint, "unknown field %q in %s: ignored", clip(e.key), what)
			} else {
				d.errorf(e.keyAt, suggest(e.key, names), "unknown field %q in %s", clip(e.key), what)
			}
			continue
		}
		seen[e.key] = true
		fields[i].set(d, &fields[i].fieldInfo, e.value, dst)
	}
	for i := range fields {
		if f := &fields[i]; f.required && !seen[f.name] && (f.unless == "" || !seen[f.unless]) {
			at := n
			if m != nil {
				at = m
			}
			hint := ""
			if f.example != "" {
				hint = "add " + f.example
			}
			if f.unless != "" {
				if j := fieldIndex(fields, f.unless); j >= 0 && fields[j].example != "" {
					hint += ", or " + fields[j].example
				}
				d.errorf(at, hint, "%s has no %s or %s", what, f.name, f.unless)
				continue
			}
			d.errorf(at, hint, "%s has no %s", what, f.name)
		}
	}
}

func fieldIndex[T any](fields []field[T], name string) int {
	for i := range fields {
		if fields[i].name == name {
			return i
		}
	}
	return -1
}

// decodeNamed decodes a mapping of names to objects (managers, pools, pollers).
func decodeNamed[T any](d *decoder, n ast.Node, what string, newT func(name string, at Pos) T, fields []field[T]) []T {
	m, ok := d.mapping(n, what+"s")
	if !ok {
		return nil
	}
	var out []T
	for _, e := range d.entries(m) {
		if !d.checkName(e.keyAt, what, e.key) {
			continue
		}
		v := newT(e.key, posOf(e.keyAt))
		decodeObject(d, e.value, fmt.Sprintf("%s %q", what, clip(e.key)), fields, &v)
		out = append(out, v)
	}
	return out
}

// decodeTasks decodes a list of tasks.
func decodeTasks(d *decoder, n ast.Node, fields []field[Task]) []Task {
	seq, ok := d.sequence(n, "tasks", "write each task as a list item: - {name: web, command: [...]}")
	if !ok || seq == nil {
		return nil
	}
	out := make([]Task, 0, len(seq.Values))
	for _, item := range seq.Values {
		if !d.spend(item) {
			break
		}
		t := newTask()
		t.Pos = posOf(d.resolve(item))
		decodeObject(d, item, "task", fields, &t)
		out = append(out, t)
	}
	return out
}

func newManager(name string, at Pos) Manager {
	return Manager{Name: name, Limit: DefaultLimit, Watch: true, Pos: at}
}

func newPool(name string, at Pos) Pool {
	return Pool{Name: name, MaxWorkers: DefaultMaxWorkers, Pos: at}
}

func newPoller(name string, at Pos) Poller {
	return Poller{Name: name, Concurrency: DefaultConcurrency, Pos: at}
}

func newTask() Task {
	return Task{
		Restart:       RestartNever,
		Backoff:       Backoff{Initial: DefaultBackoffInit, Max: DefaultBackoffMax},
		MaxRestarts:   DefaultMaxRestarts,
		RestartWindow: DefaultRestartWindow,
		StopSignal:    DefaultStopSignal,
		StopGrace:     DefaultStopGrace,
	}
}

// check validates what spans objects: unique names, pool task types, backoff
// order. It fills in defaults that depend on other fields. It runs after
// decoding errors too, on whatever was decoded, so every problem is reported.
func (f *File) check(d *decoder) {
	type claimed struct {
		kind string
		at   Pos
	}
	groups := map[string]claimed{}
	claim := func(kind, name string, at Pos) {
		if first, dup := groups[name]; dup {
			d.errorAt(at, "managers, pools and pollers share one namespace: rename one of them",
				"duplicate name %q (first at line %d, a %s)", name, first.at.Line, first.kind)
			return
		}
		groups[name] = claimed{kind, at}
	}
	tasks := map[string]Pos{}
	checkTask := func(t *Task) {
		if t.Name == "" {
			return // already reported
		}
		if first, dup := tasks[t.Name]; dup {
			d.errorAt(t.Pos, "task names are unique in the whole file: rename one of them", "duplicate task %q (first at line %d)", t.Name, first.Line)
		} else {
			tasks[t.Name] = t.Pos
		}
		if t.Backoff.Max < t.Backoff.Initial {
			d.errorAt(t.Pos, "make max at least initial", "task %q has backoff max %s below initial %s", t.Name, t.Backoff.Max, t.Backoff.Initial)
		}
	}
	for i := range f.Managers {
		m := &f.Managers[i]
		claim("manager", m.Name, m.Pos)
		for j := range m.Tasks {
			checkTask(&m.Tasks[j])
		}
	}
	for i := range f.Pools {
		p := &f.Pools[i]
		claim("pool", p.Name, p.Pos)
		if p.TaskType == "" {
			p.TaskType = p.Name
		}
		for j := range p.Tasks {
			t := &p.Tasks[j]
			checkTask(t)
			switch {
			case t.Type == "":
				t.Type = p.TaskType
			case t.Type != p.TaskType:
				d.errorAt(t.Pos, fmt.Sprintf("set type: %s or leave it out", p.TaskType),
					"task %q has type %q but pool %q takes %q", t.Name, t.Type, p.Name, p.TaskType)
			}
		}
	}
	for i := range f.Pollers {
		claim("poller", f.Pollers[i].Name, f.Pollers[i].Pos)
	}
	f.checkSchedules(d) // schedule.go
}

// resolveDirs turns every dir into an absolute path, relative ones anchored at
// the file's directory; DirRaw keeps what was written.
func (f *File) resolveDirs() {
	resolve := func(raw string) string {
		switch {
		case raw == "":
			return f.Dir
		case filepath.IsAbs(raw):
			return filepath.Clean(raw)
		}
		return filepath.Join(f.Dir, raw)
	}
	for i := range f.Managers {
		for j := range f.Managers[i].Tasks {
			t := &f.Managers[i].Tasks[j]
			t.Dir = resolve(t.DirRaw)
		}
	}
	for i := range f.Pools {
		for j := range f.Pools[i].Tasks {
			t := &f.Pools[i].Tasks[j]
			t.Dir = resolve(t.DirRaw)
		}
	}
	for i := range f.Pollers {
		f.Pollers[i].Dir = resolve(f.Pollers[i].DirRaw)
	}
}
