package ui

import (
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/spindle-tui/spindle/model"
)

func TestRenderAge(t *testing.T) {
	tests := []struct {
		name string
		task model.Task
		want string
	}{
		{"queued counts from creation", model.Task{State: model.StateQueued, Created: ago(2 * time.Minute), Started: ago(time.Second)}, "2m"},
		{"queued again counts from the restart", model.Task{State: model.StateQueued, Created: ago(100 * time.Second), Queued: ago(4 * time.Second)}, "4s"},
		{"abandoned counts from when it was given up", model.Task{State: model.StateAbandoned, Created: ago(time.Hour), Started: ago(10 * time.Minute), Asked: ago(90 * time.Second)}, "1m30s"},
		{"running counts from start", model.Task{State: model.StateRunning, Created: ago(time.Hour), Started: ago(42 * time.Second)}, "42s"},
		{"paused counts from start", model.Task{State: model.StatePaused, Started: ago(3*time.Minute + 4*time.Second)}, "3m4s"},
		{"done counts from end", model.Task{State: model.StateDone, Started: ago(time.Hour), Ended: ago(26 * time.Hour)}, "1d2h"},
		{"backoff counts from the failure", model.Task{State: model.StateBackoff, Started: ago(time.Minute), Ended: ago(3 * time.Second)}, "3s"},
		{"falls back to creation", model.Task{State: model.StateRunning, Created: ago(5 * time.Second)}, "5s"},
		{"future is zero", model.Task{State: model.StateRunning, Started: fixtureNow.Add(time.Second)}, "0s"},
		{"no times", model.Task{State: model.StateRunning}, "·"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := renderAge(&tt.task, fixtureNow); got != tt.want {
				t.Errorf("renderAge = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestRenderProgress(t *testing.T) {
	tests := []struct {
		done, total int64
		want        string
	}{
		{7, 10, "███████░░░  70%"},
		{0, 10, "░░░░░░░░░░   0%"},
		{10, 10, "██████████ 100%"},
		{15, 10, "██████████ 100%"},
		{1, 3, "███░░░░░░░  33%"},
		{5, 0, "·"},
	}
	for _, tt := range tests {
		task := model.Task{Done: tt.done, Total: tt.total}
		got := renderProgress(&task)
		if got != tt.want {
			t.Errorf("%d/%d: %q, want %q", tt.done, tt.total, got, tt.want)
		}
		if tt.total > 0 && textWidth(got) != progressWidth {
			t.Errorf("%d/%d: %d cells, want %d", tt.done, tt.total, textWidth(got), progressWidth)
		}
	}
}

func TestRenderCells(t *testing.T) {
	tests := []struct {
		name string
		got  string
		want string
	}{
		{"restarts zero is blank", renderRestarts(&model.Task{}), ""},
		{"restarts", renderRestarts(&model.Task{Restarts: 12}), "12"},
		{"error first line", renderLastError(&model.Task{Error: "exit status 1\nstderr: nope"}, fixtureNow), "exit status 1…"},
		{"error one line", renderLastError(&model.Task{Error: "boom\n"}, fixtureNow), "boom"},
		{"no error", renderLastError(&model.Task{}, fixtureNow), ""},
		{"error with colours", renderLastError(&model.Task{Error: "\x1b[31mred\x1b[0m\tfail"}, fixtureNow), "red fail"},
		{"state", renderState(&model.Task{State: model.StateAbandoned}), "abandoned"},
		{"name with tab", renderName(&model.Task{Name: "a\tb"}), "a b"},
		{"id", renderID(&model.Task{ID: "t1f"}), "t1f"},
		{"group", renderGroup(&model.Task{Group: "crawl"}), "crawl"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.got != tt.want {
				t.Errorf("%q, want %q", tt.got, tt.want)
			}
		})
	}
}

func TestRenderEvent(t *testing.T) {
	e := model.Event{Time: fixtureNow.Add(-90 * time.Second), Level: model.LevelWarn, Task: "t9", Group: "io", Text: "restarting\nin 2s"}
	got := renderEvent(&e)
	want := [5]string{"11:58:30", "warn", "t9", "io", "restarting"}
	if got != want {
		t.Errorf("%q, want %q", got, want)
	}
}

func TestLayoutColumns(t *testing.T) {
	for _, procs := range []bool{false, true} {
		m := measure{id: 3, name: 30, group: 6, procs: procs, liveProcs: procs, progress: true, restarts: true, notes: 20}
		want := int(numCols) - 3 // every column at 118 cells and wider, but HEALTH (no readiness probe), GOROUTINES (no sample) and ORIGIN (one engine)
		if !procs {
			want -= 2 // CPU and RSS only show for processes
		}
		for _, w := range []int{0, 5, 20, 40, 60, 80, 100, 118, 158, 250} {
			cols := layoutColumns(w, m, colState)
			total := gutterWidth
			kinds := map[colKind]bool{}
			for i, c := range cols {
				if i > 0 {
					total += colGap(w)
				}
				total += c.width
				kinds[c.kind] = true
				if c.width < 1 {
					t.Errorf("procs=%v w=%d: %s has width %d", procs, w, c.title, c.width)
				}
			}
			for _, k := range []colKind{colID, colName, colState} {
				if !kinds[k] {
					t.Errorf("procs=%v w=%d: lost column %d", procs, w, k)
				}
			}
			if !procs && (kinds[colCPU] || kinds[colRSS]) {
				t.Errorf("w=%d: CPU or RSS shown without processes", w)
			}
			if w >= 40 && total != w {
				t.Errorf("procs=%v w=%d: columns take %d cells", procs, w, total)
			}
			if w >= 118 && len(cols) != want {
				t.Errorf("procs=%v w=%d: %d columns, want %d", procs, w, len(cols), want)
			}
		}
	}
}

// TestEmptyColumnsYieldFirst: on a narrow screen, a column with nothing in
// it gives its width up before NAME is cut or a column with content dropped.
func TestEmptyColumnsYieldFirst(t *testing.T) {
	titles := func(cols []column) []string {
		var out []string
		for _, c := range cols {
			out = append(out, c.title)
		}
		return out
	}
	width := func(cols []column, k colKind) int {
		for _, c := range cols {
			if c.kind == k {
				return c.width
			}
		}
		return 0
	}
	empty := measure{id: 3, name: 17, group: 9} // no progress, restarts, errors or processes
	cols := layoutColumns(78, empty, colState)
	if got := strings.Join(titles(cols), " "); got != "ID NAME GROUP STATE AGE" {
		t.Errorf("at 78 the columns are %q, want the empty ones gone", got)
	}
	if w := width(cols, colName); w < 17 {
		t.Errorf("NAME is %d wide at 78 with empty columns to spare", w)
	}
	some := empty
	some.progress, some.notes = true, 14
	cols = layoutColumns(78, some, colState)
	if got := strings.Join(titles(cols), " "); got != "ID NAME GROUP STATE AGE PROGRESS LAST ERROR" {
		t.Errorf("at 78 with progress and errors the columns are %q", got)
	}
	wide := layoutColumns(158, empty, colState)
	if got := len(wide); got != int(numCols)-5 { // no CPU, RSS, HEALTH, GOROUTINES or ORIGIN
		t.Errorf("at 158 an empty column may stay: %d columns %q", got, titles(wide))
	}
}

func TestTextHelpers(t *testing.T) {
	tests := []struct {
		name      string
		got, want string
	}{
		{"truncate ascii", truncate("abcdef", 4), "abc…"},
		{"truncate fits", truncate("abc", 4), "abc"},
		{"truncate one", truncate("abc", 1), "…"},
		{"truncate zero", truncate("abc", 0), ""},
		{"truncate wide", truncate("日本語テキスト", 5), "日本…"},
		{"fitLine pads", ansi.Strip(fitLine("\x1b[1mab\x1b[m", 4)), "ab  "},
		{"fitLine cuts", ansi.Strip(fitLine("\x1b[1mabcdef\x1b[m", 4)), "abcd"},
		{"clean block", clean("a\tb\nc\x07", 2, true), "a  b\nc"},
		{"clean cell", cleanCell("a\nb\r"), "a b"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.got != tt.want {
				t.Errorf("%q, want %q", tt.got, tt.want)
			}
		})
	}
}

func TestFastWidthAgreesWithAnsi(t *testing.T) {
	for _, s := range []string{
		"", "plain", "\x1b[38;5;82mrunning\x1b[m", "┌── Workers ──┐", "███░░ 30%", "✓ t1 …·↑↓", "café",
		"日本", "👍🏽", "e\u0301", "\x1b]8;;http://x\x07link\x1b]8;;\x07",
	} {
		n, ok := fastWidth(s)
		if want := ansi.StringWidth(s); ok && n != want {
			t.Errorf("%q: fastWidth %d, ansi %d", s, n, want)
		}
		if got := visibleWidth(s); got != ansi.StringWidth(s) {
			t.Errorf("%q: visibleWidth %d, ansi %d", s, got, ansi.StringWidth(s))
		}
	}
}

func TestContainsFold(t *testing.T) {
	tests := []struct {
		hay, needle string
		want        bool
	}{
		{"Fetch Page 7", "page", true},
		{"fetch", "fetch", true},
		{"fetch", "fetchx", false},
		{"crawl", "", true},
		{"CRAWL root", "l r", true},
		{"Ünïcode Name", "ünï", true},
		{"abc", "abd", false},
	}
	for _, tt := range tests {
		if got := containsFold(tt.hay, newFilter(tt.needle)); got != tt.want {
			t.Errorf("containsFold(%q, %q) = %v", tt.hay, tt.needle, got)
		}
	}
}

func TestSortByIDAndLongIDs(t *testing.T) {
	tests := []struct {
		ids     []model.TaskID
		col     sortColumn
		reverse bool
		want    string
	}{
		{[]model.TaskID{"t10", "t9", "t1", "ta", "t1f"}, sortID, false, "t1 t9 ta t10 t1f"},
		{[]model.TaskID{"t10", "t9", "t1", "ta", "t1f"}, sortID, true, "t1f t10 ta t9 t1"},
		{[]model.TaskID{"task-0010", "task-0009", "t2", "task-00011"}, sortID, false, "t2 task-0009 task-0010 task-00011"},
		{[]model.TaskID{"task-0010", "task-0009", "t2", "task-00011"}, sortID, true, "task-00011 task-0010 task-0009 t2"},
		{[]model.TaskID{"task-0010", "task-0009", "t2", "task-00011"}, sortRestarts, true, "t2 task-0009 task-0010 task-00011"},
		{[]model.TaskID{"task-0010", "task-0009", "t2", "task-00011"}, sortState, false, "t2 task-0009 task-0010 task-00011"},
	}
	for _, tt := range tests {
		tasks := make([]model.Task, len(tt.ids))
		for i, id := range tt.ids {
			tasks[i] = model.Task{ID: id}
		}
		var rb rowBuilder
		got, _ := rb.build(tasks, "", rowOrder{col: tt.col, reverse: tt.reverse})
		var s []string
		for _, r := range got {
			s = append(s, string(r.ID))
		}
		if strings.Join(s, " ") != tt.want {
			t.Errorf("%v by %v reverse %v: %v, want %s", tt.ids, tt.col, tt.reverse, s, tt.want)
		}
	}
}

func TestDefaultSort(t *testing.T) {
	task := func(id string, s model.State) model.Task { return model.Task{ID: model.TaskID(id), State: s} }
	q, d, r := model.StateQueued, model.StateDone, model.StateRunning
	tests := []struct {
		name  string
		tasks []model.Task
		want  string
	}{
		{"mixed", []model.Task{task("t3", q), task("t1", d), task("t2", q), task("t4", r), task("t0", r)}, "t0 t4 t2 t3 t1"},
		{"interleaved states hide unsorted ids", []model.Task{task("t3", q), task("t1", d), task("t2", q)}, "t2 t3 t1"},
		{"already in order", []model.Task{task("t1", r), task("t2", r), task("t3", q), task("t9", d)}, "t1 t2 t3 t9"},
		{"state order, ids not", []model.Task{task("t2", r), task("t1", r), task("t3", q)}, "t1 t2 t3"},
		{"ids in order, states not", []model.Task{task("t1", d), task("t2", q), task("t3", r)}, "t3 t2 t1"},
		{"empty", nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var rb rowBuilder
			got, _ := rb.build(tt.tasks, "", rowOrder{col: sortState})
			var s []string
			for _, r := range got {
				s = append(s, string(r.ID))
			}
			if strings.Join(s, " ") != tt.want {
				t.Errorf("order %v, want %s", s, tt.want)
			}
		})
	}
}
