package keymap

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"charm.land/bubbles/v2/key"
)

// ErrUnknownAction is matched (errors.Is) by every *UnknownActionError.
var ErrUnknownAction = errors.New("keymap: unknown action")

// ErrConflict is matched (errors.Is) by every *ConflictError.
var ErrConflict = errors.New("keymap: key bound twice")

// UnknownActionError reports an override for an action the dashboard does not have.
type UnknownActionError struct {
	Action string // the name as given
}

// Error names the bad action and lists the good ones.
func (e *UnknownActionError) Error() string {
	return fmt.Sprintf("keymap: unknown action %q (known: %s)", e.Action, strings.Join(Actions(), ", "))
}

// Is makes errors.Is(err, ErrUnknownAction) true.
func (e *UnknownActionError) Is(target error) bool { return target == ErrUnknownAction }

// ConflictError reports one key bound to two actions that are active at the same
// time (on the main screen, in the log views, or in the confirm dialog).
type ConflictError struct {
	Key     string    // the key, as in the override ("ctrl+h")
	Actions [2]string // the two action names
}

// Error names the key and both actions.
func (e *ConflictError) Error() string {
	return fmt.Sprintf("keymap: key %q is bound to both %q and %q", e.Key, e.Actions[0], e.Actions[1])
}

// Is makes errors.Is(err, ErrConflict) true.
func (e *ConflictError) Is(target error) bool { return target == ErrConflict }

// action names one binding of a KeyMap.
type action struct {
	name string
	b    *key.Binding
}

// actions lists k's bindings by their override names, in the order of the struct.
func (k *KeyMap) actions() []action {
	return []action{
		{"up", &k.Up}, {"down", &k.Down}, {"page_up", &k.PageUp}, {"page_down", &k.PageDown},
		{"top", &k.Top}, {"bottom", &k.Bottom},
		{"next_view", &k.NextView}, {"prev_view", &k.PrevView}, {"workers_view", &k.WorkersView}, {"pools_view", &k.PoolsView},
		{"pollers_view", &k.PollersView}, {"events_view", &k.EventsView}, {"goroutines_view", &k.GoroutinesView},
		{"filter", &k.Filter}, {"sort", &k.Sort}, {"sort_reverse", &k.SortReverse},
		{"tree", &k.Tree}, {"logs", &k.Logs}, {"logs_view", &k.LogsView}, {"detail", &k.Detail}, {"back", &k.Back},
		{"mark", &k.Mark}, {"halt", &k.Halt}, {"pause", &k.Pause}, {"kill", &k.Kill},
		{"restart", &k.Restart}, {"run", &k.Run},
		{"grow", &k.Grow}, {"shrink", &k.Shrink}, {"pause_all", &k.PauseAll},
		{"log_search", &k.LogSearch}, {"log_next_match", &k.LogNextMatch}, {"log_prev_match", &k.LogPrevMatch},
		{"log_only_matches", &k.LogOnlyMatches}, {"log_wrap", &k.LogWrap}, {"log_timestamps", &k.LogTimestamps}, {"log_streams", &k.LogStreams},
		{"halt_all", &k.HaltAll}, {"reload", &k.Reload}, {"errors", &k.Errors}, {"help", &k.Help}, {"quit", &k.Quit}, {"force_quit", &k.ForceQuit},
		{"yes", &k.Yes}, {"no", &k.No},
	}
}

// Actions returns every action name Override accepts, in KeyMap order.
func Actions() []string {
	var k KeyMap
	as := k.actions()
	names := make([]string, len(as))
	for i, a := range as {
		names[i] = a.name
	}
	return names
}

// Override remaps actions by name: {"halt": ["ctrl+h"], "kill": ["x", "delete"]}.
// Names are snake_case (see Actions); "-" is accepted for "_" and case is ignored.
// An empty key list unbinds the action. The help label becomes the new keys, the
// description is kept. An unknown name returns an *UnknownActionError, a key left
// bound to two actions active at once a *ConflictError; either way k is unchanged.
func (k *KeyMap) Override(m map[string][]string) error {
	next := *k
	byName := make(map[string]*key.Binding)
	for _, a := range next.actions() {
		byName[a.name] = a.b
	}
	names := make([]string, 0, len(m))
	for name := range m {
		names = append(names, name)
	}
	sort.Strings(names) // deterministic: the first unknown name in order is reported
	for _, name := range names {
		keys := m[name]
		b, ok := byName[strings.ReplaceAll(strings.ToLower(name), "-", "_")]
		if !ok {
			return &UnknownActionError{Action: name}
		}
		if len(keys) == 0 {
			b.Unbind()
			continue
		}
		desc := b.Help().Desc
		b.SetKeys(append([]string(nil), keys...)...)
		b.SetHelp(strings.Join(keys, "/"), desc)
	}
	if err := next.checkConflicts(); err != nil {
		return err
	}
	*k = next
	return nil
}

// checkConflicts reports the first key bound to two actions live on one screen
// (see screensOf): the main screen, the log views, the confirm dialog. A key
// may serve one action in each: s sorts a table and picks a log's streams,
// back and no share esc.
func (k *KeyMap) checkConflicts() error {
	for _, on := range []screen{onMain, onLog, onConfirm} {
		seen := make(map[string]string)
		for _, a := range k.actions() {
			if screensOf(a.name)&on == 0 {
				continue
			}
			for _, kk := range a.b.Keys() {
				if other, ok := seen[kk]; ok && other != a.name {
					return &ConflictError{Key: kk, Actions: [2]string{other, a.name}}
				}
				seen[kk] = a.name
			}
		}
	}
	return nil
}

// screen is a set of screens on which an action's keys are live.
type screen uint8

// The screens keys are checked on.
const (
	onMain    screen = 1 << iota // the tables and the detail panes
	onLog                        // a task's log (l) and the Logs view
	onConfirm                    // the confirm dialog
)

// screensOf returns where action name is live. The log views take, besides
// their own log_* keys, the navigation, view, global and action keys (the
// Logs view is a view like the others); not the table-only ones.
func screensOf(name string) screen {
	switch name {
	case "yes", "no":
		return onConfirm
	case "force_quit":
		return onMain | onLog | onConfirm
	case "filter", "sort", "sort_reverse", "detail", "mark", "tree", "logs":
		return onMain
	}
	if strings.HasPrefix(name, "log_") {
		return onLog
	}
	return onMain | onLog
}
