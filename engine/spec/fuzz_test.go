package spec

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/lexer"
	"github.com/goccy/go-yaml/parser"
)

// FuzzParse feeds the parser arbitrary files, seeded with the example file,
// the bad-input table and the hostile shapes. A file is head + body repeated
// + tail, so the fuzzer reaches the nesting and the size that small inputs
// never do (40 KB of "[" used to take 640 MB). Parse must never panic, must
// allocate about linearly in the file's size, and must return an ErrorList
// with positions for a bad file; a valid file must diff as unchanged against
// itself. What the shape check lets through to the YAML parser must nest no
// deeper, and be no wider, than it measured.
//
//	go test -run '^$' -fuzz FuzzParse -fuzztime 30s ./engine/spec
func FuzzParse(f *testing.F) {
	add := func(data []byte) { f.Add(data, []byte(nil), uint16(0), []byte(nil)) }
	add(readExample(f))
	for _, tc := range badInputs() {
		add([]byte(tc.src))
	}
	for _, tc := range orchBadInputs() {
		add([]byte(tc.src))
	}
	for _, fx := range []string{"compose/chain/process-compose.yaml", "compose/unsupported/process-compose.yaml", "procfile/ok/Procfile", "procfile/bad/Procfile"} {
		data, err := os.ReadFile(filepath.Join("testdata", fx))
		if err != nil {
			f.Fatal(err)
		}
		add(data)
	}
	f.Add([]byte("web: run "), []byte("$x ${y:-z} $$ "), uint16(20000), []byte("\n"))
	f.Add([]byte("processes:\n  a:\n    command: "), []byte("[["), uint16(100), []byte("\n"))
	add([]byte("x-a: &a {restart: always}\nmanagers:\n  m:\n    tasks:\n      - {<<: *a, name: t, command: [x]}\n"))
	grown := []struct {
		head, body string
		n          uint16
		tail       string
	}{
		{"refresh: ", "[", 20000, ""},
		{"x-a: ", "{a: ", 8000, ""},
		{"", "- ", 20000, "x\n"},
		{"x-a:\n", "- [", 12000, ""},
		{"x-a:\n", "  k: v\n", 5000, ""},
		{"x-a: [", "a, ", 2000, "a]\n"},
		{"x-a: &a [a, a, a, a]\nmanagers:\n  m:\n    tasks:\n", "      - {name: t, command: *a}\n", 5000, ""},
		{"# ", "x", 65535, "\n"},
	}
	for _, g := range grown {
		f.Add([]byte(g.head), []byte(g.body), g.n, []byte(g.tail))
	}
	f.Fuzz(func(t *testing.T, head, body []byte, repeat uint16, tail []byte) {
		data := grow(head, body, int(repeat), tail)
		var file *File
		var err error
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		file, err = Parse("fuzz.yaml", data)
		runtime.ReadMemStats(&after)
		if cost, bound := after.TotalAlloc-before.TotalAlloc, uint64(4<<10*len(data)+16<<20); cost > bound {
			t.Fatalf("Parse of %d bytes allocated %d MB (more than %d MB)", len(data), cost>>20, bound>>20)
		}
		checkParserBounds(t, data)
		if err != nil {
			var list ErrorList
			if !errors.As(err, &list) || len(list) == 0 {
				t.Fatalf("error %v (%T) is not a non-empty ErrorList", err, err)
			}
			for _, e := range list {
				if e.Line < 1 || e.Col < 1 || e.Msg == "" {
					t.Fatalf("error without a position or message: %+v", e)
				}
			}
			_ = err.Error()
			return
		}
		if file == nil {
			t.Fatal("no file and no error")
		}
		if p := Diff(file, file); !p.Empty() {
			t.Fatalf("a file differs from itself: %s", p.Summary())
		}
		_ = file.Summary()
	})
}

// grow returns head + body×n + tail, cut a little past MaxFileSize (so the
// size check is reached too).
func grow(head, body []byte, n int, tail []byte) []byte {
	const limit = MaxFileSize + 1<<10
	if len(body) == 0 {
		n = 0
	} else {
		n = min(n, limit/len(body)+1)
	}
	out := make([]byte, 0, min(len(head)+len(body)*n+len(tail), limit))
	out = append(out, head...)
	out = append(out, bytes.Repeat(body, n)...)
	out = append(out, tail...)
	return out[:min(len(out), limit)]
}

// checkParserBounds: when the shape check lets data through to the parser and
// the parser builds a tree, the tree nests no deeper and no block mapping has
// more keys than the check measured (so the bounds it enforces hold).
func checkParserBounds(t *testing.T, data []byte) {
	t.Helper()
	checked, built, ok := measureShapes(data)
	if ok && (built.depth > checked.depth || built.keys > checked.keys) {
		t.Fatalf("the parser built depth %d and %d keys in a mapping; the shape check measured depth %d, %d keys",
			built.depth, built.keys, checked.depth, checked.keys)
	}
}

// measureShapes returns what the shape check measured on data and what the
// parser built from it; ok is false when either refused data.
func measureShapes(data []byte) (checked, built shape, ok bool) {
	if len(data) > MaxFileSize {
		return checked, built, false
	}
	tokens := lexer.Tokenize(string(data))
	if tokens.InvalidToken() != nil {
		return checked, built, false
	}
	checked, e := checkShape("fuzz.yaml", tokens)
	if e != nil {
		return checked, built, false
	}
	file, err := parser.Parse(tokens, 0, parser.AllowDuplicateMapKey())
	if err != nil {
		return checked, built, false
	}
	for _, doc := range file.Docs {
		if doc != nil && doc.Body != nil {
			treeShape(doc.Body, 0, &built)
		}
	}
	return checked, built, true
}

// treeShape measures the nesting and the widest block mapping of a YAML tree.
func treeShape(n ast.Node, depth int, out *shape) {
	switch v := n.(type) {
	case *ast.MappingNode:
		out.depth = max(out.depth, depth+1)
		if !v.IsFlowStyle {
			out.keys = max(out.keys, len(v.Values))
		}
		for _, mv := range v.Values {
			treeShape(mv, depth+1, out)
		}
	case *ast.SequenceNode:
		out.depth = max(out.depth, depth+1)
		for _, item := range v.Values {
			treeShape(item, depth+1, out)
		}
	case *ast.MappingValueNode:
		treeShape(v.Key, depth, out)
		treeShape(v.Value, depth, out)
	case *ast.MappingKeyNode:
		treeShape(v.Value, depth, out)
	case *ast.AnchorNode:
		treeShape(v.Value, depth, out)
	case *ast.TagNode:
		treeShape(v.Value, depth, out)
	}
}

// FuzzDotenv feeds the env file parser arbitrary files: it must never panic,
// and a bad file is an ErrorList with positions.
//
//	go test -run '^$' -fuzz FuzzDotenv -fuzztime 30s ./engine/spec
func FuzzDotenv(f *testing.F) {
	for _, s := range []string{"A=1\n", "export B = two # c\n", "C=\"x\\n\n", "D='a' b\n", "1=2\n", "=\n", "E=\"multi\nline\"\n"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		_, err := parseDotenv("fuzz.env", data)
		var list ErrorList
		if err != nil && (!errors.As(err, &list) || len(list) == 0 || list[0].Line < 1 || list[0].Col < 1) {
			t.Fatalf("error %v is not an ErrorList with positions", err)
		}
	})
}
