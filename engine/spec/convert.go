package spec

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/goccy/go-yaml"
)

// Convert renders f as the spindle.yaml that means the same: what a
// process-compose file or a Procfile becomes (`spindle convert`). Parsing the
// result in f's directory gives f back, but for positions and the format:
// every value is written as it was read, a $ as $$ (so nothing is
// interpolated twice), each task's environment with its env files' variables
// in it (env_file is not written), and only what differs from the defaults.
func Convert(f *File) ([]byte, error) {
	var doc yaml.MapSlice
	if f.Refresh != DefaultRefresh {
		doc = append(doc, item("refresh", f.Refresh.String()))
	}
	if len(f.Managers) > 0 || f.EmptyOnPurpose {
		var ms yaml.MapSlice
		for _, m := range f.Managers {
			var v yaml.MapSlice
			if m.Limit != DefaultLimit {
				v = append(v, item("limit", m.Limit))
			}
			if !m.Watch {
				v = append(v, item("watch", false))
			}
			v = append(v, item("tasks", convertTasks(m.Tasks, "")))
			ms = append(ms, item(m.Name, v))
		}
		doc = append(doc, item("managers", ms))
	}
	if len(f.Pools) > 0 {
		var ps yaml.MapSlice
		for _, p := range f.Pools {
			v := yaml.MapSlice{item("max_workers", p.MaxWorkers), item("task_type", p.TaskType)}
			if p.Daemon {
				v = append(v, item("daemon", true))
			}
			if b := p.Backend; b != nil {
				v = append(v, item("backend", yaml.MapSlice{item("redis", b.Redis), item("queue", b.Queue)}))
			}
			v = append(v, item("tasks", convertTasks(p.Tasks, p.TaskType)))
			ps = append(ps, item(p.Name, v))
		}
		doc = append(doc, item("pools", ps))
	}
	if len(f.Pollers) > 0 {
		var ps yaml.MapSlice
		for _, p := range f.Pollers {
			v := yaml.MapSlice{item("period", p.Period.String())}
			if p.MinWait != 0 {
				v = append(v, item("min_wait", p.MinWait.String()))
			}
			if p.Timeout != 0 {
				v = append(v, item("timeout", p.Timeout.String()))
			}
			if p.Concurrency != DefaultConcurrency {
				v = append(v, item("concurrency", p.Concurrency))
			}
			v = append(v, item("command", escapeAll(p.Command)))
			v = appendDirEnv(v, p.DirRaw, p.Env)
			ps = append(ps, item(p.Name, v))
		}
		doc = append(doc, item("pollers", ps))
	}
	if len(f.Fleet) > 0 {
		doc = append(doc, item("fleet", f.Fleet))
	}
	out, err := yaml.MarshalWithOptions(doc, yaml.IndentSequence(true), yaml.UseLiteralStyleIfMultiline(false))
	if err != nil {
		return nil, fmt.Errorf("spec: convert %s: %w", f.Path, err)
	}
	head := fmt.Sprintf("# %s, converted from %s by spindle convert.\n", f.Path, f.Format.Article())
	out = append([]byte(head), out...)
	if len(out) > 0 && out[len(out)-1] != '\n' {
		out = append(out, '\n')
	}
	return out, nil
}

func item(k string, v any) yaml.MapItem { return yaml.MapItem{Key: k, Value: v} }

// escape writes s so that interpolation reads it back as it is.
func escape(s string) string { return strings.ReplaceAll(s, "$", "$$") }

func escapeAll(argv []string) []string { return mapSlice(argv, escape) }

func appendDirEnv(v yaml.MapSlice, dir string, env map[string]string) yaml.MapSlice {
	if dir != "" {
		v = append(v, item("dir", escape(dir)))
	}
	if len(env) > 0 {
		var e yaml.MapSlice
		for _, k := range slices.Sorted(maps.Keys(env)) {
			e = append(e, item(k, escape(env[k])))
		}
		v = append(v, item("env", e))
	}
	return v
}

// convertTasks renders tasks; poolType is the pool's task type ("" for a manager).
func convertTasks(ts []Task, poolType string) []yaml.MapSlice {
	out := make([]yaml.MapSlice, 0, len(ts))
	for i := range ts {
		t := &ts[i]
		v := yaml.MapSlice{item("name", t.Name), item("command", escapeAll(t.Command))}
		if poolType != "" && t.Type != poolType {
			v = append(v, item("type", t.Type))
		}
		v = appendDirEnv(v, t.DirRaw, t.Env)
		v = append(v, convertRestart(t)...)
		v = append(v, convertOrchestration(t)...)
		out = append(out, v)
	}
	return out
}

func convertRestart(t *Task) yaml.MapSlice {
	var v yaml.MapSlice
	if t.Restart != RestartNever {
		v = append(v, item("restart", string(t.Restart)))
	}
	if t.Backoff != (Backoff{DefaultBackoffInit, DefaultBackoffMax}) {
		v = append(v, item("backoff", yaml.MapSlice{item("initial", t.Backoff.Initial.String()), item("max", t.Backoff.Max.String())}))
	}
	if t.MaxRestarts != DefaultMaxRestarts {
		v = append(v, item("max_restarts", t.MaxRestarts))
	}
	if t.RestartWindow != DefaultRestartWindow {
		v = append(v, item("restart_window", t.RestartWindow.String()))
	}
	if t.StopSignal != DefaultStopSignal {
		v = append(v, item("stop_signal", signalName(t.StopSignal)))
	}
	if t.StopGrace != DefaultStopGrace {
		v = append(v, item("stop_grace", t.StopGrace.String()))
	}
	return v
}

func convertOrchestration(t *Task) yaml.MapSlice {
	var v yaml.MapSlice
	if len(t.DependsOn) > 0 {
		var deps yaml.MapSlice
		for _, d := range t.DependsOn {
			deps = append(deps, item(d.Name, string(d.Condition)))
		}
		v = append(v, item("depends_on", deps))
	}
	if t.Readiness != nil {
		v = append(v, item("readiness", convertProbe(t.Readiness)))
	}
	if t.Liveness != nil {
		v = append(v, item("liveness", convertProbe(t.Liveness)))
	}
	if t.ReadyLogLine != "" {
		v = append(v, item("ready_log_line", t.ReadyLogLine))
	}
	if len(t.SuccessExitCodes) > 0 {
		v = append(v, item("success_exit_codes", t.SuccessExitCodes))
	}
	if t.Shutdown != nil {
		s := yaml.MapSlice{item("command", escapeAll(t.Shutdown.Command))}
		if t.Shutdown.Timeout != DefaultShutdownTimeout {
			s = append(s, item("timeout", t.Shutdown.Timeout.String()))
		}
		v = append(v, item("shutdown", s))
	}
	if t.Disabled {
		v = append(v, item("disabled", true))
	}
	if t.Replicas != 0 {
		v = append(v, item("replicas", t.Replicas))
	}
	return v
}

func convertProbe(p *Probe) yaml.MapSlice {
	var v yaml.MapSlice
	switch {
	case p.Exec != nil:
		v = append(v, item("exec", escapeAll(p.Exec)))
	case p.HTTPGet != nil:
		h := p.HTTPGet
		hv := yaml.MapSlice{item("scheme", h.Scheme), item("host", h.Host), item("port", h.Port), item("path", h.Path)}
		if h.Status != 0 {
			hv = append(hv, item("status", h.Status))
		}
		v = append(v, item("http_get", hv))
	case p.TCP != nil:
		v = append(v, item("tcp", yaml.MapSlice{item("host", p.TCP.Host), item("port", p.TCP.Port)}))
	}
	durs := []struct {
		name   string
		d, def time.Duration
	}{{"initial_delay", p.InitialDelay, 0}, {"period", p.Period, DefaultProbePeriod}, {"timeout", p.Timeout, DefaultProbeTimeout}}
	for _, d := range durs {
		if d.d != d.def {
			v = append(v, item(d.name, d.d.String()))
		}
	}
	if p.SuccessThreshold != DefaultSuccessThreshold {
		v = append(v, item("success_threshold", p.SuccessThreshold))
	}
	if p.FailureThreshold != DefaultFailureThreshold {
		v = append(v, item("failure_threshold", p.FailureThreshold))
	}
	return v
}

// signalName is the name of a stop signal, as the task file writes it.
func signalName(sig syscall.Signal) string {
	for _, n := range signalNames() {
		if s, _ := signalByName(n); s == sig {
			return n
		}
	}
	return fmt.Sprintf("%d", int(sig))
}
