// Package remote serves an engine over HTTP so an operator can watch and steer
// it from another terminal, the way net/http/pprof serves profiles, and holds the
// client that attaches to it.
//
// The server (Serve, Listen, Handler) exposes:
//
//	GET  /v1/snapshot  the current model.Snapshot as JSON
//	GET  /v1/stream    server-sent events: one "snapshot" event per coalesced snapshot
//	POST /v1/commands  a model.Command as JSON (at most 64 KiB)
//	GET  /metrics      Prometheus text exposition of tasks, pools and pollers
//	GET  /healthz      "ok", never behind auth
//
// By default it listens on a Unix socket in the user's runtime directory (the
// file's permissions are the auth). Over TCP it binds loopback unless
// WithAllowRemote is given, and every request but /healthz needs the bearer
// token (generated when none is given).
//
// The Client (Dial) satisfies ui.Source, so the same dashboard runs attached to
// a remote engine: it streams snapshots, reconnects when the connection drops
// (keeping the last frame, with Snapshot.SourceError saying what happened) and
// turns the server's error bodies back into errors that read like local ones.
package remote
