package ui

import (
	"strconv"
	"strings"

	"github.com/spindle-tui/spindle/model"
)

// The Pools view's renderers: pure functions from a pool to the text of one
// cell; the table pads, cuts and paints.

// poolBarWidth is the cells of the WORKERS bar, without its busy/max count.
const poolBarWidth = 5

// rateWidth is the cells kept for the last rate after a throughput sparkline.
const rateWidth = 6

// renderPoolName returns the NAMESPACE cell.
func renderPoolName(p *model.Pool) string { return bare(p.Name, p.Origin) }

// renderPoolOwner returns the OWNER cell: the owner task's id and name ("t2: fetch page 3"), or root.
func renderPoolOwner(p *model.Pool) string {
	switch {
	case p.Owner == "":
		return "root"
	case p.OwnerName == "":
		return bare(string(p.Owner), p.Origin)
	}
	return bare(string(p.Owner), p.Origin) + ": " + cleanCell(p.OwnerName)
}

// renderPoolType returns the TYPE cell: the task type the pool accepts.
func renderPoolType(p *model.Pool) string {
	if p.Type == "" {
		return noValue
	}
	return cleanCell(p.Type)
}

// renderWorkerCount returns busy/max: "3/4".
func renderWorkerCount(p *model.Pool) string {
	return strconv.Itoa(p.Busy) + "/" + strconv.Itoa(p.MaxWorkers)
}

// poolBarFull returns how many cells of the WORKERS bar are filled.
func poolBarFull(p *model.Pool) int {
	if p.MaxWorkers <= 0 {
		return 0
	}
	full := (p.Busy*poolBarWidth*2 + p.MaxWorkers) / (p.MaxWorkers * 2) // rounded
	if p.Busy > 0 {
		full = max(full, 1) // any busy worker shows
	}
	return min(full, poolBarWidth)
}

// renderPoolWorkers returns the WORKERS cell: busy over max as a small bar, then
// the count: "████░ 3/4".
func renderPoolWorkers(p *model.Pool) string {
	full := poolBarFull(p)
	var b strings.Builder
	b.Grow(poolBarWidth*3 + 8)
	for i := range poolBarWidth {
		if i < full {
			b.WriteString("█")
		} else {
			b.WriteString("░")
		}
	}
	b.WriteByte(' ')
	b.WriteString(renderWorkerCount(p))
	return b.String()
}

// renderCount returns a counter cell.
func renderCount(n int64) string { return strconv.FormatInt(n, 10) }

// renderDaemon returns the DAEMON cell.
func renderDaemon(p *model.Pool) string {
	if p.Daemon {
		return "yes"
	}
	return "no"
}

// renderPoolState returns the STATE cell.
func renderPoolState(p *model.Pool) string {
	if p.State == "" {
		return noValue
	}
	return cleanCell(string(p.State))
}

// renderThroughput returns the THROUGHPUT cell, w cells wide: a sparkline of the
// completions per second, then the last one right-aligned: "▁▃▅█▆  12/s".
func renderThroughput(p *model.Pool, w int) string {
	if len(p.Throughput) == 0 {
		return noValue
	}
	rate := fmtRate(p.Throughput[len(p.Throughput)-1])
	sw := w - rateWidth - 1
	if sw < 1 {
		return rate
	}
	spark := sparkline(p.Throughput, sw, sparkTop(p.Throughput, 1))
	n := len(p.Throughput[max(len(p.Throughput)-sw, 0):])
	var b strings.Builder
	b.Grow(len(spark) + w)
	b.WriteString(spark)
	writeSpaces(&b, sw-n+1+max(rateWidth-len(rate), 0))
	b.WriteString(rate)
	return b.String()
}
