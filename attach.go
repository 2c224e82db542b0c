package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/spindle-tui/spindle/engine/remote"
	"github.com/spindle-tui/spindle/engine/spec"
)

// attachTarget is what `spindle attach` was asked to open: addresses, every
// socket of the runtime dir (--all), or a task file's fleet: list.
type attachTarget struct {
	addrs []string
	all   bool
	file  string // --file: its fleet: list, when no address is given
	// redraw is how often the dashboard draws new data at most (--redraw).
	redraw time.Duration
}

// attach opens the dashboard on one served engine, or on several at once (a
// fleet); quitting leaves them running.
func attach(stderr io.Writer, t attachTarget, opts []remote.ClientOption) error {
	ctx, cancel := context.WithTimeout(context.Background(), callTimeout)
	defer cancel()
	addrs, err := attachAddrs(ctx, stderr, t, opts)
	if err != nil {
		return err
	}
	// The dashboard draws new data every t.redraw at most: the servers send
	// no snapshot more often, so none is decoded that is not drawn.
	opts = append(opts[:len(opts):len(opts)], remote.WithStreamEvery(t.redraw))
	if len(addrs) > 1 {
		f, err := remote.DialFleet(ctx, addrs, t.redraw, opts...) // merged no more often than drawn
		if err != nil {
			return err
		}
		defer f.Close()
		cancel() // the dial is done: the fleet's streams outlive callTimeout
		return runAttached(f, "", t.redraw)
	}
	addr := first(addrs)
	if remote.IsPprofURL(addr) { // any Go service: its goroutines only
		src, err := remote.NewPprofSource(ctx, addr)
		if err != nil {
			return err
		}
		return runAttached(src, "attach "+addr, t.redraw)
	}
	c, err := remote.Dial(ctx, addr, opts...)
	if err != nil {
		return err
	}
	defer c.Close()
	return runAttached(c, "attach "+c.Addr(), t.redraw)
}

// attachAddrs returns the addresses t asks for: the ones given; with --all,
// every socket that answers (the others are noted on stderr); with none, the
// fleet: list of --file or ./spindle.yaml when it has one; else none (the
// newest socket).
func attachAddrs(ctx context.Context, stderr io.Writer, t attachTarget, opts []remote.ClientOption) ([]string, error) {
	switch {
	case t.all && len(t.addrs) > 0:
		return nil, usageError{errors.New("give addresses or --all, not both")}
	case t.all:
		es, err := remote.FindEngines(ctx, opts...)
		if err != nil {
			return nil, err
		}
		for _, e := range es {
			if e.Err != nil {
				why := "not answering: " + e.Err.Error()
				if e.Stale {
					why = "stale: nothing listens"
				}
				fmt.Fprintf(stderr, "spindle: skipping %s (%s)\n", e.Addr, why)
			}
		}
		live := remote.LiveEngines(es)
		if len(live) == 0 {
			return nil, fmt.Errorf("%w in %s that answers: is spindle serve running? (spindle ls lists them)", remote.ErrNoSocket, remote.DefaultSocketDir())
		}
		return live, nil
	case len(t.addrs) > 0:
		return t.addrs, nil
	}
	return fleetOf(stderr, t.file)
}

// fleetOf returns the fleet: list of file, or of ./spindle.yaml when no file
// is given. A given file that does not parse, or has no fleet:, is an error;
// ./spindle.yaml that does not parse is noted and ignored.
func fleetOf(stderr io.Writer, file string) ([]string, error) {
	path := file
	if path == "" {
		if _, err := os.Stat(defaultFile); err != nil {
			return nil, nil
		}
		path = defaultFile
	}
	f, err := spec.Load(path)
	switch {
	case err != nil && file != "":
		return nil, err
	case err != nil:
		first, _, _ := strings.Cut(err.Error(), "\n")
		fmt.Fprintf(stderr, "spindle: not reading the fleet of %s: %s\n", path, first)
		return nil, nil
	case len(f.Fleet) == 0 && file != "":
		return nil, fmt.Errorf("%s has no fleet: list (write fleet: [ADDR, …] to attach to several engines)", path)
	}
	return f.Fleet, nil
}
