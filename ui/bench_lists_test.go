package ui

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/spindle-tui/spindle/model"
)

// benchPollers returns n pollers with full delay and duration rings, a third of
// them late.
func benchPollers(n int) []model.Poller {
	ps := make([]model.Poller, n)
	for i := range ps {
		p := &ps[i]
		p.Name = fmt.Sprintf("poller-%04d", i)
		p.Period = 10 * time.Millisecond
		p.Concurrency = 1
		p.Started, p.Alive, p.Paused = true, true, i%10 == 0
		p.Count, p.Errors, p.Skipped = int64(1000+i), int64(i%7), int64(i%3)
		p.Delay = time.Duration(i%3) * 3 * time.Millisecond
		p.AccDelay = time.Duration(i) * time.Millisecond
		p.Usage = float64(i%100) / 100
		p.Last, p.Next = ago(time.Duration(i%10)*time.Millisecond), fixtureNow.Add(time.Duration(i%10)*time.Millisecond)
		p.Duration = time.Duration(i%5) * time.Millisecond
		p.Value = fmt.Sprintf("value %d", i)
		p.Delays, p.Durations = make([]time.Duration, 60), make([]time.Duration, 60)
		for j := range 60 {
			p.Delays[j] = time.Duration((i+j)%9) * 700 * time.Microsecond
			p.Durations[j] = time.Duration((i*j)%11) * time.Millisecond
		}
	}
	return ps
}

// benchPools returns n pools with throughput rings.
func benchPools(n int) []model.Pool {
	ps := make([]model.Pool, n)
	for i := range ps {
		p := &ps[i]
		p.Name, p.Type, p.State = fmt.Sprintf("pool-%03d", i), "io", model.PoolRunning
		p.MaxWorkers, p.Busy, p.Queued = 8, i%9, i*10
		p.Done, p.Failed, p.Rejected = int64(i*100), int64(i%4), int64(i%2)
		p.Throughput = make([]float64, 60)
		for j := range p.Throughput {
			p.Throughput[j] = float64((i + j) % 13)
		}
	}
	return ps
}

// bench100kQueued is 1k running tasks and the 100-task head of a 100k queue (the
// rest only counted, as the engine sends it), 1k pollers and 100 pools; every
// task past the first ten has a parent, for the tree.
func bench100kQueued() model.Snapshot {
	s := bigSnapshot(1_100, 1_000)
	s.Managers[0].Queued = 99_000
	s.Counts[model.StateQueued] = 99_000
	for i := 10; i < len(s.Tasks); i++ {
		s.Tasks[i].Parent = s.Tasks[i%10].ID
	}
	s.Pollers = benchPollers(1_000)
	s.Pools = benchPools(100)
	return s
}

// BenchmarkUpdateView100kQueued1kRunning1kPollers: a snapshot arriving and the
// 160x48 frame after it, in each view (budget 2 ms, independent of the backlog).
func BenchmarkUpdateView100kQueued1kRunning1kPollers(b *testing.B) {
	for _, v := range []struct {
		name string
		keys []string
	}{
		{"workers", nil}, {"workers_tree", []string{"t"}}, {"pools", []string{"2"}},
		{"pollers", []string{"3"}}, {"poller_detail", []string{"3", "enter"}},
	} {
		b.Run(v.name, func(b *testing.B) {
			s := bench100kQueued()
			m := benchModel(160, 48, s)
			for _, k := range v.keys {
				mm, _ := m.Update(press(k))
				m = mm.(Model)
			}
			b.ReportAllocs()
			for b.Loop() {
				s.Seq++
				mm, _ := m.Update(snapshotMsg{snap: s})
				m = mm.(Model)
				sink = m.View().Content
			}
		})
	}
}

// BenchmarkListRows: one Pools, Pollers and tree Workers row formatted at 160 wide.
func BenchmarkListRows(b *testing.B) {
	s := bench100kQueued()
	m := benchModel(160, 48, s)
	m.workers.ToggleTree()
	var c strings.Builder
	for _, r := range []struct {
		name string
		f    func()
	}{
		{"pool", func() { m.pools.rowLine(&c, 1) }},
		{"poller", func() { m.pollers.rowLine(&c, 1) }},
		{"tree_worker", func() { m.workers.rowLine(&c, 12) }},
	} {
		b.Run(r.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				c.Reset()
				r.f()
			}
			sink = c.String()
		})
	}
}

// BenchmarkListRenderers: every cell renderer of the Pools and Pollers views,
// and the charts.
func BenchmarkListRenderers(b *testing.B) {
	pool := benchPools(2)[1]
	poller := benchPollers(2)[1]
	info := []treeRow{{parent: -1}, {parent: 0, depth: 1}, {parent: 1, depth: 2, last: true}}
	for _, r := range []struct {
		name string
		f    func() string
	}{
		{"PoolName", func() string { return renderPoolName(&pool) }},
		{"PoolOwner", func() string { return renderPoolOwner(&pool) }},
		{"PoolType", func() string { return renderPoolType(&pool) }},
		{"PoolWorkers", func() string { return renderPoolWorkers(&pool) }},
		{"Count", func() string { return renderCount(pool.Done) }},
		{"Daemon", func() string { return renderDaemon(&pool) }},
		{"PoolState", func() string { return renderPoolState(&pool) }},
		{"Throughput", func() string { return renderThroughput(&pool, 24) }},
		{"PollerName", func() string { return renderPollerName(&poller) }},
		{"PollerState", func() string { return renderPollerState(&poller) }},
		{"Period", func() string { return renderPeriod(&poller) }},
		{"Delay", func() string { return renderDelay(&poller) }},
		{"AccDelay", func() string { return renderAccDelay(&poller) }},
		{"Usage", func() string { return renderUsage(&poller) }},
		{"Last", func() string { return renderLast(&poller, fixtureNow) }},
		{"Next", func() string { return renderNext(&poller, fixtureNow) }},
		{"RunDuration", func() string { return renderRunDuration(&poller) }},
		{"DelaySpark", func() string { return renderDelaySpark(&poller, 16) }},
		{"PollerValue", func() string { return renderPollerValue(&poller) }},
		{"FormatDuration", func() string { return model.FormatDuration(1234 * time.Microsecond) }},
		{"BarChart", func() string { return barChart(poller.Durations, 100, 8, 0)[7] }},
		{"TreeGuides", func() string {
			var g strings.Builder
			writeTreeGuides(&g, info, 2)
			return g.String()
		}},
	} {
		b.Run(r.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				sink = r.f()
			}
		})
	}
}
