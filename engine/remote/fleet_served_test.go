package remote

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/spindle-tui/spindle/model"
)

// TestFleetServedReconnect: two served engines in one fleet; one server goes,
// its rows stay, stale, while the other's keep changing; a new server on the
// same socket brings it back, and a command reaches it.
func TestFleetServedReconnect(t *testing.T) {
	ea, eb := newEngine(t), newEngine(t)
	startBlocker(t, ea, "on-a")
	startBlocker(t, eb, "on-b")
	sa := listenT(t, ea, shortSocket(t))
	pathB := shortSocket(t)
	sb, err := Listen(context.Background(), eb, pathB)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	f, err := DialFleet(ctx, []string{sa.Addr(), pathB}, 5*time.Millisecond,
		WithClientToken(sa.Token()), withBackoff(5*time.Millisecond, 20*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	names := OriginNames([]string{sa.Addr(), pathB}, []string{"test", "test"})
	a, b := names[0], names[1]
	ch, stop := f.Subscribe()
	defer stop()
	has := func(s model.Snapshot, origin, name string) bool {
		return slices.ContainsFunc(s.Tasks, func(tk model.Task) bool { return tk.Origin == origin && tk.Name == name })
	}
	next(t, ch, "both engines' tasks", func(s model.Snapshot) bool { return has(s, a, "on-a") && has(s, b, "on-b") })

	if err := sb.Close(); err != nil {
		t.Fatal(err)
	}
	s := next(t, ch, "b stale", func(s model.Snapshot) bool { return len(s.Origins) == 2 && s.Origins[1].Stale })
	if !has(s, b, "on-b") {
		t.Error("b's rows went with its connection")
	}
	m := ea.NewManager("more", 1)
	if _, err := m.Append("later-on-a", blocker); err != nil {
		t.Fatal(err)
	}
	next(t, ch, "a still live", func(s model.Snapshot) bool { return has(s, a, "later-on-a") && s.Origins[1].Stale })

	eb2 := newEngine(t)
	startBlocker(t, eb2, "on-b-again")
	sb2 := listenT(t, eb2, pathB, WithToken(sb.Token()))
	_ = sb2
	s = next(t, ch, "b back", func(s model.Snapshot) bool { return has(s, b, "on-b-again") && !s.Origins[1].Stale })
	var id model.TaskID
	for _, tk := range s.Tasks {
		if tk.Name == "on-b-again" {
			id = tk.ID
		}
	}
	if err := f.Apply(ctx, model.Command{Op: model.OpHalt, Target: id}); err != nil {
		t.Fatalf("halt %s: %v", id, err)
	}
	_, own, _ := model.SplitID(id)
	waitState(t, eb2, own, model.StateHalted)
}
