package engine

import (
	"fmt"
	"testing"

	"github.com/spindle-tui/spindle/model"
)

func TestLogCompactionKeepsOldSlicesIntact(t *testing.T) {
	r := &run{}
	const bound = 4
	var shared []model.LogLine
	for i := range 20 {
		r.appendLog(model.LogLine{Text: fmt.Sprint(i)}, bound)
		if i == 6 {
			shared = r.logTail(3)
		}
		if r.log.Len() > 2*bound || r.log.Len() < min(i+1, bound) {
			t.Fatalf("after %d lines the log holds %d", i+1, r.log.Len())
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
