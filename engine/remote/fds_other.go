//go:build !linux

package remote

// fdUsage cannot count open descriptors here; the server then holds only its
// connection cap (WithMaxConns).
func fdUsage() (open, limit int, ok bool) { return 0, 0, false }
