package remote

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/spindle-tui/spindle/model"
)

// TestDialNewestAfterRestart: a client dialled with no address follows a
// server restarted under another socket name (names carry the pid): its
// stream finds the new server, as `spindle attach` with no address must. One
// dialled with the old path keeps it, and keeps saying the connection is lost.
func TestDialNewestAfterRestart(t *testing.T) {
	t.Setenv("XDG_RUNTIME_DIR", shortTempDir(t))
	e1 := newEngine(t)
	startBlocker(t, e1, "before restart")
	s1 := listenT(t, e1, "")
	auto, err := Dial(context.Background(), "", withBackoff(10*time.Millisecond, 50*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	defer auto.Close()
	fixed := dialT(t, s1, withBackoff(10*time.Millisecond, 50*time.Millisecond))
	autoCh, cancelAuto := auto.Subscribe()
	defer cancelAuto()
	fixedCh, cancelFixed := fixed.Subscribe()
	defer cancelFixed()
	hasTask := func(name string) func(model.Snapshot) bool {
		return func(s model.Snapshot) bool {
			for _, t := range s.Tasks {
				if t.Name == name && s.SourceError == "" {
					return true
				}
			}
			return false
		}
	}
	next(t, autoCh, "the first server's task", hasTask("before restart"))

	if err := s1.Close(); err != nil {
		t.Fatal(err)
	}
	next(t, autoCh, "the drop", func(s model.Snapshot) bool { return strings.Contains(s.SourceError, "connection lost") })
	e2 := newEngine(t)
	startBlocker(t, e2, "after restart")
	s2 := listenT(t, e2, filepath.Join(DefaultSocketDir(), "spindle-999999.sock"))
	next(t, autoCh, "the restarted server's task", hasTask("after restart"))
	if auto.Addr() != s2.Addr() {
		t.Errorf("client address %s, want the new socket %s", auto.Addr(), s2.Addr())
	}
	next(t, fixedCh, "the fixed client still lost", func(s model.Snapshot) bool {
		return strings.Contains(s.SourceError, "connection lost") && strings.Contains(s.SourceError, filepath.Base(s1.Addr()))
	})
}
