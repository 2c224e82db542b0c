// Command spindle is a terminal dashboard for supervising concurrent work.
//
// With no arguments it runs the built-in demo workload so that every feature shows
// at once:
//
//	spindle            # the demo dashboard
//	spindle -refresh 250ms
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
	"github.com/spindle-tui/spindle/sampletasks"
	"github.com/spindle-tui/spindle/ui"
)

// forcedQuitGrace bounds how long spindle waits for work to halt after the
// dashboard ended without a graceful shutdown (a forced quit or SIGTERM); the
// graceful path has already drained by then.
const forcedQuitGrace = 2 * time.Second

func main() {
	if err := run(os.Args[1:], os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "spindle:", err)
		os.Exit(1)
	}
}

// run parses args and runs the dashboard on the demo workload.
func run(args []string, stderr io.Writer) error {
	fs := flag.NewFlagSet("spindle", flag.ContinueOnError)
	fs.SetOutput(stderr)
	refresh := fs.Duration("refresh", 100*time.Millisecond, "how often the dashboard may redraw (snapshots are coalesced to this interval)")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: spindle [flags]\n\nWith no task file, spindle runs its built-in demo workload.\n\nflags:\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return err
	}
	if fs.NArg() > 0 {
		fs.Usage()
		return fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	if *refresh <= 0 {
		return fmt.Errorf("-refresh must be positive, got %v", *refresh)
	}

	e := engine.New(engine.WithRefresh(*refresh), engine.WithSource("demo"))
	ctx, stopDemo := context.WithCancel(context.Background())
	defer stopDemo()
	if err := sampletasks.Register(ctx, e); err != nil {
		return err
	}

	shutdown := func(ctx context.Context) error {
		stopDemo()
		return e.Close(ctx)
	}
	m := ui.New(e,
		ui.WithShutdown(shutdown),
		ui.WithColor(os.Getenv("NO_COLOR") == ""),
	)
	// SIGTERM is a graceful quit too: the program ends, then work is halted below.
	p := tea.NewProgram(m)
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGTERM)
	defer signal.Stop(sig)
	go func() {
		if _, ok := <-sig; ok {
			p.Quit()
		}
	}()
	final, err := p.Run()
	if err != nil {
		return fmt.Errorf("dashboard: %w", err)
	}

	// A forced quit (second q) or a signal skipped the graceful shutdown: halt
	// what is left now, briefly, so no work outlives the process unreported.
	stopDemo()
	closeCtx, cancel := context.WithTimeout(context.Background(), forcedQuitGrace)
	defer cancel()
	closeErr := e.Close(closeCtx)
	if fm, ok := final.(ui.Model); ok && fm.Err() != nil {
		return fm.Err()
	}
	return closeErr
}
