package spec

import (
	"net"
	"slices"
	"strconv"

	"github.com/goccy/go-yaml/ast"
)

// PoolBackend is where a distributed pool's queue lives: a Redis server and a
// queue on it. Every engine that loads a file with the same pool (same Redis
// and queue) works the same queue: `spindle serve` on several machines forms a
// worker fleet. The file's tasks of such a pool are a catalogue: loading the
// file enqueues none of them (two engines loading it would run each twice);
// `spindle enqueue FILE POOL [TASK...]` enqueues them, once per call.
type PoolBackend struct {
	Redis string `json:"redis"` // host:port
	Queue string `json:"queue"` // the asynq queue's name
	Pos   Pos    `json:"pos"`
}

// distributedTaskKeys are the fields of a task a distributed pool carries to
// the engine that runs it: the payload is the argv, the environment and the
// directory (resolved on the enqueuing machine).
var distributedTaskKeys = []string{"name", "type", "env_file", "env", "command", "dir"}

func backendFields() []field[PoolBackend] {
	return []field[PoolBackend]{
		{
			fieldInfo: fieldInfo{name: "redis", doc: "The Redis server that holds the queue, host:port.", kind: kindString,
				required: true, nonEmpty: true, example: "redis: 127.0.0.1:6379"},
			set: func(d *decoder, f *fieldInfo, n ast.Node, b *PoolBackend) {
				v, ok := d.str(n, f)
				if !ok {
					return
				}
				if why := badAddress(v); why != "" {
					d.errorf(n, "write it as host:port, such as redis: 127.0.0.1:6379", "bad redis address %q: %s", clip(v), why)
					return
				}
				b.Redis = v
			},
		},
		strField("queue", "The queue's name in Redis; every engine whose file has the same redis and queue works it.",
			func(b *PoolBackend) *string { return &b.Queue }).req().notEmpty().eg("queue: builds"),
	}
}

// badAddress says what is wrong with a Redis address, or "".
func badAddress(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "not host:port"
	}
	if host == "" {
		return "no host"
	}
	if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
		return "the port must be a number from 1 to 65535"
	}
	return ""
}

// decodeBackend decodes a pool's backend mapping.
func decodeBackend(d *decoder, n ast.Node, p *Pool) {
	b := PoolBackend{Pos: posOf(d.resolve(n))}
	decodeObject(d, n, "backend", backendFields(), &b)
	p.Backend = &b
}

// checkDistributedTasks reports the fields of a distributed pool's tasks that
// it cannot carry to the engine that runs them (restart, probes, depends_on,
// stop_signal, …): an error at each, rather than a setting silently lost.
// n is the pool's tasks list; the backend is decoded before it.
func checkDistributedTasks(d *decoder, n ast.Node, p *Pool) {
	if p.Backend == nil {
		return
	}
	seq, ok := d.sequence(n, "tasks", "")
	if !ok || seq == nil {
		return
	}
	fields := taskFields(true) // built once, not once per key
	for _, item := range seq.Values {
		m, ok := d.resolve(item).(*ast.MappingNode)
		if !ok {
			continue
		}
		for _, e := range d.entries(m) {
			if slices.Contains(distributedTaskKeys, e.key) || fieldIndex(fields, e.key) < 0 {
				continue // carried, or unknown (reported as such)
			}
			d.errorf(e.keyAt, "a pool with a backend sends a task's command, env and dir to the engine that runs it, nothing else; remove it, or move the task to a pool without a backend",
				"%s is not supported in pool %q, which has a backend", e.key, p.Name)
		}
	}
}

// sameBackend reports whether a and b are the same queue (both nil: both
// in-memory pools).
func sameBackend(a, b *PoolBackend) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a.Redis == b.Redis && a.Queue == b.Queue
}
