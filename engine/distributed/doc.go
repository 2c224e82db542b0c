// Package distributed is a spindle pool whose queue lives in Redis through
// asynq (github.com/hibiken/asynq): work enqueued on any engine is done by
// whichever engine that joined the pool has a free worker, and nothing
// enqueued is lost when an engine dies. It is a package of its own so that
// programs that do not use it carry none of its dependencies (package engine
// knows it only through engine.PoolBackend).
//
// Distributed work is a type and a payload, not a closure:
//
//	dp, err := distributed.Join(ctx, e, "render", distributed.Config{Redis: "127.0.0.1:6379", MaxWorkers: 4, TaskType: "render"})
//	defer dp.Close(ctx)
//	dp.Handle("render", func(ctx context.Context, payload []byte) error { ... }) // on every engine that works the pool
//	h, err := dp.Enqueue(ctx, "render", payload, distributed.MaxRetry(3))       // on any engine
//	err = h.Wait(ctx)
//
// # What runs where
//
// Each engine that joined the pool runs an asynq server on the pool's queue
// once it has a handler. A task the server takes is submitted to the engine's
// local pool of the same name (engine.Pool), so it is a row in Workers (with
// From = the engine that enqueued it) and halt, pause and kill reach it as
// any pool work. The local pool's MaxWorkers is this engine's share.
//
// # Delivery
//
// Delivery is at least once (asynq's): a task whose engine dies mid-run is
// run again by another once its lease has expired (asynq v0.26.0 holds a
// lease 30 s and its recoverer, once a minute, takes tasks whose lease expired
// 30 s ago or more: so between 60 and 120 s after the death). A task that
// ends normally runs once. Handlers that must not run twice should be
// idempotent (asynq.GetTaskID(ctx) in the handler names the task).
//
// An engine's server rides out a Redis outage of up to 10 s (a restart): its
// commands are tried again until Redis answers, so a task that ends while
// Redis is down is recorded once it is back. A task Redis handed out as it
// went down, whose reply was lost with the connection, is active with nobody
// on it: the recoverer takes it back, 60 to 120 s later, like a dead engine's.
//
// # Controls
//
//   - Halt of a running task (the dashboard's h, or Handle.Cancel from any
//     engine through asynq's cancelation pubsub) ends it where it runs; a
//     halted task is not retried (it is archived, with "halted" as its error).
//   - Pause and resume pause the queue for every engine (asynq's PauseQueue):
//     no engine takes new work; what each one took runs on.
//   - Resize changes this engine's concurrency. An asynq server's concurrency
//     is fixed when it starts, so a resize starts a new server with the new
//     concurrency and stops the old one from taking work; the old one shuts
//     down once the tasks it took have returned (no task is given back).
//   - Retries, timeouts and deadlines are asynq's (MaxRetry, Timeout,
//     Deadline): a task that runs past its timeout is halted where it runs
//     and retried.
//
// Anyone who can write to the Redis can make every engine that works a
// command pool (HandleCommands) run any command: keep the Redis private.
package distributed
