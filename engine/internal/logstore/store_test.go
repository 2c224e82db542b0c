package logstore

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"
)

// readAll drains rd, returning the texts read and the gaps counted.
func readAll(rd *Reader, limit int) ([]string, uint64) {
	var texts []string
	var gaps uint64
	for {
		lines, gap := rd.Read(nil, limit)
		gaps += gap
		if len(lines) == 0 {
			return texts, gaps
		}
		for _, l := range lines {
			texts = append(texts, l.Text)
		}
	}
}

func text(n int) string { return fmt.Sprintf("line %06d", n) } // 11 bytes

func TestBoundsByBytes(t *testing.T) {
	tests := []struct {
		name           string
		opt            Options
		tasks, perTask int
		wantMax        int64 // bytes held at most
	}{
		{"one task over its bound", Options{PerTask: 10 << 10, Total: 1 << 20}, 1, 5000, 10 << 10},
		{"many tasks over the total", Options{PerTask: 10 << 10, Total: 30 << 10}, 8, 2000, 30 << 10},
		{"under every bound", Options{PerTask: 1 << 20, Total: 4 << 20}, 3, 100, 3 * 100 * (11 + LineOverhead)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := New(tt.opt)
			for i := range tt.perTask {
				for k := range tt.tasks {
					s.Append(fmt.Sprint("t", k), "", Stdout, text(i))
					if st := s.Stats(); st.Bytes > tt.wantMax {
						t.Fatalf("after %d lines the store holds %d bytes, bound %d", i, st.Bytes, tt.wantMax)
					}
				}
			}
			st := s.Stats()
			if got := uint64(st.Lines) + st.Evicted; got != uint64(tt.tasks*tt.perTask) || st.Last != got {
				t.Fatalf("held %d + evicted %d != appended %d (last seq %d)", st.Lines, st.Evicted, tt.tasks*tt.perTask, st.Last)
			}
			// Every task keeps its newest line.
			for k := range tt.tasks {
				lines, _ := s.NewReader(s.TailStart(Filter{Tasks: []string{fmt.Sprint("t", k)}}, 1), Filter{Tasks: []string{fmt.Sprint("t", k)}}).Read(nil, 10)
				if len(lines) != 1 || lines[0].Text != text(tt.perTask-1) {
					t.Fatalf("task t%d's tail: %v", k, lines)
				}
			}
		})
	}
}

// A flooding task pays for the total bound; a quiet task keeps its history.
func TestTotalBoundEvictsTheLargest(t *testing.T) {
	s := New(Options{PerTask: 64 << 10, Total: 80 << 10})
	for i := range 50 {
		s.Append("quiet", "quiet", Log, text(i))
	}
	for i := range 20000 {
		s.Append("flood", "flood", Stdout, text(i))
	}
	got, gap := readAll(s.NewReader(0, Filter{Tasks: []string{"quiet"}}), 7)
	if len(got) != 50 || gap != 0 {
		t.Fatalf("the quiet task kept %d of 50 lines (gap %d)", len(got), gap)
	}
	if st := s.Stats(); st.Bytes > 80<<10 {
		t.Fatalf("%d bytes held, bound %d", st.Bytes, 80<<10)
	}
}

// A reader resumed from Next gets every line once, in order, however the
// reads are cut and interleaved with appends.
func TestResumeWithoutLossOrRepeats(t *testing.T) {
	s := New(Options{})
	var want []string
	rd := s.NewReader(0, Filter{})
	var got []string
	for i := range 3000 {
		task := fmt.Sprint("t", i%7)
		s.Append(task, task, Stream(i%2), text(i))
		want = append(want, text(i))
		if i%13 == 0 {
			lines, gap := rd.Read(nil, 5)
			if gap != 0 {
				t.Fatalf("gap %d with nothing evicted", gap)
			}
			for _, l := range lines {
				got = append(got, l.Text)
			}
			rd = s.NewReader(rd.Next(), Filter{}) // a reconnecting client
		}
	}
	rest, _ := readAll(rd, 100)
	got = append(got, rest...)
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Fatalf("read %d lines, want %d; first difference near %v", len(got), len(want), firstDiff(got, want))
	}
}

func firstDiff(a, b []string) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}

// Lines evicted before a reader got to them are counted in a gap, once:
// read + gaps = appended, for every way of filtering.
func TestGapsCountEvictedLines(t *testing.T) {
	tests := []struct {
		name   string
		filter Filter
		tasks  int
	}{
		{"every task", Filter{}, 3},
		{"one task of three", Filter{Tasks: []string{"t1"}}, 3},
		{"one task alone", Filter{Tasks: []string{"t0"}}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := New(Options{PerTask: 4 << 10, Total: 8 << 10})
			rd := s.NewReader(0, tt.filter)
			var read, gaps uint64
			appended := 0
			for round := range 40 {
				for i := range 37 * (round%5 + 1) { // sometimes more than the bound between reads
					for k := range tt.tasks {
						task := fmt.Sprint("t", k)
						s.Append(task, task, Stdout, text(i))
						if len(tt.filter.Tasks) == 0 || tt.filter.Tasks[0] == task {
							appended++
						}
					}
				}
				lines, gap := rd.Read(nil, 50)
				read += uint64(len(lines))
				gaps += gap
			}
			texts, gap := readAll(rd, 50)
			read += uint64(len(texts))
			gaps += gap
			if read+gaps != uint64(appended) || gaps == 0 {
				t.Fatalf("read %d + gaps %d != appended %d", read, gaps, appended)
			}
		})
	}
}

// A task whose lines were all evicted (its ring dropped) still counts.
func TestGapWhenATaskIsEvictedWhole(t *testing.T) {
	s := New(Options{PerTask: 2 << 10, Total: 2 << 10})
	s.Append("old", "old", Stdout, "first")
	rd := s.NewReader(0, Filter{})
	if lines, _ := rd.Read(nil, 0); len(lines) != 1 {
		t.Fatalf("read %v", lines)
	}
	s.Append("old", "old", Stdout, "second")
	for i := range 200 {
		s.Append("new", "new", Stdout, text(i))
	}
	texts, gap := readAll(rd, 1000)
	if st := s.Stats(); uint64(len(texts))+gap != st.Last-1 {
		t.Fatalf("read %d + gap %d, want %d", len(texts), gap, st.Last-1)
	}
}

func TestTailSinceAndStreams(t *testing.T) {
	s := New(Options{})
	for i := range 10 {
		s.Append("a", "a", Stream(i%2), text(i))
	}
	mid := time.Now()
	time.Sleep(time.Millisecond)
	for i := 10; i < 20; i++ {
		s.Append("b", "b", Stream(i%2), text(i))
	}
	errs := Filter{Streams: Streams(Stderr)}
	texts, _ := readAll(s.NewReader(s.TailStart(errs, 3), errs), 100)
	if strings.Join(texts, ",") != "line 000015,line 000017,line 000019" {
		t.Fatalf("last 3 stderr lines: %v", texts)
	}
	texts, _ = readAll(s.NewReader(s.SinceStart(Filter{}, mid), Filter{}), 100)
	if len(texts) != 10 || texts[0] != text(10) {
		t.Fatalf("since mid: %v", texts)
	}
	if from := s.TailStart(Filter{}, 100); from != 1 {
		t.Fatalf("TailStart beyond what is held: %d", from)
	}
	if st, ok := ParseStream("stderr"); !ok || st != Stderr || Probe.String() != "probe" {
		t.Fatal("stream names")
	}
}

// A follower woken by Changed sees the line, and writers run while readers
// read concurrently (run with -race).
func TestFollowConcurrently(t *testing.T) {
	s := New(Options{PerTask: 1 << 20, Total: 1 << 20})
	const n = 20000
	var wg sync.WaitGroup
	got := make(chan int)
	for range 3 {
		wg.Go(func() {
			rd := s.NewReader(0, Filter{})
			seen := 0
			var last uint64
			for seen < n {
				ch := s.Changed()
				lines, gap := rd.Read(nil, 256)
				for _, l := range lines {
					if l.Seq <= last {
						t.Errorf("seq %d after %d", l.Seq, last)
					}
					last = l.Seq
				}
				seen += len(lines) + int(gap)
				if len(lines) == 0 && gap == 0 {
					<-ch
				}
			}
			got <- seen
		})
	}
	for i := range n {
		s.Append(fmt.Sprint("t", i%4), "", Stdout, "y")
	}
	for range 3 {
		if seen := <-got; seen != n {
			t.Errorf("a follower saw %d of %d", seen, n)
		}
	}
	wg.Wait()
}

func BenchmarkAppend(b *testing.B) {
	s := New(Options{})
	line := strings.Repeat("y", 40)
	b.ReportAllocs()
	for b.Loop() {
		s.Append("t1", "task", Stdout, line)
	}
	b.ReportMetric(float64(len(line)+LineOverhead), "bytes/line")
}

func BenchmarkAppendBatch64(b *testing.B) {
	s := New(Options{})
	batch := make([]Entry, 64)
	for i := range batch {
		batch[i] = Entry{Stream: Stdout, Text: strings.Repeat("y", 40)}
	}
	b.ReportAllocs()
	for b.Loop() {
		s.AppendBatch("t1", "task", batch)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*64), "ns/line")
}

func BenchmarkReadFollow(b *testing.B) {
	s := New(Options{})
	for i := range 100000 {
		s.Append(fmt.Sprint("t", i%10), "", Stdout, "some line of output")
	}
	buf := make([]Line, 0, 1000)
	b.ReportAllocs()
	for b.Loop() {
		rd := s.NewReader(s.TailStart(Filter{}, 1000), Filter{})
		buf, _ = rd.Read(buf[:0], 1000)
	}
}
