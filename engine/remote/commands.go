package remote

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/spindle-tui/spindle/engine"
	"github.com/spindle-tui/spindle/model"
)

// MaxCommandBytes is the largest body POST /v1/commands reads; a larger one is
// answered 413.
const MaxCommandBytes = 64 << 10

// Error codes of the API's error bodies (errorBody.Code, APIError.Code).
const (
	codeUnauthorized   = "unauthorized"
	codeMalformed      = "malformed_body"
	codeTooLarge       = "body_too_large"
	codeBadOp          = "bad_op"
	codeBadCommand     = "bad_command"
	codeBadValue       = "bad_value"
	codeReplicaCount   = "replica_count" // a scale outside 1..engine.MaxReplicas
	codeNotReplica     = "not_replica"   // OpResize named a task that is no replica
	codeUnsupported    = "unsupported"
	codeUnknownTask    = "unknown_task"
	codeUnknownManager = "unknown_manager"
	codeUnknownPoller  = "unknown_poller"
	codeUnknownPool    = "unknown_pool"
	codeBadTransition  = "bad_transition"
	codeConflict       = "conflict"
	codeClosed         = "closed"
	codeCanceled       = "canceled"
	codeInternal       = "internal"
)

// CommandError is a command the server refuses before the engine sees it: a
// malformed body, an unknown op, a missing or ambiguous target. Code is one of
// the API's error codes ("malformed_body", "bad_op", "bad_command").
type CommandError struct {
	Code string
	Msg  string
}

// Error returns the message.
func (e *CommandError) Error() string { return e.Msg }

// validOps lists model.Ops for error messages: "halt, pause, ...".
func validOps() string {
	names := make([]string, len(model.Ops))
	for i, op := range model.Ops {
		names[i] = string(op)
	}
	return strings.Join(names, ", ")
}

// validateCommand checks the op and the names: at most one of Target, Group,
// Pool and Poller, and the one the op needs; no name with a control, format
// (bidi, zero-width) or separator character.
func validateCommand(cmd model.Command) error {
	if !cmd.Op.Valid() {
		return &CommandError{Code: codeBadOp, Msg: fmt.Sprintf("unknown op %q; valid ops: %s", cmd.Op, validOps())}
	}
	for _, f := range []struct{ field, name string }{
		{"target", string(cmd.Target)}, {"group", cmd.Group}, {"pool", cmd.Pool}, {"poller", cmd.Poller},
	} {
		if err := CheckName(f.name); err != nil {
			return &CommandError{Code: codeBadCommand, Msg: fmt.Sprintf("%q: %v", f.field, err)}
		}
	}
	named := 0
	for _, s := range []string{string(cmd.Target), cmd.Group, cmd.Pool, cmd.Poller} {
		if s != "" {
			named++
		}
	}
	bad := func(format string, args ...any) error {
		return &CommandError{Code: codeBadCommand, Msg: fmt.Sprintf(format, args...)}
	}
	switch cmd.Op {
	case model.OpRun:
		if cmd.Group == "" || named > 1 {
			return bad("%s needs a manager in \"group\" and nothing else", cmd.Op)
		}
	case model.OpResize: // a pool, or the replica set of a task
		if (cmd.Pool == "" && cmd.Target == "") || named > 1 {
			return bad("%s needs a pool in \"pool\" or a replica in \"target\", and nothing else", cmd.Op)
		}
	case model.OpStop:
		if cmd.Pool == "" || named > 1 {
			return bad("%s needs a pool in \"pool\" and nothing else", cmd.Op)
		}
	case model.OpSetPeriod:
		if cmd.Poller == "" || named > 1 {
			return bad("%s needs a poller in \"poller\" and nothing else", cmd.Op)
		}
	case model.OpHalt, model.OpPause, model.OpResume, model.OpKill, model.OpRestart:
		if named != 1 || cmd.Group != "" {
			return bad("%s needs exactly one of \"target\" (a task id), \"pool\" or \"poller\"", cmd.Op)
		}
	}
	// The *_all ops act on everything (names are ignored); ops added later are
	// left for the engine to judge.
	return nil
}

// command handles POST /v1/commands: decode, apply, answer 204 or an errorBody.
func (a *api) command(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxCommandBytes))
	if err != nil {
		if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
			writeError(w, http.StatusRequestEntityTooLarge, codeTooLarge,
				fmt.Sprintf("command body over %d bytes", MaxCommandBytes))
			return
		}
		writeError(w, http.StatusBadRequest, codeMalformed, "reading command: "+err.Error())
		return
	}
	cmd, err := decodeCommand(bytes.NewReader(body))
	if err != nil {
		ce, _ := errors.AsType[*CommandError](err)
		writeError(w, http.StatusBadRequest, ce.Code, ce.Msg)
		return
	}
	if err := a.cfg.apply(r.Context(), cmd); err != nil {
		status, code := statusFor(err)
		if status >= 500 {
			a.cfg.log.Warn("command failed", "command", cmd.String(), "err", err)
		}
		writeError(w, status, code, err.Error())
		return
	}
	a.cfg.log.Debug("command applied", "command", cmd.String())
	w.WriteHeader(http.StatusNoContent)
}

// codeErrors maps the codes of engine errors to the sentinels they stand for,
// so that a client's errors.Is works as it does on the engine's own errors.
// The first entry whose sentinel an error matches gives its code.
var codeErrors = []struct {
	code     string
	status   int
	sentinel error
}{
	{codeUnknownTask, http.StatusNotFound, engine.ErrUnknownTask},
	{codeUnknownManager, http.StatusNotFound, engine.ErrUnknownManager},
	{codeUnknownPoller, http.StatusNotFound, engine.ErrUnknownPoller},
	{codeUnknownPool, http.StatusNotFound, engine.ErrUnknownPool},
	{codeUnknownPool, http.StatusNotFound, engine.ErrPoolNotFound},
	{codeBadTransition, http.StatusConflict, engine.ErrBadTransition},
	{codeClosed, http.StatusServiceUnavailable, engine.ErrClosed},
	{codeBadOp, http.StatusBadRequest, engine.ErrUnknownOp},
	{codeUnsupported, http.StatusBadRequest, errors.ErrUnsupported},
	{codeBadValue, http.StatusBadRequest, engine.ErrPoolSize},
	{codeBadValue, http.StatusBadRequest, engine.ErrInvalidPeriod},
	{codeReplicaCount, http.StatusBadRequest, engine.ErrReplicaCount},
	{codeNotReplica, http.StatusBadRequest, engine.ErrNotReplica},
	{codeConflict, http.StatusConflict, engine.ErrNoTasks},
	{codeConflict, http.StatusConflict, engine.ErrAlreadyRunning},
	{codeConflict, http.StatusConflict, engine.ErrAlreadyWatching},
	{codeConflict, http.StatusConflict, engine.ErrPollerKilled},
	{codeCanceled, http.StatusServiceUnavailable, context.Canceled},
	{codeCanceled, http.StatusServiceUnavailable, context.DeadlineExceeded},
	{codeStreamVersion, http.StatusBadRequest, ErrStreamVersion}, // stream_version.go
}

// statusFor maps an engine error to an HTTP status and an error code: unknown
// names 404, impossible transitions and refused runs 409, a closed engine 503,
// bad values 400, anything else 500.
func statusFor(err error) (int, string) {
	for _, c := range codeErrors {
		if errors.Is(err, c.sentinel) {
			return c.status, c.code
		}
	}
	return http.StatusInternalServerError, codeInternal
}

// sentinelFor returns the engine sentinel an error code stands for, or nil.
// Codes shared by several sentinels return the first.
func sentinelFor(code string) error {
	for _, c := range codeErrors {
		if c.code == code {
			return c.sentinel
		}
	}
	return nil
}
