package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"runtime"
	"runtime/debug"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/spindle-tui/spindle/engine"
	"github.com/spindle-tui/spindle/engine/remote"
	"github.com/spindle-tui/spindle/engine/spec"
	"github.com/spindle-tui/spindle/ui"
)

// The command tree: one cobra command per subcommand, its flags and help, and
// the conventions every subcommand shares (exit status, usage errors, flags
// anywhere). What a command does when it runs (the dashboard, serve, attach)
// is in main.go.

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
	var refresh, redraw time.Duration
	root := &cobra.Command{
		Use:   "spindle",
		Short: "A terminal dashboard for supervising concurrent work",
		Long: "spindle supervises the commands and pollers a task file declares (FILE, else\n" +
			"./" + defaultFile + ", else ./" + procfile + ", else a built-in demo) in a live dashboard, or headless with a\n" +
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
				return usageError{fmt.Errorf("--refresh %v is below the floor of %v (no dashboard draws snapshots that often: a shorter refresh only costs CPU)", refresh, engine.MinRefresh)}
			}
			if err := checkRedraw(redraw); err != nil {
				return err
			}
			return dashboard(taskFile(file), refresh, redraw)
		}),
	}
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.SetVersionTemplate("{{.Version}}\n")
	root.SetFlagErrorFunc(flagError)
	root.Flags().StringVarP(&file, "file", "f", "", "task file to supervise: spindle.yaml, a process-compose file or a Procfile (default ./"+defaultFile+", else ./"+procfile+", else the demo)")
	root.Flags().DurationVar(&refresh, "refresh", engine.DefaultRefresh, "how often the engine takes a snapshot of its work (changes are coalesced to this interval)")
	redrawFlag(root, &redraw)
	root.AddCommand(validateCmd(stdout, stderr), convertCmd(stdout, stderr), schemaCmd(stdout), serveCmd(stdout, stderr),
		attachCmd(stderr), lsCmd(stdout, stderr), statusCmd(stdout, stderr), ctlCmd(stdout, stderr), logsCmd(stdout, stderr), enqueueCmd(stdout, stderr), versionCmd(stdout))
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
			if file == "" {
				file = cmp.Or(taskFile(""), defaultFile)
			}
			return spec.Validate(stdout, stderr, file)
		}),
	}
	cmd.Flags().StringVarP(&file, "file", "f", "", "the task file to check: spindle.yaml, a process-compose file or a Procfile (default ./"+defaultFile+", else ./"+procfile+")")
	return cmd
}

func convertCmd(stdout, stderr io.Writer) *cobra.Command {
	var file string
	cmd := &cobra.Command{
		Use:   "convert [FILE]",
		Short: "Print the spindle.yaml equivalent to a process-compose file or a Procfile",
		Long: "convert reads FILE (a process-compose file, a Procfile, or a spindle file) and prints\n" +
			"the spindle.yaml that means the same; what spindle does not support is warned on stderr.",
		Args: args(1),
		RunE: body(func(_ *cobra.Command, a []string) error {
			if len(a) == 1 {
				file = a[0]
			}
			if file == "" {
				file = cmp.Or(taskFile(""), defaultFile)
			}
			f, err := spec.Load(file)
			if err != nil {
				return err
			}
			for _, w := range f.Warnings() {
				fmt.Fprintln(stderr, "warning:", w)
			}
			out, err := spec.Convert(f)
			if err != nil {
				return err
			}
			_, err = stdout.Write(out)
			return err
		}),
	}
	cmd.Flags().StringVarP(&file, "file", "f", "", "the file to convert (default ./"+defaultFile+", else ./"+procfile+")")
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
		Use:   "status [ADDR...]",
		Short: "Print served engines' state, as tables or JSON",
		Args:  cobra.ArbitraryArgs,
		RunE: body(func(_ *cobra.Command, a []string) error {
			opts, err := flags.Options(stderr)
			if err != nil {
				return err
			}
			ctx, cancel := context.WithTimeout(context.Background(), callTimeout)
			defer cancel()
			return remote.StatusAll(ctx, stdout, a, asJSON, opts...)
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
		Short: "Send one command to a served engine (a task by id or name); with several ADDRs, to the one that has it",
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
	var t attachTarget
	cmd := &cobra.Command{
		Use:   "attach [ADDR...]",
		Short: "The dashboard of served engines (quitting leaves them running)",
		Long: "attach opens the dashboard on a served engine. With no ADDR it takes the fleet: list\n" +
			"of --file (or of ./" + defaultFile + " when it has one), else the newest socket, and looks\n" +
			"again at every reconnect, so it finds a restarted server.\n" +
			"With several ADDRs (or --all: every engine in " + remote.DefaultSocketDir() + ") one dashboard\n" +
			"shows them all: an ORIGIN column, each engine's connection in the header, keys acting\n" +
			"on the engine of the row; /origin:NAME filters one engine.\n" +
			"ADDR may also be any Go service's http://HOST:PORT/debug/pprof/ (net/http/pprof):\n" +
			"the Goroutines view then shows its goroutines live.",
		Args: cobra.ArbitraryArgs,
		RunE: body(func(_ *cobra.Command, a []string) error {
			opts, err := flags.Options(stderr)
			if err != nil {
				return err
			}
			if err := checkRedraw(t.redraw); err != nil {
				return err
			}
			t.addrs = a
			return attach(stderr, t, opts)
		}),
	}
	cmd.Flags().BoolVar(&t.all, "all", false, "attach every engine in the runtime dir (spindle ls lists them)")
	cmd.Flags().StringVarP(&t.file, "file", "f", "", "a task file whose fleet: list to attach (default ./"+defaultFile+" when it has one)")
	redrawFlag(cmd, &t.redraw)
	tokenFlags(cmd, &flags)
	return cmd
}

func lsCmd(stdout, stderr io.Writer) *cobra.Command {
	var flags remote.ClientFlags
	cmd := &cobra.Command{
		Use:   "ls",
		Short: "List the engines served on this machine: pid, source, uptime",
		Long: "ls lists the sockets in " + remote.DefaultSocketDir() + " with each server's pid, source\n" +
			"and uptime; a socket nothing listens on is shown stale. attach --all opens them all.",
		Args: args(0),
		RunE: body(func(*cobra.Command, []string) error {
			opts, err := flags.Options(stderr)
			if err != nil {
				return err
			}
			ctx, cancel := context.WithTimeout(context.Background(), callTimeout)
			defer cancel()
			return remote.List(ctx, stdout, opts...)
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
	cmd.Flags().StringVarP(&file, "file", "f", "", "task file to supervise: spindle.yaml, a process-compose file or a Procfile (default ./"+defaultFile+", else ./"+procfile+", else the demo)")
	cmd.Flags().StringVar(&listen, "listen", "", "address: empty for a Unix socket in the runtime dir, unix:/path, or host:port")
	tokenFlags(cmd, &flags)
	cmd.Flags().BoolVar(&allowRemote, "allow-remote", false, "let a TCP listener bind an address other than loopback")
	cmd.Flags().BoolVarP(&verbose, "verbose", "v", false, "log every request, command and server error to stderr (default: warnings and errors)")
	return cmd
}

// redrawFlag adds --redraw to a dashboard command: how often it draws new
// data at most (ui.WithFrameInterval).
func redrawFlag(cmd *cobra.Command, d *time.Duration) {
	cmd.Flags().DurationVar(d, "redraw", ui.DefaultFrameInterval,
		"draw new data at most this often (0: every snapshot; keys redraw at once)")
}

// checkRedraw refuses a negative --redraw.
func checkRedraw(d time.Duration) error {
	if d < 0 {
		return usageError{fmt.Errorf("--redraw must be 0 or more, got %v", d)}
	}
	return nil
}
