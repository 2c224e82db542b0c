// Package sampletasks is the built-in demo workload: what `spindle` runs when there is
// no task file, so that a newcomer sees every state and every key at work.
package sampletasks

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/spindle-tui/spindle/engine"
)

// Names of the demo's managers.
const (
	CrawlManager = "crawl" // limit 3, watching: queued work starts as slots free
	BatchManager = "batch" // limit 2, not watching: work waits until it is run (R)
)

// Register adds the demo managers to e, queues their first round of work and keeps
// requeueing work until ctx is done, so the screen stays alive. It returns once the
// first round is queued; the feeder goroutine ends with ctx.
func Register(ctx context.Context, e *engine.Engine) error {
	crawl := e.NewManager(CrawlManager, 3)
	batch := e.NewManager(BatchManager, 2)
	d := &demo{crawl: crawl, batch: batch, rng: rand.New(rand.NewPCG(7, 11))}
	if err := d.queueCrawlRound(true); err != nil {
		return err
	}
	if err := d.queueBatchRound(); err != nil {
		return err
	}
	if err := crawl.Watch(); err != nil {
		return fmt.Errorf("sampletasks: watch %s: %w", CrawlManager, err)
	}
	if err := registerPollers(ctx, e); err != nil {
		return err
	}
	if err := registerPools(ctx, e); err != nil {
		return err
	}
	if err := registerCron(e, batch); err != nil { // calendar.go
		return err
	}
	registerSerial(ctx, e)
	go d.feed(ctx)
	return nil
}

type demo struct {
	crawl, batch *engine.Manager
	rng          *rand.Rand // only the feeder goroutine uses it after Register
	page, report int
}

// feed requeues work whenever a manager's queue runs low.
func (d *demo) feed(ctx context.Context) {
	t := time.NewTicker(500 * time.Millisecond)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if s := d.crawl.Stats(); s.Queued < 2 {
			if d.queueCrawlRound(false) != nil {
				return // the engine is closing
			}
		}
		if s := d.batch.Stats(); s.Queued == 0 && s.Running == 0 {
			if d.queueBatchRound() != nil {
				return
			}
		}
	}
}

// queueCrawlRound queues a round of page fetches; the first round also carries the
// tasks that show the unhappy states: an error, a panic and a goroutine that
// ignores Checkpoint (kill shows it abandoned).
func (d *demo) queueCrawlRound(first bool) error {
	n := 4
	if first {
		n = 9
	}
	for range n {
		d.page++
		steps := 20 + d.rng.IntN(60)
		step := time.Duration(150+d.rng.IntN(250)) * time.Millisecond
		if _, err := d.crawl.Append(fmt.Sprintf("fetch page %d", d.page), fetchPage(d.page, steps, step)); err != nil {
			return fmt.Errorf("sampletasks: %w", err)
		}
		if !first {
			continue
		}
		switch d.page {
		case 2:
			if _, err := d.crawl.Append("parse sitemap.xml", parseSitemap); err != nil {
				return fmt.Errorf("sampletasks: %w", err)
			}
		case 4:
			if _, err := d.crawl.Append("render thumbnails", renderThumbnails); err != nil {
				return fmt.Errorf("sampletasks: %w", err)
			}
		case 6:
			if _, err := d.crawl.Append("legacy scraper", legacyScraper); err != nil {
				return fmt.Errorf("sampletasks: %w", err)
			}
		}
	}
	return nil
}

// queueBatchRound queues work on the manager that is not watching.
func (d *demo) queueBatchRound() error {
	for _, name := range []string{"reindex search", "nightly report", "compact logs", "rotate keys"} {
		d.report++
		steps := 10 + d.rng.IntN(20)
		if _, err := d.batch.Append(fmt.Sprintf("%s #%d", name, d.report), fetchPage(d.report, steps, 200*time.Millisecond)); err != nil {
			return fmt.Errorf("sampletasks: %w", err)
		}
	}
	return nil
}

// fetchPage is well-behaved work: it checks in at every step, reports progress and
// logs what it does.
func fetchPage(page, steps int, step time.Duration) engine.Func {
	return func(ctx context.Context) error {
		engine.Logf(ctx, "GET https://example.org/page/%d", page)
		for i := range steps {
			if err := engine.Checkpoint(ctx); err != nil {
				engine.Logf(ctx, "stopping at chunk %d/%d: %v", i, steps, err)
				return err
			}
			engine.Progress(ctx, int64(i), int64(steps))
			if i%5 == 0 {
				engine.Logf(ctx, "read chunk %d/%d (%d KiB)", i+1, steps, 16*(i+1))
			}
			if err := sleep(ctx, step); err != nil {
				return err
			}
		}
		engine.Progress(ctx, int64(steps), int64(steps))
		engine.Logf(ctx, "200 OK, %d KiB", 16*steps)
		return nil
	}
}

// errSitemap is what the failing demo task returns.
var errSitemap = errors.New("sitemap.xml: XML syntax error on line 42: unexpected EOF")

// parseSitemap fails part way through.
func parseSitemap(ctx context.Context) error {
	engine.Logf(ctx, "GET https://example.org/sitemap.xml")
	for i := range 8 {
		if err := engine.Checkpoint(ctx); err != nil {
			return err
		}
		engine.Progress(ctx, int64(i), 20)
		if err := sleep(ctx, 300*time.Millisecond); err != nil {
			return err
		}
	}
	engine.Logf(ctx, "parse failed at byte 8191")
	return fmt.Errorf("parse: %w", errSitemap)
}

// renderThumbnails panics: the engine recovers it and shows the stack.
func renderThumbnails(ctx context.Context) error {
	sizes := []int{64, 128, 256}
	for i := 0; i <= len(sizes); i++ {
		if err := engine.Checkpoint(ctx); err != nil {
			return err
		}
		engine.Logf(ctx, "thumbnail %d", i)
		if err := sleep(ctx, 500*time.Millisecond); err != nil {
			return err
		}
		_ = sizes[i] // index out of range on the last turn: a demo panic
	}
	return nil
}

// legacyScraper never calls Checkpoint and ignores its context, as old code does:
// halt and kill cannot reach it, so a kill ends with the task abandoned. It gives up
// on its own after a while so the demo does not leak for ever.
func legacyScraper(ctx context.Context) error {
	engine.Logf(ctx, "legacy scraper: ignores Checkpoint and its context")
	const steps = 120
	for i := range steps {
		engine.Progress(ctx, int64(i), steps)
		time.Sleep(250 * time.Millisecond)
	}
	return nil
}

// sleep waits for d or until ctx is done, then reports why it woke.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return engine.ErrHalted
	case <-t.C:
		return nil
	}
}
