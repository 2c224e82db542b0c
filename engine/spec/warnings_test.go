package spec

import (
	"strings"
	"testing"
)

// TestWarningsStarvedQueue: a watching manager whose limit is taken by tasks
// that always restart never starts the rest; validate warns (the file is
// still valid).
func TestWarningsStarvedQueue(t *testing.T) {
	tests := []struct {
		name string
		yaml string
		want []string // substrings of the warnings, one each; none when empty
	}{
		{"limit 1 behind a server", `
managers:
  stack:
    tasks:
      - {name: web, command: [python3, -m, http.server], restart: always}
      - {name: worker, command: [sleep, "1"]}
`, []string{`spindle.yaml:3:3: manager "stack": its limit 1 is taken by web, which always restarts: worker never starts (raise limit to 2, or give web a manager of its own)`}},
		{"two servers fill a limit of 2", `
managers:
  stack:
    limit: 2
    tasks:
      - {name: web, command: [a], restart: always}
      - {name: api, command: [b], restart: always}
      - {name: once, command: [c]}
      - {name: twice, command: [d]}
`, []string{`its limit 2 is taken by web and api, which always restart: once and twice never start (raise limit to 4`}},
		{"room for the rest", `
managers:
  stack:
    limit: 2
    tasks:
      - {name: web, command: [a], restart: always}
      - {name: worker, command: [b]}
`, nil},
		{"not watching: the user runs it", `
managers:
  stack:
    watch: false
    tasks:
      - {name: web, command: [a], restart: always}
      - {name: worker, command: [b]}
`, nil},
		{"only servers", `
managers:
  stack:
    tasks:
      - {name: web, command: [a], restart: always}
`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := Parse("spindle.yaml", []byte(tt.yaml))
			if err != nil {
				t.Fatalf("a file that only warns must parse: %v", err)
			}
			ws := f.Warnings()
			if len(ws) != len(tt.want) {
				t.Fatalf("%d warnings %v, want %d", len(ws), ws, len(tt.want))
			}
			for i, w := range tt.want {
				if got := ws[i].Error(); !strings.Contains(got, w) {
					t.Errorf("warning %q, want it to hold %q", got, w)
				}
			}
		})
	}
}
