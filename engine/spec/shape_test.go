package spec

import (
	"errors"
	"fmt"
	"runtime"
	"runtime/metrics"
	"strings"
	"testing"
	"time"
)

// hostileShape is a small file built to make a YAML parser work hard.
type hostileShape struct {
	name      string
	src       string
	line, col int
	msg       string // a substring of the error at line:col
}

// hostileShapes are about 40 KB each, except where the size is the point.
func hostileShapes() []hostileShape {
	indented := func(n int) string {
		var b strings.Builder
		for i := range n {
			b.WriteString(strings.Repeat(" ", i) + "a:\n")
		}
		return b.String()
	}
	wide := func(n int) string {
		var b strings.Builder
		b.WriteString("x-wide:\n")
		for i := range n {
			fmt.Fprintf(&b, "  k%d: v\n", i)
		}
		return b.String()
	}
	amplified := func() string {
		// One list of 8,000 words named 5,000 times: 40 million argv entries
		// from 200 KB, without a single nested alias.
		var b strings.Builder
		b.WriteString("x-argv: &argv [" + strings.Repeat("a,", 8000) + "a]\nmanagers:\n  m:\n    tasks:\n")
		for i := range 5000 {
			fmt.Fprintf(&b, "      - {name: t%d, command: *argv}\n", i)
		}
		return b.String()
	}
	return []hostileShape{
		// The 64th "[" opens the 65th collection (the file's mapping is the first).
		{"flow sequences", "refresh: " + strings.Repeat("[", 20000) + strings.Repeat("]", 20000) + "\n", 1, 10 + 63, "nested more than 64 deep"},
		{"flow mappings", "x-a: " + strings.Repeat("{a: ", 8000) + "1" + strings.Repeat("}", 8000) + "\n", 1, 6 + 63*4, "nested more than 64 deep"},
		{"compact block sequences", strings.Repeat("- ", 20000) + "x\n", 1, 1 + 64*2, "nested more than 64 deep"},
		{"block indentation", indented(280), 65, 65, "nested more than 64 deep"},
		{"sequences in sequences", "x-a:\n" + strings.Repeat("- [", 12000) + "\n", 2, 31*3 + 3, "nested more than 64 deep"},
		// Found by FuzzParse: the parser takes the line after an empty entry as
		// its value even at the same column.
		{"empty entries at one column", strings.Repeat("-\n0:\n", 8000), 65, 1, "nested more than 64 deep"},
		// Found by FuzzParse: the value of a tag that ends its line is the
		// next node, whatever its column.
		{"tags at one column", strings.Repeat("k: !t\n", 6000), 65, 1, "nested more than 64 deep"},
		{"a wide block mapping", wide(5000), MaxMappingKeys + 2, 3, "more than 2048 keys"},
		{"aliases amplified", amplified(), 0, 0, "too many values through aliases"},
		// Found by FuzzParse: the parser's syntax error printed the long line
		// around it, for 205 MB.
		{"a syntax error after a long line", " " + strings.Repeat("[", 20000) + "\"0", 0, 0, "YAML:"},
		{"larger than the cap", "# " + strings.Repeat("x", MaxFileSize) + "\n", 1, MaxFileSize + 1, "larger than 256 KiB"},
	}
}

// allocated returns how many bytes fn allocates on the heap.
func allocated(fn func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	fn()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// TestParseHostileShapes: a small file that would make the YAML parser's
// memory or time grow with the square of its nesting, its width or its
// aliases is an error with a position, found cheaply.
func TestParseHostileShapes(t *testing.T) {
	const budget = 64 << 20 // bytes a rejected file may cost; 40 KB of "[" cost 640 MB
	for _, tc := range hostileShapes() {
		t.Run(tc.name, func(t *testing.T) {
			var err error
			cost := allocated(func() { _, err = Parse("hostile.yaml", []byte(tc.src)) })
			if cost > budget {
				t.Errorf("Parse of %d bytes allocated %d MB, want at most %d MB", len(tc.src), cost>>20, budget>>20)
			}
			var list ErrorList
			if !errors.As(err, &list) {
				t.Fatalf("Parse = %v, want an ErrorList", err)
			}
			var found *Error
			for _, e := range list {
				if strings.Contains(e.Msg, tc.msg) {
					found = e
					break
				}
			}
			switch {
			case found == nil:
				t.Errorf("no error says %q: %v", tc.msg, clipErr(err))
			case tc.line > 0 && (found.Line != tc.line || found.Col != tc.col):
				t.Errorf("error at %d:%d, want %d:%d: %v", found.Line, found.Col, tc.line, tc.col, found)
			case found.Line < 1 || found.Col < 1:
				t.Errorf("error without a position: %v", found)
			}
		})
	}
}

// TestParseErrorFlood: a file with thousands of problems lists the first
// ones and says how many more there are, so the dashboard's error line and
// the event ring stay small.
func TestParseErrorFlood(t *testing.T) {
	src := "managers:\n  m:\n    tasks:\n" + strings.Repeat("      - {name: same, command: [x]}\n", 5000)
	_, err := Parse("flood.yaml", []byte(src))
	var list ErrorList
	if !errors.As(err, &list) {
		t.Fatalf("Parse = %v, want an ErrorList", err)
	}
	if len(list) > maxErrors+1 {
		t.Errorf("%d errors listed, want at most %d", len(list), maxErrors+1)
	}
	if last := list[len(list)-1]; !strings.Contains(last.Msg, "4899 more problems") {
		t.Errorf("last error %q, want a count of the rest", last.Msg)
	}
	if n := list.Count(); n != 4999 {
		t.Errorf("Count = %d, want the 4999 problems found", n)
	}
}

// clipErr shortens an error for a failure message.
func clipErr(err error) string {
	s := fmt.Sprint(err)
	if len(s) > 300 {
		s = s[:300] + "…"
	}
	return s
}

// BenchmarkParseHostile reports what Parse costs on each hostile shape
// (B/op) and its peak live heap.
func BenchmarkParseHostile(b *testing.B) {
	for _, tc := range hostileShapes() {
		b.Run(strings.ReplaceAll(tc.name, " ", "_"), func(b *testing.B) {
			data := []byte(tc.src)
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			var peak uint64
			for b.Loop() {
				peak = max(peak, peakHeap(func() { _, _ = Parse("hostile.yaml", data) }))
			}
			b.ReportMetric(float64(peak)/(1<<20), "peak-MB")
		})
	}
}

// peakHeap runs fn and returns the most heap in use above what was in use
// before, as a sampler saw it while fn ran (runtime/metrics: no stop the world).
func peakHeap(fn func()) uint64 {
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	read := func() uint64 { metrics.Read(sample); return sample[0].Value.Uint64() }
	runtime.GC()
	base := read()
	done := make(chan struct{})
	peak := make(chan uint64)
	go func() {
		var top uint64
		for {
			top = max(top, read())
			select {
			case <-done:
				peak <- top
				return
			case <-time.After(100 * time.Microsecond):
			}
		}
	}()
	fn()
	close(done)
	return max(<-peak, base) - base
}

// TestShapeCoversTheParser: on inputs where the parser is lenient about
// columns, the shape check measures at least the nesting the parser builds
// (FuzzParse checks the same on what it generates).
func TestShapeCoversTheParser(t *testing.T) {
	for _, src := range []string{
		"-\n0:", "-\n0:\n-\n1:", strings.Repeat("-\n0:\n", 40), "- \n- \n0:", "-\n a:", "a:\n-\n0:",
		"k:\n- a\nnext: b", "k:\n-\nnext: b", "-\n0:\n1:", "a:\n-\n-\n-\n-", "- -\n  -\n  -",
		"- &a\n0:", "- !t\n0:", "- - - a", "[- - a]", "- [- [- a]]", "a: &x !t [1]", "a:\n  - [1,\n[2]]",
		"- # c\n0:", "-\n\n0:", "- a:\n  -\n  b:", "[0: 0]", "[a: [b: [c: d]]]", "[a: 1, b: [c: 2]]", "[? a : b]",
		"0:\n 0\n:\n 0\n:\n 0\n", "a\n:\n b\n :\n  c\n  :",
		"a: !t\nb: !t\nc: 1", "  - !t\nb:", "  a: !t\nb:\nc:", "- !t\n- !t\n- 1", "a: !t\n- b", "a:\n  b: !t\nc: 1",
		"a: !t &x\nb: 1", "a: &x !t\nb: 1", "- !t # c\n- 1",
	} {
		checked, built, ok := measureShapes([]byte(src))
		if ok && (built.depth > checked.depth || built.keys > checked.keys) {
			t.Errorf("%q: the parser built depth %d, %d keys; the check measured depth %d, %d keys",
				src, built.depth, built.keys, checked.depth, checked.keys)
		}
	}
}
