// Command spindle is a terminal dashboard for supervising concurrent work.
//
//	spindle [-f FILE]                  # ./spindle.yaml if there is one, else the built-in demo
//	spindle validate [FILE]            # check a task file: every error with file:line:col
//	spindle schema                     # the task file's JSON Schema, for editors
//	spindle serve [-f FILE] [--listen ADDR]   # headless, with the control API
//	spindle attach [ADDR]              # the dashboard of a served engine
//	spindle status [ADDR] [--json]
//	spindle ctl [ADDR] halt|pause|resume|kill|restart ID|NAME|pool:NAME|poller:NAME
//	spindle version | completion bash|zsh|fish | help
//
// Exit status: 0 ok, 1 failure, 2 usage error.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"runtime"
	"runtime/debug"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/spf13/cobra"

	"github.com/spindle-tui/spindle/engine"
	"github.com/spindle-tui/spindle/engine/remote"
	"github.com/spindle-tui/spindle/engine/spec"
	"github.com/spindle-tui/spindle/keymap"
	"github.com/spindle-tui/spindle/sampletasks"
	"github.com/spindle-tui/spindle/ui"
)

// defaultFile is the task file spindle picks up from the working directory.
const defaultFile = "spindle.yaml"

// fps caps how often the dashboard redraws. Snapshots come at most every
// refresh (100 ms by default), so Bubble Tea's 60 frames a second would mostly
// wake up to find nothing to draw; 30 keeps keys snappy and an idle dashboard
// idle.
const fps = 30

// closeGrace bounds how long spindle waits for work to halt once the dashboard
// has ended or serve was asked to stop; child processes still running then are
// killed.
const closeGrace = 5 * time.Second

// callTimeout bounds one call of status or ctl.
const callTimeout = 10 * time.Second

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// usageError is a command line spindle cannot run: exit status 2.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

// run runs one invocation and returns the exit status.
func run(args []string, stdout, stderr io.Writer) int {
	root := newRoot(stdout, stderr)
	root.SetArgs(args)
	cmd, err := root.ExecuteC()
	if err == nil {
		return 0
	}
	var ue usageError
	if errors.As(err, &ue) || errors.Is(err, remote.ErrUsage) || !ran(cmd) {
		fmt.Fprintf(stderr, "%s: %v\nRun '%s --help' for usage.\n", cmd.CommandPath(), err, cmd.CommandPath())
		return 2
	}
	fmt.Fprintf(stderr, "spindle: %v\n", err)
	return 1
}

// ran reports whether cmd's body started (so its error is a failure, not a
// usage error cobra found first).
func ran(cmd *cobra.Command) bool { return cmd.Annotations["ran"] == "yes" }

// body wraps a command's body: it marks the command as run.
func body(f func(cmd *cobra.Command, args []string) error) func(*cobra.Command, []string) error {
	return func(cmd *cobra.Command, args []string) error {
		cmd.Annotations = map[string]string{"ran": "yes"}
		return f(cmd, args)
	}
}

// args checks the count of positional arguments: at most n, naming the first
// one too many ("unknown command" for the root).
func args(n int) cobra.PositionalArgs {
	return func(cmd *cobra.Command, a []string) error {
		if len(a) <= n {
			return nil
		}
		if !cmd.HasParent() {
			msg := fmt.Sprintf("unknown command %q", a[0])
			if s := cmd.SuggestionsFor(a[0]); len(s) > 0 {
				msg += fmt.Sprintf("; did you mean %q?", s[0])
			}
			return usageError{errors.New(msg)}
		}
		return usageError{fmt.Errorf("unexpected argument %q", a[n])}
	}
}

// newRoot builds the command tree.
func newRoot(stdout, stderr io.Writer) *cobra.Command {
	var file string
	var refresh time.Duration
	root := &cobra.Command{
		Use:   "spindle",
		Short: "A terminal dashboard for supervising concurrent work",
		Long: "spindle supervises the commands and pollers a task file declares (FILE, else\n" +
			"./" + defaultFile + ", else a built-in demo) in a live dashboard, or headless with a\n" +
			"control API (serve) that attach, status and ctl talk to.\n\n" +
			"ADDR is a Unix socket path (default: the newest in " + remote.DefaultSocketDir() + ") or\n" +
			"host:port; over TCP a bearer token is needed: --token-file FILE or $" + remote.TokenEnv + ".\n" +
			"Exit status: 0 ok, 1 failure, 2 usage error.",
		Version:                    version(),
		Args:                       args(0),
		SilenceErrors:              true,
		SilenceUsage:               true,
		SuggestionsMinimumDistance: 2,
		RunE: body(func(_ *cobra.Command, _ []string) error {
			switch {
			case refresh <= 0:
				return usageError{fmt.Errorf("--refresh must be positive, got %v", refresh)}
			case refresh < engine.MinRefresh:
				return usageError{fmt.Errorf("--refresh %v is below the floor of %v (the dashboard redraws at most %d times a second)", refresh, engine.MinRefresh, fps)}
			}
			return dashboard(taskFile(file), refresh)
		}),
	}
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.SetVersionTemplate("{{.Version}}\n")
	root.SetFlagErrorFunc(flagError)
	root.Flags().StringVarP(&file, "file", "f", "", "task file to supervise (default ./"+defaultFile+" if it exists, else the demo)")
	root.Flags().DurationVar(&refresh, "refresh", engine.DefaultRefresh, "how often the dashboard may redraw (snapshots are coalesced to this interval)")
	root.AddCommand(validateCmd(stdout, stderr), schemaCmd(stdout), serveCmd(stdout, stderr),
		attachCmd(stderr), statusCmd(stdout, stderr), ctlCmd(stdout, stderr), versionCmd(stdout))
	return root
}

// flagError makes a flag error a usage error, and says how to spell a long
// flag given with one dash (-json, as Go's flag package took).
func flagError(cmd *cobra.Command, err error) error {
	// pflag reads -json as the shorthands j, s, o, n: "unknown shorthand flag: 'j' in -json".
	if i := strings.LastIndex(err.Error(), " in -"); i >= 0 {
		name, _, _ := strings.Cut(err.Error()[i+len(" in -"):], "=")
		if cmd.Flags().Lookup(name) != nil {
			return usageError{fmt.Errorf("%w (long flags take two dashes: --%s)", err, name)}
		}
	}
	return usageError{err}
}

func validateCmd(stdout, stderr io.Writer) *cobra.Command {
	var file string
	cmd := &cobra.Command{
		Use:   "validate [FILE]",
		Short: "Check a task file; print every error with file:line:col",
		Args:  args(1),
		RunE: body(func(_ *cobra.Command, a []string) error {
			if len(a) == 1 {
				file = a[0]
			}
			return spec.Validate(stdout, stderr, file)
		}),
	}
	cmd.Flags().StringVarP(&file, "file", "f", defaultFile, "the task file to check")
	return cmd
}

func schemaCmd(stdout io.Writer) *cobra.Command {
	return &cobra.Command{
		Use:   "schema",
		Short: "Print the task file's JSON Schema (for editors)",
		Args:  args(0),
		RunE: body(func(*cobra.Command, []string) error {
			_, err := stdout.Write(spec.Schema())
			return err
		}),
	}
}

// tokenFlags adds --token and --token-file to cmd.
func tokenFlags(cmd *cobra.Command, f *remote.ClientFlags) {
	cmd.Flags().StringVar(&f.TokenFile, "token-file", "", "read the bearer token from FILE (default $"+remote.TokenEnv+")")
	cmd.Flags().StringVar(&f.Token, "token", "", "the bearer token (shown to every local user in the process list: prefer --token-file)")
}

func statusCmd(stdout, stderr io.Writer) *cobra.Command {
	var flags remote.ClientFlags
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "status [ADDR]",
		Short: "Print a served engine's state, as tables or JSON",
		Args:  args(1),
		RunE: body(func(_ *cobra.Command, a []string) error {
			opts, err := flags.Options(stderr)
			if err != nil {
				return err
			}
			ctx, cancel := context.WithTimeout(context.Background(), callTimeout)
			defer cancel()
			return remote.Status(ctx, stdout, first(a), asJSON, opts...)
		}),
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the snapshot as JSON")
	tokenFlags(cmd, &flags)
	return cmd
}

func ctlCmd(stdout, stderr io.Writer) *cobra.Command {
	var flags remote.ClientFlags
	cmd := &cobra.Command{
		Use:   remote.CtlUsage,
		Short: "Send one command to a served engine (a task by id or name)",
		Args:  cobra.ArbitraryArgs, // remote.Ctl checks them before connecting
		RunE: body(func(_ *cobra.Command, a []string) error {
			opts, err := flags.Options(stderr)
			if err != nil {
				return err
			}
			ctx, cancel := context.WithTimeout(context.Background(), callTimeout)
			defer cancel()
			return remote.Ctl(ctx, stdout, a, opts...)
		}),
	}
	tokenFlags(cmd, &flags)
	return cmd
}

func attachCmd(stderr io.Writer) *cobra.Command {
	var flags remote.ClientFlags
	cmd := &cobra.Command{
		Use:   "attach [ADDR]",
		Short: "The dashboard of a served engine (quitting leaves it running)",
		Long: "attach opens the dashboard on a served engine. With no ADDR it takes the newest\n" +
			"socket, and looks again at every reconnect, so it finds a restarted server.",
		Args: args(1),
		RunE: body(func(_ *cobra.Command, a []string) error {
			opts, err := flags.Options(stderr)
			if err != nil {
				return err
			}
			return attach(first(a), opts)
		}),
	}
	tokenFlags(cmd, &flags)
	return cmd
}

func versionCmd(stdout io.Writer) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print spindle's version and VCS revision",
		Args:  args(0),
		RunE: body(func(*cobra.Command, []string) error {
			_, err := fmt.Fprintln(stdout, version())
			return err
		}),
	}
}

// version is "spindle VERSION (REVISION[, modified], TIME) GO OS/ARCH", from the
// build info the go command records.
func version() string {
	v, rev := "(unknown)", "revision unknown: built without VCS stamping"
	if bi, ok := debug.ReadBuildInfo(); ok {
		v = bi.Main.Version
		var r, at, dirty string
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				r = s.Value
			case "vcs.time":
				at = ", " + s.Value
			case "vcs.modified":
				if s.Value == "true" {
					dirty = ", modified"
				}
			}
		}
		if r != "" {
			rev = "revision " + r + dirty + at
		}
	}
	return fmt.Sprintf("spindle %s (%s) %s %s/%s", v, rev, runtime.Version(), runtime.GOOS, runtime.GOARCH)
}

// first returns a[0], or "".
func first(a []string) string {
	if len(a) == 0 {
		return ""
	}
	return a[0]
}

// taskFile returns the task file to run: the one given, else ./spindle.yaml when
// it exists, else "" (the demo).
func taskFile(given string) string {
	if given != "" {
		return given
	}
	if _, err := os.Stat(defaultFile); err == nil {
		return defaultFile
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
	sup, err := spec.Run(ctx, e, file)
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
func uiOptions() []ui.Option {
	return []ui.Option{ui.WithColor(os.Getenv("NO_COLOR") == ""), ui.WithKeyConfig(keymap.Load(keymap.ConfigPath()))}
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
func dashboard(file string, refresh time.Duration) error {
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
	p, unhook := newProgram(ui.New(e, append(uiOptions(), ui.WithShutdown(c.within))...), c.force)
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

// attach opens the dashboard on a served engine; quitting leaves it running.
func attach(addr string, opts []remote.ClientOption) error {
	ctx, cancel := context.WithTimeout(context.Background(), callTimeout)
	defer cancel()
	c, err := remote.Dial(ctx, addr, opts...)
	if err != nil {
		return err
	}
	defer c.Close()
	p, unhook := newProgram(ui.New(c, append(uiOptions(), ui.WithOrigin("attach "+c.Addr()))...), func() {})
	defer unhook()
	if _, err := p.Run(); err != nil {
		return fmt.Errorf("dashboard: %w", err)
	}
	return nil
}

func serveCmd(stdout, stderr io.Writer) *cobra.Command {
	var file, listen string
	var flags remote.ClientFlags
	var allowRemote, verbose bool
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Run a task file (or the demo) headless, with the control API",
		Long: "serve runs FILE (or the demo) with no dashboard and serves the control API on a\n" +
			"Unix socket (default: in " + remote.DefaultSocketDir() + ") or host:port, until SIGTERM,\n" +
			"SIGINT or SIGHUP: it then halts the work; a second signal kills it at once.\n" +
			"Over TCP the token is --token-file's (created when missing), $" + remote.TokenEnv + "'s,\n" +
			"or generated into a 0600 file whose path serve prints.",
		Args: args(0),
		RunE: body(func(*cobra.Command, []string) error {
			opts, err := flags.ServerOptions(stderr)
			if err != nil {
				return err
			}
			level := slog.LevelWarn
			if verbose {
				level = slog.LevelDebug
			}
			opts = append(opts, remote.WithLogger(slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))))
			if allowRemote {
				opts = append(opts, remote.WithAllowRemote())
			}
			return serve(stdout, taskFile(file), listen, opts)
		}),
	}
	cmd.Flags().StringVarP(&file, "file", "f", "", "task file to supervise (default ./"+defaultFile+" if it exists, else the demo)")
	cmd.Flags().StringVar(&listen, "listen", "", "address: empty for a Unix socket in the runtime dir, unix:/path, or host:port")
	tokenFlags(cmd, &flags)
	cmd.Flags().BoolVar(&allowRemote, "allow-remote", false, "let a TCP listener bind an address other than loopback")
	cmd.Flags().BoolVarP(&verbose, "verbose", "v", false, "log every request, command and server error to stderr (default: warnings and errors)")
	return cmd
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
