package remote

import (
	"context"
	"net/http"

	"github.com/spindle-tui/spindle/model"
)

// goroutines answers a sample of the engine's goroutines as JSON
// (Engine.Goroutines: taken only when asked, at most once per interval, so
// any number of attached dashboards cost one sample a second at most).
func (a *api) goroutines(w http.ResponseWriter, r *http.Request) {
	g, err := a.e.Goroutines(r.Context())
	if err != nil {
		writeError(w, http.StatusInternalServerError, codeInternal, err.Error())
		return
	}
	writeJSON(w, "goroutines", g)
}

// Goroutines fetches a sample of the engine's goroutines (GET /v1/goroutines).
func (c *Client) Goroutines(ctx context.Context) (model.Goroutines, error) {
	return getJSON[model.Goroutines](ctx, c, pathGoroutines, "goroutines")
}
