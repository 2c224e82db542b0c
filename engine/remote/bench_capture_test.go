package remote

import (
	"bytes"
	"errors"
	"io"
	"os"
	"testing"

	"github.com/spindle-tui/spindle/model"
)

// BenchmarkStreamCapture applies, as the client does, the deltas of a plain
// (not gzipped) v2 stream recorded from a real server into the file
// SPINDLE_BENCH_CAPTURE, e.g. after minutes of the demo, when snapshots hold
// ~1000 tasks:
//
//	curl -sN --unix-socket SOCK -H 'Spindle-Stream: 2' http://spindle/v1/stream >capture.sse
//
// It is skipped when the variable is unset. The full snapshot that starts the
// capture is decoded once, outside the timing; one op applies every delta
// after it, ns/snap is per delta.
func BenchmarkStreamCapture(b *testing.B) {
	path := os.Getenv("SPINDLE_BENCH_CAPTURE")
	if path == "" {
		b.Skip("SPINDLE_BENCH_CAPTURE is not set")
	}
	wire, err := os.ReadFile(path)
	if err != nil {
		b.Fatal(err)
	}
	er := newEventReader(bytes.NewReader(wire))
	var first model.Snapshot
	var deltas [][]byte
	for {
		name, data, err := er.next(func() {})
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			break
		}
		if err != nil {
			b.Fatal(err)
		}
		switch name {
		case "full":
			if first, err = loadFull(data); err != nil {
				b.Fatal(err)
			}
		case "delta":
			deltas = append(deltas, bytes.Clone(data))
		}
	}
	if len(deltas) == 0 {
		b.Fatal("no deltas in the capture")
	}
	b.ReportAllocs()
	for b.Loop() {
		snap := first
		for _, d := range deltas {
			if snap, err = applyDelta(snap, d); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(deltas)), "ns/snap")
	b.ReportMetric(float64(len(first.Tasks)), "tasks")
}
