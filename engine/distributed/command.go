package distributed

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/spindle-tui/spindle/engine"
)

// Command is the payload of a command task (HandleCommands, EnqueueCommand):
// what a task file's pool task runs, as the enqueuing engine's file says.
type Command struct {
	Name string   `json:"name"`          // the task's name in the file
	Argv []string `json:"argv"`          // the command and its arguments
	Env  []string `json:"env,omitempty"` // KEY=value, added to the engine's environment
	Dir  string   `json:"dir,omitempty"` // the working directory; empty: the engine's
}

// HandleCommands makes this engine run command tasks of taskType (payload: a
// Command in JSON) as child processes of the local pool, as a task file's
// pool runs its tasks.
func (p *Pool) HandleCommands(taskType string) error {
	return p.handle(taskType, func(ctx context.Context, name string, payload []byte) (*engine.Future, error) {
		var c Command
		if err := json.Unmarshal(payload, &c); err != nil {
			return nil, fmt.Errorf("command task %q: payload is not a command: %w", name, err)
		}
		if name == "" {
			name = c.Name
		}
		return p.local.SubmitProcess(ctx, name, taskType, engine.ProcessSpec{Command: c.Argv, Env: c.Env, Dir: c.Dir})
	})
}

// EnqueueCommand enqueues c as a command task of taskType (see
// HandleCommands), named c.Name.
func (p *Pool) EnqueueCommand(ctx context.Context, taskType string, c Command, opts ...EnqueueOption) (*Handle, error) {
	payload, err := json.Marshal(c)
	if err != nil {
		return nil, err
	}
	return p.Enqueue(ctx, taskType, payload, append([]EnqueueOption{Name(c.Name)}, opts...)...)
}
