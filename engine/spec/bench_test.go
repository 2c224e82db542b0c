package spec

import (
	"testing"
)

func BenchmarkParseExample(b *testing.B) {
	data := readExample(b)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse("spindle.yaml", data); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDiffExample(b *testing.B) {
	data := readExample(b)
	old, err := Parse("spindle.yaml", data)
	if err != nil {
		b.Fatal(err)
	}
	cur, _ := Parse("spindle.yaml", data)
	b.ReportAllocs()
	for b.Loop() {
		if p := Diff(old, cur); !p.Empty() {
			b.Fatal("not empty")
		}
	}
}

func BenchmarkSchema(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		_ = Schema()
	}
}
