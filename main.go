// Command spindle is a terminal dashboard for supervising concurrent work.
//
//	spindle                     # ./spindle.yaml if there is one, else the built-in demo
//	spindle -f FILE             # supervise the commands and pollers FILE declares
//	spindle validate [-f FILE]  # check a task file: every error with file:line:col
//	spindle schema              # the task file's JSON Schema, for editors
//	spindle serve [-f FILE] [-listen ADDR]   # headless, with the control API
//	spindle attach [ADDR]       # the dashboard of a served engine
//	spindle status [ADDR] [-json]
//	spindle ctl ADDR halt|pause|resume|kill|restart ID
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/spindle-tui/spindle/engine"
	"github.com/spindle-tui/spindle/engine/remote"
	"github.com/spindle-tui/spindle/engine/spec"
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

// closeGrace bounds how long spindle waits for work to halt after the dashboard
// ended without a graceful shutdown (a forced quit or a signal); child processes
// still running then are killed.
const closeGrace = 5 * time.Second

func main() {
	os.Exit(cli(os.Args[1:], os.Stdout, os.Stderr))
}

// cli runs one invocation and returns the exit status.
func cli(args []string, stdout, stderr io.Writer) int {
	var err error
	switch sub(args) {
	case "validate":
		return validate(args[1:], stdout, stderr)
	case "schema":
		_, err = stdout.Write(spec.Schema())
	case "serve":
		err = serve(args[1:], stdout, stderr)
	case "attach":
		err = attach(args[1:], stderr)
	case "status":
		err = status(args[1:], stdout, stderr)
	case "ctl":
		err = ctl(args[1:], stdout, stderr)
	case "help":
		usage(stdout)
	default:
		err = dashboard(args, stderr)
	}
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintln(stderr, "spindle:", err)
		return 1
	}
	return 0
}

// sub returns the subcommand args start with, or "" for the dashboard.
func sub(args []string) string {
	if len(args) == 0 {
		return ""
	}
	switch args[0] {
	case "validate", "schema", "serve", "attach", "status", "ctl", "help":
		return args[0]
	case "-h", "-help", "--help":
		return "help"
	}
	return ""
}

func usage(w io.Writer) {
	fmt.Fprint(w, `usage:
  spindle [-f FILE] [-refresh 100ms]   the dashboard: FILE, else ./spindle.yaml, else the built-in demo
  spindle validate [-f FILE]           check a task file; prints every error with file:line:col
  spindle schema                       print the task file's JSON Schema (for editors)
  spindle serve [-f FILE] [-listen ADDR] [-token T] [-allow-remote]
                                       run FILE (or the demo) headless, with the control API
  spindle attach [-token T] [ADDR]     the dashboard of a served engine
  spindle status [-token T] [-json] [ADDR]
                                       print a served engine's state
  spindle ctl [-token T] ADDR halt|pause|resume|kill|restart ID|pool:NAME|poller:NAME

ADDR is a Unix socket path (default: the newest in the runtime dir) or host:port;
over TCP a bearer token is needed: -token, or $SPINDLE_TOKEN.
`)
}

// validate checks a task file and prints every error, or a summary.
func validate(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("spindle validate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	file := fs.String("f", defaultFile, "the task file to check")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() == 1 { // `spindle validate FILE` reads as well as -f
		*file = fs.Arg(0)
	} else if fs.NArg() > 1 {
		fmt.Fprintf(stderr, "spindle validate: unexpected argument %q\n", fs.Arg(1))
		return 2
	}
	f, err := spec.Load(*file)
	if err != nil {
		var list spec.ErrorList
		if errors.As(err, &list) {
			fmt.Fprintln(stderr, err)
			fmt.Fprintf(stderr, "%s: %d error(s)\n", *file, len(list))
		} else {
			fmt.Fprintln(stderr, "spindle validate:", err)
		}
		return 1
	}
	fmt.Fprintf(stdout, "%s: %s\n", *file, f.Summary())
	return 0
}

// dashboard runs the dashboard over a task file or the demo until the user quits.
func dashboard(args []string, stderr io.Writer) error {
	fs := flag.NewFlagSet("spindle", flag.ContinueOnError)
	fs.SetOutput(stderr)
	file := fs.String("f", "", "task file to supervise (default ./"+defaultFile+" if it exists, else the demo)")
	refresh := fs.Duration("refresh", engine.DefaultRefresh, "how often the dashboard may redraw (snapshots are coalesced to this interval)")
	fs.Usage = func() { usage(stderr); fs.PrintDefaults() }
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		fs.Usage()
		return fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	if *refresh <= 0 {
		return fmt.Errorf("-refresh must be positive, got %v", *refresh)
	}
	*file = taskFile(*file)

	e := engine.New(engine.WithRefresh(*refresh), engine.WithSource("demo"))
	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	closeEngine := func(ctx context.Context) error {
		stop() // the demo feeder and the file watcher end first: nothing new starts
		return e.Close(ctx)
	}
	if err := start(ctx, e, *file); err != nil {
		cctx, cancel := context.WithTimeout(context.Background(), closeGrace)
		defer cancel()
		_ = closeEngine(cctx)
		return err
	}

	p := tea.NewProgram(ui.New(e, ui.WithShutdown(closeEngine), ui.WithColor(os.Getenv("NO_COLOR") == "")), tea.WithFPS(fps))
	// SIGTERM, SIGINT and SIGHUP end the dashboard; the work is halted below,
	// so no child process outlives spindle.
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGTERM, syscall.SIGINT, syscall.SIGHUP)
	defer signal.Stop(sig)
	go func() {
		if _, ok := <-sig; ok {
			p.Quit()
		}
	}()
	final, runErr := p.Run()

	cctx, cancel := context.WithTimeout(context.Background(), closeGrace)
	defer cancel()
	closeErr := closeEngine(cctx) // returns at once after a graceful quit
	if runErr != nil {
		return fmt.Errorf("dashboard: %w", runErr)
	}
	if fm, ok := final.(ui.Model); ok && fm.Err() != nil && !errors.Is(fm.Err(), ui.ErrForcedQuit) {
		return fm.Err()
	}
	return closeErr
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

// start puts the work on e: the task file when there is one, else the demo.
func start(ctx context.Context, e *engine.Engine, file string) error {
	if file == "" {
		return sampletasks.Register(ctx, e)
	}
	_, err := spec.Run(ctx, e, file)
	return err
}

// serve runs a task file (or the demo) headless with the control API up, until
// SIGTERM or SIGINT; then it halts the work and reaps every child.
func serve(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("spindle serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	file := fs.String("f", "", "task file to supervise (default ./"+defaultFile+" if it exists, else the demo)")
	listen := fs.String("listen", "", "address: empty for a Unix socket in the runtime dir, unix:/path, or host:port")
	token := fs.String("token", "", "bearer token for TCP (default $"+remote.TokenEnv+", else generated)")
	allowRemote := fs.Bool("allow-remote", false, "let a TCP listener bind an address other than loopback")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("serve: unexpected argument %q", fs.Arg(0))
	}
	*file = taskFile(*file)
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT, syscall.SIGHUP)
	defer stop()
	e := engine.New(engine.WithSource("demo"))
	work, stopWork := context.WithCancel(context.Background())
	defer stopWork()
	closeEngine := func() error {
		stopWork()
		cctx, cancel := context.WithTimeout(context.Background(), 2*closeGrace)
		defer cancel()
		return e.Close(cctx)
	}
	if err := start(work, e, *file); err != nil {
		_ = closeEngine()
		return err
	}
	opts := []remote.Option{}
	if t := remote.TokenFrom(*token); t != "" {
		opts = append(opts, remote.WithToken(t))
	}
	if *allowRemote {
		opts = append(opts, remote.WithAllowRemote())
	}
	srv, err := remote.Listen(ctx, e, *listen, opts...)
	if err != nil {
		_ = closeEngine()
		return err
	}
	fmt.Fprintf(stdout, "spindle: serving %s on %s\n", sourceName(*file), srv.Addr())
	if srv.Token() != "" {
		fmt.Fprintf(stdout, "spindle: token %s (pass -token or set %s)\n", srv.Token(), remote.TokenEnv)
	}
	fmt.Fprintf(stdout, "spindle: attach with: spindle attach %s\n", srv.Addr())
	<-ctx.Done()
	fmt.Fprintln(stdout, "spindle: stopping: halting work")
	_ = srv.Close()
	return closeEngine()
}

// sourceName is what serve says it runs.
func sourceName(file string) string {
	if file == "" {
		return "the demo"
	}
	return file
}

// dial parses the client flags shared by attach, status and ctl and connects.
func dial(fs *flag.FlagSet, args []string) (*remote.Client, []string, error) {
	token := fs.String("token", "", "bearer token (default $"+remote.TokenEnv+")")
	if err := fs.Parse(args); err != nil {
		return nil, nil, err
	}
	rest := fs.Args()
	addr := ""
	if len(rest) > 0 {
		addr, rest = rest[0], rest[1:]
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var opts []remote.ClientOption
	if t := remote.TokenFrom(*token); t != "" {
		opts = append(opts, remote.WithClientToken(t))
	}
	c, err := remote.Dial(ctx, addr, opts...)
	return c, rest, err
}

// attach opens the dashboard on a served engine; quitting leaves it running.
func attach(args []string, stderr io.Writer) error {
	fs := flag.NewFlagSet("spindle attach", flag.ContinueOnError)
	fs.SetOutput(stderr)
	c, rest, err := dial(fs, args)
	if err != nil {
		return err
	}
	defer c.Close()
	if len(rest) > 0 {
		return fmt.Errorf("attach: unexpected argument %q", rest[0])
	}
	p := tea.NewProgram(ui.New(c, ui.WithOrigin("attach "+c.Addr()), ui.WithColor(os.Getenv("NO_COLOR") == "")), tea.WithFPS(fps))
	if _, err := p.Run(); err != nil {
		return fmt.Errorf("dashboard: %w", err)
	}
	return nil
}

// status prints a served engine's snapshot as tables or JSON.
func status(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("spindle status", flag.ContinueOnError)
	fs.SetOutput(stderr)
	asJSON := fs.Bool("json", false, "print the snapshot as JSON")
	c, rest, err := dial(fs, args)
	if err != nil {
		return err
	}
	defer c.Close()
	if len(rest) > 0 {
		return fmt.Errorf("status: unexpected argument %q", rest[0])
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	s, err := c.Snapshot(ctx)
	if err != nil {
		return err
	}
	return remote.WriteStatus(stdout, s, *asJSON)
}

// ctl sends one command to a served engine.
func ctl(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("spindle ctl", flag.ContinueOnError)
	fs.SetOutput(stderr)
	c, rest, err := dial(fs, args)
	if err != nil {
		return err
	}
	defer c.Close()
	cmd, err := remote.ParseCtl(rest)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := c.Apply(ctx, cmd); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s: ok\n", cmd)
	return nil
}
