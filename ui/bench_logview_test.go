package ui

import (
	"fmt"
	"testing"
	"time"

	"github.com/spindle-tui/spindle/model"
)

// BenchmarkLogViewUpdateView: a batch of one new line arrives at a following
// log view holding n lines, and the frame is drawn (160x48). Only the rows on
// screen are formatted, so 1M lines cost what 10 do.
func BenchmarkLogViewUpdateView(b *testing.B) {
	for _, n := range []int{10, 1_000_000} {
		for _, mode := range []string{"follow", "search+wrap"} {
			b.Run(fmt.Sprintf("%s/%d", mode, n), func(b *testing.B) {
				m := benchModel(160, 48, fixtureSnapshot())
				m.logs.Open("Log of bench", []model.TaskID{"t1"}, false)
				lines := make([]model.LogEntry, n)
				for i := range lines {
					lines[i] = model.LogEntry{Seq: uint64(i + 1), Time: fixtureNow, Task: "t1", Name: "bench", Stream: model.StreamStdout,
						Text: fmt.Sprintf("GET /api/items/%d 200 %dms", i, i%97)}
				}
				m.logs.Add(model.LogBatch{Lines: lines, Next: uint64(n + 1)})
				if mode != "follow" {
					m.logs.ToggleWrap()
					if err := m.logs.SetSearch(`items/\d+7 `); err != nil {
						b.Fatal(err)
					}
					m.logs.MoveTo(1 << 62)
				}
				seq := uint64(n + 1)
				b.ReportAllocs()
				for b.Loop() {
					batch := model.LogBatch{Lines: []model.LogEntry{{Seq: seq, Time: fixtureNow.Add(time.Second), Task: "t1", Name: "bench", Text: "GET /api/items/7 200 1ms"}}, Next: seq + 1}
					seq++
					mm, _ := m.Update(logBatchMsg{gen: m.logs.gen, batch: batch})
					m = mm.(Model)
					sink = m.View().Content
				}
			})
		}
	}
}
