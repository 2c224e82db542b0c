package keymap

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"
	"github.com/goccy/go-yaml/token"
)

// The user's key bindings live in a YAML file, $XDG_CONFIG_HOME/spindle/config.yaml
// (see ConfigPath), in its keys section: an action name (see Actions) and the
// keys bound to it, one or a list; an empty list unbinds the action.
//
//	keys:
//	  halt: ctrl+h
//	  kill: [x, delete]
//	  tree: []
//
// Load checks it the way the task file is checked: every problem with its
// file:line:col, nothing applied unless all of it is right.

// Bounds on a config file: it is a few lines, and the YAML parser's memory
// grows with nesting, so what reaches it is small and flat.
const (
	MaxConfigBytes = 16 << 10 // a larger file is refused
	maxIndent      = 24       // columns of indentation (block nesting)
	maxFlowDepth   = 4        // nested [ ] and { }
)

// ErrConfig is matched (errors.Is) by every ConfigErrors.
var ErrConfig = errors.New("keymap: bad config")

// ConfigError is one problem in a config file, where it is.
type ConfigError struct {
	File string
	Line int // 1-based; 0 when the problem has no position (an unreadable file)
	Col  int
	Msg  string
}

// Error renders e as "file:line:col: msg".
func (e *ConfigError) Error() string {
	if e.Line == 0 {
		return e.File + ": " + e.Msg
	}
	return fmt.Sprintf("%s:%d:%d: %s", e.File, e.Line, e.Col, e.Msg)
}

// ConfigErrors is every problem found in a config file, in file order.
type ConfigErrors []*ConfigError

// Error renders every problem, one a line.
func (l ConfigErrors) Error() string {
	lines := make([]string, len(l))
	for i, e := range l {
		lines[i] = e.Error()
	}
	return strings.Join(lines, "\n")
}

// Is makes errors.Is(err, ErrConfig) true.
func (l ConfigErrors) Is(target error) bool { return target == ErrConfig }

// ConfigPath returns where the user's config is read from:
// $XDG_CONFIG_HOME/spindle/config.yaml, else the platform's config directory
// (os.UserConfigDir: ~/.config on Linux); "" when there is none.
func ConfigPath() string {
	dir := os.Getenv("XDG_CONFIG_HOME")
	if dir == "" {
		d, err := os.UserConfigDir()
		if err != nil {
			return ""
		}
		dir = d
	}
	return filepath.Join(dir, "spindle", "config.yaml")
}

// Load returns the default bindings with the config file at path applied. A
// missing file (or an empty path) is no error: the defaults. A file that is
// not a regular file, is over MaxConfigBytes, or has any problem returns the
// defaults and the error (ConfigErrors when it has positions), so a dashboard
// can start and say why its keys are the default ones.
func Load(path string) (KeyMap, error) {
	if path == "" {
		return Default(), nil
	}
	data, err := readConfig(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return Default(), nil
	case err != nil:
		return Default(), ConfigErrors{{File: path, Msg: err.Error()}}
	}
	return Parse(path, data)
}

// readConfig reads a regular file of at most MaxConfigBytes (never a FIFO or a
// device, which could block or never end).
func readConfig(path string) ([]byte, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("not a regular file (%s)", st.Mode().Type())
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxConfigBytes+1))
	if err != nil {
		return nil, err
	}
	if len(data) > MaxConfigBytes {
		return nil, fmt.Errorf("larger than %d bytes", MaxConfigBytes)
	}
	return data, nil
}

// Parse returns the default bindings with the config in data applied; path
// names it in errors. On any problem it returns the defaults and ConfigErrors
// holding every problem found.
func Parse(path string, data []byte) (KeyMap, error) {
	c := configParser{file: path, actions: map[string]ast.Node{}}
	c.parse(data)
	if len(c.errs) > 0 {
		return Default(), c.errs
	}
	k := Default()
	if err := k.Override(c.keys); err != nil {
		var ce *ConflictError
		at := ast.Node(nil)
		if errors.As(err, &ce) {
			at = c.actions[ce.Actions[1]]
			if at == nil {
				at = c.actions[ce.Actions[0]]
			}
		}
		c.errorf(at, "%s", strings.TrimPrefix(err.Error(), "keymap: "))
		return Default(), c.errs
	}
	return k, nil
}

// configParser walks a config's YAML into an Override map, collecting every
// problem with its position.
type configParser struct {
	file    string
	errs    ConfigErrors
	keys    map[string][]string
	actions map[string]ast.Node // where each action was given, by its normalized name
}

// errorf records a problem at n's position (1:1 when n is nil).
func (c *configParser) errorf(n ast.Node, format string, args ...any) {
	line, col := 1, 1
	if n != nil {
		if tk := n.GetToken(); tk != nil && tk.Position != nil {
			line, col = max(tk.Position.Line, 1), max(tk.Position.Column, 1)
		}
	}
	c.errs = append(c.errs, &ConfigError{File: c.file, Line: line, Col: col, Msg: fmt.Sprintf(format, args...)})
}

// parse checks the bounds, parses the YAML and reads its sections.
func (c *configParser) parse(data []byte) {
	if len(data) > MaxConfigBytes {
		c.errs = append(c.errs, &ConfigError{File: c.file, Line: 1, Col: 1, Msg: fmt.Sprintf("larger than %d bytes", MaxConfigBytes)})
		return
	}
	if line, col, why := tooDeep(data); why != "" {
		c.errs = append(c.errs, &ConfigError{File: c.file, Line: line, Col: col, Msg: why})
		return
	}
	root, err := parseYAML(data)
	if err != nil {
		err.File = c.file
		c.errs = append(c.errs, err)
		return
	}
	if root == nil {
		return // an empty file: the defaults
	}
	top, ok := root.(*ast.MappingNode)
	if !ok {
		c.errorf(root, "a config file is a mapping with a keys section")
		return
	}
	for _, kv := range top.Values {
		switch name := scalar(kv.Key); name {
		case "keys":
			c.keysSection(kv.Value)
		default:
			c.errorf(kv.Key, "unknown field %q (a config file has: keys)", name)
		}
	}
}

// parseYAML parses data into its one document's root (nil when empty). The
// parser is third-party code: a panic in it is a parse error.
func parseYAML(data []byte) (root ast.Node, cerr *ConfigError) {
	defer func() {
		if r := recover(); r != nil {
			root, cerr = nil, &ConfigError{Line: 1, Col: 1, Msg: fmt.Sprintf("cannot parse YAML: %v", r)}
		}
	}()
	f, err := parser.ParseBytes(data, 0)
	if err != nil {
		e := &ConfigError{Line: 1, Col: 1, Msg: "YAML: " + err.Error()}
		if se, ok := err.(interface {
			GetMessage() string
			GetToken() *token.Token
		}); ok {
			e.Msg = "YAML: " + se.GetMessage()
			if tk := se.GetToken(); tk != nil && tk.Position != nil {
				e.Line, e.Col = max(tk.Position.Line, 1), max(tk.Position.Column, 1)
			}
		}
		return nil, e
	}
	for _, doc := range f.Docs {
		if doc != nil && doc.Body != nil {
			if root != nil {
				return nil, &ConfigError{Line: 1, Col: 1, Msg: "a config file holds one YAML document"}
			}
			root = doc.Body
		}
	}
	if _, null := root.(*ast.NullNode); null {
		return nil, nil
	}
	return root, nil
}

// keysSection reads `keys:`: action names and their keys.
func (c *configParser) keysSection(n ast.Node) {
	if _, null := n.(*ast.NullNode); null || n == nil {
		return
	}
	m, ok := n.(*ast.MappingNode)
	if !ok {
		c.errorf(n, "keys is a mapping of action names to keys, such as halt: ctrl+h")
		return
	}
	known := map[string]bool{}
	for _, a := range Actions() {
		known[a] = true
	}
	c.keys = map[string][]string{}
	for _, kv := range m.Values {
		name := scalar(kv.Key)
		norm := strings.ReplaceAll(strings.ToLower(name), "-", "_")
		switch {
		case !known[norm]:
			c.errorf(kv.Key, "unknown action %q (actions: %s)", name, strings.Join(Actions(), ", "))
			continue
		case c.actions[norm] != nil:
			c.errorf(kv.Key, "action %q is given twice", name)
			continue
		}
		c.actions[norm] = kv.Key
		if keys, ok := c.keyList(kv.Value); ok {
			c.keys[norm] = keys
		}
	}
}

// keyList reads an action's keys: one key, or a list of them.
func (c *configParser) keyList(n ast.Node) ([]string, bool) {
	var nodes []ast.Node
	switch v := n.(type) {
	case *ast.SequenceNode:
		nodes = v.Values
	case *ast.StringNode, *ast.IntegerNode, *ast.LiteralNode:
		nodes = []ast.Node{v}
	case *ast.NullNode:
		c.errorf(n, "no keys given: write [] to unbind the action")
		return nil, false
	default:
		c.errorf(n, "keys are a key (ctrl+h) or a list of keys ([x, delete])")
		return nil, false
	}
	keys := make([]string, 0, len(nodes))
	ok := true
	for _, kn := range nodes {
		k := scalar(kn)
		switch {
		case k == "":
			c.errorf(kn, "a key is a name such as x, ctrl+h, f5 or space")
			ok = false
		case strings.ContainsAny(k, " \t\r\n") || strings.ContainsFunc(k, isControl):
			c.errorf(kn, "key %q holds blanks or control characters (space is written space)", k)
			ok = false
		default:
			keys = append(keys, k)
		}
	}
	return keys, ok
}

// isControl reports whether r is a control character.
func isControl(r rune) bool { return r < 0x20 || r == 0x7f || r >= 0x80 && r < 0xa0 }

// scalar returns the text of a plain scalar node ("" for anything else).
func scalar(n ast.Node) string {
	switch v := n.(type) {
	case *ast.StringNode:
		return v.Value
	case *ast.IntegerNode, *ast.LiteralNode:
		return v.GetToken().Value
	}
	return ""
}

// tooDeep reports the first place where data nests deeper than a keys file
// ever needs (indentation past maxIndent, flow brackets past maxFlowDepth),
// so that no deeply nested input reaches the parser.
func tooDeep(data []byte) (line, col int, why string) {
	line, col = 1, 1
	depth, indent, lineStart := 0, 0, true
	var quote byte
	for _, b := range data {
		switch {
		case b == '\n':
			line, col, indent, lineStart = line+1, 0, 0, true
			quote = 0 // a comment ends here; a quoted key does not span lines
		case quote != 0:
			if b == quote {
				quote = 0
			}
		case lineStart && b == ' ':
			indent++
			if indent > maxIndent {
				return line, col, fmt.Sprintf("indented more than %d columns: a config file is flat", maxIndent)
			}
		case b == '#':
			lineStart = false
			quote = '\n' // a comment runs to the end of the line
		case b == '"' || b == '\'':
			lineStart, quote = false, b
		case b == '[' || b == '{':
			lineStart = false
			if depth++; depth > maxFlowDepth {
				return line, col, fmt.Sprintf("brackets nested more than %d deep: a config file is flat", maxFlowDepth)
			}
		case b == ']' || b == '}':
			lineStart, depth = false, max(depth-1, 0)
		default:
			lineStart = false
		}
		col++
	}
	return 0, 0, ""
}
