package remote

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/spindle-tui/spindle/engine"
	"github.com/spindle-tui/spindle/model"
)

// ErrUsage is matched by the errors of ParseCtl and Ctl for arguments that are
// not a valid `spindle ctl` command line (the CLI exits 2 for them).
var ErrUsage = errors.New("usage error")

// CtlUsage is the synopsis of `spindle ctl`.
const CtlUsage = "ctl [ADDR...] halt|pause|resume|kill|restart ID|NAME|ORIGIN/ID|pool:NAME|poller:NAME"

// saidError is an error whose text is msg alone and which matches the
// sentinel is: the message says the thing once, the sentinel is for callers.
type saidError struct {
	msg string
	is  error
}

func (e *saidError) Error() string { return e.msg }
func (e *saidError) Unwrap() error { return e.is }

// usagef is an argument error matching ErrUsage.
func usagef(format string, args ...any) error {
	return &saidError{fmt.Sprintf(format, args...), ErrUsage}
}

// ctlOps are the verbs `spindle ctl` takes.
var ctlOps = []model.Op{model.OpHalt, model.OpPause, model.OpResume, model.OpKill, model.OpRestart}

func isCtlVerb(s string) bool { return slices.Contains(ctlOps, model.Op(strings.ToLower(s))) }

// ParseCtl turns the arguments of `spindle ctl` after the address into a
// command: a verb (halt, pause, resume, kill, restart) and what it acts on: a
// task id or name ("t3", "web": in Target, resolved by Ctl), "pool:NAME" or
// "poller:NAME". Errors match ErrUsage and say what is wrong.
func ParseCtl(args []string) (model.Command, error) {
	if len(args) != 2 {
		return model.Command{}, usagef("want a verb and what it acts on, got %d arguments", len(args))
	}
	if !isCtlVerb(args[0]) {
		return model.Command{}, usagef("unknown verb %q; the verbs are halt, pause, resume, kill, restart", args[0])
	}
	cmd := model.Command{Op: model.Op(strings.ToLower(args[0]))}
	id := strings.TrimSpace(args[1])
	switch {
	case strings.HasPrefix(id, "pool:"):
		cmd.Pool = strings.TrimPrefix(id, "pool:")
		id = cmd.Pool
	case strings.HasPrefix(id, "poller:"):
		cmd.Poller = strings.TrimPrefix(id, "poller:")
		id = cmd.Poller
	default:
		cmd.Target = model.TaskID(id)
	}
	if id == "" {
		return model.Command{}, usagef("empty id or name")
	}
	if err := CheckName(id); err != nil {
		return model.Command{}, &saidError{err.Error(), ErrUsage}
	}
	if cmd.Pool != "" && (cmd.Op == model.OpKill || cmd.Op == model.OpRestart) {
		return model.Command{}, usagef("a pool can be halted, paused or resumed, not %sed", strings.TrimSuffix(string(cmd.Op), "e"))
	}
	return cmd, nil
}

// SplitCtlArgs splits `spindle ctl`'s arguments into the address ("" when
// only a verb and a target are given: the newest socket) and the rest. With
// several addresses (ADDR ADDR… VERB TARGET), addr is the first; see
// SplitCtlAddrs.
func SplitCtlArgs(args []string) (addr string, rest []string, err error) {
	addrs, rest, err := SplitCtlAddrs(args)
	return firstOf(addrs), rest, err
}

// SplitCtlAddrs splits `spindle ctl`'s arguments into the addresses (none
// when only a verb and a target are given: the newest socket) and the verb
// and target: the last two arguments, when the one before last is a verb.
func SplitCtlAddrs(args []string) (addrs []string, rest []string, err error) {
	switch {
	case len(args) > 3 && isCtlVerb(args[len(args)-2]):
		return args[:len(args)-2], args[len(args)-2:], nil
	case len(args) == 3:
		return args[:1], args[1:], nil
	case len(args) == 2 && !isCtlVerb(args[0]) && isCtlVerb(args[1]):
		return nil, nil, usagef("%s what? Give a task id or name, pool:NAME or poller:NAME after %q", args[1], args[1])
	case len(args) == 2:
		return nil, args, nil
	}
	return nil, nil, usagef("want [ADDR...] VERB TARGET, got %d arguments", len(args))
}

// Ctl runs `spindle ctl`: it checks the arguments, dials the server, turns a
// task name into its id (with the server's snapshot), sends the command and
// prints "halt t3: ok". A name that matches several tasks is an error listing
// their ids. With several addresses the target is looked for on every engine
// (ORIGIN/ID names one, as `status A B` prints them) and must be on one.
func Ctl(ctx context.Context, w io.Writer, args []string, opts ...ClientOption) error {
	addrs, rest, err := SplitCtlAddrs(args)
	if err != nil {
		return err
	}
	cmd, err := ParseCtl(rest)
	if err != nil {
		return err
	}
	if len(addrs) > 1 {
		return ctlFleet(ctx, w, addrs, cmd, opts...)
	}
	c, err := Dial(ctx, firstOf(addrs), opts...)
	if err != nil {
		return err
	}
	defer c.Close()
	if cmd.Target != "" {
		s, err := c.Snapshot(ctx)
		if err != nil {
			return err
		}
		if cmd.Target, err = ResolveTask(s, string(cmd.Target)); err != nil {
			return err
		}
	}
	if err := c.Apply(ctx, cmd); err != nil {
		return err
	}
	fmt.Fprintf(w, "%s: ok\n", cmd)
	return nil
}

// ErrAmbiguousName is matched by ResolveTask's error for a name several tasks
// have.
var ErrAmbiguousName = errors.New("ambiguous task name")

// ResolveTask returns the id of the task s names word: the task with that id,
// else the one task with that name. A name several tasks have is an error
// (ErrAmbiguousName) listing their ids; a word no task has is an error
// matching engine.ErrUnknownTask that says when a pool or poller has the name.
func ResolveTask(s model.Snapshot, word string) (model.TaskID, error) {
	var named []string
	for _, t := range s.Tasks {
		if string(t.ID) == word {
			return t.ID, nil
		}
		if t.Name == word {
			named = append(named, fmt.Sprintf("%s (%s, %s)", t.ID, t.Group, t.State))
		}
	}
	named = slices.Compact(named)
	switch len(named) {
	case 1:
		id, _, _ := strings.Cut(named[0], " ")
		return model.TaskID(id), nil
	case 0:
		hint := ""
		for _, p := range s.Pools {
			if p.Name == word {
				hint = fmt.Sprintf("; there is a pool %q: give pool:%s", word, word)
			}
		}
		for _, p := range s.Pollers {
			if p.Name == word {
				hint = fmt.Sprintf("; there is a poller %q: give poller:%s", word, word)
			}
		}
		return "", &saidError{fmt.Sprintf("no task has the id or name %q%s", word, hint), engine.ErrUnknownTask}
	}
	return "", &saidError{fmt.Sprintf("%q names %d tasks: %s; give one id", word, len(named), strings.Join(named, ", ")), ErrAmbiguousName}
}
