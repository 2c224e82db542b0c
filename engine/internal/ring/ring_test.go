package ring

import (
	"slices"
	"strings"
	"testing"
)

func contents(r *Ring[int]) []int {
	var out []int
	for i := range r.Len() {
		out = append(out, *r.At(i))
	}
	return out
}

func TestRing(t *testing.T) {
	tests := []struct {
		name    string
		cap     int
		push    int   // pushes 1..push
		remove  []int // values removed, in order
		want    []int
		evicted []int
	}{
		{name: "keeps nothing", cap: 0, push: 3, evicted: []int{1, 2, 3}},
		{name: "not full", cap: 4, push: 3, want: []int{1, 2, 3}},
		{name: "wraps", cap: 3, push: 7, want: []int{5, 6, 7}, evicted: []int{1, 2, 3, 4}},
		{name: "remove the oldest of a wrapped ring", cap: 3, push: 5, remove: []int{3}, want: []int{4, 5}, evicted: []int{1, 2}},
		{name: "remove the newest of a wrapped ring", cap: 3, push: 5, remove: []int{5}, want: []int{3, 4}, evicted: []int{1, 2}},
		{name: "remove inside a wrapped ring", cap: 4, push: 6, remove: []int{4, 6}, want: []int{3, 5}, evicted: []int{1, 2}},
		{name: "remove all", cap: 2, push: 5, remove: []int{4, 5}, evicted: []int{1, 2, 3}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := New[int](tt.cap)
			var evicted []int
			for i := 1; i <= tt.push; i++ {
				if old, ok := r.Push(i); ok {
					evicted = append(evicted, old)
				}
			}
			for _, v := range tt.remove {
				i := r.Index(func(x *int) bool { return *x == v })
				if i < 0 {
					t.Fatalf("Index(%d) = -1", v)
				}
				r.Remove(i)
			}
			if got := contents(&r); !slices.Equal(got, tt.want) {
				t.Fatalf("contents %v, want %v", got, tt.want)
			}
			if !slices.Equal(evicted, tt.evicted) {
				t.Fatalf("evicted %v, want %v", evicted, tt.evicted)
			}
			var newest []int
			r.NewestFirst(func(x *int) bool { newest = append(newest, *x); return true })
			slices.Reverse(newest)
			if !slices.Equal(newest, tt.want) {
				t.Fatalf("NewestFirst %v, want the reverse of %v", newest, tt.want)
			}
			// What is left still wraps correctly.
			for i := 100; i < 100+tt.cap+1; i++ {
				r.Push(i)
			}
			if tt.cap > 0 && (r.Len() != tt.cap || *r.Newest(0) != 100+tt.cap) {
				t.Fatalf("after refilling: %v", contents(&r))
			}
		})
	}
}

func BenchmarkSlot(b *testing.B) {
	r := New[[8]int64](200)
	for b.Loop() {
		s := r.Slot()
		s[0]++
	}
}

// The cases of the engine's history ring's test before it moved here.
func TestRingAsHistory(t *testing.T) {
	h := New[*string](3)
	ts := make([]*string, 5)
	for i := range ts {
		s := string(rune('0' + i))
		ts[i] = &s
	}
	order := func() string {
		var out []string
		h.NewestFirst(func(t **string) bool { out = append(out, **t); return true })
		return strings.Join(out, " ")
	}
	remove := func(t *string) bool {
		i := h.Index(func(x **string) bool { return *x == t })
		if i >= 0 {
			h.Remove(i)
		}
		return i >= 0
	}
	for i := range 3 {
		if ev, ok := h.Push(ts[i]); ok {
			t.Fatalf("evicted %s early", *ev)
		}
	}
	if ev, ok := h.Push(ts[3]); !ok || ev != ts[0] || order() != "3 2 1" {
		t.Fatalf("evicted %v, order %s", ev, order())
	}
	if !remove(ts[2]) || order() != "3 1" || remove(ts[0]) {
		t.Fatalf("after remove: %s", order())
	}
	if _, ok := h.Push(ts[4]); ok || order() != "4 3 1" {
		t.Fatalf("order %s", order())
	}
	none := New[*string](0)
	if ev, ok := none.Push(ts[0]); !ok || ev != ts[0] {
		t.Fatal("a zero ring must evict at once")
	}
}
