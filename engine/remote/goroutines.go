package remote

import (
	"context"
	"encoding/json"
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
	data, err := json.Marshal(g)
	if err != nil {
		writeError(w, http.StatusInternalServerError, codeInternal, "encoding goroutines: "+err.Error())
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write(data)
}

// Goroutines fetches a sample of the engine's goroutines (GET /v1/goroutines).
func (c *Client) Goroutines(ctx context.Context) (model.Goroutines, error) {
	return getJSON[model.Goroutines](ctx, c, pathGoroutines, "goroutines")
}
