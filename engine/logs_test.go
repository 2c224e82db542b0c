//go:build linux || darwin || freebsd

package engine_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/spindle-tui/spindle/engine"
	"github.com/spindle-tui/spindle/model"
)

// readLogs reads every line q selects now.
func readLogs(e *engine.Engine, q model.LogQuery) []model.LogEntry {
	rd := e.Logs(q)
	var all []model.LogEntry
	for {
		b := rd.Read()
		if len(b.Lines) == 0 {
			return all
		}
		all = append(all, b.Lines...)
	}
}

// streamed returns "stream text" for each line, for comparing.
func streamed(lines []model.LogEntry) []string {
	var s []string
	for _, l := range lines {
		s = append(s, string(l.Stream)+" "+l.Text)
	}
	return s
}

// Every kind of task writes into the one store, each line marked with its
// stream: a child's stdout and stderr, spindle's lifecycle lines, Logf, a
// poller's values.
func TestEveryKindOfTaskWritesTheStore(t *testing.T) {
	if !engine.ProcessesSupported {
		t.Skip(engine.ErrProcessUnsupported)
	}
	e := engine.New()
	defer closeEngine(t, e)
	m := e.NewManager("procs", 4)
	if err := m.Watch(); err != nil {
		t.Fatal(err)
	}
	spec := sh("echo out; echo err >&2; exit 3")
	spec.Restart = engine.RestartOnFailure
	spec.Backoff = engine.Backoff{Initial: time.Hour, Jitter: -1} // exactly 1h: the log line says so
	proc := mustAppendProcess(t, m, "proc", spec)
	gor, _ := m.Append("gor", func(ctx context.Context) error {
		engine.Logf(ctx, "hello %d", 7)
		return nil
	})
	pl := e.NewPoller("disk", time.Millisecond, func(context.Context) (any, error) { return 42, nil })
	pl.Start()
	eventually(t, "the process in backoff", func() bool { return findTask(e, proc).State == model.StateBackoff })
	eventually(t, "the poller's value", func() bool {
		return len(readLogs(e, model.LogQuery{Tasks: []model.TaskID{engine.PollerLogPrefix + "disk"}})) > 0
	})

	got := streamed(readLogs(e, model.LogQuery{Tasks: []model.TaskID{proc}}))
	for _, want := range []string{"stdout out", "stderr err", "spindle started pid"} {
		if !slices.ContainsFunc(got, func(s string) bool { return strings.HasPrefix(s, want) }) {
			t.Errorf("the process's log has no %q: %q", want, got)
		}
	}
	if !slices.ContainsFunc(got, func(s string) bool {
		return strings.HasPrefix(s, "spindle ") && strings.Contains(s, "restarting in 1h")
	}) {
		t.Errorf("the process's log does not say it restarts: %q", got)
	}
	if got := streamed(readLogs(e, model.LogQuery{Tasks: []model.TaskID{gor}, Streams: []model.LogStream{model.StreamLog}})); !slices.Equal(got, []string{"log hello 7"}) {
		t.Errorf("the goroutine's Logf lines: %q", got)
	}
	if got := readLogs(e, model.LogQuery{Tasks: []model.TaskID{engine.PollerLogPrefix + "disk"}}); got[0].Text != "42" || got[0].Name != "disk" || len(got) != 1 {
		t.Errorf("the poller's lines (a value once, not once per poll): %+v", got)
	}
	// The snapshot's tail is as it was: stderr marked, spindle's lines marked.
	if task := findTask(e, proc); logLine(task, "stderr: err") == "" || logLine(task, "spindle: started pid") == "" {
		t.Errorf("the snapshot tail: %+v", task.Log)
	}
	// One sequence across every task, increasing by one.
	all := readLogs(e, model.LogQuery{})
	for i := 1; i < len(all); i++ {
		if all[i].Seq != all[i-1].Seq+1 {
			t.Fatalf("seq %d after %d", all[i].Seq, all[i-1].Seq)
		}
	}
}

// A follower gets lines as they come and resumes from Next.
func TestFollowAndResume(t *testing.T) {
	e := engine.New()
	defer closeEngine(t, e)
	m := e.NewManager("m", 1)
	step := make(chan struct{})
	id, _ := m.Append("talker", func(ctx context.Context) error {
		for i := range 10 {
			<-step
			engine.Logf(ctx, "line %d", i)
		}
		return nil
	})
	if err := m.Run(); err != nil {
		t.Fatal(err)
	}
	q := model.LogQuery{Tasks: []model.TaskID{id}, Streams: []model.LogStream{model.StreamLog}}
	rd := e.Logs(q)
	var got []string
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for i := range 10 {
		step <- struct{}{}
		b, err := rd.Follow(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range b.Lines {
			got = append(got, l.Text)
		}
		if i == 4 { // a new reader from where the last one stopped
			q.Since = b.Next - 1
			rd = e.Logs(q)
		}
	}
	want := make([]string, 10)
	for i := range want {
		want[i] = fmt.Sprintf("line %d", i)
	}
	if !slices.Equal(got, want) {
		t.Fatalf("followed %q", got)
	}
	short, stop := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer stop()
	if _, err := rd.Follow(short); err == nil {
		t.Fatal("Follow with nothing new returned before its context ended")
	}
}

// With a small max_size the files rotate: one file per task, backups capped,
// every line in text or JSON.
func TestLogFilesRotate(t *testing.T) {
	for _, asJSON := range []bool{false, true} {
		t.Run(fmt.Sprint("json=", asJSON), func(t *testing.T) {
			dir := t.TempDir()
			e := engine.New()
			e.SetLogFiles(engine.LogFiles{Dir: dir, MaxSize: 1, MaxBackups: 2, JSON: asJSON,
				Tasks: map[string]engine.TaskLogFile{"silent": {Off: true}}})
			m := e.NewManager("m", 2)
			line := strings.Repeat("x", 200)
			const n = 15000 // about 3.2 MB: three rotations
			m.Append("big", func(ctx context.Context) error {
				for i := range n {
					engine.Logf(ctx, "%06d %s", i, line)
					if i%100 == 0 {
						time.Sleep(time.Millisecond) // mostly let the disk keep up
					}
				}
				return nil
			})
			m.Append("silent", func(ctx context.Context) error { engine.Logf(ctx, "not on disk"); return nil })
			if err := m.Run(); err != nil {
				t.Fatal(err)
			}
			eventually(t, "both tasks done", func() bool { return e.Snapshot().Counts[model.StateDone] == 2 })
			closeEngine(t, e)

			names, _ := filepath.Glob(filepath.Join(dir, "*"))
			var backups int
			for _, name := range names {
				if strings.HasPrefix(filepath.Base(name), "big-") {
					backups++
				}
			}
			if !slices.Contains(names, filepath.Join(dir, "big.log")) || backups != 2 || len(names) != 3 {
				t.Fatalf("files %q, want big.log and 2 backups", names)
			}
			data, err := os.ReadFile(filepath.Join(dir, "big.log"))
			if err != nil {
				t.Fatal(err)
			}
			lines := strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
			for _, l := range lines {
				if asJSON {
					var entry model.LogEntry
					if err := json.Unmarshal([]byte(l), &entry); err != nil && !strings.Contains(l, "lines not written") {
						t.Fatalf("a JSON line %q: %v", l, err)
					}
					continue
				}
				if f := strings.Fields(l); len(f) < 3 || (f[1] != "log" && f[1] != "spindle") {
					t.Fatalf("a text line %q", l)
				}
			}
			// A slow disk drops lines rather than wait, and says so in the file.
			if st := e.LogStats(); st.DiskDropped > 0 && !strings.Contains(string(data), "lines not written") {
				t.Logf("%d lines dropped on the way to disk", st.DiskDropped)
			}
		})
	}
}

// The memory bounds hold for a flood, and the reader is told what it missed.
func TestLogBytesBoundAFlood(t *testing.T) {
	e := engine.New(engine.WithLogBytes(32<<10, 64<<10))
	defer closeEngine(t, e)
	m := e.NewManager("m", 1)
	rd := e.Logs(model.LogQuery{Streams: []model.LogStream{model.StreamLog}})
	m.Append("flood", func(ctx context.Context) error {
		for i := range 20000 {
			engine.Logf(ctx, "%d", i)
		}
		return nil
	})
	if err := m.Run(); err != nil {
		t.Fatal(err)
	}
	eventually(t, "done", func() bool { return e.Snapshot().Counts[model.StateDone] == 1 })
	if st := e.LogStats(); st.Bytes > 32<<10 || st.Evicted == 0 {
		t.Fatalf("stats after a flood: %+v", st)
	}
	var read, gap uint64
	for {
		b := rd.Read()
		read += uint64(len(b.Lines))
		gap += b.Gap
		if len(b.Lines) == 0 && b.Gap == 0 {
			break
		}
	}
	if read == 0 || gap == 0 || read+gap < 20000 {
		t.Fatalf("read %d, gap %d of 20000 Logf lines", read, gap)
	}
}

// A probe's failures are lines of its task's log (stream probe), next to
// spindle's own line about what they led to.
func TestProbeFailuresAreLogged(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := engine.New()
		defer closeEngine(t, e)
		m := e.NewManager("m", 1)
		_ = m.Watch()
		id, _ := m.Append("api", untilHalted, engine.Liveness(engine.Probe{
			Check: scripted("+--"), Period: time.Second, FailureThreshold: 2,
		}))
		time.Sleep(3500 * time.Millisecond)
		synctest.Wait()
		got := streamed(readLogs(e, model.LogQuery{Tasks: []model.TaskID{id}}))
		want := []string{"probe liveness check failed (1 in a row): check 2 failed", "probe liveness check failed (2 in a row): check 3 failed"}
		for _, w := range want {
			if !slices.Contains(got, w) {
				t.Errorf("no %q in %q", w, got)
			}
		}
		if !slices.ContainsFunc(got, func(s string) bool {
			return strings.HasPrefix(s, "spindle ") && strings.Contains(s, "liveness checks failed")
		}) {
			t.Errorf("no lifecycle line of the liveness failure in %q", got)
		}
	})
}
