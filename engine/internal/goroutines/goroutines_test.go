package goroutines

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"net/http/pprof"
	runpprof "runtime/pprof"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

const dump2 = `goroutine 1 [running]:
main.main()
	/src/main.go:20 +0x165

goroutine 19 [chan receive, 3 minutes]:
main.leak()
	/src/main.go:13 +0x19
created by main.start in goroutine 1
	/src/main.go:30 +0x58

goroutine 20 [chan receive]:
main.leak()
	/src/main.go:13 +0x19
created by main.start in goroutine 1
	/src/main.go:30 +0x58

goroutine 21 [sleep]:
time.Sleep(0x34630b8a000)
	/go/src/runtime/time.go:363 +0x165
main.nap()
	/src/main.go:16 +0x1d
created by main.main in goroutine 1
	/src/main.go:16 +0xd9
`

const dump1 = `goroutine profile: total 4
1 @ 0x442931 0x47cd1d
#	0x4c8770	main.main+0xb0	/src/main.go:20

1 @ 0x47d92e 0x4158ee
# labels: {"spindle.task":"t1", "x":"a b\"c"}
#	0x4dc198	main.leak+0x18	/src/main.go:13

1 @ 0x47d92e 0x480b25 0x4dc21d 0x483e41
#	0x480b24	time.Sleep+0x164	/go/src/runtime/time.go:363
#	0x4dc21c	main.nap+0x1c	/src/main.go:16
`

func TestAggregateAttributesLabels(t *testing.T) {
	gs, err := ParseStacks(strings.NewReader(dump2))
	if err != nil {
		t.Fatal(err)
	}
	recs, err := ParseLabels(strings.NewReader(dump1))
	if err != nil {
		t.Fatal(err)
	}
	groups := Aggregate(gs, recs)
	var got []string
	for _, g := range groups {
		got = append(got, g.Top().Func+" "+g.State+" "+g.Labels["spindle.task"]+" "+strconv.Itoa(g.Count)+" "+strconv.Itoa(g.WaitMin))
	}
	want := []string{
		"main.leak chan receive t1 1 3", // labels from debug=1: one of the two
		"main.leak chan receive  1 0",   // the other: its record counted one
		"main.main running  1 0",
		"main.nap sleep  1 0", // time.Sleep is the library's: the program's line is main.nap's
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("groups:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if cb := groups[0].CreatedBy; cb.Func != "main.start" || cb.Line != 30 {
		t.Errorf("created by %+v, want main.start at line 30", cb)
	}
	if g := groups[0]; g.Labels["x"] != `a b"c` {
		t.Errorf("label x = %q, want a b\"c", g.Labels["x"])
	}
}

func TestParseBadInput(t *testing.T) {
	if _, err := ParseStacks(strings.NewReader("<html>not found</html>")); err != ErrNoGoroutines {
		t.Errorf("ParseStacks(html) = %v, want ErrNoGoroutines", err)
	}
	if _, err := ParseLabels(strings.NewReader("1 @ 0x1\n# labels: {\"a\" \"b\"}\n")); err == nil || !strings.Contains(err.Error(), "line 2") {
		t.Errorf("ParseLabels(bad labels) = %v, want an error naming line 2", err)
	}
}

func TestTrackerGrowthAndWait(t *testing.T) {
	var tr Tracker
	t0 := time.Unix(1000, 0)
	var g []Group
	for i := range 6 {
		ids := make([]int, i+1)
		for j := range ids {
			ids[j] = j + 1
		}
		g = []Group{{Key: "leak", Count: i + 1, State: "chan receive", ids: ids}}
		tr.Track(t0.Add(time.Duration(i)*time.Second), g)
	}
	if !g[0].Growing || len(g[0].History) != 6 || g[0].History[5] != 6 {
		t.Errorf("after 6 growing samples: growing %v history %v", g[0].Growing, g[0].History)
	}
	if g[0].Wait != 5*time.Second {
		t.Errorf("wait = %s, want 5s (goroutine 1 seen in the group since the first sample)", g[0].Wait)
	}
	g = []Group{{Key: "leak", Count: 2, State: "chan receive", ids: []int{1, 2}}}
	tr.Track(t0.Add(6*time.Second), g)
	if g[0].Growing {
		t.Error("a group that shrank is still marked growing")
	}
}

// TestLocalSampleSeesLabels runs goroutines under labels in this process and
// finds them, labelled, in a Local sample; then the same through HTTP.
func TestLocalSampleSeesLabels(t *testing.T) {
	stop := make(chan struct{})
	var wg sync.WaitGroup
	runpprof.Do(context.Background(), runpprof.Labels("spindle.task", "t7"), func(context.Context) {
		for range 3 {
			wg.Go(func() { parked(stop) })
		}
	})
	defer wg.Wait()
	defer close(stop)
	time.Sleep(10 * time.Millisecond) // let them park

	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	srv := httptest.NewServer(mux)
	defer srv.Close()
	for name, f := range map[string]Fetcher{"local": Local{}, "http": HTTPFetcher{Base: srv.URL + "/debug/pprof/"}} {
		s, err := NewSampler(f).Sample(context.Background())
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		found := false
		for _, g := range s.Groups {
			if strings.HasSuffix(g.Top().Func, ".parked") {
				found = g.Count == 3 && g.Labels["spindle.task"] == "t7" && g.State == "chan receive"
				if !found {
					t.Errorf("%s: parked group %d goroutines, labels %v, state %q", name, g.Count, g.Labels, g.State)
				}
			}
		}
		if !found || !s.Labelled || s.Interval < MinInterval {
			t.Errorf("%s: parked group found %v, labelled %v, interval %s", name, found, s.Labelled, s.Interval)
		}
	}
}

func parked(stop chan struct{}) { <-stop }

func TestSamplerKeepsFreshSample(t *testing.T) {
	f := &countingFetcher{}
	s := NewSampler(f)
	now := time.Unix(0, 0)
	s.now = func() time.Time { return now }
	a, _ := s.Sample(context.Background())
	now = now.Add(500 * time.Millisecond)
	b, _ := s.Sample(context.Background())
	now = now.Add(600 * time.Millisecond)
	c, _ := s.Sample(context.Background())
	if a != b || b == c || f.n != 3 {
		t.Errorf("fetches %d (want 3: a sample with the dump, one without), fresh sample reused %v, stale one replaced %v", f.n, a == b, b != c)
	}
}

// TestSamplerDumpsRarely: every sample reads the label profile, but the
// debug=2 dump (the part that stops the world) only every MinDumpInterval, or
// a thousand times as long as it took to write; in between, each group's
// count is fresh and its state, wait and creator are the last dump's
// (StatesAt says when), and a group the dump did not see has none.
func TestSamplerDumpsRarely(t *testing.T) {
	now := time.Unix(0, 0)
	f := &countingFetcher{}
	s := NewSampler(f)
	s.now = func() time.Time { return now }
	first, err := s.Sample(context.Background())
	if err != nil || f.dumps != 1 || !first.StatesAt.Equal(first.Time) {
		t.Fatalf("first sample: %v, %d dumps, states at %v (want its own time %v)", err, f.dumps, first.StatesAt, first.Time)
	}
	f.label1 = dump1Grown
	for range 4 {
		now = now.Add(time.Second)
		smp, err := s.Sample(context.Background())
		if err != nil || f.dumps != 1 || !smp.StatesAt.Equal(first.Time) || !smp.Time.Equal(now) {
			t.Fatalf("at %v: %v, %d dumps, states at %v; want the first dump's states", now, err, f.dumps, smp.StatesAt)
		}
		var leak, fresh *Group
		for i := range smp.Groups {
			switch g := &smp.Groups[i]; g.Top().Func {
			case "main.leak":
				leak = g
			case "main.fresh":
				fresh = g
			}
		}
		if leak == nil || leak.Count != 5 || leak.State != "chan receive" || leak.Wait != 3*time.Minute ||
			leak.CreatedBy.Func != "main.start" || leak.Labels["spindle.task"] != "t1" {
			t.Fatalf("labelled leak group between dumps: %+v", leak)
		}
		if fresh == nil || fresh.Count != 2 || fresh.State != "" || fresh.CreatedBy != (Frame{}) {
			t.Fatalf("a group the dump did not see: %+v", fresh)
		}
		if smp.Total != 9 {
			t.Fatalf("total %d, want 9 (the label profile's)", smp.Total)
		}
	}
	now = now.Add(time.Second) // MinDumpInterval since the first
	if smp, _ := s.Sample(context.Background()); f.dumps != 2 || !smp.StatesAt.Equal(now) {
		t.Fatalf("after %s: %d dumps, states at %v; want a second dump", MinDumpInterval, f.dumps, smp.StatesAt)
	}

	// A dump that took 20ms to write: the next one no sooner than 20s later.
	f.write = 20 * time.Millisecond
	f.advance = func(d time.Duration) { now = now.Add(d) }
	now = now.Add(MinDumpInterval)
	smp, _ := s.Sample(context.Background())
	if f.dumps != 3 || smp.NextDump.Sub(smp.StatesAt) < 20*time.Second {
		t.Fatalf("%d dumps, next dump %s after this one; want 3, and 20s or more", f.dumps, smp.NextDump.Sub(smp.StatesAt))
	}
}

// dump1Grown is dump1 later: the labelled leak group has grown to 5, and a
// group the dump never saw has formed.
const dump1Grown = `goroutine profile: total 9
1 @ 0x442931 0x47cd1d
#	0x4c8770	main.main+0xb0	/src/main.go:20

5 @ 0x47d92e 0x4158ee
# labels: {"spindle.task":"t1", "x":"a b\"c"}
#	0x4dc198	main.leak+0x18	/src/main.go:13

1 @ 0x47d92e 0x480b25 0x4dc21d 0x483e41
#	0x480b24	time.Sleep+0x164	/go/src/runtime/time.go:363
#	0x4dc21c	main.nap+0x1c	/src/main.go:16

2 @ 0x47d92e 0x4158ee
#	0x4dc198	main.fresh+0x18	/src/main.go:40
`

// countingFetcher serves dump1 (or label1) and dump2, counting fetches and
// dumps; a dump advances the clock by write (through advance).
type countingFetcher struct {
	n, dumps int
	label1   string
	write    time.Duration
	advance  func(time.Duration)
}

func (c *countingFetcher) Fetch(_ context.Context, debug int, w *bytes.Buffer) error {
	c.n++
	switch {
	case debug == 2:
		c.dumps++
		w.WriteString(dump2)
		if c.advance != nil {
			c.advance(c.write)
		}
	case c.label1 != "":
		w.WriteString(c.label1)
	default:
		w.WriteString(dump1)
	}
	return nil
}
