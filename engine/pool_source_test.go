package engine_test

import (
	"context"
	"testing"
	"testing/synctest"

	"github.com/spindle-tui/spindle/engine"
)

// TestSubmitAlternatingContexts: a submission compares its context with the
// last one's once that one's type is known comparable, so a context of an
// uncomparable type after a comparable one (and the reverse) must compare
// unequal, not panic.
func TestSubmitAlternatingContexts(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := engine.New()
		p := startPool(t, e, "p", engine.PoolConfig{MaxWorkers: 1})
		odd := sliceCtx{Context: context.Background(), tags: []string{"a"}}
		var fs []*engine.Future
		for i := range 6 {
			ctx := context.Background()
			if i%2 == 1 {
				ctx = odd
			}
			fs = append(fs, mustSubmit(t, ctx, p, "w", func(context.Context) error { return nil }))
		}
		for _, f := range fs {
			if err := f.Wait(context.Background()); err != nil {
				t.Fatal(err)
			}
		}
		closeEngine(t, e)
	})
}
