package engine

import (
	"strings"
	"testing"
	"time"
)

func TestBackoffDelay(t *testing.T) {
	b := Backoff{Initial: 500 * time.Millisecond, Max: 30 * time.Second}
	want := []time.Duration{500 * time.Millisecond, time.Second, 2 * time.Second, 4 * time.Second,
		8 * time.Second, 16 * time.Second, 30 * time.Second, 30 * time.Second}
	for streak, w := range want {
		if got := b.delay(streak); got != w {
			t.Errorf("delay(%d) = %s, want %s", streak, got, w)
		}
	}
	if got := b.delay(1000); got != 30*time.Second {
		t.Errorf("delay(1000) = %s: overflow", got)
	}
}

func TestProcessSpecDefaults(t *testing.T) {
	got := ProcessSpec{Command: []string{"x"}}.withDefaults()
	if got.Backoff != (Backoff{DefaultBackoffInitial, DefaultBackoffMax}) || got.MaxRestarts != 5 ||
		got.RestartWindow != time.Minute || got.StopSignal.String() != "terminated" || got.StopGrace != 5*time.Second {
		t.Fatalf("defaults: %+v", got)
	}
	if got := (ProcessSpec{Backoff: Backoff{Initial: time.Minute}}).withDefaults(); got.Backoff.Max != time.Minute {
		t.Fatalf("max below initial: %+v", got.Backoff)
	}
}

func TestLineLog(t *testing.T) {
	tests := []struct {
		name   string
		writes []string
		want   []string
	}{
		{"lines", []string{"a\nb\n"}, []string{"> a", "> b"}},
		{"split across writes", []string{"he", "llo\nwor", "ld"}, []string{"> hello", "> world"}},
		{"crlf", []string{"dos\r\n"}, []string{"> dos"}},
		{"empty line", []string{"\n"}, []string{"> "}},
		{"too long", []string{strings.Repeat("x", maxLogLine+10) + "\nnext\n"},
			[]string{"> " + strings.Repeat("x", maxLogLine) + "…", "> next"}},
		// Whole lines are copied in runs; the ones cut or ending in \r break a run.
		{"crlf and long lines among whole ones", []string{"a\nb\r\nc\n\r\n" + strings.Repeat("y", maxLogLine+1) + "\nd\ne"},
			[]string{"> a", "> b", "> c", "> ", "> " + strings.Repeat("y", maxLogLine) + "…", "> d", "> e"}},
		{"a line of exactly the most kept", []string{"p", strings.Repeat("z", maxLogLine-1) + "\n" + strings.Repeat("z", maxLogLine) + "\n"},
			[]string{"> p" + strings.Repeat("z", maxLogLine-1), "> " + strings.Repeat("z", maxLogLine)}},
		{"a line continued, then whole ones", []string{"par", "tial\nx\ny\n", "\n"}, []string{"> partial", "> x", "> y", "> "}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := &Engine{cfg: defaultConfig()}
			r := &run{e: e}
			w := newLineLog(r, "> ", closedChan())
			for _, s := range tt.writes {
				if n, err := w.Write([]byte(s)); n != len(s) || err != nil {
					t.Fatalf("Write = %d, %v", n, err)
				}
			}
			w.flush()
			var got []string
			for _, l := range r.logTail(100) {
				got = append(got, l.Text)
			}
			if strings.Join(got, "|") != strings.Join(tt.want, "|") {
				t.Fatalf("log %q, want %q", got, tt.want)
			}
		})
	}
}

func TestLastLine(t *testing.T) {
	tests := map[string]string{"": "", "a\n": "a", "a\n  b  \n\n": "b", "one": "one", "x\r\ny\r\n": "y"}
	for in, want := range tests {
		if got := lastLine([]byte(in)); got != want {
			t.Errorf("lastLine(%q) = %q, want %q", in, got, want)
		}
	}
	var tb tailBuffer
	tb.Write([]byte(strings.Repeat("a", pollOutputTail)))
	tb.Write([]byte("\nlast"))
	if len(tb.b) != pollOutputTail || lastLine(tb.b) != "last" {
		t.Errorf("tail buffer: %d bytes, last %q", len(tb.b), lastLine(tb.b))
	}
}

// closedChan returns a closed channel: a lineLog whose child is published.
func closedChan() <-chan struct{} {
	ch := make(chan struct{})
	close(ch)
	return ch
}
