package engine

import (
	"context"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/spindle-tui/spindle/engine/internal/goroutines"
	"github.com/spindle-tui/spindle/model"
)

// goroutineView is the engine's goroutine sampler and the last sample as the
// model shows it. Sampling happens only when someone calls Goroutines, at most
// once per goroutines.MinInterval (longer when a sample costs more: see
// goroutines.Sampler), so an engine nobody looks at samples nothing.
type goroutineView struct {
	once    sync.Once
	sampler *goroutines.Sampler

	mu   sync.Mutex
	from *goroutines.Sample // what last was made from
	last model.Goroutines
}

// Goroutines returns a sample of every goroutine of the process, grouped by
// stack and owner: the task (from the pprof labels its goroutines carry, see
// LabelTask), the pool or poller, or none. A sample younger than its interval
// is returned again rather than taken anew. Counts, owners and stacks are
// read every sample, concurrently; states, waits and creators come from a
// full dump, which stops the world for a time that grows with the number of
// goroutines (BENCHMARKS.md) and is taken more rarely: StatesAt says when.
func (e *Engine) Goroutines(ctx context.Context) (model.Goroutines, error) {
	v := &e.gview
	v.once.Do(func() { v.sampler = goroutines.NewSampler(goroutines.Local{}) })
	s, err := v.sampler.Sample(ctx)
	if err != nil {
		return model.Goroutines{}, fmt.Errorf("engine: goroutines: %w", err)
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.from != s {
		workers := e.workerTasks()
		v.last, v.from = goroutinesModel(s, func(l map[string]string) owner3 { return ownerOf(l, workers) }), s
	}
	return v.last, nil
}

// ServiceSampler samples the goroutines of any Go service that serves
// net/http/pprof (`import _ "net/http/pprof"`), on demand and at most once per
// interval like Engine.Goroutines. A service that embeds spindle has its
// tasks named from their labels; a pool worker's task is not known from
// outside, only its pool.
type ServiceSampler struct{ s *goroutines.Sampler }

// NewServiceSampler reads the profiles under base, the service's
// /debug/pprof/ URL (http://host:port/debug/pprof/), with c (nil:
// http.DefaultClient).
func NewServiceSampler(base string, c *http.Client) *ServiceSampler {
	return &ServiceSampler{s: goroutines.NewSampler(goroutines.HTTPFetcher{Base: base, Client: c})}
}

// Goroutines returns the last sample while it is fresh, else takes one.
func (s *ServiceSampler) Goroutines(ctx context.Context) (model.Goroutines, error) {
	smp, err := s.s.Sample(ctx)
	if err != nil {
		return model.Goroutines{}, err
	}
	return goroutinesModel(smp, func(l map[string]string) owner3 { return ownerOf(l, nil) }), nil
}

// owner3 is who owns a group: a task (id and name) and its group.
type owner3 struct {
	task        model.TaskID
	name, group string
}

// ownerOf reads the owner from spindle's labels; a pool worker's is the task
// it runs now (workers maps "pool/worker number" to it).
func ownerOf(l map[string]string, workers map[string]owner3) owner3 {
	switch l[LabelKind] {
	case labelKindTask:
		return owner3{task: model.TaskID(l[LabelTask]), name: l[LabelName], group: l[LabelGroup]}
	case labelKindWorker:
		if o, ok := workers[l[LabelGroup]+"/"+l[LabelWorker]]; ok {
			return o
		}
		return owner3{group: l[LabelGroup]}
	case labelKindPoller:
		return owner3{name: l[LabelName], group: l[LabelGroup]}
	}
	return owner3{}
}

// workerTasks maps each pool worker running a task ("pool/n") to that task.
func (e *Engine) workerTasks() map[string]owner3 {
	e.mu.Lock()
	defer e.mu.Unlock()
	out := map[string]owner3{}
	for _, p := range e.pools.sorted {
		p.mu.Lock()
		for _, w := range p.ws {
			w.mu.Lock()
			if w.t.state.Live() && w.t.nid != 0 {
				out[p.name+"/"+strconv.FormatUint(w.label.n, 10)] = owner3{task: w.t.ident(), name: w.t.name, group: p.name}
			}
			w.mu.Unlock()
		}
		p.mu.Unlock()
	}
	return out
}

// goroutinesModel turns a sample into the model, owner reading who owns a
// group from its labels.
func goroutinesModel(s *goroutines.Sample, owner func(map[string]string) owner3) model.Goroutines {
	out := model.Goroutines{
		Time: s.Time, Took: s.Took, Interval: s.Interval, Total: s.Total, Labelled: s.Labelled, StatesAt: s.StatesAt,
		Groups: make([]model.GoroutineGroup, len(s.Groups)),
	}
	for i := range s.Groups {
		g := &s.Groups[i]
		top := g.Top()
		mg := model.GoroutineGroup{
			Key: g.Key, Count: g.Count, State: g.State, Wait: g.Wait,
			Func: top.Func, Where: where(top), CreatedBy: createdBy(g.CreatedBy),
			Stack: make([]model.Frame, len(g.Frames)), History: g.History, Growing: g.Growing,
		}
		for j, f := range g.Frames {
			mg.Stack[j] = model.Frame(f)
		}
		o := owner(g.Labels)
		mg.Task, mg.TaskName, mg.Group = o.task, o.name, o.group
		mg.Labels = otherLabels(g.Labels)
		if mg.Task != "" {
			if out.ByTask == nil {
				out.ByTask = map[model.TaskID]int{}
			}
			out.ByTask[mg.Task] += g.Count
		}
		out.Groups[i] = mg
	}
	return out
}

// where is a frame's file:line.
func where(f goroutines.Frame) string {
	if f.File == "" {
		return ""
	}
	return f.File + ":" + strconv.Itoa(f.Line)
}

func createdBy(f goroutines.Frame) string {
	if f.Func == "" {
		return ""
	}
	return f.Func + " " + where(f)
}

// otherLabels writes the labels that are not spindle's as k=v, in key order.
func otherLabels(l map[string]string) string {
	var b strings.Builder
	for _, k := range slices.Sorted(maps.Keys(l)) {
		if strings.HasPrefix(k, "spindle.") {
			continue
		}
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(k + "=" + l[k])
	}
	return b.String()
}
