// Command spindle is a terminal dashboard for supervising concurrent work.
//
//	spindle [-f FILE]                  # ./spindle.yaml, else ./Procfile, else the built-in demo
//	spindle validate [FILE]            # check a task file: every error with file:line:col
//	spindle convert [FILE]             # the spindle.yaml a process-compose file or Procfile means
//	spindle schema                     # the task file's JSON Schema, for editors
//	spindle serve [-f FILE] [--listen ADDR]   # headless, with the control API
//	spindle attach [ADDR]              # the dashboard of a served engine
//	spindle status [ADDR] [--json]
//	spindle ctl [ADDR] halt|pause|resume|kill|restart ID|NAME|pool:NAME|poller:NAME
//	spindle logs [ADDR] TASK... [-f] [--tail N] [--since 5m] [--grep RE] [--json] [--color]
//	spindle version | completion bash|zsh|fish | help
//
// Exit status: 0 ok, 1 failure, 2 usage error.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/spindle-tui/spindle/engine"
	"github.com/spindle-tui/spindle/engine/remote"
	"github.com/spindle-tui/spindle/engine/spec"
	"github.com/spindle-tui/spindle/keymap"
	"github.com/spindle-tui/spindle/sampletasks"
	"github.com/spindle-tui/spindle/ui"
)

// defaultFile is the task file spindle picks up from the working directory;
// procfile is the one it picks up when there is none.
const (
	defaultFile = "spindle.yaml"
	procfile    = "Procfile"
)

// fps caps how often the dashboard redraws: Bubble Tea's renderer wakes fps
// times a second whether or not there is anything to draw, and on the
// project's 2-core machine those wakeups are most of an idle dashboard's CPU
// (an idle dashboard: 1.10-1.16% of a core at 30, 0.83-0.96% at 20,
// 0.66-0.70% at 10). 20 keeps a key's answer on screen within 50 ms; new data
// is drawn less often still (ui.DefaultFrameInterval).
const fps = 20

// closeGrace bounds how long spindle waits for work to halt once the dashboard
// has ended or serve was asked to stop; child processes still running then are
// killed.
const closeGrace = 5 * time.Second

// callTimeout bounds one call of status or ctl.
const callTimeout = 10 * time.Second

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// first returns a[0], or "".
func first(a []string) string {
	if len(a) == 0 {
		return ""
	}
	return a[0]
}

// taskFile returns the task file to run: the one given, else ./spindle.yaml when
// it exists, else ./Procfile when it exists (as foreman and overmind read it),
// else "" (the demo).
func taskFile(given string) string {
	if given != "" {
		return given
	}
	for _, name := range []string{defaultFile, procfile} {
		if _, err := os.Stat(name); err == nil {
			return name
		}
	}
	return ""
}

// work is what start put on an engine: stop ends it (the demo feeder, or the
// task file's watcher and applier) and waits for it, so that no reload is
// under way while the engine closes.
type work struct {
	cancel context.CancelFunc
	done   atomic.Pointer[<-chan struct{}] // set once start has returned
}

func newWork() (context.Context, *work) {
	ctx, cancel := context.WithCancel(context.Background())
	return ctx, &work{cancel: cancel}
}

// stop ends the work and waits for it.
func (w *work) stop() {
	w.cancel()
	if done := w.done.Load(); done != nil {
		<-*done
	}
}

// start puts the work on e: the task file when there is one, else the demo.
func start(ctx context.Context, w *work, e *engine.Engine, file string) error {
	if file == "" {
		return sampletasks.Register(ctx, e)
	}
	sup, err := spec.Run(ctx, e, file, spec.WithJoiner(joinDistributed))
	if sup != nil {
		done := sup.Done()
		w.done.Store(&done)
	}
	return err
}

// sourceName is what serve says it runs.
func sourceName(file string) string {
	if file == "" {
		return "the demo"
	}
	return file
}

// stopSignals are the signals that end spindle: the first asks for a graceful
// stop (work halted), the next forces it (children killed at once).
var stopSignals = []os.Signal{syscall.SIGTERM, syscall.SIGINT, syscall.SIGHUP}

// onSignals is spindle's one signal handler (Bubble Tea's own is turned off):
// it calls graceful on the first of stopSignals and force on every later one,
// until the returned stop is called.
func onSignals(graceful, force func()) (stop func()) {
	ch := make(chan os.Signal, 2)
	signal.Notify(ch, stopSignals...)
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		for n := 0; ; n++ {
			select {
			case <-ch:
			case <-done:
				return
			}
			if n == 0 {
				graceful()
			} else {
				force()
			}
		}
	})
	return func() {
		signal.Stop(ch)
		close(done)
		wg.Wait()
	}
}

// closer closes an engine once, for whoever asks first (the dashboard's quit,
// or main after it): later callers wait for that close. force makes the close
// give up waiting for work to halt and kill what is left.
type closer struct {
	close func() error
	force context.CancelFunc
}

func newCloser(e *engine.Engine, before func()) *closer {
	ctx, force := context.WithCancel(context.Background())
	return &closer{force: force, close: sync.OnceValue(func() error {
		before()
		return e.Close(ctx)
	})}
}

// within closes, forcing it when ctx is done first (the dashboard's quit gave
// up, or a grace ran out); it waits for the close to end either way, so no
// child outlives spindle.
func (c *closer) within(ctx context.Context) error {
	defer context.AfterFunc(ctx, c.force)()
	return c.close()
}

// uiOptions are the dashboard options of both the local and the attached
// dashboard. (The user's key bindings are loaded here.)
func uiOptions(redraw time.Duration) []ui.Option {
	return []ui.Option{
		ui.WithColor(os.Getenv("NO_COLOR") == ""),
		ui.WithKeyConfig(keymap.Load(keymap.ConfigPath())),
		ui.WithFrameInterval(redraw),
	}
}

// newProgram makes the dashboard's program with spindle's own signal
// handling, from now until stop is called: a stop signal quits as q does
// (graceful), a second forces (force is called, and the program quits at once).
func newProgram(m tea.Model, force func()) (p *tea.Program, stop func()) {
	p = tea.NewProgram(m, tea.WithFPS(fps), tea.WithoutSignalHandler())
	return p, onSignals(
		func() { go p.Send(ui.QuitRequestMsg{}) }, // Send waits for the event loop; never block the handler
		func() { force(); go p.Quit() })
}

// dashboard runs the dashboard over a task file or the demo until the user
// quits or a signal comes; the work is then halted (killed after closeGrace).
func dashboard(file string, refresh, redraw time.Duration) error {
	e := engine.New(engine.WithRefresh(refresh), engine.WithSource("demo"))
	ctx, w := newWork()
	defer w.stop()
	c := newCloser(e, w.stop) // the demo feeder and the file watcher end first: nothing new starts
	grace := func() error {
		ctx, cancel := context.WithTimeout(context.Background(), closeGrace)
		defer cancel()
		return c.within(ctx)
	}
	// Signals are handled before the work starts: one during start quits the
	// dashboard as soon as it runs.
	p, unhook := newProgram(ui.New(e, append(uiOptions(redraw), ui.WithShutdown(c.within))...), c.force)
	defer unhook()
	if err := start(ctx, w, e, file); err != nil {
		_ = grace()
		return err
	}
	final, runErr := p.Run()
	closeErr := grace() // returns at once after a graceful quit
	if runErr != nil {
		return fmt.Errorf("dashboard: %w", runErr)
	}
	if fm, ok := final.(ui.Model); ok && fm.Err() != nil && !errors.Is(fm.Err(), ui.ErrForcedQuit) {
		return fm.Err()
	}
	return closeErr
}

// runAttached runs the dashboard on src until the user quits.
func runAttached(src ui.Source, origin string, redraw time.Duration) error {
	p, unhook := newProgram(ui.New(src, append(uiOptions(redraw), ui.WithOrigin(origin))...), func() {})
	defer unhook()
	if _, err := p.Run(); err != nil {
		return fmt.Errorf("dashboard: %w", err)
	}
	return nil
}

// serve runs file (or the demo) headless with the control API up until a stop
// signal; then it halts the work and reaps every child (a second signal kills
// them at once).
func serve(stdout io.Writer, file, listen string, opts []remote.Option) error {
	e := engine.New(engine.WithSource("demo"))
	ctx, w := newWork()
	defer w.stop()
	c := newCloser(e, w.stop)
	stopping := make(chan struct{})
	stopSig := onSignals(func() { close(stopping) }, c.force)
	defer stopSig()
	grace := func() error {
		ctx, cancel := context.WithTimeout(context.Background(), 2*closeGrace)
		defer cancel()
		return c.within(ctx)
	}
	if err := start(ctx, w, e, file); err != nil {
		_ = grace()
		return err
	}
	srv, err := remote.Listen(ctx, e, listen, opts...)
	if err != nil {
		_ = grace()
		return err
	}
	fmt.Fprintf(stdout, "spindle: serving %s on %s\n", sourceName(file), srv.Addr())
	attachArgs := srv.Addr()
	if f := srv.TokenFile(); f != "" {
		fmt.Fprintf(stdout, "spindle: token in %s (clients: --token-file %s, or %s=$(cat %s))\n", f, f, remote.TokenEnv, f)
		attachArgs += " --token-file " + f
	}
	fmt.Fprintf(stdout, "spindle: attach with: spindle attach %s\n", attachArgs)
	<-stopping
	fmt.Fprintln(stdout, "spindle: stopping: halting work (a second signal kills it)")
	_ = srv.Close()
	return grace()
}
