package ui

// notEngineView is what every view but Goroutines shows when the source is a
// Go service's /debug/pprof/ rather than a spindle engine.
func (m *Model) notEngineView() []string {
	x := box{st: m.st, width: m.width}
	h := m.bodyHeight()
	lines := []string{x.top(m.active.String(), len(m.active.String()))}
	for _, s := range []string{
		"",
		" " + cleanCell(m.snap.Source) + " is not a spindle engine:",
		" it has no tasks, pools, pollers or events to show, only its goroutines.",
		"",
		" " + m.keys.GoroutinesView.Help().Key + " shows the Goroutines view.",
	} {
		lines = append(lines, x.text(m.st.dim, s))
	}
	for len(lines) < h-1 {
		lines = append(lines, x.blank())
	}
	return append(lines, x.bottom())
}
