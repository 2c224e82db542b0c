package model

import (
	"strconv"
	"strings"
	"time"
)

// FormatDuration formats a duration compactly and readably, with about three
// significant digits and at most two units: "850ns", "850µs", "1.2ms", "12ms",
// "1.2s", "45s", "1m30s", "2h5m", "3d4h"; zero is "0s". The dashboard, the
// status command and the events all use it, so a duration reads the same
// wherever it is shown.
func FormatDuration(d time.Duration) string {
	switch {
	case d == 0:
		return "0s"
	case d < 0:
		return "-" + FormatDuration(-d)
	}
	for _, u := range [...]struct {
		unit   time.Duration
		suffix string
	}{{1, "ns"}, {time.Microsecond, "µs"}, {time.Millisecond, "ms"}} {
		if v := float64(d) / float64(u.unit); v < 999.5 {
			return decimal(v) + u.suffix
		}
	}
	if v := d.Seconds(); v < 59.95 {
		return decimal(v) + "s"
	}
	d = d.Round(time.Second)
	if d < time.Hour {
		return pair(int64(d/time.Minute), "m", int64(d%time.Minute/time.Second), "s")
	}
	d = d.Round(time.Minute)
	if d < 24*time.Hour {
		return pair(int64(d/time.Hour), "h", int64(d%time.Hour/time.Minute), "m")
	}
	d = d.Round(time.Hour)
	return pair(int64(d/(24*time.Hour)), "d", int64(d%(24*time.Hour)/time.Hour), "h")
}

// FormatAge formats how long ago something happened (or how long it has been
// in its state): FormatDuration in whole seconds, since an age that ticks by
// the second reads better without decimals ("0s", "12s", "3m4s", "2d3h"). A
// negative age (clock skew between an engine and its viewer) is "0s".
func FormatAge(d time.Duration) string {
	return FormatDuration(max(d, 0).Truncate(time.Second))
}

// decimal formats v with one decimal under 10 ("1.2", "3") and none above ("12").
func decimal(v float64) string {
	if v >= 9.95 {
		return strconv.FormatInt(int64(v+0.5), 10)
	}
	return strings.TrimSuffix(strconv.FormatFloat(v, 'f', 1, 64), ".0")
}

// pair formats a two-unit amount, leaving out a zero second unit: "1m30s", "2m".
func pair(a int64, ua string, b int64, ub string) string {
	s := strconv.FormatInt(a, 10) + ua
	if b != 0 {
		s += strconv.FormatInt(b, 10) + ub
	}
	return s
}
