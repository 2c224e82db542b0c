package ui

import (
	"testing"
	"testing/synctest"
	"time"

	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/spindle-tui/spindle/model"
)

// resultingSize is a pool's size after the engine carried out cmds on it, from
// start: an absolute resize sets it, a relative one steps it.
func resultingSize(start int64, pool string, cmds []model.Command) int64 {
	n := start
	for _, c := range cmds {
		switch {
		case c.Op != model.OpResize || c.Pool != pool:
		case c.Relative():
			n += c.Step
		default:
			n = c.Value
		}
	}
	return n
}

// resultingPeriod is a poller's period after the engine carried out cmds on it.
func resultingPeriod(start time.Duration, poller string, cmds []model.Command) time.Duration {
	d := start
	for _, c := range cmds {
		switch {
		case c.Op != model.OpSetPeriod || c.Poller != poller:
		case c.Step > 0:
			d <<= c.Step
		case c.Step < 0:
			d >>= -c.Step
		default:
			d = time.Duration(c.Value)
		}
	}
	return d
}

// TestRepeatedKeysCount: keys pressed faster than snapshots come each make a
// step. The pool io has 4 workers and the poller disk a 2s period in every
// snapshot the dashboard sees while the keys arrive.
func TestRepeatedKeysCount(t *testing.T) {
	tests := []struct {
		name  string
		keys  []string
		check func(t *testing.T, cmds []model.Command)
	}{
		{"four + on a pool", []string{"2", "+", "+", "+", "+"}, func(t *testing.T, cmds []model.Command) {
			if got := resultingSize(4, "io", cmds); got != 8 {
				t.Errorf("io has %d workers after four + from 4, want 8 (sent %v)", got, cmds)
			}
		}},
		{"three - on a pool", []string{"2", "-", "-", "-"}, func(t *testing.T, cmds []model.Command) {
			if got := resultingSize(4, "io", cmds); got != 1 {
				t.Errorf("io has %d workers after three - from 4, want 1 (sent %v)", got, cmds)
			}
		}},
		{"three - on a poller", []string{"3", "-", "-", "-"}, func(t *testing.T, cmds []model.Command) {
			if got := resultingPeriod(2*time.Second, "disk", cmds); got != 16*time.Second {
				t.Errorf("disk's period is %s after three - from 2s, want 16s (sent %v)", got, cmds)
			}
		}},
		{"two + on a poller", []string{"3", "+", "+"}, func(t *testing.T, cmds []model.Command) {
			if got := resultingPeriod(2*time.Second, "disk", cmds); got != 500*time.Millisecond {
				t.Errorf("disk's period is %s after two + from 2s, want 500ms (sent %v)", got, cmds)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				h := newHarness(t)
				h.keys(tt.keys...)
				tt.check(t, h.src.commands())
			})
		})
	}
}

// TestRepeatedKeysCountInTheProgram: the same through the whole Bubble Tea
// program, four + typed in one burst, as a person holding the key would.
func TestRepeatedKeysCountInTheProgram(t *testing.T) {
	src := newFakeSource()
	snap := fixtureSnapshot()
	src.initial = &snap
	tm := teatest.NewTestModel(t, New(src, WithColor(false)), teatest.WithInitialTermSize(120, 40))
	waitScreen(t, tm, "crawl root")
	tm.Type("2++++") // the program handles its messages in order: Pools, then four +
	deadline := time.Now().Add(5 * time.Second)
	for len(src.commands()) < 4 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if got := resultingSize(4, "io", src.commands()); got != 8 {
		t.Errorf("io has %d workers after ++++ from 4, want 8 (sent %v)", got, src.commands())
	}
	tm.Type("q")
	tm.WaitFinished(t, teatest.WithFinalTimeout(5*time.Second))
}
