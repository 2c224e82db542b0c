package ui

import (
	"context"
	"time"

	"github.com/spindle-tui/spindle/keymap"
)

// Option configures the dashboard built by New.
type Option func(*options)

// options is what the Options set.
type options struct {
	keys     *keymap.KeyMap // nil: keymap.Default()
	keysErr  error          // what was wrong with the user's key config
	shutdown func(ctx context.Context) error
	color    bool
	origin   string
	noClock  bool          // tests drive the clock by hand (see withoutClock)
	frame    time.Duration // new snapshots are drawn at most this often (WithFrameInterval)
}

// defaultOptions are the defaults: the default keymap, no shutdown (q just quits),
// colours on.
func defaultOptions() options {
	return options{color: true, frame: DefaultFrameInterval}
}

// DefaultFrameInterval is how often the dashboard draws new snapshots at most
// unless WithFrameInterval says otherwise: 2 frames a second. The terminal
// renderer redraws and diffs the whole screen for every frame (about 2 ms of
// a core for 160×45 on the project's machine), so a dashboard's CPU follows
// its frames: drawing each snapshot of a 10 Hz engine costs more than the
// whole budget of an attached dashboard (2% of a core), 4 frames a second
// about that budget, 2 about half of it (BENCHMARKS.md, Dashboard). That is
// still livelier than htop (1.5 s) or k9s (2 s), and keys are answered at
// once.
const DefaultFrameInterval = 500 * time.Millisecond

// WithFrameInterval makes the dashboard draw a new snapshot at most every d:
// one that comes sooner waits, and is replaced by any newer one, until d has
// passed since the last was drawn (the source's refresh sets how often they
// come at all). Keys, resizes and the answers to commands redraw at once.
// d <= 0 draws every snapshot as it comes.
func WithFrameInterval(d time.Duration) Option {
	return func(o *options) { o.frame = max(d, 0) }
}

// WithKeyMap uses k instead of keymap.Default (for user overrides).
func WithKeyMap(k keymap.KeyMap) Option {
	return func(o *options) { o.keys = &k }
}

// WithKeyConfig uses the user's keys as keymap.Load returned them: k, and
// err, the problems of a config that could not be applied (k is then the
// defaults). The dashboard says what was wrong, with file:line:col, in the
// status bar when it starts.
//
//	keys, err := keymap.Load(keymap.ConfigPath())
//	ui.New(src, ui.WithKeyConfig(keys, err))
func WithKeyConfig(k keymap.KeyMap, err error) Option {
	return func(o *options) { o.keys, o.keysErr = &k, err }
}

// WithShutdown makes q a graceful quit: f is called (in a command, with a context
// bounded to ~10 s) while the dashboard keeps showing tasks halting, and the
// program quits when it returns; its error is Model.Err. Without it (nil, e.g. an
// attached remote viewer that must not stop the engine) q just quits.
func WithShutdown(f func(ctx context.Context) error) Option {
	return func(o *options) { o.shutdown = f }
}

// WithColor turns colours on or off. Off (for NO_COLOR) keeps bold, faint and
// reverse video: states are told apart by their names, the selection by reverse.
func WithColor(on bool) Option {
	return func(o *options) { o.color = on }
}

// WithOrigin names where the snapshots come from when it is not this process,
// such as "attach unix:/run/user/1000/spindle/spindle-42.sock"; the header shows
// it before the engine's own source name.
func WithOrigin(origin string) Option {
	return func(o *options) { o.origin = origin }
}

// withoutClock leaves the dashboard's clock to the caller (tests send clockMsg
// themselves, so that no timer outlives a synctest bubble), and draws every
// snapshot as it comes.
func withoutClock() Option {
	return func(o *options) { o.noClock, o.frame = true, 0 }
}
