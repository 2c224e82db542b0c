package remote

import (
	"context"
	"encoding/json"
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
		data, err := json.Marshal(Info{PID: os.Getpid(), Started: started, Source: a.e.Snapshot().Source})
		if err != nil {
			writeError(w, http.StatusInternalServerError, codeInternal, "encoding info: "+err.Error())
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-store")
		_, _ = w.Write(data)
	}
}

// Info asks the server about itself (GET /v1/info).
func (c *Client) Info(ctx context.Context) (Info, error) {
	return getJSON[Info](ctx, c, pathInfo, "info")
}
