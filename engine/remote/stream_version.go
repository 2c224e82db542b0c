package remote

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
)

// StreamVersion is the version of the GET /v1/stream protocol this package
// speaks: 2, a full snapshot on connect then deltas ("full" and "delta"
// events). Version 1 (spindle before it, no version header) sent the whole
// snapshot as a "snapshot" event every time.
const StreamVersion = 2

// headerStreamVersion carries the stream version: the client sends the one it
// speaks, the server answers with its own (on refusals too).
const headerStreamVersion = "Spindle-Stream"

// codeStreamVersion is the error code of a stream refused for its version.
const codeStreamVersion = "stream_version"

// ErrStreamVersion is matched (errors.Is) by the error of a stream whose
// client and server speak different versions of the protocol; its message
// says which side to upgrade.
var ErrStreamVersion = errors.New("remote: stream versions differ")

// VersionError says that the two ends of a stream speak different versions.
type VersionError struct {
	Server, Client int    // the versions; 1 for a side that sends none
	Addr           string // the server's address, when the client says it
}

// Error names both versions and which side to upgrade.
func (e *VersionError) Error() string {
	at := ""
	if e.Addr != "" {
		at = " at " + e.Addr
	}
	fix := "upgrade the client"
	if e.Client > e.Server {
		fix = "upgrade the server"
	}
	return fmt.Sprintf("spindle server%s speaks stream v%d, this client v%d: %s", at, e.Server, e.Client, fix)
}

// Unwrap returns ErrStreamVersion.
func (e *VersionError) Unwrap() error { return ErrStreamVersion }

// parseStreamVersion reads a version header: none is version 1 (which sent
// none); anything but a positive number is 0.
func parseStreamVersion(h string) int {
	if h == "" {
		return 1
	}
	v, err := strconv.Atoi(h)
	if err != nil || v < 1 {
		return 0
	}
	return v
}

// checkClientVersion is the server's check of a stream request: nil when the
// client speaks StreamVersion.
func checkClientVersion(r *http.Request) error {
	h := r.Header.Get(headerStreamVersion)
	v := parseStreamVersion(h)
	if v == StreamVersion {
		return nil
	}
	if v == 0 {
		return fmt.Errorf("spindle server speaks stream v%d; this client sent %s %q, not a version", StreamVersion, headerStreamVersion, h)
	}
	return &VersionError{Server: StreamVersion, Client: v}
}

// checkServerVersion is the client's check of a stream answer: nil when the
// server speaks StreamVersion.
func checkServerVersion(resp *http.Response, addr string) error {
	v := parseStreamVersion(resp.Header.Get(headerStreamVersion))
	if v == StreamVersion {
		return nil
	}
	if v == 0 {
		return fmt.Errorf("spindle server at %s answered %s %q, not a stream version: %w", addr, headerStreamVersion, resp.Header.Get(headerStreamVersion), ErrStreamVersion)
	}
	return &VersionError{Server: v, Client: StreamVersion, Addr: addr}
}
