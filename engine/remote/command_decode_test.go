package remote

import (
	"bytes"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/spindle-tui/spindle/model"
)

// TestAmbiguousCommands posts JSON that encoding/json alone would read one way
// among several (a duplicate key makes the last one win: {"target":"t1",
// "target":"t2"} halted t2) and names a terminal could show as another: each
// is refused with a message naming the problem, and no task changes state.
func TestAmbiguousCommands(t *testing.T) {
	e := newEngine(t)
	a := startBlocker(t, e, "first")
	m := e.NewManager("other", 1)
	b, err := m.Append("second", blocker)
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Run(); err != nil {
		t.Fatal(err)
	}
	waitState(t, e, b, model.StateRunning)
	s := listenT(t, e, shortSocket(t))
	c := dialT(t, s)
	ta, tb := string(a), string(b)
	tests := []struct{ name, body, want string }{
		{"duplicate target", `{"op":"halt","target":"` + ta + `","target":"` + tb + `"}`, `key "target" given twice`},
		{"duplicate op", `{"op":"pause","op":"halt","target":"` + tb + `"}`, `key "op" given twice`},
		{"duplicate in another case", `{"op":"halt","target":"` + ta + `","TARGET":"` + tb + `"}`, `given twice (as "target" and "TARGET")`},
		{"key in another case", `{"op":"halt","Target":"` + tb + `"}`, `unknown field "Target"; the fields are op, target, group, pool, poller, value`},
		{"unknown field", `{"op":"halt","target":"` + tb + `","force":true}`, `unknown field "force"`},
		{"trailing data", `{"op":"halt","target":"` + tb + `"}{"op":"halt"}`, "trailing data"},
		{"nested value", `{"op":"halt","target":{"id":"` + tb + `"}}`, `"target" must be a string or a number`},
		{"invalid utf-8", "{\"op\":\"halt\",\"target\":\"" + tb + "\xff\"}", "not valid UTF-8"},
		{"bidi override", `{"op":"halt","target":"` + tb + `\u202e"}`, `invisible or control character U+202E`},
		{"zero-width space", `{"op":"halt","target":"` + tb + `\u200b"}`, `U+200B`},
		{"control character", `{"op":"pause","poller":"disk\u001b[2J"}`, `U+001B`},
		{"escaped name", `{"op":"pause","pool":"io\u2028"}`, `"io\u2028" holds`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, _ := http.NewRequest(http.MethodPost, "http://spindle"+pathCommands, bytes.NewReader([]byte(tt.body)))
			resp, err := c.http.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			err = responseError(resp)
			_ = drain(resp)
			if resp.StatusCode != http.StatusBadRequest || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got %d %q, want 400 saying %q", resp.StatusCode, err, tt.want)
			}
		})
	}
	snap := e.Snapshot()
	for _, id := range []model.TaskID{a, b} {
		if st, _ := taskState(snap, id); st != model.StateRunning {
			t.Errorf("task %s is %s after refused commands, want running", id, st)
		}
	}
}

// TestCheckName: names with invisible or control characters are refused,
// escaped in the message; ordinary Unicode passes.
func TestCheckName(t *testing.T) {
	for _, ok := range []string{"", "web", "fetch page 7", "temps[rack-1]", "café", "日本語", "poller:disk"} {
		if err := CheckName(ok); err != nil {
			t.Errorf("CheckName(%q) = %v, want nil", ok, err)
		}
	}
	for _, bad := range []string{"a\x00", "a\tb", "a\x1b[31m", "\u202eevil", "a\u2066b", "a\u200db", "\ufeffweb", "a\u0085", "a\u2029", "\xffweb"} {
		err := CheckName(bad)
		if !errors.Is(err, ErrBadName) {
			t.Errorf("CheckName(%q) = %v, want ErrBadName", bad, err)
			continue
		}
		for _, r := range err.Error() {
			if r < 0x20 || r > 0x7e {
				t.Errorf("CheckName(%q) says %q: want the name escaped", bad, err)
				break
			}
		}
	}
}
