// Package remote serves an engine over HTTP so an operator can watch and steer
// it from another terminal, the way net/http/pprof serves profiles, and holds the
// client that attaches to it.
//
// The server (Serve, Listen, Handler) exposes:
//
//	GET  /v1/snapshot  the current model.Snapshot as JSON
//	GET  /v1/stream    server-sent events (protocol v2, StreamVersion): a "full"
//	                   snapshot, then a "delta" per coalesced snapshot;
//	                   ?every=250ms: at most one that often, the newest
//	POST /v1/commands  a model.Command as JSON (at most 64 KiB)
//	GET  /metrics      Prometheus text exposition of tasks, pools and pollers
//	GET  /healthz      "ok", never behind auth
//
// By default it listens on a Unix socket in the user's runtime directory (the
// file's permissions are the auth; the directory is refused if it is a
// symlink, another user's, or open to others). Over TCP it binds loopback
// unless WithAllowRemote is given, and every request but /healthz needs the
// bearer token (generated into a 0600 file when none is given; never logged).
// Connections are bounded: a cap, a reserve of file descriptors kept for the
// engine, header, body and idle timeouts; refused connections get a 503.
// Commands whose JSON is ambiguous (duplicate keys, ...) are refused.
//
// The stream's client sends its version in the Spindle-Stream header and the
// server answers its own; a mismatch is refused with a message naming both
// (VersionError). After the full snapshot, each delta says what changed
// against the last snapshot that connection was sent (its "base" Seq): per
// list (tasks by ID; managers, pools, replicas, pollers by name; events by
// content) runs of base rows copied, new rows, and the changed fields of
// changed rows; and the changed top-level fields. Rows are compared by their
// JSON, so fields added to model structs need no change here. The body is
// gzipped when the client sends Accept-Encoding: gzip.
//
// The Client (Dial) satisfies ui.Source, so the same dashboard runs attached to
// a remote engine: it streams snapshots, reconnects when the connection drops
// (keeping the last frame, with Snapshot.SourceError saying what happened) and
// turns the server's error bodies back into errors that read like local ones.
package remote
