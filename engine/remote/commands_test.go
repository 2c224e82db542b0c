package remote

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/spindle-tui/spindle/engine"
	"github.com/spindle-tui/spindle/model"
)

// TestCommandErrors posts good, malformed, oversized and refused commands and
// checks the status, the code and the message.
func TestCommandErrors(t *testing.T) {
	e := newEngine(t)
	id := startBlocker(t, e, "stubborn")
	e.NewPoller("disk", 0, nil) // idle
	s := listenT(t, e, "127.0.0.1:0")
	post := func(body []byte) (int, errorBody) {
		req, _ := http.NewRequest(http.MethodPost, "http://"+s.Addr()+pathCommands, bytes.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+s.Token())
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer drain(resp)
		var eb errorBody
		if resp.StatusCode != http.StatusNoContent {
			if err := json.NewDecoder(resp.Body).Decode(&eb); err != nil {
				t.Fatalf("status %d with a body that is not an error: %v", resp.StatusCode, err)
			}
		}
		return resp.StatusCode, eb
	}
	huge := `{"op":"halt","target":"` + strings.Repeat("x", MaxCommandBytes) + `"}`
	tests := []struct {
		name     string
		body     string
		status   int
		code     string
		contains string
	}{
		{"unknown task", `{"op":"halt","target":"t999"}`, 404, codeUnknownTask, `no task "t999"`},
		{"unknown manager", `{"op":"run","group":"nope"}`, 404, codeUnknownManager, `"nope"`},
		{"unknown poller", `{"op":"pause","poller":"nope"}`, 404, codeUnknownPoller, `"nope"`},
		{"unknown pool", `{"op":"resize","pool":"nope","value":3}`, 404, codeUnknownPool, `"nope"`},
		{"bad op", `{"op":"explode","target":"t1"}`, 400, codeBadOp, "valid ops: halt, pause"},
		{"no op", `{"target":"t1"}`, 400, codeBadOp, `unknown op ""`},
		{"unknown field", `{"op":"halt","target":"t1","force":true}`, 400, codeMalformed, `unknown field "force"`},
		{"not json", `halt t1`, 400, codeMalformed, "malformed command"},
		{"empty", ``, 400, codeMalformed, "empty body"},
		{"array", `[{"op":"halt"}]`, 400, codeMalformed, "malformed"},
		{"trailing", `{"op":"halt","target":"t1"} {}`, 400, codeMalformed, "trailing data"},
		{"wrong type", `{"op":"halt","target":7}`, 400, codeMalformed, "target"},
		{"no target", `{"op":"halt"}`, 400, codeBadCommand, "exactly one of"},
		{"two targets", `{"op":"pause","target":"t1","pool":"p"}`, 400, codeBadCommand, "exactly one of"},
		{"run without group", `{"op":"run"}`, 400, codeBadCommand, "group"},
		{"oversized", huge, 413, codeTooLarge, "over 65536 bytes"},
		{"bad transition", `{"op":"resume","target":"` + string(id) + `"}`, 409, codeBadTransition, "not paused"},
		{"bad value", `{"op":"set_period","poller":"disk","value":-1}`, 400, codeBadValue, "period"},
		{"halt", `{"op":"halt","target":"` + string(id) + `"}`, 204, "", ""},
		{"halt again", `{"op":"halt","target":"` + string(id) + `"}`, 409, codeBadTransition, "cannot halt"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, eb := post([]byte(tt.body))
			if status != tt.status || eb.Code != tt.code || !strings.Contains(eb.Error, tt.contains) {
				t.Errorf("got %d %q %q, want %d %q containing %q", status, eb.Code, eb.Error, tt.status, tt.code, tt.contains)
			}
			if tt.name == "halt" {
				waitState(t, e, id, model.StateHalted)
			}
		})
	}
	http.DefaultClient.CloseIdleConnections()
}

// TestClientErrors checks that refusals come back as *APIError matching the
// engine's sentinels, reading like the engine's own errors.
func TestClientErrors(t *testing.T) {
	e := newEngine(t)
	s := listenT(t, e, shortSocket(t))
	c := dialT(t, s)
	tests := []struct {
		name string
		cmd  model.Command
		is   error
	}{
		{"unknown task", model.Command{Op: model.OpKill, Target: "t42"}, engine.ErrUnknownTask},
		{"unknown manager", model.Command{Op: model.OpRun, Group: "ghost"}, engine.ErrUnknownManager},
		{"unknown poller", model.Command{Op: model.OpRestart, Poller: "ghost"}, engine.ErrUnknownPoller},
		{"unknown pool", model.Command{Op: model.OpStop, Pool: "ghost"}, engine.ErrUnknownPool},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := c.Apply(context.Background(), tt.cmd)
			local := e.Apply(context.Background(), tt.cmd)
			if !errors.Is(err, tt.is) || !errors.Is(local, tt.is) {
				t.Fatalf("remote %v, local %v, want both %v", err, local, tt.is)
			}
			if err.Error() != local.Error() {
				t.Errorf("remote %q, local %q", err, local)
			}
			if _, ok := errors.AsType[*APIError](err); !ok {
				t.Errorf("%T is no *APIError", err)
			}
		})
	}
	err := c.Apply(context.Background(), model.Command{Op: "explode"})
	if ae, ok := errors.AsType[*APIError](err); !ok || ae.Status != http.StatusBadRequest || ae.Code != codeBadOp {
		t.Errorf("bad op: %#v", err)
	}
}

// TestStatusFor maps engine errors, wrapped, to statuses.
func TestStatusFor(t *testing.T) {
	tests := []struct {
		err    error
		status int
		code   string
	}{
		{engine.ErrUnknownTask, 404, codeUnknownTask},
		{&engine.TransitionError{ID: "t1", Op: model.OpPause, State: model.StateDone}, 409, codeBadTransition},
		{engine.ErrClosed, 503, codeClosed},
		{errors.Join(errors.New("x"), engine.ErrPoolNotFound), 404, codeUnknownPool},
		{engine.ErrNoTasks, 409, codeConflict},
		{context.Canceled, 503, codeCanceled},
		{errors.New("boom"), 500, codeInternal},
	}
	for _, tt := range tests {
		status, code := statusFor(tt.err)
		if status != tt.status || code != tt.code {
			t.Errorf("statusFor(%v) = %d %s, want %d %s", tt.err, status, code, tt.status, tt.code)
		}
	}
}

// FuzzDecodeCommand feeds the decoder arbitrary bodies: it never panics, its
// errors are *CommandError with a code, and what it accepts is a valid command
// that survives a JSON round trip.
func FuzzDecodeCommand(f *testing.F) {
	for _, s := range []string{
		`{"op":"halt","target":"t1"}`, `{"op":"resize","pool":"io","value":8}`,
		`{"op":"set_period","poller":"disk","value":1000000}`, `{"op":"halt_all"}`,
		`{"op":"run","group":"crawl"}`, `{"op":"x"}`, `{}`, `[]`, `null`, `{"op":"halt","target":"t1"}{}`,
		`{"op":"halt","target":"\u0000"}`, `{"op":"pause","value":1e999}`, "",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		cmd, err := decodeCommand(bytes.NewReader(body))
		if err != nil {
			ce, ok := errors.AsType[*CommandError](err)
			if !ok || ce.Code == "" || ce.Msg == "" {
				t.Fatalf("error %T %v is no *CommandError with a code", err, err)
			}
			return
		}
		if !cmd.Op.Valid() {
			t.Fatalf("accepted op %q", cmd.Op)
		}
		data, err := json.Marshal(cmd)
		if err != nil {
			t.Fatal(err)
		}
		again, err := decodeCommand(bytes.NewReader(data))
		if err != nil || again != cmd {
			t.Fatalf("round trip of %+v: %+v, %v", cmd, again, err)
		}
	})
}
