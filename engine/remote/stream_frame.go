package remote

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"strconv"
	"sync"

	"github.com/spindle-tui/spindle/model"
)

// A frame is a snapshot as the stream protocol (v2) sees it: the JSON of its
// top-level fields, and each keyed list as rows of JSON. Deltas are computed
// between two frames by comparing encodings, so a field added to a model
// struct travels with no change here. Frames are immutable once built and
// shared by every connection that sent them: a connection's whole delta state
// is a pointer to the last frame it sent.
type frame struct {
	seq   uint64
	top   map[string]json.RawMessage // every field of the Snapshot but the lists
	lists [numLists]frameList
}

// frameList is one list of a frame.
type frameList struct {
	null  bool        // the list is nil (JSON null or left out), not just empty
	rows  []*frameRow // in the snapshot's order
	index map[string]int
	vals  any // the snapshot's own []T (immutable), to tell unchanged rows without encoding them
}

// frameRow is one row: its key, its JSON, and (parsed on first need, by
// whichever connection diffs it first) its fields.
type frameRow struct {
	key string
	raw []byte

	once   sync.Once
	fields map[string]json.RawMessage
	err    error
}

// parsed returns the row's fields.
func (r *frameRow) parsed() (map[string]json.RawMessage, error) {
	r.once.Do(func() {
		if err := json.Unmarshal(r.raw, &r.fields); err != nil {
			r.err = fmt.Errorf("row %q: %w", r.key, err)
		}
	})
	return r.fields, r.err
}

// listSpec names one list of model.Snapshot for the stream: its JSON field,
// how to encode its rows into a frame and how to decode a list's delta.
type listSpec struct {
	field  string
	encode func(s *model.Snapshot, prev *frameList) (frameList, error)
	decode func(base, next *model.Snapshot, wl *wireList) error // sets next's list from base's
	clear  func(s *model.Snapshot)                              // sets s's list to nil
}

// The lists of model.Snapshot, in its order. A list added to Snapshot and not
// here still travels, as a top-level field sent whole whenever it changes;
// fields added to the rows need nothing.
const (
	listTasks = iota
	listManagers
	listPools
	listReplicas
	listPollers
	listEvents
	numLists
)

// snapshotLists describes each list; rows are keyed by ID or name, events
// (which have neither) by their whole encoding. It is a constant table.
var snapshotLists = [numLists]listSpec{
	listTasks:    listOf("tasks", func(s *model.Snapshot) *[]model.Task { return &s.Tasks }, func(t *model.Task) string { return string(t.ID) }),
	listManagers: listOf("managers", func(s *model.Snapshot) *[]model.Manager { return &s.Managers }, func(m *model.Manager) string { return m.Name }),
	listPools:    listOf("pools", func(s *model.Snapshot) *[]model.Pool { return &s.Pools }, func(p *model.Pool) string { return p.Name }),
	listReplicas: listOf("replicas", func(s *model.Snapshot) *[]model.ReplicaSet { return &s.Replicas }, func(r *model.ReplicaSet) string { return r.Name }),
	listPollers:  listOf("pollers", func(s *model.Snapshot) *[]model.Poller { return &s.Pollers }, func(p *model.Poller) string { return p.Name }),
	listEvents:   listOf[model.Event]("events", func(s *model.Snapshot) *[]model.Event { return &s.Events }, nil),
}

// listOf builds the listSpec of a []T field of Snapshot; key (nil: the row's
// encoding) says which rows are the same row in two snapshots.
func listOf[T any](field string, get func(*model.Snapshot) *[]T, key func(*T) string) listSpec {
	fields := sync.OnceValue(func() jsonFields { return fieldsOf(reflect.TypeFor[T]()) })
	return listSpec{
		field: field,
		encode: func(s *model.Snapshot, prev *frameList) (frameList, error) {
			rows := *get(s)
			old, _ := prev.vals.([]T)
			fl := frameList{null: rows == nil, rows: make([]*frameRow, len(rows)), index: make(map[string]int, len(rows)), vals: rows}
			for i := range rows {
				var k string
				if key != nil {
					// A row equal to the one of its key before (most of a
					// snapshot: finished work, idle pollers) is not encoded
					// again: equal values encode the same.
					k = fl.unique(key(&rows[i]))
					if j, ok := prev.index[k]; ok && j < len(old) && reflect.DeepEqual(&old[j], &rows[i]) {
						fl.rows[i], fl.index[k] = prev.rows[j], i
						continue
					}
				}
				raw, err := json.Marshal(&rows[i])
				if err != nil {
					return fl, fmt.Errorf("%s[%d]: %w", field, i, err)
				}
				if key == nil {
					k = fl.unique(string(raw))
				}
				r := &frameRow{key: k, raw: raw}
				if j, ok := prev.index[k]; ok && bytes.Equal(prev.rows[j].raw, raw) {
					r = prev.rows[j] // unchanged: keep its parsed fields
				}
				fl.rows[i], fl.index[k] = r, i
			}
			return fl, nil
		},
		decode: func(base, next *model.Snapshot, wl *wireList) error {
			rows, err := decodeList(*get(base), wl, fields())
			if err != nil {
				return err
			}
			*get(next) = rows
			return nil
		},
		clear: func(s *model.Snapshot) { *get(s) = nil },
	}
}

// unique makes k unique in the list being built: a repeated key (two equal
// events) gets the number of its occurrence appended.
func (fl *frameList) unique(k string) string {
	if _, dup := fl.index[k]; !dup {
		return k
	}
	for n := 2; ; n++ {
		kn := k + "\x00" + strconv.Itoa(n)
		if _, dup := fl.index[kn]; !dup {
			return kn
		}
	}
}

// encodeFrame builds the frame of s, reusing prev's rows (and their parsed
// fields) where a row's encoding is unchanged. prev may be nil.
func encodeFrame(s *model.Snapshot, prev *frame) (*frame, error) {
	if prev == nil {
		prev = &frame{}
	}
	f := &frame{seq: s.Seq}
	top := *s
	for i, spec := range snapshotLists {
		fl, err := spec.encode(s, &prev.lists[i])
		if err != nil {
			return nil, fmt.Errorf("encoding snapshot %d: %w", s.Seq, err)
		}
		f.lists[i] = fl
		spec.clear(&top) // the list is not a top-level field
	}
	raw, err := json.Marshal(&top)
	if err != nil {
		return nil, fmt.Errorf("encoding snapshot %d: %w", s.Seq, err)
	}
	if err := json.Unmarshal(raw, &f.top); err != nil {
		return nil, fmt.Errorf("encoding snapshot %d: %w", s.Seq, err)
	}
	for _, spec := range snapshotLists {
		delete(f.top, spec.field)
	}
	return f, nil
}

// frameCache holds the frame of the latest snapshot streamed, its full JSON
// and its deltas from the bases connections asked for: every stream client is
// offered the same snapshots, so each is encoded, and each delta computed,
// once, not once per client. Older frames live only as long as a connection
// that last sent one holds it.
type frameCache struct {
	mu     sync.Mutex
	latest *frame
	full   []byte            // the latest's JSON, once a connection needed it
	deltas map[uint64][]byte // the latest's deltas, by base Seq
}

// next returns the frame of s and the data of the event that takes a client
// from sent (nil: none yet) to it: a delta, or the full snapshot.
func (c *frameCache) next(sent *frame, s *model.Snapshot) (*frame, []byte, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	f := c.latest
	if f == nil || f.seq != s.Seq {
		var err error
		if f, err = encodeFrame(s, c.latest); err != nil {
			return nil, nil, err
		}
		if c.latest == nil || f.seq > c.latest.seq {
			c.latest, c.full, c.deltas = f, nil, make(map[uint64][]byte)
		}
	}
	cached := f == c.latest
	if sent == nil {
		if cached && c.full != nil {
			return f, c.full, nil
		}
		data, err := json.Marshal(s)
		if err != nil {
			return nil, nil, err
		}
		if cached {
			c.full = data
		}
		return f, data, nil
	}
	if data, ok := c.deltas[sent.seq]; ok && cached {
		return f, data, nil
	}
	data, err := diffFrames(sent, f)
	if err != nil {
		return nil, nil, err
	}
	if cached {
		c.deltas[sent.seq] = data
	}
	return f, data, nil
}
