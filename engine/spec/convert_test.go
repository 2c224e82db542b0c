package spec

import (
	"path/filepath"
	"reflect"
	"testing"
)

// TestConvertRoundTrip: the spindle.yaml Convert writes parses, in the same
// directory, to the same File but for positions, the format, the warnings
// and the env files (whose variables it writes into env).
func TestConvertRoundTrip(t *testing.T) {
	for _, fx := range []string{
		"compose/chain/process-compose.yaml", "compose/rhombus/process-compose.yaml", "compose/env/process-compose.yaml",
		"compose/unsupported/process-compose.yaml", "procfile/ok/Procfile", examplePath,
	} {
		t.Run(fx, func(t *testing.T) {
			path := fx
			if !filepath.IsAbs(fx) && fx != examplePath {
				path = filepath.Join("testdata", fx)
			}
			orig, err := Load(path)
			if err != nil {
				t.Fatal(err)
			}
			out, err := Convert(orig)
			if err != nil {
				t.Fatal(err)
			}
			back, err := Parse(filepath.Join(filepath.Dir(path), "converted.yaml"), out)
			if err != nil {
				t.Fatalf("the converted file does not parse: %v\n%s", err, out)
			}
			if back.Format != FormatSpindle || len(back.ReadWarnings) != 0 {
				t.Errorf("converted: format %s, warnings %v", back.Format, back.ReadWarnings)
			}
			a, b := keptByConvert(orig), keptByConvert(back)
			if !reflect.DeepEqual(a, b) {
				t.Errorf("round trip differs:\norig %+v\nback %+v\n%s", a, b, out)
			}
		})
	}
}

// keptByConvert is f without what a conversion does not keep.
func keptByConvert(f *File) File {
	c := *f
	c.Path, c.Format, c.ReadWarnings = "", "", nil
	c.Managers = mapSlice(f.Managers, func(m Manager) Manager { m.Pos, m.Tasks = Pos{}, mapSlice(m.Tasks, bareTask); return m })
	c.Pools = mapSlice(f.Pools, func(p Pool) Pool { p.Pos, p.Tasks = Pos{}, mapSlice(p.Tasks, bareTask); return p })
	c.Pollers = mapSlice(f.Pollers, func(p Poller) Poller { p.Pos = Pos{}; return p })
	return c
}

func bareTask(t Task) Task {
	t.Pos, t.EnvFiles = Pos{}, nil
	t.DependsOn = mapSlice(t.DependsOn, func(d Dependency) Dependency { d.Pos = Pos{}; return d })
	for _, p := range []**Probe{&t.Readiness, &t.Liveness} {
		if *p != nil {
			c := **p
			c.Pos = Pos{}
			*p = &c
		}
	}
	if t.Shutdown != nil {
		s := *t.Shutdown
		s.Pos = Pos{}
		t.Shutdown = &s
	}
	return t
}
