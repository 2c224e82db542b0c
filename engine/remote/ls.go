package remote

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"text/tabwriter"
	"time"

	"github.com/spindle-tui/spindle/model"
)

// lsTimeout bounds how long `spindle ls` waits for one socket's answer.
const lsTimeout = 3 * time.Second

// LocalEngine is one socket of the runtime dir as `spindle ls` finds it: the
// server's Info, or why it does not answer (Err; a socket nothing listens
// on is stale, left by a server that died).
type LocalEngine struct {
	Addr  string
	Info  Info
	Err   error
	Stale bool // nothing listens on the socket
}

// FindEngines returns the sockets in DefaultSocketDir, sorted by path, each
// asked about itself at once. A missing directory is no engines; one another
// user could control is an error (ErrUnsafeSocketDir).
func FindEngines(ctx context.Context, opts ...ClientOption) ([]LocalEngine, error) {
	dir := DefaultSocketDir()
	entries, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("remote: listing %s: %w", dir, err)
	}
	if err := checkSocketDir(dir); err != nil {
		return nil, err
	}
	var out []LocalEngine
	for _, e := range entries {
		if e.Type()&os.ModeSocket != 0 {
			out = append(out, LocalEngine{Addr: filepath.Join(dir, e.Name())})
		}
	}
	slices.SortFunc(out, func(a, b LocalEngine) int { return compareAddr(a.Addr, b.Addr) })
	var wg sync.WaitGroup
	for i := range out {
		wg.Go(func() {
			ctx, cancel := context.WithTimeout(ctx, lsTimeout)
			defer cancel()
			out[i].Info, out[i].Err = askInfo(ctx, out[i].Addr, opts...)
			out[i].Stale = out[i].Err != nil && !errors.Is(out[i].Err, ErrUnauthorized) && refused(out[i].Addr)
		})
	}
	wg.Wait()
	return out, nil
}

// compareAddr orders socket paths so spindle-9.sock comes before spindle-10.sock.
func compareAddr(a, b string) int {
	return cmp.Or(cmp.Compare(len(a), len(b)), strings.Compare(a, b))
}

// askInfo dials addr and asks its Info.
func askInfo(ctx context.Context, addr string, opts ...ClientOption) (Info, error) {
	c, err := Dial(ctx, addr, opts...)
	if err != nil {
		return Info{}, err
	}
	defer c.Close()
	return c.Info(ctx)
}

// refused reports whether nothing listens on the socket at path.
func refused(path string) bool {
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	var d net.Dialer
	c, err := d.DialContext(ctx, "unix", path)
	if err != nil {
		return true
	}
	_ = c.Close()
	return false
}

// LiveEngines returns the addresses of the engines that answered.
func LiveEngines(es []LocalEngine) []string {
	var addrs []string
	for _, e := range es {
		if e.Err == nil {
			addrs = append(addrs, e.Addr)
		}
	}
	return addrs
}

// List runs `spindle ls`: a table of the engines in the runtime dir with
// their pid, source and uptime; a stale socket is shown as such (the next
// server to listen on it removes it), one that refuses the token says so.
func List(ctx context.Context, w io.Writer, opts ...ClientOption) error {
	es, err := FindEngines(ctx, opts...)
	if err != nil {
		return err
	}
	if len(es) == 0 {
		fmt.Fprintf(w, "no engines in %s: start one with spindle serve\n", DefaultSocketDir())
		return nil
	}
	now := time.Now()
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ADDR\tPID\tSOURCE\tUPTIME\tSTATE")
	for _, e := range es {
		switch {
		case e.Err == nil:
			fmt.Fprintf(tw, "%s\t%d\t%s\t%s\tserving\n", e.Addr, e.Info.PID, orDash(clip(e.Info.Source, 40)),
				model.FormatAge(now.Sub(e.Info.Started)))
		case e.Stale:
			fmt.Fprintf(tw, "%s\t%s\t-\t-\tstale: nothing listens (its server died; the next one on this path removes it)\n", e.Addr, socketPID(e.Addr))
		default:
			fmt.Fprintf(tw, "%s\t%s\t-\t-\tnot answering: %s\n", e.Addr, socketPID(e.Addr), clip(e.Err.Error(), 80))
		}
	}
	return tw.Flush()
}

// socketPID reads the pid in a default socket's name (spindle-PID.sock), or "-".
func socketPID(path string) string {
	var pid int
	if _, err := fmt.Sscanf(filepath.Base(path), "spindle-%d.sock", &pid); err == nil {
		return strconv.Itoa(pid)
	}
	return "-"
}
