package engine

import (
	"fmt"
	"strconv"
	"sync"

	"github.com/spindle-tui/spindle/model"
)

// nameKind is what holds a name: a manager, a pool or a poller.
type nameKind uint8

const (
	kindNone nameKind = iota
	kindManager
	kindPool
	kindPoller
)

func (k nameKind) String() string {
	switch k {
	case kindManager:
		return "manager"
	case kindPool:
		return "pool"
	case kindPoller:
		return "poller"
	}
	return "nothing"
}

// nameRegistry is the one namespace of managers, pools and pollers: a name
// belongs to one of them at a time, so a command naming a group, a pool or a
// poller never reaches something else of that name, and a task's Group names
// exactly one owner. The task file's names are unique across kinds for the
// same reason. Its mutex is a leaf: taken under Engine.mu or a poller's lock,
// never the other way.
type nameRegistry struct {
	mu   sync.Mutex
	held map[string]nameKind
}

// claim reserves name for k, or name-2, name-3… when name is held, and returns
// the name reserved and what held name (kindNone when it was free).
func (r *nameRegistry) claim(name string, k nameKind) (unique string, holder nameKind) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.held == nil {
		r.held = make(map[string]nameKind)
	}
	holder = r.held[name]
	unique = name
	for i := 2; r.held[unique] != kindNone; i++ {
		unique = name + "-" + strconv.Itoa(i)
	}
	r.held[unique] = k
	return unique, holder
}

// release frees name once what held it is gone.
func (r *nameRegistry) release(name string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	delete(r.held, name)
}

// kindOf returns what holds name.
func (r *nameRegistry) kindOf(name string) nameKind {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.held[name]
}

// claimNamedLocked is claim for a new k asked for as name: when it had to take
// another name because something else holds name, it records a warning event
// saying so (the caller holds Engine.mu).
func (e *Engine) claimNamedLocked(name string, k nameKind) string {
	unique, holder := e.names.claim(name, k)
	if unique != name && (k != kindPool || holder != kindPool) { // pools of one id in several lineages are by design
		e.nameTakenLocked(name, unique, k, holder)
	}
	return unique
}

// claimNamed is claimNamedLocked for a caller without Engine.mu.
func (e *Engine) claimNamed(name string, k nameKind) string {
	unique, holder := e.names.claim(name, k)
	if unique != name {
		e.mu.Lock()
		e.nameTakenLocked(name, unique, k, holder)
		e.mu.Unlock()
	}
	return unique
}

// nameTakenLocked records that a new k asked for as name got unique instead.
func (e *Engine) nameTakenLocked(name, unique string, k, holder nameKind) {
	e.eventLocked(model.LevelWarn, nil, unique, fmt.Sprintf("%s %q is named %q: %q is taken by a %s", k, name, unique, name, holder))
}

// wrongKind explains a name that holds something other than what a command
// looked for, or says nothing ("") when the name is free.
func (e *Engine) wrongKind(name string) string {
	if k := e.names.kindOf(name); k != kindNone {
		return fmt.Sprintf(" (%q is a %s)", name, k)
	}
	return ""
}
