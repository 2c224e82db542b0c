package engine

import (
	"context"
	"fmt"
	"runtime/debug"
	"strconv"
	"strings"
)

// call runs fn, turning a panic into an error with the goroutine's stack so the
// process never goes down because of a task.
func call(ctx context.Context, fn Func) (o outcome) {
	defer func() {
		if v := recover(); v != nil {
			o = outcome{
				returned: true,
				panicked: true,
				err:      fmt.Errorf("panic: %v", v),
				stack:    string(debug.Stack()),
			}
		}
	}()
	err := fn(ctx)
	return outcome{returned: true, err: err}
}

// quote names a task in event text: `t3 "fetch page 7"`.
func quote(t *task) string { return string(t.ident()) + " " + strconv.Quote(t.name) }

// firstLine returns s up to its first newline.
func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

func itoa(n int) string { return strconv.Itoa(n) }

// plural is n and noun, with an s unless n is 1: "1 task", "3 tasks".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return itoa(n) + " " + noun + "s"
}
