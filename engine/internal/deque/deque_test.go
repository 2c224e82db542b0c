package deque

import (
	"fmt"
	"slices"
	"testing"
)

// collect returns the entries from the front.
func collect(q *Deque[*int]) []int {
	var out []int
	q.Each(func(p *int) bool { out = append(out, *p); return true })
	return out
}

func TestDeque(t *testing.T) {
	tests := []struct {
		name        string
		back, front int   // pushed at the back 1..back, then at the front -1..-front
		drop        []int // removed from the middle
		pop         int   // popped from the front
	}{
		{name: "empty"},
		{name: "back only", back: 5},
		{name: "front only", front: 5},
		{name: "grows past the first buffer", back: 100, front: 37},
		{name: "tombstones inside and at both ends", back: 20, front: 3, drop: []int{-3, 5, 6, 20}},
		{name: "pop past tombstones", back: 10, drop: []int{1, 2, 3}, pop: 4},
		{name: "pop everything", back: 40, front: 2, pop: 42},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var q Deque[*int]
			vals := map[int]*int{}
			var want []int
			for i := 1; i <= tt.back; i++ {
				v := i
				vals[i] = &v
				q.PushBack(&v)
				want = append(want, i)
			}
			for i := 1; i <= tt.front; i++ {
				v := -i
				vals[-i] = &v
				q.PushFront(&v)
				want = append([]int{-i}, want...)
			}
			for _, d := range tt.drop {
				if !q.Remove(vals[d]) {
					t.Fatalf("Remove(%d) = false", d)
				}
				want = slices.DeleteFunc(want, func(x int) bool { return x == d })
			}
			if q.Remove(new(int)) {
				t.Fatal("Remove of an absent entry = true")
			}
			for range tt.pop {
				got := q.PopFront()
				if got == nil || *got != want[0] {
					t.Fatalf("PopFront = %v, want %d", got, want[0])
				}
				want = want[1:]
			}
			if got := collect(&q); !slices.Equal(got, want) {
				t.Fatalf("entries %v, want %v", got, want)
			}
			if q.Len() != len(want) {
				t.Fatalf("Len %d, want %d", q.Len(), len(want))
			}
			if len(want) == 0 && q.PopFront() != nil {
				t.Fatal("PopFront of an empty queue is not the zero value")
			}
		})
	}
}

// Across chunk boundaries at both ends, with tombstones: the order holds, a
// drained queue keeps no chunk but a few spares, and a spare comes back clean.
func TestDequeChunks(t *testing.T) {
	tests := []struct {
		name        string
		back, front int
		drop        []int
	}{
		{name: "one chunk", back: 10},
		{name: "many chunks", back: 3*chunkSize + 7},
		{name: "front across chunks", back: 5, front: chunkSize + 3},
		{name: "tombstones", back: 2*chunkSize + 1, front: 2, drop: []int{1, chunkSize, 2*chunkSize + 1, -2}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var q Deque[*int]
			var want []int
			vals := map[int]*int{}
			for i := 1; i <= tt.back; i++ {
				v := i
				vals[i] = &v
				q.PushBack(&v)
				want = append(want, i)
			}
			for i := 1; i <= tt.front; i++ {
				v := -i
				vals[-i] = &v
				q.PushFront(&v)
				want = append([]int{-i}, want...)
			}
			for _, d := range tt.drop {
				if !q.Remove(vals[d]) {
					t.Fatalf("Remove(%d) = false", d)
				}
				want = slices.DeleteFunc(want, func(x int) bool { return x == d })
			}
			if got := collect(&q); !slices.Equal(got, want) {
				t.Fatalf("Each = %v, want %v", got, want)
			}
			// Drain half by PopFrontN in uneven batches, the rest by PopFront.
			var got []int
			buf := make([]*int, 7)
			for len(got) < len(want)/2 {
				n := q.PopFrontN(buf)
				if n == 0 {
					t.Fatalf("PopFrontN = 0 with %d left", len(want)-len(got))
				}
				for _, p := range buf[:n] {
					got = append(got, *p)
				}
			}
			for p := q.PopFront(); p != nil; p = q.PopFront() {
				got = append(got, *p)
			}
			if q.PopFrontN(buf) != 0 {
				t.Fatal("PopFrontN on an empty queue")
			}
			if !slices.Equal(got, want) {
				t.Fatalf("PopFront order = %v, want %v", got, want)
			}
			if q.n != 0 || len(q.spare) > spareChunks {
				t.Fatalf("drained queue keeps %d chunks, %d spare", q.n, len(q.spare))
			}
			x := 42
			q.PushBack(&x) // a spare chunk comes back clean
			if p := q.PopFront(); p != &x || q.PopFront() != nil {
				t.Fatal("reused chunk is not empty")
			}
		})
	}
}

func BenchmarkPushPop(b *testing.B) {
	var q Deque[*int]
	v := new(int)
	for b.Loop() {
		q.PushBack(v)
		q.PopFront()
	}
}

func BenchmarkBacklog(b *testing.B) {
	v := new(int)
	for b.Loop() {
		var q Deque[*int]
		for range 10_000 {
			q.PushBack(v)
		}
		for q.Len() > 0 {
			q.PopFront()
		}
	}
}

type item struct{ name string }

func names(q *Deque[*item]) string {
	var out []string
	q.Each(func(t *item) bool {
		out = append(out, t.name)
		return true
	})
	return fmt.Sprint(out)
}

// The cases of the manager queue's test before it moved here.
func TestDequeOps(t *testing.T) {
	mk := func(n string) *item { return &item{name: n} }
	tests := []struct {
		name string
		ops  func(q *Deque[*item], byName map[string]*item)
		want string
		n    int // entries left
	}{
		{"fifo", func(q *Deque[*item], _ map[string]*item) {}, "[a b c d e]", 5},
		{"pop front", func(q *Deque[*item], _ map[string]*item) { q.PopFront(); q.PopFront() }, "[c d e]", 3},
		{"push front", func(q *Deque[*item], _ map[string]*item) { q.PushFront(mk("z")) }, "[z a b c d e]", 6},
		{"remove middle leaves a tombstone", func(q *Deque[*item], m map[string]*item) { q.Remove(m["c"]) }, "[a b d e]", 4},
		{"remove ends trims", func(q *Deque[*item], m map[string]*item) {
			q.Remove(m["b"])
			q.Remove(m["a"])
			q.Remove(m["e"])
		}, "[c d]", 2},
		{"pop skips tombstones", func(q *Deque[*item], m map[string]*item) {
			q.Remove(m["b"])
			if got := q.PopFront(); got != m["a"] {
				t.Errorf("popped %v", got.name)
			}
			if got := q.PopFront(); got != m["c"] {
				t.Errorf("popped %v", got.name)
			}
		}, "[d e]", 2},
		{"remove missing", func(q *Deque[*item], _ map[string]*item) {
			if q.Remove(mk("x")) {
				t.Error("removed an entry not there")
			}
		}, "[a b c d e]", 5},
		{"drain", func(q *Deque[*item], _ map[string]*item) {
			for q.PopFront() != nil {
			}
		}, "[]", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var q Deque[*item]
			byName := map[string]*item{}
			for _, n := range []string{"a", "b", "c", "d", "e"} {
				byName[n] = mk(n)
				q.PushBack(byName[n])
			}
			tt.ops(&q, byName)
			if got := names(&q); got != tt.want || q.Len() != tt.n {
				t.Fatalf("%s (len %d), want %s (len %d)", got, q.Len(), tt.want, tt.n)
			}
		})
	}
}
