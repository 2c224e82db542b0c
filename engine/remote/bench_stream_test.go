package remote

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/spindle-tui/spindle/engine"
	"github.com/spindle-tui/spindle/model"
	"github.com/spindle-tui/spindle/sampletasks"
)

// demoSequence records what a stream client of the demo is sent: the
// snapshots the engine publishes at 10 Hz while running sampletasks, for
// SPINDLE_BENCH_DEMO (a duration, default 10s) after SPINDLE_BENCH_WARMUP
// (default none: the demo's first seconds; its history fills over minutes,
// and its snapshots grow with it). Recorded once per run.
var demoSequence = sync.OnceValues(func() ([]model.Snapshot, error) {
	d, err := envDuration("SPINDLE_BENCH_DEMO", 10*time.Second)
	if err != nil {
		return nil, err
	}
	warmup, err := envDuration("SPINDLE_BENCH_WARMUP", 0)
	if err != nil {
		return nil, err
	}
	e := engine.New(engine.WithRefresh(100*time.Millisecond), engine.WithSource("demo"))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if err := sampletasks.Register(ctx, e); err != nil {
		return nil, err
	}
	time.Sleep(warmup)
	ch, unsub := e.Subscribe()
	var snaps []model.Snapshot
	for end := time.After(d); ; {
		select {
		case s := <-ch:
			snaps = append(snaps, s)
			continue
		case <-end:
		}
		break
	}
	unsub()
	cancel()
	cctx, ccancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer ccancel()
	return snaps, e.Close(cctx)
})

// envDuration reads the duration in the environment variable name, or def.
func envDuration(name string, def time.Duration) (time.Duration, error) {
	v := os.Getenv(name)
	if v == "" {
		return def, nil
	}
	d, err := time.ParseDuration(v)
	if err != nil {
		return 0, fmt.Errorf("%s: %w", name, err)
	}
	return d, nil
}

// v1Event is the stream's encoding before v2 (spindle up to the commit that
// added it): the whole snapshot as JSON in a "snapshot" event, every time.
func v1Event(w io.Writer, s *model.Snapshot) error {
	data, err := json.Marshal(s)
	if err != nil {
		return err
	}
	return writeAll(w, "event: snapshot\ndata: ", data, "\n\n")
}

// countingWriter counts what is written to it.
type countingWriter struct{ n int64 }

func (c *countingWriter) Write(p []byte) (int, error) { c.n += int64(len(p)); return len(p), nil }

// BenchmarkStream measures, on a recorded demo sequence, what the server
// spends encoding each snapshot for one client and what the client spends
// decoding it, today's v1 encoding (the whole JSON each time) side by side
// with v2 (deltas), plain and gzipped, in SPINDLE_BENCH_ROUNDS alternating
// rounds (default 1). One op is the whole sequence; ns/snap is per snapshot,
// B/snap the wire bytes per snapshot after the first (v2's full one).
func BenchmarkStream(b *testing.B) {
	snaps, err := demoSequence()
	if err != nil {
		b.Fatal(err)
	}
	rounds := 1
	if v := os.Getenv("SPINDLE_BENCH_ROUNDS"); v != "" {
		if rounds, err = strconv.Atoi(v); err != nil {
			b.Fatal(err)
		}
	}
	type encoding struct {
		name string
		v2   bool
		gzip int
	}
	encodings := []encoding{{"v1-json", false, 0}, {"v2-delta", true, 0}, {"v2-delta-gzip", true, defaultStreamGzip}}
	wires := make([]bytes.Buffer, len(encodings)) // what the decode benchmarks read
	firsts := make([]int, len(encodings))
	for i, enc := range encodings {
		if firsts[i], err = encodeSequence(&wires[i], snaps, enc.v2, enc.gzip); err != nil {
			b.Fatal(err)
		}
	}
	for range rounds {
		for i, enc := range encodings {
			later := float64(wires[i].Len()-firsts[i]) / float64(len(snaps)-1)
			b.Run("encode/"+enc.name, func(b *testing.B) {
				b.ReportAllocs()
				var cw countingWriter
				for b.Loop() {
					if _, err := encodeSequence(&cw, snaps, enc.v2, enc.gzip); err != nil {
						b.Fatal(err)
					}
				}
				perSnap(b, len(snaps), later)
			})
			b.Run("decode/"+enc.name, func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					n, err := decodeSequence(bytes.NewReader(wires[i].Bytes()), enc.gzip != 0)
					if err != nil || n != len(snaps) {
						b.Fatalf("%d of %d snapshots: %v", n, len(snaps), err)
					}
				}
				perSnap(b, len(snaps), later)
			})
		}
	}
}

// perSnap reports the time per snapshot and the wire bytes per snapshot.
func perSnap(b *testing.B, snaps int, wire float64) {
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(snaps), "ns/snap")
	b.ReportMetric(wire, "B/snap")
}

// encodeSequence writes the stream one client is sent for snaps: what the
// server does per client, with a cache of one (a single client). It returns
// how many bytes the first event took on the wire.
func encodeSequence(w io.Writer, snaps []model.Snapshot, v2 bool, level int) (first int, err error) {
	cw := &countingWriter{}
	w = io.MultiWriter(w, cw)
	var z *gzip.Writer
	if level != 0 {
		z, _ = gzip.NewWriterLevel(w, level)
		w = z
	}
	var c frameCache
	var sent *frame
	for i := range snaps {
		s := &snaps[i]
		if !v2 {
			err = v1Event(w, s)
		} else {
			f, data, err := c.next(sent, s)
			if err != nil {
				return 0, err
			}
			name := "delta"
			if sent == nil {
				name = "full"
			}
			sent = f
			err = writeAll(w, "event: ", name, "\ndata: ", data, "\n\n")
		}
		if err == nil && z != nil {
			err = z.Flush()
		}
		if err != nil {
			return 0, err
		}
		if i == 0 {
			first = int(cw.n)
		}
	}
	if z != nil {
		return first, z.Close()
	}
	return first, nil
}

// decodeSequence reads a stream as the client does and returns how many
// snapshots it rebuilt.
func decodeSequence(r io.Reader, gz bool) (int, error) {
	if gz {
		z, err := gzip.NewReader(r)
		if err != nil {
			return 0, err
		}
		r = z
	}
	er := newEventReader(r)
	var snap model.Snapshot
	n := 0
	for {
		name, data, err := er.next(func() {})
		if err == io.EOF {
			return n, nil
		}
		if err != nil {
			return n, err
		}
		switch name {
		case "snapshot":
			var s model.Snapshot
			err = json.Unmarshal(data, &s)
		case "full":
			snap, err = loadFull(data)
		case "delta":
			snap, err = applyDelta(snap, data)
		}
		if err != nil {
			return n, err
		}
		n++
	}
}

// BenchmarkStreamClients measures what one published snapshot of the demo
// sequence costs the server with many stream clients in step (each sent
// the one before): the first computes the frame and the delta, the others
// reuse them. v1 reused one JSON encoding the same way.
func BenchmarkStreamClients(b *testing.B) {
	snaps, err := demoSequence()
	if err != nil {
		b.Fatal(err)
	}
	for _, clients := range []int{1, 50} {
		b.Run(fmt.Sprintf("clients=%d", clients), func(b *testing.B) {
			var c frameCache
			sent := make([]*frame, clients)
			var cw countingWriter
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				s := &snaps[i%len(snaps)]
				if i%len(snaps) == 0 { // the sequence starts again: a new stream
					c = frameCache{}
					clear(sent)
				}
				i++
				for k := range sent {
					f, data, err := c.next(sent[k], s)
					if err != nil {
						b.Fatal(err)
					}
					sent[k] = f
					_ = writeAll(&cw, "event: delta\ndata: ", data, "\n\n")
				}
			}
		})
	}
}
