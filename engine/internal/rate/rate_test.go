package rate

import (
	"slices"
	"testing"
)

const sec = int64(1e9)

func TestRates(t *testing.T) {
	tests := []struct {
		name  string
		reads [][2]int64 // (seconds since start as ns, count)
		want  []float64
	}{
		{name: "no read yet", want: nil},
		{name: "the first read only starts the window", reads: [][2]int64{{0, 5}}, want: nil},
		{name: "within a second: no sample", reads: [][2]int64{{0, 0}, {sec / 2, 10}}, want: nil},
		{name: "one per second", reads: [][2]int64{{0, 0}, {sec, 10}, {2 * sec, 30}}, want: []float64{10, 20}},
		{name: "a gap is spread evenly", reads: [][2]int64{{0, 0}, {4 * sec, 40}}, want: []float64{10, 10, 10, 10}},
		{name: "a part second carries over", reads: [][2]int64{{0, 0}, {sec + sec/2, 15}, {2 * sec, 20}}, want: []float64{15, 5}},
		{name: "keeps the last n", reads: [][2]int64{{0, 0}, {10 * sec, 10}}, want: []float64{1, 1, 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := New(3)
			if tt.name != "keeps the last n" {
				r = New(60)
			}
			for _, rd := range tt.reads {
				r.Advance(rd[0]+1, rd[1]) // +1: a zero time means "not started"
			}
			if got := r.OldestFirst(); !slices.Equal(got, tt.want) {
				t.Fatalf("samples %v, want %v", got, tt.want)
			}
		})
	}
}

func BenchmarkAdvance(b *testing.B) {
	r := New(60)
	var now, n int64 = 1, 0
	for b.Loop() {
		now += sec / 10
		n += 7
		r.Advance(now, n)
	}
}
