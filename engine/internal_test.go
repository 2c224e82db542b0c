package engine

import (
	"fmt"
	"testing"

	"github.com/spindle-tui/spindle/model"
)

func names(q *taskQueue) string {
	var out []string
	q.each(func(t *task) bool {
		out = append(out, t.name)
		return true
	})
	return fmt.Sprint(out)
}

func TestTaskQueue(t *testing.T) {
	mk := func(n string) *task { return &task{name: n} }
	tests := []struct {
		name string
		ops  func(q *taskQueue, byName map[string]*task)
		want string
		n    int // slots in use, tombstones included
	}{
		{"fifo", func(q *taskQueue, _ map[string]*task) {}, "[a b c d e]", 5},
		{"pop front", func(q *taskQueue, _ map[string]*task) { q.popFront(); q.popFront() }, "[c d e]", 3},
		{"push front", func(q *taskQueue, _ map[string]*task) { q.pushFront(mk("z")) }, "[z a b c d e]", 6},
		{"remove middle leaves a tombstone", func(q *taskQueue, m map[string]*task) { q.remove(m["c"]) }, "[a b d e]", 5},
		{"remove ends trims", func(q *taskQueue, m map[string]*task) {
			q.remove(m["b"])
			q.remove(m["a"])
			q.remove(m["e"])
		}, "[c d]", 2},
		{"pop skips tombstones", func(q *taskQueue, m map[string]*task) {
			q.remove(m["b"])
			if got := q.popFront(); got != m["a"] {
				t.Errorf("popped %v", got.name)
			}
			if got := q.popFront(); got != m["c"] {
				t.Errorf("popped %v", got.name)
			}
		}, "[d e]", 2},
		{"remove missing", func(q *taskQueue, _ map[string]*task) {
			if q.remove(mk("x")) {
				t.Error("removed a task not there")
			}
		}, "[a b c d e]", 5},
		{"drain", func(q *taskQueue, _ map[string]*task) {
			for q.popFront() != nil {
			}
		}, "[]", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var q taskQueue
			byName := map[string]*task{}
			for _, n := range []string{"a", "b", "c", "d", "e"} {
				byName[n] = mk(n)
				q.pushBack(byName[n])
			}
			tt.ops(&q, byName)
			if got := names(&q); got != tt.want || q.n != tt.n {
				t.Fatalf("%s (n %d), want %s (n %d)", got, q.n, tt.want, tt.n)
			}
		})
	}
}

func TestTaskQueueWrapsGrowsAndShrinks(t *testing.T) {
	var q taskQueue
	for i := range 1000 { // interleave both ends so head wraps around
		if i%2 == 0 {
			q.pushBack(&task{restarts: int32(i)})
		} else {
			q.pushFront(&task{restarts: int32(i)})
		}
	}
	if len(q.buf) != 1024 || q.n != 1000 {
		t.Fatalf("cap %d n %d", len(q.buf), q.n)
	}
	if first := q.popFront(); first.restarts != 999 {
		t.Fatalf("front %d", first.restarts)
	}
	for q.n > 10 {
		q.popFront()
	}
	if len(q.buf) > 64 {
		t.Fatalf("drained queue keeps %d slots", len(q.buf))
	}
	var last *task
	q.each(func(t *task) bool { last = t; return true })
	if last.restarts != 998 {
		t.Fatalf("back %d", last.restarts)
	}
}

func TestHistoryRing(t *testing.T) {
	h := newHistoryRing(3)
	ts := make([]*task, 5)
	for i := range ts {
		ts[i] = &task{id: model.TaskID(fmt.Sprint(i))}
	}
	order := func() string {
		var out []model.TaskID
		h.newestFirst(func(t *task) { out = append(out, t.id) })
		return fmt.Sprint(out)
	}
	for i := range 3 {
		if ev := h.push(ts[i]); ev != nil {
			t.Fatalf("evicted %s early", ev.id)
		}
	}
	if ev := h.push(ts[3]); ev != ts[0] || order() != "[3 2 1]" {
		t.Fatalf("evicted %v, order %s", ev, order())
	}
	if !h.remove(ts[2]) || order() != "[3 1]" || h.remove(ts[0]) {
		t.Fatalf("after remove: %s", order())
	}
	if ev := h.push(ts[4]); ev != nil || order() != "[4 3 1]" {
		t.Fatalf("evicted %v, order %s", ev, order())
	}
	none := newHistoryRing(0)
	if ev := none.push(ts[0]); ev != ts[0] {
		t.Fatal("a zero ring must evict at once")
	}
}

func TestLogCompactionKeepsOldSlicesIntact(t *testing.T) {
	r := &run{}
	const bound = 4
	var shared []model.LogLine
	for i := range 20 {
		r.appendLog(model.LogLine{Text: fmt.Sprint(i)}, bound)
		if i == 6 {
			shared = r.logTail(3)
		}
		if len(r.log) > 2*bound || len(r.log) < min(i+1, bound) {
			t.Fatalf("after %d lines the log holds %d", i+1, len(r.log))
		}
	}
	if fmt.Sprint(shared) != "[{0001-01-01 00:00:00 +0000 UTC 4} {0001-01-01 00:00:00 +0000 UTC 5} {0001-01-01 00:00:00 +0000 UTC 6}]" {
		t.Fatalf("shared tail changed: %v", shared)
	}
	tail := r.logTail(50)
	if len(tail) < bound || tail[len(tail)-1].Text != "19" || cap(tail) != len(tail) {
		t.Fatalf("tail %v cap %d", tail, cap(tail))
	}
}

// initSrc relies on atomic.Pointer holding nothing but the pointer.
func TestPoolCtxInitSrc(t *testing.T) {
	var c poolCtx
	s := &jobSource{typ: "x"}
	c.initSrc(s)
	if c.src.Load() != s {
		t.Fatal("initSrc did not set what src.Load returns")
	}
}
