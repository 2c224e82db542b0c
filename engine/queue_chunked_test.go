package engine

import (
	"slices"
	"testing"

	"github.com/spindle-tui/spindle/model"
)

// TestChunkQueue drives a chunkQueue across chunk boundaries at both ends and
// checks its order, tombstones and reuse of emptied chunks.
func TestChunkQueue(t *testing.T) {
	tests := []struct {
		name  string
		back  int // pushed at the back: 1..back
		front int // then pushed at the front: -1..-front
		drop  []int
	}{
		{name: "empty"},
		{name: "one chunk", back: 10},
		{name: "many chunks", back: 3*chunkSize + 7},
		{name: "front across chunks", back: 5, front: chunkSize + 3},
		{name: "tombstones", back: 2*chunkSize + 1, front: 2, drop: []int{1, chunkSize, 2*chunkSize + 1, -2}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var q chunkQueue[*int]
			var want []int
			vals := map[int]*int{}
			for i := 1; i <= tt.back; i++ {
				v := i
				vals[i] = &v
				q.pushBack(&v)
				want = append(want, i)
			}
			for i := 1; i <= tt.front; i++ {
				v := -i
				vals[-i] = &v
				q.pushFront(&v)
				want = append([]int{-i}, want...)
			}
			for _, d := range tt.drop {
				if !q.remove(vals[d]) {
					t.Fatalf("remove(%d) = false", d)
				}
				want = slices.DeleteFunc(want, func(x int) bool { return x == d })
			}
			var seen []int
			q.each(func(p *int) bool { seen = append(seen, *p); return true })
			if !slices.Equal(seen, want) {
				t.Fatalf("each = %v, want %v", seen, want)
			}
			// Drain half by popFrontN in uneven batches, the rest by popFront.
			var got []int
			buf := make([]*int, 7)
			for len(got) < len(want)/2 {
				n := q.popFrontN(buf)
				if n == 0 {
					t.Fatalf("popFrontN = 0 with %d left", len(want)-len(got))
				}
				for _, p := range buf[:n] {
					got = append(got, *p)
				}
			}
			for p := q.popFront(); p != nil; p = q.popFront() {
				got = append(got, *p)
			}
			if !slices.Equal(got, want) {
				t.Fatalf("popFrontN/popFront order = %v, want %v", got, want)
			}
			if q.popFrontN(buf) != 0 {
				t.Fatal("popFrontN on an empty queue")
			}
			if q.chunks.n != 0 || len(q.spare) > chunkSpare {
				t.Fatalf("drained queue keeps %d chunks, %d spare", q.chunks.n, len(q.spare))
			}
			x := 42
			q.pushBack(&x) // a spare chunk comes back clean
			if p := q.popFront(); p != &x || q.popFront() != nil {
				t.Fatal("reused chunk is not empty")
			}
		})
	}
}

// TestTaskIDRoundTrip checks that pool work's numeric ids format and parse
// back, and that other spellings are not taken for them.
func TestTaskIDRoundTrip(t *testing.T) {
	for _, n := range []uint64{1, 35, 36, 1 << 40, ^uint64(0)} {
		id := formatTaskID(n)
		if got, ok := parseTaskID(id); !ok || got != n {
			t.Errorf("parseTaskID(%q) = %d, %v; want %d", id, got, ok, n)
		}
	}
	for _, id := range []string{"", "t", "x1", "T1", "t01", "tA", "t-1", "t1 "} {
		if n, ok := parseTaskID(model.TaskID(id)); ok {
			t.Errorf("parseTaskID(%q) = %d, true; want false", id, n)
		}
	}
}
