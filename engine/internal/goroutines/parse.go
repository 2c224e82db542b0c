// Package goroutines reads Go goroutine profiles — the text of
// /debug/pprof/goroutine?debug=2 (every goroutine: state, wait, stack, creator)
// and ?debug=1 (stacks counted by pprof labels) — and groups the goroutines by
// identical stack and labels, with a history of each group's count. It serves
// the engine's own process (runtime/pprof) and any Go service that serves
// net/http/pprof alike.
package goroutines

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/maruel/panicparse/v2/stack"
)

// Frame is one call in a stack: the function and the file:line it is at.
type Frame struct {
	Func string
	File string
	Line int
}

// Goroutine is one goroutine of a debug=2 dump.
type Goroutine struct {
	ID        int
	State     string // "chan receive", "select", "IO wait", "running" ...
	WaitMin   int    // minutes blocked, as the runtime reports it (only once it is 1 or more)
	Locked    bool   // locked to an OS thread
	Frames    []Frame
	CreatedBy Frame // zero for the main goroutine and the runtime's own
}

// Record is one stack of a debug=1 profile: how many goroutines have it and
// the labels they carry (nil when none).
type Record struct {
	Count  int
	Labels map[string]string
	Frames []Frame
}

// ErrNoGoroutines is returned for a debug=2 text that holds no goroutine (an
// HTML page, an error message, the wrong URL).
var ErrNoGoroutines = errors.New("goroutines: no goroutine in the dump")

// ParseStacks reads a debug=2 goroutine dump with panicparse.
func ParseStacks(r io.Reader) ([]Goroutine, error) {
	snap, _, err := stack.ScanSnapshot(r, io.Discard, &stack.Opts{})
	if err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("goroutines: reading the dump: %w", err)
	}
	if snap == nil || len(snap.Goroutines) == 0 {
		return nil, ErrNoGoroutines
	}
	gs := make([]Goroutine, len(snap.Goroutines))
	for i, g := range snap.Goroutines {
		out := &gs[i]
		out.ID, out.State, out.WaitMin, out.Locked = g.ID, g.State, g.SleepMax, g.Locked
		out.Frames = make([]Frame, len(g.Stack.Calls))
		for j := range g.Stack.Calls {
			out.Frames[j] = frameOf(&g.Stack.Calls[j])
		}
		if len(g.CreatedBy.Calls) > 0 {
			out.CreatedBy = frameOf(&g.CreatedBy.Calls[0])
			// "created by main.start in goroutine 1": the creator's id is not
			// part of where it was created.
			if i := strings.Index(out.CreatedBy.Func, " in goroutine "); i >= 0 {
				out.CreatedBy.Func = out.CreatedBy.Func[:i]
			}
		}
	}
	return gs, nil
}

func frameOf(c *stack.Call) Frame {
	return Frame{Func: c.Func.Complete, File: c.RemoteSrcPath, Line: c.Line}
}

// ParseLabels reads a debug=1 goroutine profile: records of a count, a stack
// and, when the goroutines carry pprof labels, a "# labels: {...}" line.
func ParseLabels(r io.Reader) ([]Record, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 4<<20)
	var (
		recs []Record
		cur  *Record
		line int
	)
	for sc.Scan() {
		line++
		b := sc.Bytes()
		switch {
		case len(b) == 0:
			cur = nil
		case b[0] >= '1' && b[0] <= '9': // "3 @ 0x... 0x..."
			n, _, ok := bytes.Cut(b, []byte(" @ "))
			if !ok {
				continue
			}
			count, err := strconv.Atoi(string(n))
			if err != nil {
				return nil, fmt.Errorf("goroutines: profile line %d: bad count %q", line, n)
			}
			recs = append(recs, Record{Count: count})
			cur = &recs[len(recs)-1]
		case cur == nil:
		case bytes.HasPrefix(b, []byte("# labels: ")):
			labels, err := parseLabelSet(string(b[len("# labels: "):]))
			if err != nil {
				return nil, fmt.Errorf("goroutines: profile line %d: %w", line, err)
			}
			cur.Labels = labels
		case bytes.HasPrefix(b, []byte("#\t")):
			if f, ok := parseProfileFrame(string(b[2:])); ok {
				cur.Frames = append(cur.Frames, f)
			}
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("goroutines: reading the profile: %w", err)
	}
	return recs, nil
}

// parseProfileFrame reads "0x4dc198\tmain.main.func1.2+0x18\t/tmp/main.go:14"
// (tabs between the fields, more than one before the file).
func parseProfileFrame(s string) (Frame, bool) {
	fields := strings.Fields(s)
	if len(fields) < 3 {
		return Frame{}, false
	}
	fn := fields[1]
	if i := strings.LastIndex(fn, "+0x"); i >= 0 {
		fn = fn[:i]
	}
	loc := fields[len(fields)-1]
	i := strings.LastIndexByte(loc, ':')
	if i < 0 {
		return Frame{}, false
	}
	n, err := strconv.Atoi(loc[i+1:])
	if err != nil {
		return Frame{}, false
	}
	return Frame{Func: fn, File: loc[:i], Line: n}, true
}

// parseLabelSet reads `{"k":"v", "k2":"v2"}`, keys and values quoted the way
// Go quotes strings.
func parseLabelSet(s string) (map[string]string, error) {
	s = strings.TrimSpace(s)
	if len(s) < 2 || s[0] != '{' || s[len(s)-1] != '}' {
		return nil, fmt.Errorf("labels %q: want {\"key\":\"value\", ...}", s)
	}
	s = s[1 : len(s)-1]
	m := map[string]string{}
	for s = strings.TrimSpace(s); s != ""; s = strings.TrimSpace(s) {
		k, rest, err := quoted(s)
		if err != nil {
			return nil, err
		}
		rest = strings.TrimSpace(rest)
		if !strings.HasPrefix(rest, ":") {
			return nil, fmt.Errorf("labels: want ':' after %q", k)
		}
		v, rest, err := quoted(strings.TrimSpace(rest[1:]))
		if err != nil {
			return nil, err
		}
		m[k] = v
		s = strings.TrimPrefix(strings.TrimSpace(rest), ",")
	}
	return m, nil
}

func quoted(s string) (string, string, error) {
	q, err := strconv.QuotedPrefix(s)
	if err != nil {
		return "", "", fmt.Errorf("labels: bad quoted string at %q: %w", s, err)
	}
	v, err := strconv.Unquote(q)
	if err != nil {
		return "", "", fmt.Errorf("labels: bad quoted string %s: %w", q, err)
	}
	return v, s[len(q):], nil
}
