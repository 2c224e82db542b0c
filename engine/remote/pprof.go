package remote

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/spindle-tui/spindle/engine"
	"github.com/spindle-tui/spindle/model"
)

// ErrNotEngine is what a PprofSource answers to commands: a Go service seen
// through net/http/pprof can be looked at, not supervised.
var ErrNotEngine = errors.New("remote: not a spindle engine: a Go service's pprof can be looked at, not commanded")

// IsPprofURL reports whether addr names a Go service's net/http/pprof
// handlers (http://host:port/debug/pprof/) rather than a spindle engine.
func IsPprofURL(addr string) bool {
	return (strings.HasPrefix(addr, "http://") || strings.HasPrefix(addr, "https://")) &&
		strings.Contains(addr, "/debug/pprof")
}

// PprofSource shows any Go service that serves net/http/pprof on the
// dashboard (it is a ui.Source): its goroutines, sampled from
// goroutine?debug=2 and debug=1 while the dashboard asks; the snapshot it
// publishes says it is not an engine and holds nothing else.
type PprofSource struct {
	base    string
	sampler *engine.ServiceSampler
}

// NewPprofSource reads the service whose /debug/pprof/ URL is base. It checks
// that a goroutine profile can be read there and says why when not.
func NewPprofSource(ctx context.Context, base string) (*PprofSource, error) {
	if !strings.HasSuffix(base, "/") {
		base += "/"
	}
	c := &http.Client{Timeout: 30 * time.Second}
	s := &PprofSource{base: base, sampler: engine.NewServiceSampler(base, c)}
	if _, err := s.sampler.Goroutines(ctx); err != nil {
		return nil, fmt.Errorf("remote: attach %s: %w", base, err)
	}
	return s, nil
}

// Subscribe publishes one snapshot: the service, not an engine.
func (s *PprofSource) Subscribe() (<-chan model.Snapshot, func()) {
	ch := make(chan model.Snapshot, 1)
	ch <- model.Snapshot{Seq: 1, Time: time.Now(), Source: "Go service " + s.base, NotEngine: true}
	return ch, func() {}
}

// Apply refuses every command with ErrNotEngine.
func (s *PprofSource) Apply(context.Context, model.Command) error { return ErrNotEngine }

// Goroutines samples the service's goroutines (the last sample while fresh).
func (s *PprofSource) Goroutines(ctx context.Context) (model.Goroutines, error) {
	return s.sampler.Goroutines(ctx)
}
