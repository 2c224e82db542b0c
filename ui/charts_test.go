package ui

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/spindle-tui/spindle/model"
)

func TestFmtRate(t *testing.T) {
	for v, want := range map[float64]string{0: "0/s", 0.5: "0.5/s", 12: "12/s", 1234: "1.2k/s", 2.5e6: "2.5M/s"} {
		if got := fmtRate(v); got != want {
			t.Errorf("fmtRate(%v) = %q, want %q", v, got, want)
		}
	}
}

func TestSparkline(t *testing.T) {
	tests := []struct {
		name string
		vals []float64
		w    int
		top  float64
		want string
	}{
		{"scaled to the max", []float64{0, 1, 2, 3, 4, 5, 6, 7}, 8, 0, "▁▂▃▄▅▆▇█"},
		{"last w values", []float64{7, 7, 0, 7}, 2, 0, "▁█"},
		{"given top", []float64{1, 2}, 5, 14, "▂▂"},
		{"all zero", []float64{0, 0}, 5, 0, "▁▁"},
		{"empty", nil, 5, 0, ""},
		{"no width", []float64{1}, 0, 0, ""},
	}
	for _, tt := range tests {
		if got := sparkline(tt.vals, tt.w, tt.top); got != tt.want {
			t.Errorf("%s: %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestBarChart(t *testing.T) {
	got := barChart([]time.Duration{0, 1, 2, 4, 8}, 10, 2, 0)
	want := []string{"    █", " ▂▄██"}
	if !slices.Equal(got, want) {
		t.Errorf("chart %q, want %q", got, want)
	}
	if got := barChart([]float64{5, 5, 5}, 2, 1, 10); !slices.Equal(got, []string{"▄▄"}) {
		t.Errorf("last two at half height: %q", got)
	}
	lo, p50, hi := durStats([]time.Duration{5, 1, 3, 9, 7})
	if lo != 1 || p50 != 5 || hi != 9 {
		t.Errorf("stats %v %v %v", lo, p50, hi)
	}
}

func TestLateness(t *testing.T) {
	tests := []struct {
		delay, period time.Duration
		want          int
	}{
		{0, time.Second, 0},
		{99 * time.Millisecond, time.Second, 0},
		{100 * time.Millisecond, time.Second, 1},
		{499 * time.Millisecond, time.Second, 1},
		{500 * time.Millisecond, time.Second, 2},
		{time.Second, 0, 0},
	}
	for _, tt := range tests {
		if got := lateness(tt.delay, tt.period); got != tt.want {
			t.Errorf("lateness(%v, %v) = %d, want %d", tt.delay, tt.period, got, tt.want)
		}
	}
}

func TestRenderPoolCells(t *testing.T) {
	io := model.Pool{Name: "io", Type: "io", MaxWorkers: 4, Busy: 3, State: model.PoolRunning, Throughput: []float64{1, 2, 12}}
	tests := []struct {
		name, got, want string
	}{
		{"root owner", renderPoolOwner(&io), "root"},
		{"task owner", renderPoolOwner(&model.Pool{Owner: "t1", OwnerName: "crawl\troot"}), "t1: crawl root"},
		{"owner without name", renderPoolOwner(&model.Pool{Owner: "t1"}), "t1"},
		{"workers", renderPoolWorkers(&io), "████░ 3/4"},
		{"one busy shows", renderPoolWorkers(&model.Pool{MaxWorkers: 100, Busy: 1}), "█░░░░ 1/100"},
		{"none busy", renderPoolWorkers(&model.Pool{MaxWorkers: 2}), "░░░░░ 0/2"},
		{"no max", renderPoolWorkers(&model.Pool{}), "░░░░░ 0/0"},
		{"type", renderPoolType(&io), "io"},
		{"no type", renderPoolType(&model.Pool{}), "·"},
		{"daemon", renderDaemon(&model.Pool{Daemon: true}), "yes"},
		{"state", renderPoolState(&io), "running"},
		{"throughput", renderThroughput(&io, 12), "▂▂█     12/s"},
		{"throughput narrow", renderThroughput(&io, 5), "12/s"},
		{"no throughput", renderThroughput(&model.Pool{}, 12), "·"},
		{"count", renderCount(1234), "1234"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%s: %q, want %q", tt.name, tt.got, tt.want)
		}
	}
	if w := textWidth(renderThroughput(&io, 20)); w != 20 {
		t.Errorf("throughput cell is %d wide, want 20", w)
	}
}

func TestRenderPollerCells(t *testing.T) {
	disk := fixturePollers()[0]
	health := fixturePollers()[1]
	idle := model.Poller{Name: "w", Period: time.Second, Alive: true}
	tests := []struct {
		name, got, want string
	}{
		{"state", renderPollerState(&disk), "running"},
		{"period", renderPeriod(&disk), "2s"},
		{"delay", renderDelay(&disk), "850µs"},
		{"acc delay", renderAccDelay(&health), "1m35s"},
		{"usage", renderUsage(&model.Poller{Usage: 1.3}), "130%"},
		{"last", renderLast(&disk, fixtureNow), "1.2s ago"},
		{"last just now", renderLast(&model.Poller{Count: 1, Last: fixtureNow}, fixtureNow), "0s ago"},
		{"next", renderNext(&disk, fixtureNow), "in 800ms"},
		{"next due", renderNext(&health, fixtureNow), "due"},
		{"next paused", renderNext(&model.Poller{Started: true, Alive: true, Paused: true, Next: fixtureNow.Add(time.Second)}, fixtureNow), "·"},
		{"duration", renderRunDuration(&disk), "35ms"},
		{"idle delay", renderDelay(&idle), "·"},
		{"idle last", renderLast(&idle, fixtureNow), "·"},
		{"idle next", renderNext(&idle, fixtureNow), "·"},
		{"value first line", renderPollerValue(&health), "degraded"},
		{"spark", renderDelaySpark(&health, 4), "▂▄█▄"},
		{"no spark", renderDelaySpark(&idle, 4), "·"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%s: %q, want %q", tt.name, tt.got, tt.want)
		}
	}
}

func TestLayoutTable(t *testing.T) {
	cols := []tableCol{{title: "A", width: 10}, {title: "B", width: 10, drop: 1}, {title: "C", width: 5, flex: true}}
	tests := []struct {
		w      int
		titles string
		gap    int
		total  int
	}{
		{40, "A B C", 2, 40},
		{28, "A B C", 1, 28},
		{27, "A C", 1, 27},
		{20, "A C", 1, 20},
		{8, "A C", 1, 13}, // nothing left to drop; C shrinks to one cell
	}
	for _, tt := range tests {
		got, gap := layoutTable(cols, tt.w)
		var titles []string
		total := listGutter
		for i, c := range got {
			titles = append(titles, c.title)
			total += c.width
			if i > 0 {
				total += gap
			}
		}
		if strings.Join(titles, " ") != tt.titles || gap != tt.gap || total != tt.total {
			t.Errorf("w=%d: %v gap %d total %d", tt.w, titles, gap, total)
		}
	}
}

// TestLayoutTableEmptyYieldFirst: an empty column goes before a column with
// content, whatever their drop order, when not everything fits.
func TestLayoutTableEmptyYieldFirst(t *testing.T) {
	cols := []tableCol{{title: "A", width: 10}, {title: "B", width: 10, drop: 1}, {title: "E", width: 8, drop: 5, empty: true}, {title: "C", width: 5, flex: true}}
	for _, tt := range []struct {
		w      int
		titles string
	}{{60, "A B E C"}, {36, "A B C"}, {20, "A C"}} {
		got, _ := layoutTable(cols, tt.w)
		var titles []string
		for _, c := range got {
			titles = append(titles, c.title)
		}
		if strings.Join(titles, " ") != tt.titles {
			t.Errorf("w=%d: %v, want %s", tt.w, titles, tt.titles)
		}
	}
}

func TestHeaderSummary(t *testing.T) {
	tests := []struct {
		name  string
		edit  func(*model.Snapshot)
		want  string
		avoid string
	}{
		{"full when there is room", func(s *model.Snapshot) { s.Counts = model.StateCounts{} },
			"pools 5 (1 paused)  pollers 6 (1 paused, 1 killed)", ""},
		{"short when the counts fill the line", func(s *model.Snapshot) { s.Counts[model.StateHalted], s.Counts[model.StateDone] = 0, 0 },
			"pools 5  pollers 6", "(1 paused)"},
		{"gone when the counts need the line", func(*model.Snapshot) {}, "halted 1", "pools"},
		{"none without pools or pollers", func(s *model.Snapshot) { s.Pools, s.Pollers = nil, nil }, "done 40", "pollers"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := newStyles(false)
			h := newHeader(&st, "")
			h.SetSize(120)
			s := fixtureSnapshot()
			tt.edit(&s)
			h.SetSnapshot(&s)
			line := h.countsLine()
			if !strings.Contains(line, tt.want) || tt.avoid != "" && strings.Contains(line, tt.avoid) {
				t.Errorf("counts line %q", line)
			}
			if w := visibleWidth(line); w > 120 {
				t.Errorf("counts line %d wide", w)
			}
		})
	}
}
