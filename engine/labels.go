package engine

import (
	"context"
	"runtime/pprof"
	"strconv"
)

// The pprof labels spindle puts on the goroutines it runs work on. Goroutines
// a task starts inherit them, so a goroutine profile (debug=1 or the proto)
// tells which task, pool or poller each goroutine of the process belongs to:
// the Goroutines view reads them (Engine.Goroutines), and so does any pprof
// tool (`go tool pprof -tagfocus spindle.task=t3`).
const (
	// LabelTask is the id of the manager task whose run started the goroutine.
	LabelTask = "spindle.task"
	// LabelName is that task's name, or the poller's.
	LabelName = "spindle.name"
	// LabelGroup is the manager, pool or poller that owns the goroutine.
	LabelGroup = "spindle.group"
	// LabelWorker numbers a pool's worker goroutines. A worker runs task after
	// task, and labelling each one would cost the pool an allocation per task
	// (see BENCHMARKS.md), so a worker carries its pool and its number, and
	// the engine, which knows what each worker runs, names the task when it
	// samples.
	LabelWorker = "spindle.worker"
	// LabelKind says what the goroutine is: "task", "pool worker" or "poller".
	LabelKind = "spindle.kind"
)

// The values of LabelKind.
const (
	labelKindTask   = "task"
	labelKindWorker = "pool worker"
	labelKindPoller = "poller"
)

// taskLabels returns ctx with the labels of a manager task's run.
func taskLabels(ctx context.Context, t *task, group string) context.Context {
	return pprof.WithLabels(ctx, pprof.Labels(
		LabelKind, labelKindTask, LabelTask, string(t.ident()), LabelName, t.name, LabelGroup, group))
}

// workerLabel is a worker number and its labelled context, made once: a
// worker that exits hands its number back to the pool (Pool.labels) for the
// next worker, so a pool whose workers come and go (they exit when the queue
// runs dry) makes no labels after its busiest moment.
type workerLabel struct {
	n   uint64
	ctx context.Context
}

// takeLabelLocked returns a free worker number of p, with its labels. The
// caller holds p.mu.
func (p *Pool) takeLabelLocked() workerLabel {
	if n := len(p.labels); n > 0 {
		l := p.labels[n-1]
		p.labels = p.labels[:n-1]
		return l
	}
	p.nworker++
	return workerLabel{n: p.nworker, ctx: pprof.WithLabels(context.Background(), pprof.Labels(
		LabelKind, labelKindWorker, LabelGroup, p.name, LabelWorker, strconv.FormatUint(p.nworker, 10)))}
}

// labelPoller labels the calling goroutine, a poller's loop, once for its life.
func labelPoller(name string) {
	pprof.SetGoroutineLabels(pprof.WithLabels(context.Background(), pprof.Labels(
		LabelKind, labelKindPoller, LabelName, name, LabelGroup, name)))
}
