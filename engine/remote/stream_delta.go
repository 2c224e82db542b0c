package remote

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
)

// wireDelta is the data of a "delta" event: what changed from the snapshot
// whose Seq is Base (the last one this connection was sent) to the next.
type wireDelta struct {
	Base   uint64                     `json:"base"`
	Top    map[string]json.RawMessage `json:"top,omitempty"` // top-level fields changed or added
	TopDel []string                   `json:"top_del,omitempty"`
	Lists  map[string]*wireList       `json:"lists,omitempty"` // by JSON field; unchanged lists are left out
}

// wireList is a changed list. The new list is built by Ops, pairs (from, n):
// n rows copied from the base list starting at index from, or, with from -1,
// the next n rows of New. Patch then changes fields of copied rows.
type wireList struct {
	Null  bool              `json:"null,omitempty"` // the list is nil
	Ops   []int             `json:"ops,omitempty"`
	New   []json.RawMessage `json:"new,omitempty"`
	Patch []wirePatch       `json:"patch,omitempty"`
}

// wirePatch changes the fields of row I of the new list: Set's fields take
// their new JSON, Del's go (an omitempty field that became empty).
type wirePatch struct {
	I   int                        `json:"i"`
	Set map[string]json.RawMessage `json:"set,omitempty"`
	Del []string                   `json:"del,omitempty"`
}

// diffFrames returns the JSON of the delta from base to next.
func diffFrames(base, next *frame) ([]byte, error) {
	d := wireDelta{Base: base.seq}
	d.Top, d.TopDel = diffFields(base.top, next.top)
	for i, spec := range snapshotLists {
		wl, err := diffList(&base.lists[i], &next.lists[i])
		if err != nil {
			return nil, fmt.Errorf("%s: %w", spec.field, err)
		}
		if wl != nil {
			if d.Lists == nil {
				d.Lists = make(map[string]*wireList)
			}
			d.Lists[spec.field] = wl
		}
	}
	return json.Marshal(&d)
}

// diffList returns how to build next from base, or nil when they are the same.
func diffList(base, next *frameList) (*wireList, error) {
	if next.null {
		if base.null {
			return nil, nil
		}
		return &wireList{Null: true}, nil
	}
	wl := &wireList{Ops: []int{}}
	same := !base.null && len(base.rows) == len(next.rows)
	for i, r := range next.rows {
		j, ok := base.index[r.key]
		if !ok {
			wl.New = append(wl.New, r.raw)
			wl.Ops = extendRun(wl.Ops, -1)
			same = false
			continue
		}
		wl.Ops = extendRun(wl.Ops, j)
		if j != i {
			same = false
		}
		b := base.rows[j]
		if b == r || bytes.Equal(b.raw, r.raw) {
			continue
		}
		bf, err := b.parsed()
		if err != nil {
			return nil, err
		}
		nf, err := r.parsed()
		if err != nil {
			return nil, err
		}
		p := wirePatch{I: i}
		p.Set, p.Del = diffFields(bf, nf)
		wl.Patch = append(wl.Patch, p)
		same = false
	}
	if same {
		return nil, nil
	}
	return wl, nil
}

// extendRun adds one row taken from from (-1: New) to ops, extending the last
// pair when the row follows it.
func extendRun(ops []int, from int) []int {
	if n := len(ops); n > 0 {
		last, count := ops[n-2], ops[n-1]
		if (from == -1 && last == -1) || (from >= 0 && last >= 0 && last+count == from) {
			ops[n-1]++
			return ops
		}
	}
	return append(ops, from, 1)
}

// diffFields returns the fields of next that differ from base's, and the
// names (sorted) of base's fields next has not.
func diffFields(base, next map[string]json.RawMessage) (set map[string]json.RawMessage, del []string) {
	for k, v := range next {
		if b, ok := base[k]; ok && bytes.Equal(b, v) {
			continue
		}
		if set == nil {
			set = make(map[string]json.RawMessage)
		}
		set[k] = v
	}
	for k := range base {
		if _, ok := next[k]; !ok {
			del = append(del, k)
		}
	}
	slices.Sort(del)
	return set, del
}
