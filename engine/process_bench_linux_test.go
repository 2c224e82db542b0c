package engine_test

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/spindle-tui/spindle/engine"
	"github.com/spindle-tui/spindle/model"
	"golang.org/x/sys/unix"
)

// BenchmarkSleepingChildren starts 500 and 5,000 children that sleep and
// reports what spindle's own process costs while they run: its OS threads and
// its resident memory (/proc/self/status), in total and per child. Each child
// holds three file descriptors (its two output pipes and a pidfd), so the
// benchmark raises RLIMIT_NOFILE, and skips when the limits forbid that many.
// Run it with -benchtime=1x: one iteration starts them all.
func BenchmarkSleepingChildren(b *testing.B) {
	for _, children := range []int{500, 5000} {
		b.Run(fmt.Sprint("children=", children), func(b *testing.B) { benchSleepingChildren(b, children) })
	}
}

func benchSleepingChildren(b *testing.B, children int) {
	files := uint64(children*3 + 1024)
	if err := raiseNoFile(files); err != nil {
		b.Skipf("needs %d open files: %v", files, err)
	}
	var nproc syscall.Rlimit
	if err := syscall.Getrlimit(unix.RLIMIT_NPROC, &nproc); err == nil && nproc.Cur < uint64(children+1024) {
		b.Skipf("RLIMIT_NPROC %d is below %d", nproc.Cur, children+1024)
	}
	for b.Loop() {
		baseThreads, baseRSS := selfStatus(b)
		e := engine.New(engine.WithHistory(16))
		m := e.NewManager("sleepers", children)
		if err := m.Watch(); err != nil {
			b.Fatal(err)
		}
		// In batches: a child being started holds a few more descriptors
		// (its pipes' other ends, /dev/null, exec's pidfd) than a running one.
		const batch = 250
		for i := 0; i < children; i += batch {
			for j := i; j < min(i+batch, children); j++ {
				if _, err := m.AppendProcess(fmt.Sprint("sleep ", j), engine.ProcessSpec{Command: []string{"sleep", "1000"}}); err != nil {
					b.Fatal(err)
				}
			}
			untilStarted(b, e, min(i+batch, children))
		}
		time.Sleep(time.Second) // let every waiter settle where it waits
		threads, rss := selfStatus(b)
		b.ReportMetric(float64(threads), "threads")
		b.ReportMetric(float64(threads-baseThreads)/float64(children), "threads/child")
		b.ReportMetric(float64(rss)/(1<<20), "MiB-RSS")
		b.ReportMetric(float64(rss-baseRSS)/float64(children)/1024, "KiB-RSS/child")
		closeForBench(b, e)
	}
}

// untilStarted waits until n process tasks of e have a pid, failing the
// benchmark if one fails to start.
func untilStarted(b *testing.B, e *engine.Engine, n int) {
	b.Helper()
	deadline := time.Now().Add(2 * time.Minute)
	for {
		started := 0
		for _, task := range e.Snapshot().Tasks {
			switch {
			case task.PID != 0:
				started++
			case task.State == model.StateFailed:
				b.Fatalf("%s did not start: %s", task.Name, task.Error)
			}
		}
		if started >= n {
			return
		}
		if time.Now().After(deadline) {
			b.Fatalf("only %d of %d children started", started, n)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// raiseNoFile raises the soft (and if need be the hard) limit on open files
// to at least n.
func raiseNoFile(n uint64) error {
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		return err
	}
	if lim.Cur >= n {
		return nil
	}
	lim.Cur = n
	lim.Max = max(lim.Max, n)
	return syscall.Setrlimit(syscall.RLIMIT_NOFILE, &lim)
}

// selfStatus reads this process's thread count and resident memory (bytes).
func selfStatus(b *testing.B) (threads int, rss int64) {
	b.Helper()
	f, err := os.Open("/proc/self/status")
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, _ := bytes.Cut(sc.Bytes(), []byte(":"))
		fields := bytes.Fields(v)
		if len(fields) == 0 {
			continue
		}
		n, _ := strconv.ParseInt(string(fields[0]), 10, 64)
		switch string(k) {
		case "Threads":
			threads = int(n)
		case "VmRSS":
			rss = n * 1024
		}
	}
	return threads, rss
}
