package distributed

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/hibiken/asynq"
)

// Errors a Handle reports, matched with errors.Is.
var (
	// ErrTaskFailed is matched by the error of a task that failed for good
	// (archived: out of retries, or halted); the error names its last error.
	ErrTaskFailed = errors.New("distributed: task failed")
	// ErrTaskGone is returned for a task no longer in Redis: it finished and
	// its retention passed, or it was deleted.
	ErrTaskGone = errors.New("distributed: task no longer in the queue")
)

// Handle is one enqueued task: Wait and OnDone report how it ended, wherever
// it ran, by reading it from Redis (the Inspector) every Config.WaitEvery
// while someone waits.
type Handle struct {
	p  *Pool
	id string

	once   sync.Once // registers with the watcher
	mu     sync.Mutex
	over   bool
	done   chan struct{}
	err    error
	doneBy string
	cbs    []func(error)
}

// ID is the task's asynq id (asynq.GetTaskID in its handler).
func (h *Handle) ID() string { return h.id }

// Wait blocks until the task has ended and returns nil if it succeeded, an
// error matching ErrTaskFailed if it failed for good, ErrClosed once the pool
// is closed (the task goes on, on whichever engine runs it), or ctx's error.
func (h *Handle) Wait(ctx context.Context) error {
	h.watch()
	select {
	case <-h.done:
		return h.err
	case <-ctx.Done():
		return fmt.Errorf("wait for task %s: %w", h.id, ctx.Err())
	}
}

// OnDone calls fn once with Wait's error when the task has ended, on the
// pool's watcher goroutine (or at once if it has ended); fn should be quick.
func (h *Handle) OnDone(fn func(error)) {
	h.mu.Lock()
	if h.over {
		h.mu.Unlock()
		fn(h.err)
		return
	}
	h.cbs = append(h.cbs, fn)
	h.mu.Unlock()
	h.watch()
}

// DoneBy is the engine that completed the task ("host/pid"), once Wait
// returned nil.
func (h *Handle) DoneBy() string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.doneBy
}

// Cancel stops the task for good, wherever it is. A running task is halted
// where it runs: asynq's cancelation pubsub reaches the engine running it,
// which halts it. asynq retries a canceled task that has retries left, so
// Cancel then waits (until ctx is done) for it to leave the running state and
// archives it if it went back to the queue; with a retry delay shorter than
// that round trip (RetryDelay 0) it may start once more first. A task not
// running is archived at once. A task that has ended is left as it is.
func (h *Handle) Cancel(ctx context.Context) error {
	p := h.p
	for {
		info, err := p.inspectTask(ctx, h.id)
		if err != nil {
			return err
		}
		switch info.State {
		case asynq.TaskStateCompleted, asynq.TaskStateArchived:
			return nil
		case asynq.TaskStateActive:
			if err := p.withContext(ctx, func() error { return p.inspector.CancelProcessing(h.id) }); err != nil {
				return err
			}
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(p.cfg.WaitEvery):
			}
		default:
			err := p.withContext(ctx, func() error { return p.inspector.ArchiveTask(p.cfg.Queue, h.id) })
			if errors.Is(err, asynq.ErrTaskNotFound) {
				continue // it moved meanwhile: look again
			}
			return err
		}
	}
}

// inspectTask reads task id, or returns ctx's error first.
func (p *Pool) inspectTask(ctx context.Context, id string) (info *asynq.TaskInfo, err error) {
	err = p.withContext(ctx, func() (err error) {
		info, err = p.inspector.GetTaskInfo(p.cfg.Queue, id)
		return err
	})
	return info, err
}

func (h *Handle) watch() { h.once.Do(func() { h.p.watch.add(h) }) }

// check reads the task once and settles h if it has ended; it reports
// whether it did. An error reaching Redis is not an end.
func (h *Handle) check() bool {
	p := h.p
	info, err := p.inspector.GetTaskInfo(p.cfg.Queue, h.id)
	switch {
	case errors.Is(err, asynq.ErrTaskNotFound):
		h.settle(fmt.Errorf("task %s: %w", h.id, ErrTaskGone), "")
	case err != nil:
		return false
	case info.State == asynq.TaskStateCompleted:
		h.settle(nil, string(info.Result))
	case info.State == asynq.TaskStateArchived:
		h.settle(fmt.Errorf("task %s: %w: %s", h.id, ErrTaskFailed, info.LastErr), "")
	default:
		return false
	}
	return true
}

func (h *Handle) settle(err error, by string) {
	h.mu.Lock()
	if h.over {
		h.mu.Unlock()
		return
	}
	h.over, h.err, h.doneBy = true, err, by
	cbs := h.cbs
	h.cbs = nil
	close(h.done)
	h.mu.Unlock()
	for _, fn := range cbs {
		fn(err)
	}
}

// watcher looks up the Handles someone waits for, on one goroutine.
type watcher struct {
	p       *Pool
	mu      sync.Mutex
	stopped bool // after stop, a Handle added settles at once with ErrClosed
	hs      []*Handle
	wake    chan struct{}
	quit    chan struct{}
	ended   chan struct{}
}

func newWatcher(p *Pool) *watcher {
	w := &watcher{p: p, wake: make(chan struct{}, 1), quit: make(chan struct{}), ended: make(chan struct{})}
	go w.loop()
	return w
}

func (w *watcher) add(h *Handle) {
	w.mu.Lock()
	if w.stopped {
		w.mu.Unlock()
		h.settle(fmt.Errorf("task %s: %w", h.id, ErrClosed), "")
		return
	}
	w.hs = append(w.hs, h)
	w.mu.Unlock()
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

// stop ends the loop; Handles still waited for settle with ErrClosed.
func (w *watcher) stop() {
	close(w.quit)
	<-w.ended
	w.mu.Lock()
	hs := w.hs
	w.hs, w.stopped = nil, true
	w.mu.Unlock()
	for _, h := range hs {
		h.settle(fmt.Errorf("task %s: %w", h.id, ErrClosed), "")
	}
}

// loop looks the waited-for Handles up every WaitEvery, and sleeps while there
// are none: an engine that enqueues nothing, or waits for nothing, is not
// woken ten times a second for it.
func (w *watcher) loop() {
	defer close(w.ended)
	t := time.NewTimer(w.p.cfg.WaitEvery)
	defer t.Stop()
	waiting := true // t is armed
	for {
		var tick <-chan time.Time
		if waiting {
			tick = t.C
		}
		select {
		case <-w.quit:
			return
		case <-w.wake:
		case <-tick:
			waiting = false
		}
		w.mu.Lock()
		hs := append([]*Handle(nil), w.hs...)
		w.mu.Unlock()
		var left []*Handle
		for _, h := range hs {
			if !h.check() {
				left = append(left, h)
			}
		}
		w.mu.Lock()
		w.hs = append(left, w.hs[len(hs):]...)
		more := len(w.hs) > 0
		w.mu.Unlock()
		if more && !waiting {
			t.Reset(w.p.cfg.WaitEvery)
			waiting = true
		}
	}
}
