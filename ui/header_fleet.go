package ui

import (
	"strconv"
	"strings"

	"github.com/spindle-tui/spindle/model"
)

// fleetOrigin is what the header shows of one engine of a fleet.
type fleetOrigin struct {
	name  string // cleaned for the screen
	stale bool
	retry string // "reconnecting in 2s", from its error, while stale
}

// setOrigins takes a fleet snapshot's engines for the header; none for a
// single engine.
func (h *header) setOrigins(origins []model.Origin) {
	h.fleet = h.fleet[:0]
	for i := range origins {
		o := &origins[i]
		f := fleetOrigin{name: cleanCell(o.Name), stale: o.Stale}
		if o.Stale {
			f.retry = "connection lost"
			if i := strings.LastIndex(o.Error, "; "); i >= 0 && strings.HasPrefix(o.Error[i+2:], "reconnecting") {
				f.retry = cleanCell(o.Error[i+2:])
			}
		}
		h.fleet = append(h.fleet, f)
	}
}

// fleetText writes the engines and their connections after the brand:
// "3 engines: api ● db ● web ○ reconnecting in 2s"; compact, when that does
// not fit, the counts and the names of the lost: "50 engines: 48 ● 2 ○ demo-3, demo-7".
func (h *header) fleetText(b *strings.Builder, compact bool) {
	up, on, off := 0, h.st.state[model.StateRunning], h.st.statusE
	var lost []string
	for _, f := range h.fleet {
		if f.stale {
			lost = append(lost, f.name)
		} else {
			up++
		}
	}
	h.st.source.write(b, plural(len(h.fleet), "engine")+":")
	if compact {
		if up > 0 {
			b.WriteString(" " + strconv.Itoa(up) + " ")
			on.write(b, "●")
		}
		if len(lost) > 0 {
			b.WriteString(" " + strconv.Itoa(len(lost)) + " ")
			off.write(b, "○")
			b.WriteString(" ")
			h.st.statusWarn.write(b, strings.Join(lost, ", "))
		}
		return
	}
	for _, f := range h.fleet {
		b.WriteString(" " + f.name + " ")
		if !f.stale {
			on.write(b, "●")
			continue
		}
		off.write(b, "○")
		b.WriteString(" ")
		h.st.statusWarn.write(b, f.retry)
	}
}
