package model

import "time"

// Poller is one engine.Poller (Fandango's ThreadedObject): periodic work with its
// timing diagnostics, as Poller.Stats returns it and snapshots carry it.
type Poller struct {
	Name   string `json:"name"`
	Origin string `json:"origin,omitempty"` // the engine it belongs to, in a fleet
	Group  string `json:"group,omitempty"`  // the PollDict it belongs to, if any

	Period      time.Duration `json:"period"`
	MinWait     time.Duration `json:"min_wait,omitempty"`
	Timeout     time.Duration `json:"timeout,omitempty"`
	Concurrency int           `json:"concurrency"`

	// Extra is what few pollers have: a cron schedule, a PollDict key's
	// expiry. nil for most; shared between snapshots, never modified.
	Extra *PollerExtra `json:"extra,omitempty"`

	Started bool `json:"started"` // Start was called at least once
	Paused  bool `json:"paused"`  // the schedule is halted; the poller stays
	Alive   bool `json:"alive"`   // not killed

	Count     int64  `json:"count"`  // runs finished
	Errors    int64  `json:"errors"` // runs that returned an error (or timed out)
	LastError string `json:"last_error,omitempty"`
	// Failing is how many runs in a row have failed, up to the last one: 0
	// when the last run succeeded. While it is above 0, Value is stale.
	Failing int64 `json:"failing,omitempty"`
	Skipped int64 `json:"skipped"` // ticks skipped because a run overran

	Delay    time.Duration `json:"delay"`     // how late the last run started against its deadline
	AccDelay time.Duration `json:"acc_delay"` // the sum of every run's delay
	Usage    float64       `json:"usage"`     // busy fraction over a sliding window, 0..1 (can pass 1 with Concurrency > 1)

	Last     time.Time     `json:"last,omitzero"`     // when the last run started
	Duration time.Duration `json:"duration"`          // how long the last run took
	Next     time.Time     `json:"next,omitzero"`     // the next deadline
	Value    string        `json:"value,omitempty"`   // the last value, formatted
	ValueAt  time.Time     `json:"value_at,omitzero"` // when the run that returned Value ended

	Delays    []time.Duration `json:"delays,omitempty"`    // recent delays, oldest first, bounded
	Durations []time.Duration `json:"durations,omitempty"` // recent run durations, oldest first, bounded
}

// PollerState is the single word a viewer shows for a poller.
func (p *Poller) PollerState() string {
	switch {
	case !p.Alive:
		return "killed"
	case p.Paused:
		return "paused"
	case !p.Started:
		return "idle"
	}
	return "running"
}

// PollerExtra is what few pollers have (Poller.Extra). It is behind a
// pointer so that a snapshot of periodic pollers stays as small as it was.
type PollerExtra struct {
	// Schedule is the cron expression of a poller that runs on one (Period is
	// then the gap between its next two times, an estimate); Zone is the
	// time zone its times are in ("Local": the process's). Empty for a
	// periodic poller.
	Schedule string `json:"schedule,omitempty"`
	Zone     string `json:"zone,omitempty"`
	// Expire is how old a PollDict key's value may get before Get refuses
	// it (ErrExpired); 0: never. Age is measured from ValueAt.
	Expire time.Duration `json:"expire,omitempty"`
}

// Schedule returns the poller's cron expression, "" for a periodic one.
func (p *Poller) Schedule() string {
	if p.Extra == nil {
		return ""
	}
	return p.Extra.Schedule
}

// Expire returns how old a PollDict key's value may get; 0: never.
func (p *Poller) Expire() time.Duration {
	if p.Extra == nil {
		return 0
	}
	return p.Extra.Expire
}

// Expired reports whether a PollDict key's value is older than its Expire at
// now; a key with no value yet is not expired.
func (p *Poller) Expired(now time.Time) bool {
	e := p.Expire()
	return e > 0 && !p.ValueAt.IsZero() && now.Sub(p.ValueAt) >= e
}
