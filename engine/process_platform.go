package engine

import "github.com/spindle-tui/spindle/engine/internal/osproc"

// ProcessesSupported reports whether process tasks can run on this OS: true
// on Linux, macOS and FreeBSD; false on Windows and elsewhere, where the
// goroutine engine, pools, pollers and the dashboard work but a process task
// is refused with ErrProcessUnsupported.
const ProcessesSupported = osproc.Supported

// ErrProcessUnsupported is returned by AppendProcess, SubmitProcess and every
// run of a CommandPoll where processes are not supported (see
// ProcessesSupported). Its text names the OS: "processes are not supported on
// windows".
var ErrProcessUnsupported = osproc.ErrUnsupported
