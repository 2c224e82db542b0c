package model

import (
	"encoding/json"
	"testing"
	"time"
)

func TestCommandString(t *testing.T) {
	tests := []struct {
		c    Command
		want string
	}{
		{Command{Op: OpHalt, Target: "t3"}, "halt t3"},
		{Command{Op: OpRun, Group: "batch"}, "run batch"},
		{Command{Op: OpResize, Pool: "io", Value: 4}, "resize pool io to 4"},
		{Command{Op: OpResize, Pool: "io", Step: 1}, "resize pool io by +1"},
		{Command{Op: OpResize, Pool: "io", Step: -2}, "resize pool io by -2"},
		{Command{Op: OpSetPeriod, Poller: "disk", Value: int64(1500 * time.Millisecond)}, "set_period poller disk to 1.5s"},
		{Command{Op: OpSetPeriod, Poller: "disk", Step: 1}, "set_period poller disk ×2"},
		{Command{Op: OpSetPeriod, Poller: "disk", Step: -2}, "set_period poller disk ÷4"},
		{Command{Op: OpHaltAll}, "halt_all"},
	}
	for _, tt := range tests {
		if got := tt.c.String(); got != tt.want {
			t.Errorf("%+v: %q, want %q", tt.c, got, tt.want)
		}
	}
}

func TestCommandStepJSON(t *testing.T) {
	var c Command
	if err := json.Unmarshal([]byte(`{"op":"resize","pool":"io","step":-1}`), &c); err != nil {
		t.Fatal(err)
	}
	if c.Op != OpResize || c.Pool != "io" || c.Step != -1 || !c.Relative() {
		t.Errorf("decoded %+v", c)
	}
	b, err := json.Marshal(Command{Op: OpHalt, Target: "t1"})
	if err != nil || string(b) != `{"op":"halt","target":"t1"}` {
		t.Errorf("an absolute command carries no step: %s %v", b, err)
	}
}
