package remote

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/spindle-tui/spindle/model"
)

// errResync is matched by the error of a delta the client cannot apply (it is
// against another snapshot than the client's, or does not fit it): the stream
// is reconnected for a full snapshot rather than show a wrong picture.
var errResync = errors.New("stream out of step")

// streamState is what a client keeps to apply deltas: the last snapshot it
// rebuilt, and its top-level fields and rows as JSON (the base of patches).
type streamState struct {
	snap  model.Snapshot
	top   map[string]json.RawMessage
	lists [numLists]clientList
}

// clientList holds a list's rows as JSON, in order.
type clientList struct {
	null bool
	rows [][]byte
}

// loadFull returns the state of a "full" event (a snapshot's JSON).
func loadFull(data []byte) (*streamState, error) {
	st := &streamState{}
	if err := json.Unmarshal(data, &st.snap); err != nil {
		return nil, fmt.Errorf("bad full snapshot: %w", err)
	}
	if err := json.Unmarshal(data, &st.top); err != nil {
		return nil, fmt.Errorf("bad full snapshot: %w", err)
	}
	for i, spec := range snapshotLists {
		raw, ok := st.top[spec.field]
		delete(st.top, spec.field)
		var rows []json.RawMessage
		if ok {
			if err := json.Unmarshal(raw, &rows); err != nil {
				return nil, fmt.Errorf("bad full snapshot: %s: %w", spec.field, err)
			}
		}
		cl := clientList{null: rows == nil, rows: make([][]byte, len(rows))}
		for j, r := range rows {
			cl.rows[j] = r
		}
		st.lists[i] = cl
	}
	return st, nil
}

// apply returns the state after the "delta" event data. The receiver is not
// changed (the snapshot it holds was handed out and stays as it was).
func (st *streamState) apply(data []byte) (*streamState, error) {
	var d wireDelta
	if err := json.Unmarshal(data, &d); err != nil {
		return nil, fmt.Errorf("bad delta: %w", err)
	}
	if d.Base != st.snap.Seq {
		return nil, fmt.Errorf("%w: a delta from snapshot %d, the client has %d", errResync, d.Base, st.snap.Seq)
	}
	next := &streamState{snap: st.snap, top: st.top, lists: st.lists}
	if d.Top != nil || d.TopDel != nil {
		next.top = patchFields(st.top, d.Top, d.TopDel)
		raw, err := json.Marshal(next.top)
		if err != nil {
			return nil, fmt.Errorf("bad delta: %w", err)
		}
		next.snap = model.Snapshot{}
		if err := json.Unmarshal(raw, &next.snap); err != nil {
			return nil, fmt.Errorf("bad delta: top-level fields: %w", err)
		}
		for _, spec := range snapshotLists {
			spec.take(&next.snap, &st.snap)
		}
	}
	for field := range d.Lists {
		if !knownList(field) {
			return nil, fmt.Errorf("%w: a delta of an unknown list %q", errResync, field)
		}
	}
	for i, spec := range snapshotLists {
		wl := d.Lists[spec.field]
		if wl == nil {
			continue
		}
		cl, src, err := st.lists[i].build(wl)
		if err != nil {
			return nil, fmt.Errorf("%w: %s: %w", errResync, spec.field, err)
		}
		if err := spec.decode(&st.snap, &next.snap, cl.null, src); err != nil {
			return nil, fmt.Errorf("%w: %w", errResync, err)
		}
		next.lists[i] = cl
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

// build returns the list wl makes of cl (which it does not change), and where
// each of its rows comes from. It refuses a wl that does not fit cl.
func (cl *clientList) build(wl *wireList) (clientList, []rowSource, error) {
	if wl.Null {
		return clientList{null: true}, nil, nil
	}
	if len(wl.Ops)%2 != 0 {
		return clientList{}, nil, fmt.Errorf("odd ops")
	}
	var out clientList
	var src []rowSource
	used := 0
	for k := 0; k < len(wl.Ops); k += 2 {
		from, n := wl.Ops[k], wl.Ops[k+1]
		switch {
		case n <= 0 || from < -1:
			return clientList{}, nil, fmt.Errorf("op (%d, %d)", from, n)
		case from == -1:
			if used+n > len(wl.New) {
				return clientList{}, nil, fmt.Errorf("%d new rows wanted, %d sent", used+n, len(wl.New))
			}
			for _, raw := range wl.New[used : used+n] {
				out.rows = append(out.rows, raw)
				src = append(src, rowSource{from: -1, raw: raw})
			}
			used += n
		default:
			if from+n > len(cl.rows) || from+n < from {
				return clientList{}, nil, fmt.Errorf("rows %d..%d copied from a list of %d", from, from+n, len(cl.rows))
			}
			for j := from; j < from+n; j++ {
				out.rows = append(out.rows, cl.rows[j])
				src = append(src, rowSource{from: j})
			}
		}
	}
	if used != len(wl.New) {
		return clientList{}, nil, fmt.Errorf("%d new rows sent, %d used", len(wl.New), used)
	}
	if out.rows == nil {
		out.rows = [][]byte{}
	}
	for _, p := range wl.Patch {
		if p.I < 0 || p.I >= len(out.rows) {
			return clientList{}, nil, fmt.Errorf("patch of row %d of %d", p.I, len(out.rows))
		}
		var fields map[string]json.RawMessage
		if err := json.Unmarshal(out.rows[p.I], &fields); err != nil {
			return clientList{}, nil, fmt.Errorf("row %d: %w", p.I, err)
		}
		raw, err := json.Marshal(patchFields(fields, p.Set, p.Del))
		if err != nil {
			return clientList{}, nil, fmt.Errorf("row %d: %w", p.I, err)
		}
		out.rows[p.I] = raw
		src[p.I] = rowSource{from: -1, raw: raw}
	}
	return out, src, nil
}
