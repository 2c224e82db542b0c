package engine

import "github.com/spindle-tui/spindle/model"

// Event records an event for viewers (the Events view and the status line), for
// things the engine does not see itself, such as a reload of the task file.
func (e *Engine) Event(level model.Level, text string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.eventLocked(level, nil, "", text)
}
