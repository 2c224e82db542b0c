package spec

import (
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/goccy/go-yaml/ast"
)

// composeRestarts maps process-compose's availability.restart to spindle's.
var composeRestarts = map[string]RestartPolicy{
	"no": RestartNever, "always": RestartAlways, "on_failure": RestartOnFailure, "exit_on_failure": RestartNever,
}

func composeAvailabilityFields() []field[Task] {
	return []field[Task]{
		{fieldInfo: fieldInfo{name: "restart"}, set: func(d *decoder, f *fieldInfo, n ast.Node, t *Task) {
			s, ok := d.str(n, f)
			if !ok {
				return
			}
			s = strings.TrimSpace(s)
			p, known := composeRestarts[s]
			if !known {
				d.errorf(n, "use one of: no, always, on_failure, exit_on_failure", "unknown restart policy %q", clip(s))
				return
			}
			if s == "exit_on_failure" {
				d.warnf(n, "", "restart: exit_on_failure: spindle does not stop everything when one task fails; the task is not restarted")
			}
			t.Restart = p
		}},
		{fieldInfo: fieldInfo{name: "backoff_seconds"}, set: func(d *decoder, f *fieldInfo, n ast.Node, t *Task) {
			if v, ok := d.seconds(n, f); ok {
				v = max(v, time.Second) // as process-compose: at least a second
				t.Backoff = Backoff{Initial: v, Max: v}
			}
		}},
		{fieldInfo: fieldInfo{name: "max_restarts"}, set: func(d *decoder, f *fieldInfo, n ast.Node, t *Task) {
			if v, ok := d.composeInt(n, f); ok {
				if v == 0 {
					v = MaxCount // process-compose: 0 is no limit
				}
				t.MaxRestarts = v
			}
		}},
		{fieldInfo: fieldInfo{name: "exit_on_end"}, set: func(d *decoder, f *fieldInfo, n ast.Node, _ *Task) {
			if on, ok := d.boolean(n, f); ok && on {
				d.warnf(n, "", "exit_on_end: spindle keeps running when this task ends; quit with q")
			}
		}},
		{fieldInfo: fieldInfo{name: "exit_on_skipped"}, set: func(d *decoder, f *fieldInfo, n ast.Node, _ *Task) {
			if on, ok := d.boolean(n, f); ok && on {
				d.warnf(n, "", "exit_on_skipped: spindle keeps running when this task is blocked; the row says why")
			}
		}},
	}
}

func composeShutdownFields() []field[composeProcess] {
	return []field[composeProcess]{
		// timeout_seconds is read first: the command's limit, and the grace after the signal.
		{fieldInfo: fieldInfo{name: "timeout_seconds"}, set: func(d *decoder, f *fieldInfo, n ast.Node, p *composeProcess) {
			if v, ok := d.seconds(n, f); ok && v > 0 { // 0 is process-compose's "not set"
				p.task.StopGrace, p.shutdownTimeout = v, v
			}
		}},
		{fieldInfo: fieldInfo{name: "command", nonEmpty: true}, set: func(d *decoder, f *fieldInfo, n ast.Node, p *composeProcess) {
			if s, ok := d.str(n, f); ok {
				timeout := DefaultShutdownTimeout
				if p.shutdownTimeout > 0 {
					timeout = p.shutdownTimeout
				}
				p.task.Shutdown = &Shutdown{Command: []string{"sh", "-c", p.expand(d, n, f.name, s)}, Timeout: timeout, Pos: posOf(n)}
			}
		}},
		stored("signal", "", kindInt, (*decoder).signalNumber, func(p *composeProcess) *syscall.Signal { return &p.task.StopSignal }),
		unsupported[composeProcess]("parent_only", "spindle signals the whole process group"),
		unsupported[composeProcess]("send_keys", "use shutdown.command"),
	}
}

// probe decodes a readiness_probe or liveness_probe.
func (p *composeProcess) probe(d *decoder, n ast.Node, what string) *Probe {
	cp := composeProbe{probe: Probe{Period: DefaultProbePeriod, Timeout: DefaultProbeTimeout,
		SuccessThreshold: DefaultSuccessThreshold, FailureThreshold: DefaultFailureThreshold, Pos: posOf(d.resolve(n))}, proc: p}
	decodeObject(d, n, what, composeProbeFields(), &cp)
	if cp.probe.Exec == nil && cp.probe.HTTPGet == nil {
		d.errorAt(cp.probe.Pos, "add exec: {command: \"...\"} or http_get: {port: 8080}", "%s needs exec or http_get", what)
	}
	return &cp.probe
}

// composeProbe is a probe while it is decoded, with the process it checks.
type composeProbe struct {
	probe Probe
	proc  *composeProcess
}

func composeProbeFields() []field[composeProbe] {
	secs := func(name string, ptr func(*Probe) *time.Duration, least int) field[composeProbe] {
		return field[composeProbe]{fieldInfo: fieldInfo{name: name, min: least}, set: func(d *decoder, f *fieldInfo, n ast.Node, p *composeProbe) {
			if v, ok := d.seconds(n, f); ok {
				*ptr(&p.probe) = v
			}
		}}
	}
	count := func(name string, ptr func(*Probe) *int) field[composeProbe] {
		return field[composeProbe]{fieldInfo: fieldInfo{name: name, min: 1}, set: func(d *decoder, f *fieldInfo, n ast.Node, p *composeProbe) {
			if v, ok := d.composeInt(n, f); ok {
				*ptr(&p.probe) = v
			}
		}}
	}
	return []field[composeProbe]{
		{fieldInfo: fieldInfo{name: "exec"}, set: func(d *decoder, _ *fieldInfo, n ast.Node, p *composeProbe) {
			decodeObject(d, n, "exec", composeExecFields(), p)
		}},
		{fieldInfo: fieldInfo{name: "http_get"}, set: func(d *decoder, _ *fieldInfo, n ast.Node, p *composeProbe) {
			h := HTTPProbe{Scheme: "http", Host: DefaultProbeHost, Path: "/"}
			decodeObject(d, n, "http_get", composeHTTPFields(), &h)
			if h.Port == 0 {
				d.errorf(n, "add port: 8080", "http_get has no port")
			}
			p.probe.HTTPGet = &h
		}},
		secs("initial_delay_seconds", func(p *Probe) *time.Duration { return &p.InitialDelay }, 0),
		secs("period_seconds", func(p *Probe) *time.Duration { return &p.Period }, 1),
		secs("timeout_seconds", func(p *Probe) *time.Duration { return &p.Timeout }, 1),
		count("success_threshold", func(p *Probe) *int { return &p.SuccessThreshold }),
		count("failure_threshold", func(p *Probe) *int { return &p.FailureThreshold }),
	}
}

func composeExecFields() []field[composeProbe] {
	return []field[composeProbe]{
		{fieldInfo: fieldInfo{name: "command", nonEmpty: true}, set: func(d *decoder, f *fieldInfo, n ast.Node, p *composeProbe) {
			if s, ok := d.str(n, f); ok {
				p.probe.Exec = []string{"sh", "-c", p.proc.expand(d, n, f.name, s)}
			}
		}},
		unsupported[composeProbe]("working_dir", "the probe runs in the task's dir"),
	}
}

func composeHTTPFields() []field[HTTPProbe] {
	port := func(d *decoder, f *fieldInfo, n ast.Node, h *HTTPProbe) {
		if s, ok := d.resolve(n).(*ast.StringNode); ok {
			v, err := strconv.Atoi(strings.TrimSpace(s.Value))
			if err != nil || v < 1 || v > 65535 {
				d.errorf(n, "ports are 1 to 65535", "%s must be a port number, got %q", f.name, clip(s.Value))
				return
			}
			h.Port = v
			return
		}
		if v, ok := d.integer(n, f); ok {
			h.Port = v
		}
	}
	return []field[HTTPProbe]{
		stored("scheme", "", kindString, (*decoder).scheme, func(h *HTTPProbe) *string { return &h.Scheme }),
		strField("host", "", func(h *HTTPProbe) *string { return &h.Host }).notEmpty(),
		stored("path", "", kindString, (*decoder).urlPath, func(h *HTTPProbe) *string { return &h.Path }),
		{fieldInfo: fieldInfo{name: "port", min: 1, max: 65535}, set: port},
		{fieldInfo: fieldInfo{name: "num_port", min: 1, max: 65535}, set: port},
		intField("status_code", "", func(h *HTTPProbe) *int { return &h.Status }).atLeast(100).atMost(599),
		unsupported[HTTPProbe]("headers", "the probe sends no extra headers"),
	}
}
