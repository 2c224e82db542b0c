package remote

import (
	"context"
	"net/http"
	"os"
	"time"
)

// pathInfo is the API's path of what a server says about itself (`spindle ls`).
const pathInfo = "/v1/info"

// Info is what a server says about itself: its process, since when it has
// served, and what its engine runs.
type Info struct {
	PID     int       `json:"pid"`
	Started time.Time `json:"started"` // when the server began serving
	Source  string    `json:"source"`  // what the engine runs: "demo", a task file, a service
}

// info returns the handler of GET /v1/info for a server started at started.
// It is behind the token like every path but /healthz.
func (a *api) info(started time.Time) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, "info", Info{PID: os.Getpid(), Started: started, Source: a.e.Snapshot().Source})
	}
}

// Info asks the server about itself (GET /v1/info).
func (c *Client) Info(ctx context.Context) (Info, error) {
	return getJSON[Info](ctx, c, pathInfo, "info")
}
