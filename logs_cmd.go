package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"regexp"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/spindle-tui/spindle/engine/remote"
	"github.com/spindle-tui/spindle/ui"
)

func logsCmd(stdout, stderr io.Writer) *cobra.Command {
	var (
		flags  remote.ClientFlags
		o      remote.LogsOptions
		grep   string
		colour bool
	)
	cmd := &cobra.Command{
		Use:   "logs [ADDR] [TASK...]",
		Short: "Print a served engine's task logs (-f to follow), tasks by id or name",
		Long: "logs prints the lines the engine holds of the tasks named (by id, by name, or\n" +
			"poller:NAME; none: every task, merged in order), like kubectl logs. With -f it\n" +
			"keeps printing, resuming where it left off if the connection breaks. A line's\n" +
			"control sequences never reach the terminal; --color keeps its colours.",
		Args: cobra.ArbitraryArgs,
		RunE: body(func(_ *cobra.Command, a []string) error {
			opts, err := flags.Options(stderr)
			if err != nil {
				return err
			}
			if len(a) > 0 && looksLikeAddr(a[0]) {
				o.Addr, a = a[0], a[1:]
			}
			o.Tasks = a
			if grep != "" {
				if o.Grep, err = regexp.Compile(grep); err != nil {
					return usageError{fmt.Errorf("--grep %q: %w", grep, err)}
				}
			}
			o.Clean = func(s string) string { return ui.SafeText(s, colour) }
			ctx, cancel := context.WithTimeout(context.Background(), callTimeout)
			if o.Follow {
				ctx, cancel = signal.NotifyContext(context.Background(), os.Interrupt)
			}
			defer cancel()
			return remote.Logs(ctx, stdout, o, opts...)
		}),
	}
	cmd.Flags().BoolVarP(&o.Follow, "follow", "f", false, "keep printing lines as they come (until interrupted)")
	cmd.Flags().IntVar(&o.Tail, "tail", 0, "start with the last N lines (default: all the engine holds)")
	cmd.Flags().DurationVar(&o.Since, "since", 0, "start with the lines of the last DURATION, e.g. 5m")
	cmd.Flags().StringVar(&grep, "grep", "", "print only lines matching the regular expression RE")
	cmd.Flags().BoolVar(&o.JSON, "json", false, "print each line as a JSON object (seq, time, task, name, stream, text)")
	cmd.Flags().BoolVar(&colour, "color", false, "keep the lines' colours (SGR); other control sequences are always removed")
	tokenFlags(cmd, &flags)
	return cmd
}

// looksLikeAddr reports whether a word is a server address rather than a task:
// a URL, a socket path, or host:port with a numeric port (poller:disk is a
// task).
func looksLikeAddr(s string) bool {
	switch {
	case strings.HasPrefix(s, "http://"), strings.HasPrefix(s, "https://"), strings.HasPrefix(s, "unix:"),
		strings.HasPrefix(s, "/"), strings.HasPrefix(s, "./"):
		return true
	}
	i := strings.LastIndexByte(s, ':')
	if i < 0 {
		return false
	}
	_, err := strconv.Atoi(s[i+1:])
	return err == nil
}
