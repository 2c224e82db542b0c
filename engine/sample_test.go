package engine

import (
	"strings"
	"testing"
	"time"
)

// TestBackoffDelay: the delay doubles from Initial up to Max, and the jitter
// takes at most its share off the doubled delay, never adding to it: a draw
// of 0 is the full delay, one near 1 the least it can be.
func TestBackoffDelay(t *testing.T) {
	const ms = time.Millisecond
	plain := Backoff{Initial: 500 * ms, Max: 30 * time.Second}
	jittered := Backoff{Initial: 500 * ms, Max: 30 * time.Second, Jitter: 0.2}
	tests := []struct {
		b      Backoff
		streak int
		u      float64
		want   time.Duration
	}{
		{plain, 0, 0.9, 500 * ms}, // no jitter: the draw does nothing
		{plain, 1, 0, time.Second},
		{plain, 5, 0, 16 * time.Second},
		{plain, 6, 0, 30 * time.Second}, // capped
		{plain, 1000, 0, 30 * time.Second},
		{jittered, 0, 0, 500 * ms},
		{jittered, 0, 0.5, 450 * ms},
		{jittered, 0, 1, 400 * ms}, // the bound: 0.8 of the delay
		{jittered, 2, 1, 1600 * ms},
		{jittered, 7, 0, 30 * time.Second}, // the cap is never passed
		{jittered, 7, 1, 24 * time.Second},
		{Backoff{Max: time.Second, Jitter: 1}, 3, 0.5, 0}, // no delay stays none
	}
	for _, tt := range tests {
		if got := tt.b.delay(tt.streak, tt.u); got != tt.want {
			t.Errorf("%+v.delay(%d, %g) = %s, want %s", tt.b, tt.streak, tt.u, got, tt.want)
		}
	}
}

func TestProcessSpecDefaults(t *testing.T) {
	got := ProcessSpec{Command: []string{"x"}}.withDefaults()
	if got.Backoff != (Backoff{DefaultBackoffInitial, DefaultBackoffMax, DefaultBackoffJitter}) || got.MaxRestarts != 5 ||
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
