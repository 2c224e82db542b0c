package remote

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/json"
	"net/http"
	"strings"
	"time"

	"github.com/spindle-tui/spindle/engine"
)

// The API's paths.
const (
	pathSnapshot   = "/v1/snapshot"
	pathStream     = "/v1/stream"
	pathCommands   = "/v1/commands"
	pathMetrics    = "/metrics"
	pathHealth     = "/healthz"
	pathGoroutines = "/v1/goroutines" // goroutines.go
)

// api serves one engine. done, when closed, ends every stream (server shutdown:
// http.Server.Shutdown does not interrupt handlers, and a stream never idles).
type api struct {
	e    *engine.Engine
	cfg  serverConfig
	done <-chan struct{}

	frames frameCache // the stream's encodings, shared by its clients (stream_frame.go)
}

// Handler returns the control API of e as an http.Handler, for mounting in a
// mux of one's own (its paths are /v1/..., /metrics and /healthz). With
// WithToken every request but /healthz must carry the bearer token; without it
// the handler is open, so guard it some other way. Streams end when their client
// goes or the engine closes. WithAllowRemote has no effect here.
func Handler(e *engine.Engine, opts ...Option) http.Handler {
	return newAPI(e, newServerConfig(opts), nil).routes()
}

func newAPI(e *engine.Engine, cfg serverConfig, done <-chan struct{}) *api {
	if cfg.apply == nil {
		cfg.apply = e.Apply
	}
	return &api{e: e, cfg: cfg, done: done}
}

// routes builds the mux, behind the token check when there is a token.
func (a *api) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET "+pathHealth, a.health)
	mux.HandleFunc("GET "+pathSnapshot, a.snapshot)
	mux.HandleFunc("GET "+pathStream, a.stream)
	mux.HandleFunc("POST "+pathCommands, a.command)
	mux.HandleFunc("GET "+pathGoroutines, a.goroutines)
	mux.HandleFunc("GET "+pathLogs, a.logs)             // logs.go
	mux.HandleFunc("GET "+pathInfo, a.info(time.Now())) // info.go
	mux.Handle("GET "+pathMetrics, a.metricsHandler())
	if a.cfg.token == "" {
		return mux
	}
	want := sha256.Sum256([]byte(a.cfg.token))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !authorized(r, want) {
			// Whoever has no token gets no keep-alive: it cannot hold
			// connections (and descriptors) open between requests.
			w.Header().Set("Connection", "close")
			if r.URL.Path != pathHealth {
				w.Header().Set("WWW-Authenticate", `Bearer realm="spindle"`)
				writeError(w, http.StatusUnauthorized, codeUnauthorized, "missing or wrong bearer token")
				return
			}
		}
		mux.ServeHTTP(w, r)
	})
}

// authorized compares the request's bearer token with the wanted one in
// constant time. Both sides are hashed first so that the comparison does not
// even leak the token's length.
func authorized(r *http.Request, want [sha256.Size]byte) bool {
	h := r.Header.Get("Authorization")
	const prefix = "bearer "
	if len(h) < len(prefix) || !strings.EqualFold(h[:len(prefix)], prefix) {
		return false
	}
	got := sha256.Sum256([]byte(strings.TrimSpace(h[len(prefix):])))
	return subtle.ConstantTimeCompare(got[:], want[:]) == 1
}

// health answers "ok": the server is up (used by Dial and by load balancers).
func (a *api) health(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, _ = w.Write([]byte("ok\n"))
}

// snapshot answers the engine's current snapshot as JSON.
func (a *api) snapshot(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, "snapshot", a.e.Snapshot())
}

// writeJSON answers v as JSON, never cached; what names it in the 500 of a
// value that cannot be encoded.
func writeJSON(w http.ResponseWriter, what string, v any) {
	data, err := json.Marshal(v)
	if err != nil {
		writeError(w, http.StatusInternalServerError, codeInternal, "encoding "+what+": "+err.Error())
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write(data)
}

// errorBody is the JSON body of every error response.
type errorBody struct {
	Error string `json:"error"` // the message, the engine's own where it has one
	Code  string `json:"code"`  // a stable machine-readable code, e.g. "unknown_task"
}

// writeError writes an errorBody with status.
func writeError(w http.ResponseWriter, status int, code, msg string) {
	data, _ := json.Marshal(errorBody{Error: msg, Code: code})
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	_, _ = w.Write(append(data, '\n'))
}
