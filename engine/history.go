package engine

import "github.com/spindle-tui/spindle/model"

// historyRing holds the most recent finished tasks, oldest first, up to a fixed
// capacity. It is small (WithHistory), so removing from the middle (a finished
// task being restarted) shifts at most that many pointers.
type historyRing struct {
	buf  []*task
	head int // index of the oldest
	n    int
}

func newHistoryRing(capacity int) historyRing {
	return historyRing{buf: make([]*task, capacity)}
}

func (h *historyRing) at(i int) *task { return h.buf[(h.head+i)%len(h.buf)] }

// push adds t as the newest and returns the task it evicted (the oldest, when
// full), or nil. With capacity 0, t itself is evicted.
func (h *historyRing) push(t *task) (evicted *task) {
	if len(h.buf) == 0 {
		return t
	}
	if h.n == len(h.buf) {
		evicted = h.buf[h.head]
		h.buf[h.head] = t
		h.head = (h.head + 1) % len(h.buf)
		return evicted
	}
	h.buf[(h.head+h.n)%len(h.buf)] = t
	h.n++
	return nil
}

// remove takes t out of the ring, keeping the order of the rest.
func (h *historyRing) remove(t *task) bool {
	for i := range h.n {
		if h.at(i) != t {
			continue
		}
		for j := i; j < h.n-1; j++ {
			h.buf[(h.head+j)%len(h.buf)] = h.at(j + 1)
		}
		h.buf[(h.head+h.n-1)%len(h.buf)] = nil
		h.n--
		return true
	}
	return false
}

// newestFirst calls fn on the tasks from the newest to the oldest.
func (h *historyRing) newestFirst(fn func(*task)) {
	for i := h.n - 1; i >= 0; i-- {
		fn(h.at(i))
	}
}

// eventLog is the bounded ring of recent events.
type eventLog struct {
	buf  [eventRing]model.Event
	next int // where the next event goes
	n    int
}

func (l *eventLog) add(ev model.Event) {
	l.buf[l.next] = ev
	l.next = (l.next + 1) % eventRing
	l.n = min(l.n+1, eventRing)
}

// newestFirst returns a fresh slice of the events, newest first.
func (l *eventLog) newestFirst() []model.Event {
	out := make([]model.Event, l.n)
	for i := range l.n {
		out[i] = l.buf[(l.next-1-i+eventRing)%eventRing]
	}
	return out
}
