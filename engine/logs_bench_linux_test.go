package engine_test

import (
	"context"
	"os"
	"os/exec"
	"slices"
	"testing"
	"time"

	"github.com/spindle-tui/spindle/engine"
	"github.com/spindle-tui/spindle/model"
)

// floodArgv prints 2 million lines as fast as it can.
var floodArgv = []string{"seq", "2000000"}

// devNull runs argv with its output to /dev/null and returns how long it took.
func devNull(b *testing.B, argv []string) time.Duration {
	null, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	if err != nil {
		b.Fatal(err)
	}
	defer null.Close()
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Stdout = null
	start := time.Now()
	if err := cmd.Run(); err != nil {
		b.Fatal(err)
	}
	return time.Since(start)
}

// throughSpindle runs argv as a process task of e and returns how long it
// took from append to done; with a slow follower reading the store meanwhile
// when slowReader.
func throughSpindle(b *testing.B, argv []string, slowReader bool) time.Duration {
	e := engine.New()
	defer e.Close(context.Background())
	m := e.NewManager("flood", 1)
	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	if slowReader {
		rd := e.Logs(model.LogQuery{})
		go func() {
			for ctx.Err() == nil {
				rd.Read()
				time.Sleep(10 * time.Millisecond) // a viewer far slower than the child
			}
		}()
	}
	start := time.Now()
	id, err := m.AppendProcess("flood", engine.ProcessSpec{Command: argv})
	if err != nil {
		b.Fatal(err)
	}
	if err := m.Run(); err != nil {
		b.Fatal(err)
	}
	for {
		if s := e.Snapshot(); taskState(s, id) == model.StateDone {
			break
		}
		time.Sleep(time.Millisecond)
	}
	return time.Since(start)
}

func taskState(s model.Snapshot, id model.TaskID) model.State {
	for _, t := range s.Tasks {
		if t.ID == id {
			return t.State
		}
	}
	return model.StateQueued
}

// BenchmarkLogFlood runs `seq 2000000` through spindle (a process task, its
// every line in the log store) and to /dev/null, alternating, one pair per
// iteration (-benchtime=Nx), and reports the median and the worst per-pair
// ratio. Budget: under 1.5×.
func BenchmarkLogFlood(b *testing.B) {
	for _, tt := range []struct {
		name string
		argv []string // through spindle; floodArgv to /dev/null
		slow bool
	}{
		{"store", floodArgv, false},
		{"store+slow-reader", floodArgv, true},
		// What spindle costs without the output: the same command with its
		// output to /dev/null inside the task (start, reap, the engine).
		{"fixed-cost", []string{"sh", "-c", "seq 2000000 >/dev/null"}, false},
		// The floor of any supervisor that reads the output: a pipe to cat.
		{"pipe-floor", []string{"sh", "-c", "seq 2000000 | cat >/dev/null"}, false},
	} {
		b.Run(tt.name, func(b *testing.B) {
			var ratios []float64
			var spindle, null time.Duration
			for i := 0; b.Loop(); i++ {
				var s, n time.Duration
				if i%2 == 0 {
					s, n = throughSpindle(b, tt.argv, tt.slow), devNull(b, floodArgv)
				} else {
					n, s = devNull(b, floodArgv), throughSpindle(b, tt.argv, tt.slow)
				}
				spindle += s
				null += n
				ratios = append(ratios, float64(s)/float64(n))
			}
			slices.Sort(ratios)
			b.ReportMetric(ratios[len(ratios)/2], "median-ratio")
			b.ReportMetric(ratios[len(ratios)-1], "worst-ratio")
			b.ReportMetric(float64(spindle.Milliseconds())/float64(len(ratios)), "spindle-ms")
			b.ReportMetric(float64(null.Milliseconds())/float64(len(ratios)), "devnull-ms")
		})
	}
}
