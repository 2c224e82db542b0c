package remote

import (
	"errors"
	"fmt"
	"strings"

	"github.com/spindle-tui/spindle/model"
)

// ErrUsage is matched by every error of ParseCtl: the arguments are not a
// valid `spindle ctl` command line.
var ErrUsage = errors.New("usage: spindle ctl ADDR halt|pause|resume|kill|restart ID|pool:NAME|poller:NAME")

// ctlOps are the verbs `spindle ctl` takes.
var ctlOps = []model.Op{model.OpHalt, model.OpPause, model.OpResume, model.OpKill, model.OpRestart}

// ParseCtl turns the arguments after ADDR of `spindle ctl` into a command:
// a verb (halt, pause, resume, kill, restart) and what it acts on: a task id
// ("t3"), "pool:NAME" or "poller:NAME". Errors wrap ErrUsage and say what is
// wrong.
func ParseCtl(args []string) (model.Command, error) {
	if len(args) != 2 {
		return model.Command{}, fmt.Errorf("want a verb and an id, got %d arguments: %w", len(args), ErrUsage)
	}
	op := model.Op(strings.ToLower(args[0]))
	valid := false
	for _, o := range ctlOps {
		valid = valid || o == op
	}
	if !valid {
		return model.Command{}, fmt.Errorf("unknown verb %q: %w", args[0], ErrUsage)
	}
	cmd := model.Command{Op: op}
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
		return model.Command{}, fmt.Errorf("empty id: %w", ErrUsage)
	}
	if cmd.Pool != "" && op == model.OpKill || cmd.Pool != "" && op == model.OpRestart {
		return model.Command{}, fmt.Errorf("a pool can be halted, paused or resumed, not %sed: %w", strings.TrimSuffix(string(op), "e"), ErrUsage)
	}
	return cmd, nil
}
