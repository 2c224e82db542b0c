package engine

import (
	"context"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/spindle-tui/spindle/engine/internal/osproc"
)

// countingSampler counts its samples and reports 1% and 1 byte for every
// tree.
type countingSampler struct {
	mu sync.Mutex
	n  int
}

func (c *countingSampler) Sample(trees []*osproc.Tree, _ time.Time) []osproc.Usage {
	c.mu.Lock()
	c.n++
	c.mu.Unlock()
	out := make([]osproc.Usage, len(trees))
	for i := range out {
		out[i] = osproc.Usage{CPU: 1, RSS: 1}
	}
	return out
}

func (c *countingSampler) count() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n
}

func TestSamplerRestsWhileNobodyWatches(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := New(WithSampleInterval(time.Second))
		s := &countingSampler{}
		pr := &procRun{} // a stand-in child: only the sampler sees it
		e.mu.Lock()
		e.children.live = map[*procRun]struct{}{pr: {}}
		e.startSamplerLocked(s)
		e.mu.Unlock()

		// Nobody subscribed: a sample a second after the first child, then
		// one a minute (at 1s, 61s, ..., 541s).
		time.Sleep(10*time.Minute + time.Millisecond)
		synctest.Wait()
		if got := s.count(); got != 10 {
			t.Fatalf("%d samples in 10 minutes with nobody watching, want 10", got)
		}
		e.mu.Lock()
		if pr.cpu != 1 || pr.rss != 1 {
			t.Fatalf("figures not stored: %v %v", pr.cpu, pr.rss)
		}
		e.mu.Unlock()

		// A subscriber gets a fresh sample before its first snapshot...
		_, cancel := e.Subscribe()
		if got := s.count(); got != 11 {
			t.Fatalf("%d samples after Subscribe returned, want 11", got)
		}
		// ...and one a second while it watches.
		time.Sleep(10 * time.Second)
		synctest.Wait()
		if got := s.count(); got != 21 {
			t.Fatalf("%d samples after 10s watched, want 21", got)
		}
		// Once it leaves, the sample due a second on is the last before the
		// minute again (at 611s, then 671s).
		cancel()
		time.Sleep(2 * time.Minute)
		synctest.Wait()
		if got := s.count(); got != 23 {
			t.Fatalf("%d samples 2 minutes after the subscriber left, want 23", got)
		}
		// A second subscriber within the interval of a sample does not
		// trigger another.
		time.Sleep(59*time.Second + 500*time.Millisecond)
		synctest.Wait()
		before := s.count()
		_, cancel = e.Subscribe()
		_, cancel2 := e.Subscribe()
		if got := s.count(); got != before+1 {
			t.Fatalf("two subscribers in a row: %d samples, want %d", got, before+1)
		}
		cancel()
		cancel2()

		e.mu.Lock()
		delete(e.children.live, pr)
		e.mu.Unlock()
		if err := e.Close(context.Background()); err != nil {
			t.Fatal(err)
		}
	})
}
