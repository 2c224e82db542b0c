package goroutines

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"runtime/pprof"
	"strconv"
	"strings"
)

// Local reads this process's goroutine profiles through runtime/pprof.
type Local struct{}

// Fetch writes pprof.Lookup("goroutine") at debug into w.
func (Local) Fetch(_ context.Context, debug int, w *bytes.Buffer) error {
	return pprof.Lookup("goroutine").WriteTo(w, debug)
}

// HTTPFetcher reads a Go service's goroutine profiles from its net/http/pprof
// handlers: Base is the /debug/pprof/ URL.
type HTTPFetcher struct {
	Base   string
	Client *http.Client
}

// maxProfile bounds what a service's answer may take in memory.
const maxProfile = 256 << 20

// Fetch GETs Base+"goroutine?debug=N" into w.
func (h HTTPFetcher) Fetch(ctx context.Context, debug int, w *bytes.Buffer) error {
	url := strings.TrimSuffix(h.Base, "/") + "/goroutine?debug=" + strconv.Itoa(debug)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrFetch, err)
	}
	c := h.Client
	if c == nil {
		c = http.DefaultClient
	}
	resp, err := c.Do(req)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrFetch, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%w: GET %s: %s", ErrFetch, url, resp.Status)
	}
	if _, err := w.ReadFrom(io.LimitReader(resp.Body, maxProfile)); err != nil {
		return fmt.Errorf("%w: GET %s: %w", ErrFetch, url, err)
	}
	return nil
}
