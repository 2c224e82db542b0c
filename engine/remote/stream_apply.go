package remote

import (
	"errors"
	"fmt"
	"reflect"
	"sync"

	// goccy/go-json: encoding/json's API and results, in 0.65× of its time on
	// the deltas of a warm demo (BenchmarkStreamCapture); the client decodes
	// every snapshot, 10 a second.
	json "github.com/goccy/go-json"

	"github.com/spindle-tui/spindle/model"
)

// errResync is matched by the error of a delta the client cannot apply (it is
// against another snapshot than the client's, or does not fit it): the stream
// is reconnected for a full snapshot rather than show a wrong picture.
var errResync = errors.New("stream out of step")

// loadFull returns the snapshot of a "full" event.
func loadFull(data []byte) (model.Snapshot, error) {
	var s model.Snapshot
	if err := json.Unmarshal(data, &s); err != nil {
		return s, fmt.Errorf("bad full snapshot: %w", err)
	}
	return s, nil
}

// snapshotFields are the JSON fields of model.Snapshot, found on first use.
var snapshotFields = sync.OnceValue(func() jsonFields { return fieldsOf(reflect.TypeFor[model.Snapshot]()) })

// applyDelta returns the snapshot the "delta" event data makes of base. base
// is not changed, nor anything it shares with the result: unchanged lists and
// rows are shared, changed ones are new.
func applyDelta(base model.Snapshot, data []byte) (model.Snapshot, error) {
	var d wireDelta
	if err := json.Unmarshal(data, &d); err != nil {
		return base, fmt.Errorf("bad delta: %w", err)
	}
	if d.Base != base.Seq {
		return base, fmt.Errorf("%w: a delta from snapshot %d, the client has %d", errResync, d.Base, base.Seq)
	}
	for field := range d.Lists {
		if !knownList(field) {
			return base, fmt.Errorf("%w: a delta of an unknown list %q", errResync, field)
		}
	}
	next := base
	for _, spec := range snapshotLists {
		if _, ok := d.Top[spec.field]; ok {
			return base, fmt.Errorf("%w: list %s sent as a top-level field", errResync, spec.field)
		}
	}
	if err := patchValue(&next, snapshotFields(), d.Top, d.TopDel); err != nil {
		return base, fmt.Errorf("%w: top-level fields: %w", errResync, err)
	}
	for _, spec := range snapshotLists {
		if wl := d.Lists[spec.field]; wl != nil {
			if err := spec.decode(&base, &next, wl); err != nil {
				return base, fmt.Errorf("%w: %s: %w", errResync, spec.field, err)
			}
		}
	}
	return next, nil
}

// knownList reports whether field is the JSON name of one of the lists.
func knownList(field string) bool {
	for _, spec := range snapshotLists {
		if spec.field == field {
			return true
		}
	}
	return false
}

// decodeList returns the list wl makes of old (which it does not change): the
// rows its ops copy (sharing their slices) and decode, then patched. It
// refuses a wl that does not fit old.
func decodeList[T any](old []T, wl *wireList, fields jsonFields) ([]T, error) {
	if wl.Null {
		return nil, nil
	}
	if len(wl.Ops)%2 != 0 {
		return nil, fmt.Errorf("odd ops")
	}
	n := 0
	for k := 1; k < len(wl.Ops); k += 2 {
		if c := wl.Ops[k]; c > 0 && c <= len(old)+len(wl.New) {
			n += c
		}
	}
	rows := make([]T, 0, min(n, len(old)+len(wl.New)))
	used := 0
	for k := 0; k < len(wl.Ops); k += 2 {
		from, n := wl.Ops[k], wl.Ops[k+1]
		switch {
		case n <= 0 || from < -1:
			return nil, fmt.Errorf("op (%d, %d)", from, n)
		case from == -1:
			if used+n > len(wl.New) {
				return nil, fmt.Errorf("%d new rows wanted, %d sent", used+n, len(wl.New))
			}
			for _, raw := range wl.New[used : used+n] {
				var v T
				if err := json.Unmarshal(raw, &v); err != nil {
					return nil, fmt.Errorf("row %d: %w", len(rows), err)
				}
				rows = append(rows, v)
			}
			used += n
		default:
			if from+n > len(old) || from+n < from {
				return nil, fmt.Errorf("rows %d..%d copied from a list of %d", from, from+n, len(old))
			}
			rows = append(rows, old[from:from+n]...)
		}
	}
	if used != len(wl.New) {
		return nil, fmt.Errorf("%d new rows sent, %d used", len(wl.New), used)
	}
	for _, p := range wl.Patch {
		if p.I < 0 || p.I >= len(rows) {
			return nil, fmt.Errorf("patch of row %d of %d", p.I, len(rows))
		}
		if err := patchValue(&rows[p.I], fields, p.Set, p.Del); err != nil {
			return nil, fmt.Errorf("row %d: %w", p.I, err)
		}
	}
	return rows, nil
}
