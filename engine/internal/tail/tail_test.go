package tail

import (
	"slices"
	"testing"
	"time"
	"unsafe"
)

func seq(from, to int) []int {
	var s []int
	for i := from; i <= to; i++ {
		s = append(s, i)
	}
	return s
}

// A tail handed out never changes, whatever is pushed after it, and the
// buffer keeps at least the last keep values.
func TestTailsStayAsTheyWere(t *testing.T) {
	for _, read := range []bool{false, true} {
		b := New[int](4)
		var tails [][]int
		var want [][]int
		for i := 1; i <= 40; i++ {
			b.Push(i)
			if b.Len() < min(i, 4) || b.Len() > 8 {
				t.Fatalf("after %d pushes the buffer holds %d", i, b.Len())
			}
			if read && i%3 == 0 {
				tails = append(tails, b.Tail(3))
				want = append(want, seq(i-2, i))
			}
		}
		for i, tl := range tails {
			if !slices.Equal(tl, want[i]) || cap(tl) != len(tl) {
				t.Fatalf("tail %d is %v (cap %d), want %v", i, tl, cap(tl), want[i])
			}
		}
		if got := b.Tail(-1); got[len(got)-1] != 40 || len(got) < 4 {
			t.Fatalf("the whole buffer: %v", got)
		}
	}
}

// Continue goes on from another buffer's values without writing into them.
func TestContinue(t *testing.T) {
	a := New[int](4)
	for i := 1; i <= 3; i++ {
		a.Push(i)
	}
	before := a.Tail(-1)
	b := Continue(4, before)
	b.Push(100)
	a.Push(4) // the old owner may still append (a late line of a finished run)
	if !slices.Equal(before, []int{1, 2, 3}) || !slices.Equal(b.Tail(-1), []int{1, 2, 3, 100}) || !slices.Equal(a.Tail(-1), []int{1, 2, 3, 4}) {
		t.Fatalf("before %v, a %v, b %v", before, a.Tail(-1), b.Tail(-1))
	}
	var none Buffer[int]
	none.Push(1)
	if none.Len() != 0 || none.Tail(5) != nil {
		t.Fatal("a zero Buffer keeps something")
	}
}

func TestPushAllocatesOnlyWhenRead(t *testing.T) {
	b := New[int](60)
	b.Push(0)
	if n := testing.AllocsPerRun(1000, func() { b.Push(1) }); n != 0 {
		t.Fatalf("%v allocations per push nobody reads", n)
	}
	if n := testing.AllocsPerRun(1000, func() { b.Push(1); b.Tail(60) }); n > 1.0/30 {
		t.Fatalf("%v allocations per push that is read", n)
	}
}

func BenchmarkPush(b *testing.B) {
	buf := New[int64](60)
	for b.Loop() {
		buf.Push(1)
	}
}

// The poller histories' test before they moved here: a tail handed out never
// changes however many values follow it, and the array is reused in place
// while no tail of it is out.
func TestBufferReusedInPlace(t *testing.T) {
	const keep = 60
	h := New[time.Duration](keep)
	for i := range keep + 5 {
		h.Push(time.Duration(i))
	}
	tl := h.Tail(keep)
	want := slices.Clone(tl)
	for i := range 5 * keep {
		h.Push(time.Duration(-i))
	}
	if !slices.Equal(tl, want) {
		t.Fatalf("a tail changed after pushes")
	}
	if got := h.Tail(keep); len(got) != keep || got[keep-1] != -time.Duration(5*keep-1) {
		t.Fatalf("tail after pushes: len %d, last %v", len(got), got[len(got)-1])
	}
	h.Tail(keep)
	for i := range 2 * keep { // moves to a fresh array once, then in place
		h.Push(time.Duration(i))
	}
	before := &h.buf[:1][0]
	if n := testing.AllocsPerRun(5, func() {
		for i := range 2 * keep {
			h.Push(time.Duration(i))
		}
	}); n != 0 || &h.buf[:1][0] != before {
		t.Fatalf("%v allocations per %d pushes with no tail out, want 0 and the same array", n, 2*keep)
	}
	if got := h.Tail(keep); len(got) != keep || got[keep-1] != 2*keep-1 {
		t.Fatalf("tail: len %d, last %v", len(got), got[len(got)-1])
	}
}

func TestBufferIs32Bytes(t *testing.T) {
	if n := unsafe.Sizeof(Buffer[int]{}); n != 32 {
		t.Fatalf("a Buffer is %d bytes: a poller's hot fields hold two in a line", n)
	}
}
