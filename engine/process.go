package engine

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/spindle-tui/spindle/model"
)

// Defaults a zero ProcessSpec field is replaced with. A negative field says
// "none" instead (see ProcessSpec).
const (
	DefaultBackoffInitial = 500 * time.Millisecond // first delay before a restart
	DefaultBackoffMax     = 30 * time.Second       // the longest delay before a restart
	DefaultMaxRestarts    = 5                      // restarts allowed within the window
	DefaultRestartWindow  = time.Minute            // the window MaxRestarts counts in
	DefaultStopGrace      = 5 * time.Second        // stop signal to SIGKILL
)

// ErrNoCommand is returned by AppendProcess, SubmitProcess and every run of a
// CommandPoll for a ProcessSpec without a command.
var ErrNoCommand = errors.New("engine: process spec has no command")

// ProcessSpec is how to run a child process: an argv (never a shell, unless the
// argv names one), where and with what environment, how to stop it and whether
// to restart it.
//
// Each run starts in a session and process group of its own. Halt sends
// StopSignal to the group (and SIGCONT, so a paused group can act on it), then
// SIGKILL after StopGrace; kill sends SIGKILL at once; pause and resume send
// SIGSTOP and SIGCONT. When the group leader exits, whatever is left is
// SIGKILLed and reaped before the run ends, so no process outlives its task.
//
// On Linux "whatever is left" is every descendant, wherever it went: the
// engine's process becomes a child subreaper (PR_SET_CHILD_SUBREAPER), so a
// descendant that left the group (setsid, set -m, a daemonizing double fork)
// stays in its subtree, and every child carries SPINDLE_RUN_ID in its
// environment, which tells the orphans the process adopts apart from its own
// other children. The signals above reach those descendants too. A program
// that embeds the engine adopts the orphans of its own children as well; it
// reaps those nobody waits for (no os/exec Cmd holds them). If the process is
// SIGKILLed, a small watchdog (a shell started with the first child) kills
// every process that carries its marker. On macOS and FreeBSD the group is
// what is reached: a descendant that left it is not.
//
// Pdeathsig=SIGKILL is set as well. Linux ties that signal to the thread that
// started the child, not the process: Go only ends a thread when a goroutine
// exits while locked to it (runtime.LockOSThread), which the engine never
// does; code that embeds the engine and does so may see a child killed early.
//
// The zero ProcessSpec with a Command is ready to use: every zero field takes
// its default. To ask for a count or a duration of zero itself, set the field
// negative (as net.Dialer.KeepAlive does): MaxRestarts -1 allows no restart,
// StopGrace -1 sends SIGKILL right after the stop signal, a negative Backoff
// field is no delay.
type ProcessSpec struct {
	Command       []string       // argv; Command[0] is looked up in $PATH
	Dir           string         // the working directory; empty: spindle's
	Env           []string       // "K=V", appended to os.Environ()
	Restart       RestartPolicy  // never, on-failure or always (pool work too: see SubmitProcess)
	Backoff       Backoff        // zero fields: 500ms / 30s; negative: no delay
	MaxRestarts   int            // restarts within RestartWindow, then fatal; 0 → 5; negative: none
	RestartWindow time.Duration  // 0 or negative → 60s (a window of no length would count nothing)
	StopSignal    syscall.Signal // sent on halt; 0 → SIGTERM
	StopGrace     time.Duration  // halt → SIGKILL; 0 → 5s; negative: none, SIGKILL right after the stop signal

	// SuccessExitCodes are the exit codes that end a run done (a success);
	// empty: 0 only. With codes given, only those are success, 0 included
	// only if listed. A failure's error says which codes were wanted.
	SuccessExitCodes []int
	// Shutdown is a command run, in Dir with Env, when the task is halted,
	// before StopSignal is sent: the signal follows once it has exited or
	// ShutdownTimeout (0 → 10s) has passed, whichever is first.
	Shutdown        []string
	ShutdownTimeout time.Duration
}

// DefaultShutdownTimeout is how long a ProcessSpec's Shutdown command may run
// when ShutdownTimeout is 0.
const DefaultShutdownTimeout = 10 * time.Second

// withDefaults returns s with every zero field set to its default, every
// negative one set to zero (the "none" it stands for) and its slices copied,
// so a caller reusing its spec cannot change a task's. It is applied once:
// in the result, zero means zero.
func (s ProcessSpec) withDefaults() ProcessSpec {
	s.Command = slices.Clone(s.Command)
	s.Env = slices.Clone(s.Env)
	s.SuccessExitCodes = slices.Clone(s.SuccessExitCodes)
	s.Shutdown = slices.Clone(s.Shutdown)
	s.ShutdownTimeout = orDefault(s.ShutdownTimeout, DefaultShutdownTimeout)
	r := s.restartSpec().withDefaults() // restart_spec.go: the defaults goroutine tasks get too
	s.Backoff, s.MaxRestarts, s.RestartWindow = r.Backoff, r.MaxRestarts, r.Window
	if s.StopSignal == 0 {
		s.StopSignal = syscall.SIGTERM
	}
	s.StopGrace = orDefault(s.StopGrace, DefaultStopGrace)
	return s
}

// orDefault is def for 0, 0 for a negative v (none), else v.
func orDefault[T int | time.Duration](v, def T) T {
	switch {
	case v == 0:
		return def
	case v < 0:
		return 0
	}
	return v
}

// validate reports what makes s unrunnable.
func (s ProcessSpec) validate() error {
	if !ProcessesSupported {
		return ErrProcessUnsupported
	}
	if len(s.Command) == 0 || s.Command[0] == "" {
		return ErrNoCommand
	}
	if err := s.restartSpec().validate(); err != nil {
		return errorf("process spec: %w", err)
	}
	return nil
}

// process is what a process task adds to a task: its spec and the child of
// its current (or last) run (its restart bookkeeping is the task's restarter).
// Guarded by Engine.mu (writers of pool work's hold its pool's lock too).
type process struct {
	spec    ProcessSpec
	display string   // the argv, quoted for display
	cur     *procRun // the current or last run's child; nil before the first
}

func newProcess(spec ProcessSpec) (*process, error) {
	if err := spec.validate(); err != nil {
		return nil, err
	}
	spec = spec.withDefaults()
	return &process{spec: spec, display: quoteArgv(spec.Command)}, nil
}

// AppendProcess queues a child process under a display name, as Append queues a
// function: it runs when the manager gives it a slot, and spec.Restart decides
// what happens when it ends by itself (see RestartPolicy). The task's Kind is
// model.KindProcess; its log follows the child's stdout and stderr (stderr
// lines marked "stderr: "). It returns an error wrapping ErrNoCommand for an
// empty command, and ErrClosed once Close has begun.
//
// Options are Append's (DependsOn, Readiness, …).
func (m *Manager) AppendProcess(name string, spec ProcessSpec, opts ...TaskOption) (model.TaskID, error) {
	p, err := newProcess(spec)
	if err != nil {
		return "", errorf("append process %q: %w", name, err)
	}
	return m.append(name, p.run, p, opts, nil)
}

// SubmitProcess submits a child process as pool work of type taskType (see
// SubmitNamed). spec's restart fields are its restart policy, as a manager
// task's (a WithRestart option replaces them; a spec whose Restart is
// RestartNever takes the pool's PoolConfig.Restart): a failed run is queued
// again after its backoff, and the Future resolves once no more restarts will
// happen, with the last run's error (such as "exit status 3"). It returns an
// error wrapping ErrNoCommand for an empty command, and SubmitNamed's errors.
func (p *Pool) SubmitProcess(ctx context.Context, name, taskType string, spec ProcessSpec, opts ...TaskOption) (*Future, error) {
	proc, err := newProcess(spec)
	if err != nil {
		return nil, errorf("submit process %q: %w", name, err)
	}
	return p.submit(ctx, name, taskType, proc.run, proc, opts)
}

// view adds what a process task shows beyond a goroutine task.
func (p *process) view(v *model.Task) {
	v.Kind = model.KindProcess
	v.Command = p.display
	pr := p.cur
	if pr == nil {
		return
	}
	if !pr.reaped && pr.tree != nil {
		v.PID = pr.tree.Pid()
		v.CPU, v.RSS = pr.cpu, pr.rss
	}
	if pr.exitCode >= 0 {
		code := pr.exitCode
		v.ExitCode = &code
	}
	v.Signal = pr.signal
}

// quoteArgv renders argv the way a shell user would type it: plain words as
// they are, anything else Go-quoted.
func quoteArgv(argv []string) string {
	var b strings.Builder
	for i, a := range argv {
		if i > 0 {
			b.WriteByte(' ')
		}
		if a != "" && !strings.ContainsFunc(a, needsQuote) {
			b.WriteString(a)
		} else {
			b.WriteString(strconv.Quote(a))
		}
	}
	return b.String()
}

func needsQuote(r rune) bool {
	switch {
	case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9':
		return false
	}
	return !strings.ContainsRune("-_./=:,+@%", r)
}
