package logstore

import (
	"fmt"
	"strings"
	"testing"
)

// chunkOf returns texts as Lines, each followed by a newline.
func chunkOf(texts []string) Lines {
	var b strings.Builder
	var ends []uint32
	for _, t := range texts {
		b.WriteString(t)
		ends = append(ends, uint32(b.Len()))
		b.WriteByte('\n')
	}
	return Lines{Text: b.String(), Ends: ends}
}

// Lines appended as chunks (of one line or many, some larger than the
// bounds) are read back each once, in order, with what the bounds evicted
// counted in gaps; the bounds hold after every append.
func TestChunksKeepThePromises(t *testing.T) {
	tests := []struct {
		name  string
		opt   Options
		sizes []int // lines per chunk, in turn
		tasks int
		// reconnect: a new reader from Next after each read (its gaps
		// are estimated when it resumes among evicted lines)
		reconnect bool
	}{
		{"chunks under the bounds", Options{PerTask: 1 << 20, Total: 4 << 20}, []int{1, 7, 64, 2}, 3, true},
		{"chunks trimmed by the task bound", Options{PerTask: 4 << 10, Total: 1 << 20}, []int{300, 1, 50, 900}, 2, false},
		{"chunks trimmed by the total", Options{PerTask: 8 << 10, Total: 12 << 10}, []int{100, 3, 400}, 4, false},
		{"one task, chunks larger than its bound", Options{PerTask: 2 << 10, Total: 2 << 10}, []int{500, 2, 1}, 1, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := New(tt.opt)
			rd := s.NewReader(0, Filter{})
			want := map[string]uint64{} // the next line number of each task
			var read, gaps uint64
			var last uint64
			check := func(lines []Line, gap uint64) {
				gaps += gap
				for _, l := range lines {
					read++
					if l.Seq <= last {
						t.Fatalf("seq %d after %d", l.Seq, last)
					}
					last = l.Seq
					var n uint64
					if _, err := fmt.Sscanf(l.Text, l.Task+" line %d", &n); err != nil {
						t.Fatalf("line %d of %s reads %q", l.Seq, l.Task, l.Text)
					}
					if n < want[l.Task] {
						t.Fatalf("%s: line %d after %d", l.Task, n, want[l.Task])
					}
					want[l.Task] = n + 1
				}
			}
			next := map[string]int{}
			appended := uint64(0)
			for round := range 60 {
				task := fmt.Sprint("t", round%tt.tasks)
				size := tt.sizes[round%len(tt.sizes)]
				texts := make([]string, size)
				for i := range texts {
					texts[i] = fmt.Sprintf("%s line %d", task, next[task])
					next[task]++
				}
				if round%5 == 4 {
					for _, x := range texts {
						s.Append(task, task, Stdout, x)
					}
				} else if seq := s.AppendLines(task, task, Stream(round%2), chunkOf(texts)); seq != appended+uint64(size) {
					t.Fatalf("AppendLines returned %d, want %d", seq, appended+uint64(size))
				}
				appended += uint64(size)
				st := s.Stats()
				if st.Bytes > tt.opt.Total || uint64(st.Lines)+st.Evicted != appended {
					t.Fatalf("round %d: %d bytes held (bound %d), %d lines + %d evicted != %d", round, st.Bytes, tt.opt.Total, st.Lines, st.Evicted, appended)
				}
				for _, r := range s.order {
					if r.bytes > tt.opt.PerTask {
						t.Fatalf("round %d: %s holds %d bytes, bound %d", round, r.key, r.bytes, tt.opt.PerTask)
					}
				}
				if round%3 == 0 {
					check(rd.Read(nil, 37))
					if tt.reconnect {
						rd = s.NewReader(rd.Next(), Filter{}) // a reconnecting client
					}
				}
			}
			for {
				lines, gap := rd.Read(nil, 100)
				if len(lines) == 0 && gap == 0 {
					break
				}
				check(lines, gap)
			}
			if read+gaps != appended {
				t.Fatalf("read %d + gaps %d != appended %d", read, gaps, appended)
			}
		})
	}
}

// A chunk's lines are its text cut at its ends, with their streams and the
// tail and since starts counted in lines, not chunks.
func TestChunkLinesTailAndStreams(t *testing.T) {
	s := New(Options{})
	s.AppendLines("a", "a", Stdout, chunkOf([]string{"one", "", "three"}))
	s.AppendLines("a", "a", Stderr, chunkOf([]string{"four"}))
	s.AppendLines("a", "a", Stdout, Lines{})
	lines, _ := s.NewReader(0, Filter{}).Read(nil, 0)
	var got []string
	for _, l := range lines {
		got = append(got, fmt.Sprintf("%d%s%s", l.Seq, l.Stream, l.Text))
	}
	if strings.Join(got, ",") != "1stdoutone,2stdout,3stdoutthree,4stderrfour" {
		t.Fatalf("read %v", got)
	}
	out := Filter{Streams: Streams(Stdout)}
	if from := s.TailStart(out, 2); from != 2 {
		t.Fatalf("the last 2 stdout lines start at %d, want 2", from)
	}
}

// BenchmarkAppendLines64 appends chunks of 64 lines of 40 bytes, as one read
// of a child's output arrives (AppendBatch64's lines as one chunk).
func BenchmarkAppendLines64(b *testing.B) {
	s := New(Options{})
	texts := make([]string, 64)
	for i := range texts {
		texts[i] = strings.Repeat("y", 40)
	}
	chunk := chunkOf(texts)
	b.ReportAllocs()
	for b.Loop() {
		s.AppendLines("t1", "task", Stdout, Lines{Text: chunk.Text, Ends: chunk.Ends})
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*64), "ns/line")
	b.ReportMetric(float64(len(chunk.Text)+4*64+LineOverhead+endsOverhead)/64, "bytes/line")
}
