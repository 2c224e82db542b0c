package engine_test

import (
	"slices"
	"testing"
	"testing/synctest"
	"time"

	"github.com/spindle-tui/spindle/engine"
)

// TestPollerMinWait checks that MinWait binds only after a run that did not end
// before its next deadline (with every slot taken), and that the schedule stays
// on the grid start + k·period either way: a run that fits its period, however
// close to the deadline it ends, never moves the next start.
func TestPollerMinWait(t *testing.T) {
	const period = 100 * time.Millisecond
	tests := []struct {
		name        string
		concurrency int
		minWait     time.Duration
		work        []time.Duration // per run; the last repeats
		until       time.Duration
		wantStarts  []time.Duration
		wantDelays  []time.Duration // Stats().Delays, one per start
		wantSkipped int64
	}{
		{
			// The example: 95ms runs end 5ms before each deadline.
			name: "concurrency 1, runs fit: no drift", concurrency: 1, minWait: 10 * time.Millisecond,
			work: ms(95), until: 550 * time.Millisecond,
			wantStarts: ms(0, 100, 200, 300, 400, 500),
			wantDelays: ms(0, 0, 0, 0, 0, 0),
		},
		{
			// 0–150 ends after the deadline 100: the next waits until 170 and
			// serves 100; it ends at 180, before 200, so the grid resumes.
			name: "concurrency 1, one overrun then back on the grid", concurrency: 1, minWait: 20 * time.Millisecond,
			work: ms(150, 10), until: 450 * time.Millisecond,
			wantStarts: ms(0, 170, 200, 300, 400),
			wantDelays: ms(0, 70, 0, 0, 0),
		},
		{
			// Every run overruns: 0–150 → 170 serves 100; 170–320 → 340 serves
			// 300 (200 skipped); 340–490 → 510 serves 500 (400 skipped); 510–660
			// → 680 serves 600; 680–830 → 850 serves 800 (700 skipped).
			name: "concurrency 1, every run overruns", concurrency: 1, minWait: 20 * time.Millisecond,
			work: ms(150), until: 900 * time.Millisecond,
			wantStarts:  ms(0, 170, 340, 510, 680, 850),
			wantDelays:  ms(0, 70, 40, 10, 80, 50),
			wantSkipped: 3,
		},
		{
			// Both slots are taken when 0–150 ends, but the next deadline (200)
			// has a free slot by then: nothing waits on that end, MinWait does
			// not bind and 200 runs at 200.
			name: "concurrency 2, overlapping runs keep the grid", concurrency: 2, minWait: 60 * time.Millisecond,
			work: ms(150), until: 550 * time.Millisecond,
			wantStarts: ms(0, 100, 200, 300, 400, 500),
			wantDelays: ms(0, 0, 0, 0, 0, 0),
		},
		{
			// 0–250 and 100–350 hold both slots at 200: 200 waits for 250 plus
			// MinWait (270); 300 for 350 (370); 400 is skipped: 270–520 ends
			// after 400 and 500, and 540 serves 500; 370–620 → 640 serves 600.
			name: "concurrency 2, overruns wait for a slot and MinWait", concurrency: 2, minWait: 20 * time.Millisecond,
			work: ms(250), until: 700 * time.Millisecond,
			wantStarts:  ms(0, 100, 270, 370, 540, 640),
			wantDelays:  ms(0, 0, 70, 70, 40, 40),
			wantSkipped: 1,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				opts := []engine.PollerOption{engine.MinWait(tt.minWait), engine.Concurrency(tt.concurrency)}
				starts, s := runSchedule(t, period, tt.work, opts, tt.until)
				if !slices.Equal(starts, tt.wantStarts) {
					t.Fatalf("starts %v, want %v", starts, tt.wantStarts)
				}
				if !slices.Equal(s.Delays, tt.wantDelays) {
					t.Fatalf("delays %v, want %v", s.Delays, tt.wantDelays)
				}
				if s.Skipped != tt.wantSkipped {
					t.Fatalf("skipped %d, want %d", s.Skipped, tt.wantSkipped)
				}
			})
		})
	}
}
