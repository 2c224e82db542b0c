package ui

import (
	"context"
	"errors"
	"strconv"
	"sync"
	"testing"
	"testing/synctest"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"go.uber.org/goleak"

	"github.com/spindle-tui/spindle/model"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m,
		// teatest waits on SIGINT in a goroutine that outlives the program.
		goleak.IgnoreAnyFunction("github.com/charmbracelet/x/exp/teatest/v2.NewTestModel.func2"),
	)
}

// fakeSource is a Source driven by the test: it publishes what the test gives it
// and records the commands it is sent.
type fakeSource struct {
	mu       sync.Mutex
	ch       chan model.Snapshot
	closed   bool
	subs     int
	applied  []model.Command
	errs     map[model.Op]error
	applyCtx []context.Context
	initial  *model.Snapshot   // published on Subscribe, for tests that cannot time a publish
	gors     *model.Goroutines // what Goroutines returns; nil: an error
	logs     []model.LogEntry  // what ReadLogs serves (logview_test.go)
	gorAsks  int               // how many times Goroutines was called
}

func newFakeSource() *fakeSource { return &fakeSource{errs: map[model.Op]error{}} }

// Subscribe returns a latest-wins channel, as the engine does.
func (f *fakeSource) Subscribe() (<-chan model.Snapshot, func()) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.subs++
	f.ch = make(chan model.Snapshot, 1)
	f.closed = false
	ch := f.ch
	if f.initial != nil {
		ch <- *f.initial
	}
	return ch, func() { f.close(ch) }
}

func (f *fakeSource) close(ch chan model.Snapshot) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.ch == ch && !f.closed {
		f.closed = true
		close(ch)
	}
}

// publish sends s, dropping an unread older snapshot (latest wins).
func (f *fakeSource) publish(s model.Snapshot) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.ch == nil || f.closed {
		return
	}
	select {
	case <-f.ch:
	default:
	}
	f.ch <- s
}

// shut ends the subscription from the source's side.
func (f *fakeSource) shut() {
	f.mu.Lock()
	ch := f.ch
	f.mu.Unlock()
	if ch != nil {
		f.close(ch)
	}
}

// Apply records cmd and fails with the error set for its op.
func (f *fakeSource) Apply(ctx context.Context, cmd model.Command) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.applied = append(f.applied, cmd)
	f.applyCtx = append(f.applyCtx, ctx)
	return f.errs[cmd.Op]
}

// isClosed reports whether the subscription ended.
func (f *fakeSource) isClosed() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.closed
}

// commands returns what was applied so far.
func (f *fakeSource) commands() []model.Command {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]model.Command(nil), f.applied...)
}

// harness drives a Model through Update inside a synctest bubble: every command
// runs in a goroutine, and settle delivers each message it returns once all of
// them are blocked, so a command waiting on the source just waits.
type harness struct {
	t       *testing.T
	m       Model
	src     *fakeSource
	results chan tea.Msg
	quit    bool
}

// newHarness starts m (Init) at 120x40 and delivers the fixture snapshot. It must
// run inside synctest.Test.
func newHarness(t *testing.T, opts ...Option) *harness {
	t.Helper()
	src := newFakeSource()
	h := &harness{t: t, m: New(src, append(opts, withoutClock())...), src: src, results: make(chan tea.Msg, 64)}
	h.run(h.m.Init())
	h.settle()
	h.send(tea.WindowSizeMsg{Width: 120, Height: 40})
	h.publish(fixtureSnapshot())
	t.Cleanup(func() {
		if !h.quit {
			h.send(press("ctrl+c")) // cancels a running shutdown, ends the subscription
		}
		src.shut() // releases the goroutine waiting for a snapshot
		h.settle()
	})
	return h
}

// run starts cmd in a goroutine of the bubble.
func (h *harness) run(cmd tea.Cmd) {
	if cmd == nil {
		return
	}
	go func() { h.results <- cmd() }()
}

// send delivers msg to Update and lets the commands it starts settle.
func (h *harness) send(msg tea.Msg) {
	h.t.Helper()
	h.deliver(msg)
	h.settle()
}

// deliver runs Update on msg and starts the command it returns.
func (h *harness) deliver(msg tea.Msg) {
	switch msg := msg.(type) {
	case tea.BatchMsg:
		for _, c := range msg {
			h.run(c)
		}
		return
	case tea.QuitMsg:
		h.quit = true
		return
	}
	m, cmd := h.m.Update(msg)
	h.m = m.(Model)
	h.run(cmd)
}

// settle delivers every message the running commands produce until all that is
// left is blocked (waiting for the source, or nothing at all).
func (h *harness) settle() {
	for {
		synctest.Wait()
		select {
		case msg := <-h.results:
			h.deliver(msg)
		default:
			return
		}
	}
}

// publish makes the source publish s and delivers it.
func (h *harness) publish(s model.Snapshot) {
	h.src.publish(s)
	h.settle()
}

// keys presses each key in turn ("j", "enter", "space", "ctrl+c", ...).
func (h *harness) keys(ks ...string) {
	h.t.Helper()
	for _, k := range ks {
		h.send(press(k))
	}
}

// screen returns the current frame without styles.
func (h *harness) screen() string { return ansi.Strip(h.m.View().Content) }

// press returns the key press for a key name.
func press(s string) tea.KeyPressMsg {
	switch s {
	case "enter":
		return tea.KeyPressMsg{Code: tea.KeyEnter}
	case "esc":
		return tea.KeyPressMsg{Code: tea.KeyEscape}
	case "space":
		return tea.KeyPressMsg{Code: tea.KeySpace, Text: " "}
	case "tab":
		return tea.KeyPressMsg{Code: tea.KeyTab}
	case "shift+tab":
		return tea.KeyPressMsg{Code: tea.KeyTab, Mod: tea.ModShift}
	case "left":
		return tea.KeyPressMsg{Code: tea.KeyLeft}
	case "backspace":
		return tea.KeyPressMsg{Code: tea.KeyBackspace}
	case "up":
		return tea.KeyPressMsg{Code: tea.KeyUp}
	case "down":
		return tea.KeyPressMsg{Code: tea.KeyDown}
	case "pgdown":
		return tea.KeyPressMsg{Code: tea.KeyPgDown}
	case "pgup":
		return tea.KeyPressMsg{Code: tea.KeyPgUp}
	case "ctrl+c":
		return tea.KeyPressMsg{Code: 'c', Mod: tea.ModCtrl}
	case "ctrl+r":
		return tea.KeyPressMsg{Code: 'r', Mod: tea.ModCtrl}
	}
	r := []rune(s)[0]
	return tea.KeyPressMsg{Code: r, Text: s}
}

// selected returns the ID of the selected Workers row.
func (h *harness) selected() model.TaskID {
	if t := h.m.workers.Selected(); t != nil {
		return t.ID
	}
	return ""
}

// rowIDs returns the IDs of the Workers rows in order.
func (h *harness) rowIDs() []model.TaskID {
	ids := make([]model.TaskID, len(h.m.workers.rows))
	for i, t := range h.m.workers.rows {
		ids[i] = t.ID
	}
	return ids
}

func itoa(n int) string { return strconv.Itoa(n) }

func modelID(s string) model.TaskID { return model.TaskID(s) }

// Goroutines returns the sample a test set (gors), or an error when none is set.
func (f *fakeSource) Goroutines(context.Context) (model.Goroutines, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.gorAsks++
	if f.gors == nil {
		return model.Goroutines{}, errors.New("fake source: no goroutines sample")
	}
	return *f.gors, nil
}
