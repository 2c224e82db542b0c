// Package tail is a bounded, append-only history whose tails readers share
// without copying: a task's log, a poller's recent delays. Snapshots hold
// sub-slices of it while the owner keeps appending.
package tail

// Buffer keeps at least the last Keep values pushed. Elements below len are
// never written again while a tail of the array is out (Tail marks it), so a
// tail handed out stays as it was. When the buffer reaches 2×Keep, its last
// Keep-1 values move to the front: of a fresh array if a tail of the old one
// is out (its readers keep it), else of the same one. So a buffer nobody reads
// allocates once, and one that is read allocates at most once per Keep+1
// pushes. Its zero value keeps nothing; make one with New. It is not safe for
// concurrent use.
type Buffer[T any] struct {
	buf    []T
	keep   int32 // 32 bits, so the whole Buffer is 32 bytes: a poller's hot fields hold two
	shared bool  // a tail of buf is out
}

// New returns a Buffer that keeps at least the last keep values (none when
// keep <= 0).
func New[T any](keep int) Buffer[T] { return Buffer[T]{keep: int32(min(max(keep, 0), maxKeep))} }

// Continue returns a Buffer that goes on from values (the tail of another
// buffer, say a task's log before a restart) without writing into them.
func Continue[T any](keep int, values []T) Buffer[T] {
	return Buffer[T]{buf: values[:len(values):len(values)], keep: int32(min(max(keep, 0), maxKeep)), shared: true}
}

// maxKeep bounds Keep (it is kept in 32 bits).
const maxKeep = 1 << 30

// Keep returns how many values the buffer keeps at least.
func (b *Buffer[T]) Keep() int { return int(b.keep) }

// Len returns how many values the buffer holds (between Keep and 2×Keep once
// it has filled).
func (b *Buffer[T]) Len() int { return len(b.buf) }

// Push appends v.
func (b *Buffer[T]) Push(v T) {
	switch {
	case b.keep == 0:
		return
	case cap(b.buf) == 0:
		b.buf = make([]T, 0, 2*int(b.keep))
	case len(b.buf) >= 2*int(b.keep):
		k := int(b.keep)
		keep := b.buf[:k-1]
		if b.shared || cap(b.buf) < 2*k {
			keep = make([]T, k-1, 2*k)
			b.shared = false
		}
		copy(keep, b.buf[len(b.buf)-(k-1):])
		b.buf = keep
	case len(b.buf) == cap(b.buf): // a Continue'd buffer: its values are someone else's
		grown := make([]T, len(b.buf), 2*int(b.keep))
		copy(grown, b.buf)
		b.buf, b.shared = grown, false
	}
	b.buf = append(b.buf, v)
}

// Tail returns the last n values (all of them for n < 0), oldest first, with
// the capacity clipped so no one can append into the shared array; it marks
// the array shared.
func (b *Buffer[T]) Tail(n int) []T {
	l := len(b.buf)
	if l == 0 {
		return nil
	}
	if n < 0 || n > l {
		n = l
	}
	b.shared = true
	return b.buf[l-n : l : l]
}
