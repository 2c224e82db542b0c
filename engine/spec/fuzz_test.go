package spec

import (
	"errors"
	"testing"
)

// FuzzParse feeds the parser arbitrary bytes, seeded with the example file and
// the bad-input table. It must never panic; a valid file must diff as
// unchanged against itself; an invalid one must be an ErrorList with positions.
//
//	go test -fuzz FuzzParse -fuzztime 30s ./engine/spec
func FuzzParse(f *testing.F) {
	f.Add(readExample(f))
	for _, tc := range badInputs() {
		f.Add([]byte(tc.src))
	}
	f.Add([]byte("x-a: &a {restart: always}\nmanagers:\n  m:\n    tasks:\n      - {<<: *a, name: t, command: [x]}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		file, err := Parse("fuzz.yaml", data)
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
