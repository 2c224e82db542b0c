package remote

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"regexp"
	"strings"
	"time"

	"github.com/spindle-tui/spindle/engine"
	"github.com/spindle-tui/spindle/model"
)

// LogsOptions is what `spindle logs` was asked for.
type LogsOptions struct {
	Addr   string        // "" for the newest socket
	Tasks  []string      // ids, names, or poller:NAME; none: every task
	Follow bool          // keep printing lines as they come
	Tail   int           // start with the last Tail lines (0: all held)
	Since  time.Duration // start with the lines of the last Since
	Grep   *regexp.Regexp
	JSON   bool // print model.LogEntry values, one per line
	// Clean makes a line's text safe for the terminal (ui.SafeText); nil
	// prints it as it is (only for JSON, which escapes it).
	Clean func(string) string
}

// Logs runs `spindle logs`: it resolves the task names with the server's
// snapshot (as ctl does), prints the lines held, and with Follow goes on
// until ctx is done, resuming from the last line printed if the connection
// breaks. Lines of several tasks are prefixed with the task's name.
func Logs(ctx context.Context, w io.Writer, o LogsOptions, opts ...ClientOption) error {
	c, err := Dial(ctx, o.Addr, opts...)
	if err != nil {
		return err
	}
	defer c.Close()
	q := model.LogQuery{Tail: o.Tail}
	if o.Since > 0 {
		q.SinceTime = time.Now().Add(-o.Since)
	}
	if len(o.Tasks) > 0 {
		s, err := c.Snapshot(ctx)
		if err != nil {
			return err
		}
		for _, word := range o.Tasks {
			id, err := resolveLogTask(s, word)
			if err != nil {
				return err
			}
			q.Tasks = append(q.Tasks, id)
		}
	}
	p := &logPrinter{w: w, o: o, prefix: len(q.Tasks) != 1}
	if o.Follow {
		err := c.FollowLogs(ctx, q, p.batch)
		if ctx.Err() != nil {
			return nil // interrupted: the usual end of -f
		}
		return err
	}
	for {
		b, err := c.ReadLogs(ctx, q)
		if err != nil {
			return err
		}
		if err := p.batch(b); err != nil {
			return err
		}
		if len(b.Lines) == 0 {
			return nil
		}
		q = model.LogQuery{Tasks: q.Tasks, Since: b.Next - 1}
	}
}

// resolveLogTask is ResolveTask that also takes poller:NAME (a poller's log).
func resolveLogTask(s model.Snapshot, word string) (model.TaskID, error) {
	if name, ok := strings.CutPrefix(word, engine.PollerLogPrefix); ok {
		for _, p := range s.Pollers {
			if p.Name == name {
				return model.TaskID(word), nil
			}
		}
		return "", &saidError{fmt.Sprintf("no poller is called %q", name), engine.ErrUnknownTask}
	}
	return ResolveTask(s, word)
}

// logPrinter prints batches as `spindle logs` shows them.
type logPrinter struct {
	w      io.Writer
	o      LogsOptions
	prefix bool
	width  int // of the name column so far
}

func (p *logPrinter) batch(b model.LogBatch) error {
	if b.Gap > 0 {
		if p.o.JSON {
			fmt.Fprintf(p.w, "{\"gap\":%d}\n", b.Gap)
		} else {
			fmt.Fprintf(p.w, "--- %d lines evicted before they were read ---\n", b.Gap)
		}
	}
	for _, l := range b.Lines {
		if p.o.Grep != nil && !p.o.Grep.MatchString(l.Text) {
			continue
		}
		if err := p.line(l); err != nil {
			return err
		}
	}
	return nil
}

func (p *logPrinter) line(l model.LogEntry) error {
	if p.o.JSON {
		data, err := json.Marshal(l)
		if err != nil {
			return err
		}
		_, err = p.w.Write(append(data, '\n'))
		return err
	}
	text, name := l.Text, l.Name
	if p.o.Clean != nil {
		text, name = p.o.Clean(text), p.o.Clean(name)
	}
	var b strings.Builder
	if p.prefix {
		p.width = max(p.width, len(name))
		b.WriteString(name)
		b.WriteString(strings.Repeat(" ", p.width-len(name)))
		b.WriteString(" | ")
	}
	switch l.Stream {
	case model.StreamStderr:
		b.WriteString("stderr: ")
	case model.StreamSpindle:
		b.WriteString("spindle: ")
	case model.StreamProbe:
		b.WriteString("probe: ")
	}
	b.WriteString(text)
	b.WriteByte('\n')
	_, err := io.WriteString(p.w, b.String())
	return err
}
