package remote

import (
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spindle-tui/spindle/model"
)

// maxStatusError is how many runes of a task's error the status table shows.
const maxStatusError = 60

// WriteStatus prints s for `spindle status`: with asJSON the snapshot as
// indented JSON; otherwise a summary line and tables of managers, pools,
// pollers and tasks, like `kubectl get` (a section with nothing in it is left
// out). Ages are measured against the snapshot's time.
func WriteStatus(w io.Writer, s model.Snapshot, asJSON bool) error {
	if asJSON {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		if err := enc.Encode(s); err != nil {
			return fmt.Errorf("remote: status: %w", err)
		}
		return nil
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	writeSummary(tw, &s)
	if len(s.Managers) > 0 {
		fmt.Fprintln(tw, "\nMANAGER\tLIMIT\tRUNNING\tQUEUED\tWATCHING\tDONE\tFAILED\tHALTED")
		for _, m := range s.Managers {
			fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%s\t%d\t%d\t%d\n", m.Name, m.Limit, m.Running, m.Queued,
				yesNo(m.Watching), m.Counts[model.StateDone], m.Counts[model.StateFailed]+m.Counts[model.StateFatal],
				m.Counts[model.StateHalted]+m.Counts[model.StateKilled])
		}
	}
	if len(s.Pools) > 0 {
		fmt.Fprintln(tw, "\nPOOL\tSTATE\tTYPE\tWORKERS\tQUEUED\tDONE\tFAILED\tHALTED\tREJECTED\tDAEMON")
		for _, p := range s.Pools {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%d/%d\t%d\t%d\t%d\t%d\t%d\t%s\n", p.Name, p.State, orDash(p.Type),
				p.Busy, p.MaxWorkers, p.Queued, p.Done, p.Failed, p.Halted, p.Rejected, yesNo(p.Daemon))
		}
	}
	if len(s.Pollers) > 0 {
		fmt.Fprintln(tw, "\nPOLLER\tSTATE\tPERIOD\tRUNS\tERRORS\tSKIPPED\tDELAY\tUSAGE\tVALUE")
		for i := range s.Pollers {
			p := &s.Pollers[i]
			fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%d\t%d\t%s\t%.0f%%\t%s\n", p.Name, p.PollerState(), model.FormatDuration(p.Period),
				p.Count, p.Errors, p.Skipped, model.FormatDuration(p.Delay), p.Usage*100, orDash(clip(p.Value, 40)))
		}
	}
	if len(s.Tasks) > 0 {
		fmt.Fprintln(tw, "\nID\tNAME\tGROUP\tSTATE\tAGE\tPROGRESS\tRESTARTS\tERROR")
		for i := range s.Tasks {
			t := &s.Tasks[i]
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%d\t%s\n", t.ID, t.Name, t.Group, t.State,
				age(s.Time, t), progress(t), t.Restarts, orDash(clip(t.Error, maxStatusError)))
		}
	}
	if err := tw.Flush(); err != nil {
		return fmt.Errorf("remote: status: %w", err)
	}
	return nil
}

// writeSummary writes the first lines: source, counts by state, leaks, events.
func writeSummary(w io.Writer, s *model.Snapshot) {
	src := orDash(s.Source)
	var counts []string
	for st, n := range s.Counts {
		if n > 0 {
			counts = append(counts, model.State(st).String()+" "+strconv.Itoa(n))
		}
	}
	if len(counts) == 0 {
		counts = append(counts, "no tasks")
	}
	fmt.Fprintf(w, "SOURCE %s  ·  TASKS %s  ·  LEAKED %d\n", src, strings.Join(counts, ", "), s.Leaked)
	if s.SourceError != "" {
		fmt.Fprintf(w, "ERROR %s\n", s.SourceError)
	}
	if len(s.Events) > 0 {
		ev := s.Events[0]
		fmt.Fprintf(w, "LAST EVENT %s ago: %s\n", model.FormatAge(s.Time.Sub(ev.Time)), clip(ev.Text, 100))
	}
}

// age is how long a task has been in its current state: since it ended, began
// or was created.
func age(now time.Time, t *model.Task) string {
	since := t.Created
	switch {
	case t.State.Finished() && !t.Ended.IsZero():
		since = t.Ended
	case !t.Started.IsZero() && t.State != model.StateQueued:
		since = t.Started
	}
	if since.IsZero() || now.IsZero() {
		return "-"
	}
	return model.FormatAge(now.Sub(since))
}

// progress is "42%" or "3/7" or "-".
func progress(t *model.Task) string {
	switch {
	case t.Total > 0:
		return strconv.Itoa(int(t.Progress()*100)) + "%"
	case t.Done > 0:
		return strconv.FormatInt(t.Done, 10)
	}
	return "-"
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// clip cuts s to n runes on one line.
func clip(s string, n int) string {
	if i := strings.IndexAny(s, "\r\n\t"); i >= 0 {
		s = s[:i] + "…"
	}
	r := []rune(s)
	if len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}
