// Package ring is a bounded ring of the most recent values, for the
// engine's histories: finished runs, events, throughput samples.
package ring

// Ring keeps the newest Cap values pushed, oldest first. Its zero value keeps
// nothing; make one with New. It is not safe for concurrent use.
type Ring[T any] struct {
	buf  []T // grows up to max, then wraps
	head int // index of the oldest once full
	max  int
}

// New returns a ring that keeps the newest n values (none when n <= 0).
func New[T any](n int) Ring[T] { return Ring[T]{max: max(n, 0)} }

// Len returns how many values the ring holds.
func (r *Ring[T]) Len() int { return len(r.buf) }

// Cap returns how many values the ring keeps at most.
func (r *Ring[T]) Cap() int { return r.max }

// At returns the i-th value from the oldest (0 <= i < Len).
func (r *Ring[T]) At(i int) *T { return &r.buf[(r.head+i)%len(r.buf)] }

// Newest returns the i-th value from the newest (0 <= i < Len).
func (r *Ring[T]) Newest(i int) *T { return r.At(len(r.buf) - 1 - i) }

// Slot returns the place of a new newest value, evicting the oldest when the
// ring is full, or nil when it keeps nothing. A reused slot still holds the
// evicted value: the caller overwrites what it needs to (filling in place
// saves a copy of a large value).
func (r *Ring[T]) Slot() *T {
	switch {
	case r.max == 0:
		return nil
	case len(r.buf) < r.max:
		if r.buf == nil {
			r.buf = make([]T, 0, r.max)
		}
		var zero T
		r.buf = append(r.buf, zero)
		return &r.buf[len(r.buf)-1]
	}
	s := &r.buf[r.head]
	r.head = (r.head + 1) % len(r.buf)
	return s
}

// Push adds v as the newest value and returns the value it evicted, if any.
func (r *Ring[T]) Push(v T) (evicted T, ok bool) {
	full := len(r.buf) == r.max
	s := r.Slot()
	if s == nil {
		return v, true
	}
	if full {
		evicted, ok = *s, true
	}
	*s = v
	return evicted, ok
}

// Remove takes out the i-th value from the oldest, keeping the order of the
// rest. It shifts the values after it (a ring is small).
func (r *Ring[T]) Remove(i int) {
	n := len(r.buf)
	for j := i; j < n-1; j++ {
		*r.At(j) = *r.At(j + 1)
	}
	// The newest slot is now a copy of its neighbour: rotate the ring so that
	// it is the last of the slice, then drop it.
	last := (r.head + n - 1) % n
	if last != n-1 {
		r.buf = append(r.buf[r.head:], r.buf[:r.head]...)
		r.head = 0
	}
	var zero T
	r.buf[n-1] = zero
	r.buf = r.buf[:n-1]
	if r.head >= len(r.buf) {
		r.head = 0
	}
}

// Clear empties the ring, keeping its memory for what is pushed next.
func (r *Ring[T]) Clear() {
	clear(r.buf)
	r.buf, r.head = r.buf[:0], 0
}

// Index returns the position from the oldest of the first value that match
// accepts, or -1.
func (r *Ring[T]) Index(match func(*T) bool) int {
	for i := range len(r.buf) {
		if match(r.At(i)) {
			return i
		}
	}
	return -1
}

// NewestFirst calls fn on the values from the newest to the oldest until it
// returns false.
func (r *Ring[T]) NewestFirst(fn func(*T) bool) {
	for i := range len(r.buf) {
		if !fn(r.Newest(i)) {
			return
		}
	}
}
