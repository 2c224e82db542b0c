package remote

import (
	"bytes"
	"reflect"
	"strings"

	json "github.com/goccy/go-json" // as in stream_apply.go
)

// jsonFields maps the JSON names of a struct type's fields (as encoding/json
// names them, promoted fields of embedded structs included) to their index.
type jsonFields map[string][]int

// fieldsOf returns the jsonFields of t, a struct type.
func fieldsOf(t reflect.Type) jsonFields {
	out := jsonFields{}
	for _, f := range reflect.VisibleFields(t) {
		if !f.IsExported() || (f.Anonymous && f.Type.Kind() == reflect.Struct && f.Tag.Get("json") == "") {
			continue // unexported, or an embedded struct whose fields are promoted
		}
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, _, _ := strings.Cut(tag, ",")
		if name == "" {
			name = f.Name
		}
		if _, dup := out[name]; !dup || len(f.Index) < len(out[name]) {
			out[name] = f.Index
		}
	}
	return out
}

// patchValue sets the fields of *v named in set to their JSON and zeroes
// those named in del. Each field patched is zeroed before it is decoded, so
// the slices, maps and pointers *v shares with an older value are replaced,
// never written through (snapshots are immutable), and a StateCounts or a
// struct gets exactly the patch's value. Names *v has not (a newer server's
// fields) are ignored, as json.Unmarshal ignores them.
func patchValue[T any](v *T, fields jsonFields, set map[string]json.RawMessage, del []string) error {
	rv := reflect.ValueOf(v).Elem()
	zero := func(name string) {
		if idx, ok := fields[name]; ok {
			rv.FieldByIndex(idx).SetZero()
		}
	}
	for _, name := range del {
		zero(name)
	}
	for name := range set {
		zero(name)
	}
	if len(set) == 0 {
		return nil
	}
	var obj bytes.Buffer
	obj.WriteByte('{')
	first := true
	for name, raw := range set {
		if !first {
			obj.WriteByte(',')
		}
		first = false
		name, _ := json.Marshal(name)
		obj.Write(name)
		obj.WriteByte(':')
		obj.Write(raw)
	}
	obj.WriteByte('}')
	return json.Unmarshal(obj.Bytes(), v)
}
