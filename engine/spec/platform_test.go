package spec

import (
	"errors"
	"strings"
	"testing"

	"github.com/spindle-tui/spindle/engine"
)

func TestCheckPlatform(t *testing.T) {
	const src = `managers:
  builds:
    tasks:
      - {name: vet, command: [go, vet]}
pools:
  io:
    tasks:
      - name: sync
        command: [rsync]
pollers:
  disk: {period: 2s, command: [df]}
`
	f := mustParse(t, "spindle.yaml", src)
	d := newDecoder("spindle.yaml", nil)
	f.checkPlatform(d, true)
	if len(d.errs) != 0 {
		t.Fatalf("supported: %v", d.errs)
	}
	f.checkPlatform(d, false)
	d.errs.sort()
	want := []string{
		`spindle.yaml:4:10: task "vet": ` + engine.ErrProcessUnsupported.Error(),
		`spindle.yaml:8:9: task "sync": ` + engine.ErrProcessUnsupported.Error(),
		`spindle.yaml:11:3: poller "disk": ` + engine.ErrProcessUnsupported.Error(),
	}
	if len(d.errs) != len(want) {
		t.Fatalf("errors: %v", d.errs)
	}
	for i, e := range d.errs {
		if !strings.HasPrefix(e.Error(), want[i]) || e.Hint == "" {
			t.Errorf("error %d: %q, want %q with a hint", i, e.Error(), want[i])
		}
		if !errors.Is(d.errs, e) {
			t.Errorf("error %d not in the list", i)
		}
	}
}
