package engine

import (
	"bytes"
	"context"
	"fmt"
	"strings"

	"github.com/spindle-tui/spindle/engine/internal/osproc"
)

// pollOutputTail is how many bytes of a poll command's stdout and stderr are
// kept: enough for the last line of any sane output.
const pollOutputTail = 4096

// CommandPoll returns a PollFunc that runs spec's command once per poll, in a
// process group of its own, and returns the trimmed last line of its stdout as
// the poller's value. A non-zero exit (or a signal) is an error naming it and
// the last line of stderr, e.g. `exit status 1: df: /nope: No such file or
// directory`. When the run's context is done (the poller's Timeout, Kill,
// Close) the group is SIGKILLed at once. A poll returns once the command and
// everything it started are gone, as a process task's run does. Only
// Command, Dir and Env of spec are used: a poll is not restarted or stopped
// gracefully. Give its poller PeriodFloor(MinCommandPollPeriod), as task-file
// pollers have. Where processes are not supported every poll fails with
// ErrProcessUnsupported.
func CommandPoll(spec ProcessSpec) PollFunc {
	spec = spec.withDefaults()
	return func(ctx context.Context) (any, error) {
		if err := spec.validate(); err != nil {
			return nil, err
		}
		var stdout, stderr tailBuffer
		g, err := startTree(spec, &stdout, &stderr)
		if err != nil {
			return nil, err
		}
		stop := context.AfterFunc(ctx, func() { g.Signal(osproc.SIGKILL) })
		err = g.Wait()
		stop()
		if err != nil {
			if line := lastLine(stderr.b); line != "" {
				return nil, fmt.Errorf("%w: %s", err, line)
			}
			return nil, err
		}
		return lastLine(stdout.b), nil
	}
}

// tailBuffer is an io.Writer that keeps the last pollOutputTail bytes written.
type tailBuffer struct{ b []byte }

// Write keeps the tail of what it is given.
func (t *tailBuffer) Write(p []byte) (int, error) {
	t.b = append(t.b, p...)
	if over := len(t.b) - pollOutputTail; over > 0 {
		t.b = append(t.b[:0], t.b[over:]...)
	}
	return len(p), nil
}

// lastLine returns the last non-blank line of b, trimmed.
func lastLine(b []byte) string {
	b = bytes.TrimSpace(b)
	if i := bytes.LastIndexByte(b, '\n'); i >= 0 {
		b = b[i+1:]
	}
	return strings.TrimSpace(string(b))
}
