package engine

import (
	"context"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/spindle-tui/spindle/model"
)

// pollerSet is the engine's registry of pollers and of the schedules (lives)
// still running. Its zero value is ready. Its mutex is a leaf: taken under
// Engine.mu or Poller.mu, never the other way round.
type pollerSet struct {
	mu     sync.Mutex
	byName map[string]*Poller
	// sorted is every poller by name, made again by all after a change
	// (nil): a reader may keep it after unlocking, and registering a
	// thousand pollers does not copy the list a thousand times.
	sorted []*Poller
	lives  map[*pollLife]struct{}
	closed bool // Close has begun: no new life starts
}

// add registers p under name, made unique with "-2", "-3", ... in the engine's
// one namespace of managers, pools and pollers (names.go).
func (s *pollerSet) add(p *Poller, name string) {
	unique := p.e.claimNamed(name, kindPoller)
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.byName == nil {
		s.byName = make(map[string]*Poller)
	}
	p.name = unique
	s.byName[unique] = p
	s.sorted = nil
}

// remove unregisters p (a PollDict key that was removed).
func (s *pollerSet) remove(p *Poller) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.byName[p.name] != p {
		return
	}
	delete(s.byName, p.name)
	p.e.names.release(p.name)
	s.sorted = nil
}

func (s *pollerSet) get(name string) (*Poller, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, ok := s.byName[name]
	return p, ok
}

// all returns the pollers sorted by name. The slice must not be modified.
func (s *pollerSet) all() []*Poller {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.sortedLocked()
}

func (s *pollerSet) sortedLocked() []*Poller {
	if s.sorted == nil && len(s.byName) > 0 {
		s.sorted = make([]*Poller, 0, len(s.byName))
		for _, p := range s.byName {
			s.sorted = append(s.sorted, p)
		}
		slices.SortFunc(s.sorted, func(a, b *Poller) int { return strings.Compare(a.name, b.name) })
	}
	return s.sorted
}

// addLife records a starting schedule; it refuses once Close has begun.
func (s *pollerSet) addLife(l *pollLife) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return false
	}
	if s.lives == nil {
		s.lives = make(map[*pollLife]struct{})
	}
	s.lives[l] = struct{}{}
	return true
}

func (s *pollerSet) removeLife(l *pollLife) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.lives, l)
}

func (s *pollerSet) isClosed() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.closed
}

// Poller returns the poller registered under name.
func (e *Engine) Poller(name string) (*Poller, bool) { return e.pollers.get(name) }

// PauseAllPollers pauses every running poller (Fandango's stop_all).
func (e *Engine) PauseAllPollers() {
	n := 0
	for _, p := range e.pollers.all() {
		if p.pauseQuiet() {
			n++
		}
	}
	e.pollerSetEvent("pause all: " + itoa(n) + " pollers paused")
}

// ResumeAllPollers resumes every paused poller.
func (e *Engine) ResumeAllPollers() {
	n := 0
	for _, p := range e.pollers.all() {
		if p.resumeQuiet() {
			n++
		}
	}
	e.pollerSetEvent("resume all: " + itoa(n) + " pollers resumed")
}

// KillAllPollers kills every poller (Fandango's kill_all). It does not wait for
// runs under way.
func (e *Engine) KillAllPollers() {
	n := 0
	for _, p := range e.pollers.all() {
		if p.kill() {
			n++
		}
	}
	e.pollerSetEvent("kill all: " + itoa(n) + " pollers killed")
}

// pauseQuiet pauses p if it is running, without an event of its own.
func (p *Poller) pauseQuiet() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.pauseLocked() == nil
}

// resumeQuiet resumes p if it is paused, without an event of its own.
func (p *Poller) resumeQuiet() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.resumeLocked() == nil
}

func (e *Engine) pollerSetEvent(text string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.eventLocked(model.LevelInfo, nil, "", text)
}

// pollerStats returns every poller's stats at now, sorted by name, for a
// snapshot. It may run under Engine.mu.
func (e *Engine) pollerStats(now int64) []model.Poller {
	ps := e.pollers.all()
	if len(ps) == 0 {
		return nil
	}
	out := make([]model.Poller, len(ps))
	for i, p := range ps {
		p.mu.Lock()
		out[i] = p.statsLocked(now)
		p.mu.Unlock()
	}
	return out
}

// applyPoller carries out the poller commands of Apply: the *_all ops and any
// op with Command.Poller set. It reports whether cmd was one of them.
func (e *Engine) applyPoller(cmd model.Command) (bool, error) {
	switch cmd.Op {
	case model.OpPauseAll, model.OpResumeAll, model.OpKillAll:
	default:
		if cmd.Poller == "" {
			return false, nil
		}
	}
	e.mu.Lock()
	closing := e.closing
	e.mu.Unlock()
	if closing {
		return true, ErrClosed
	}
	switch cmd.Op {
	case model.OpPauseAll:
		e.PauseAllPollers()
		return true, nil
	case model.OpResumeAll:
		e.ResumeAllPollers()
		return true, nil
	case model.OpKillAll:
		e.KillAllPollers()
		return true, nil
	}
	p, ok := e.pollers.get(cmd.Poller)
	if !ok {
		return true, errNoPoller(cmd.Poller, e.wrongKind(cmd.Poller))
	}
	switch cmd.Op {
	case model.OpPause:
		return true, p.Pause()
	case model.OpResume:
		return true, p.Resume()
	case model.OpKill, model.OpHalt:
		p.Kill()
		return true, nil
	case model.OpRestart:
		return true, p.Restart()
	case model.OpSetPeriod:
		if cmd.Relative() {
			_, err := p.ScalePeriod(int(max(min(cmd.Step, 64), -64))) // past ±64 every period is out of bounds
			return true, err
		}
		return true, p.SetPeriod(time.Duration(cmd.Value))
	}
	return true, errorf("%s does not apply to poller %q: %w", cmd.Op, cmd.Poller, ErrUnknownOp)
}

// closePollers kills every poller, stops new ones from starting and waits until
// every schedule and its runs have returned or ctx is done. It returns the
// pollers whose runs did not return (as tasks: Name and Group set) for
// CloseError. It must be called without Engine.mu.
func (e *Engine) closePollers(ctx context.Context) []model.Task {
	s := &e.pollers
	s.mu.Lock()
	s.closed = true
	ps := s.sortedLocked()
	lives := make([]*pollLife, 0, len(s.lives))
	for l := range s.lives {
		lives = append(lives, l)
	}
	s.mu.Unlock()
	for _, p := range ps {
		p.kill()
	}
	var stuck []model.Task
	for _, l := range lives {
		select {
		case <-l.done:
			continue
		case <-ctx.Done():
		}
		select {
		case <-l.done:
		default:
			stuck = append(stuck, model.Task{Name: "poller " + l.p.name, Group: "pollers"})
		}
	}
	return stuck
}
