package spec

import (
	"net"
	"strconv"
	"strings"

	"github.com/goccy/go-yaml/ast"
)

// fleetField is the file's fleet: entry, the engines `spindle attach` opens
// in one dashboard when it is given no address (the file's own work, if
// any, is not among them: serve it and list its address).
func fleetField() field[File] {
	return field[File]{
		fieldInfo: fieldInfo{name: "fleet", kind: kindAddrs,
			doc:     "Served engines spindle attach shows in one dashboard: socket paths, unix:/path, host:port or http://host:port.",
			example: "fleet: [/run/user/1000/spindle/api.sock, 127.0.0.1:7070]"},
		set: func(d *decoder, fi *fieldInfo, n ast.Node, f *File) {
			if v, ok := d.addrs(n, fi); ok {
				f.Fleet = v
			}
		},
	}
}

// addrsHint is how a fleet list is written.
const addrsHint = "write a list of addresses such as [/run/user/1000/spindle/api.sock, 127.0.0.1:7070]"

// addrs decodes a non-empty list of distinct engine addresses.
func (d *decoder) addrs(n ast.Node, f *fieldInfo) ([]string, bool) {
	r := d.resolve(n)
	seq, isSeq := r.(*ast.SequenceNode)
	switch {
	case r == nil:
		return nil, false
	case !isSeq:
		d.errorf(r, addrsHint, "%s must be a list of addresses, got %s", f.name, describe(r))
		return nil, false
	case len(seq.Values) == 0:
		d.errorf(seq, addrsHint, "%s is empty", f.name)
		return nil, false
	}
	out := make([]string, 0, len(seq.Values))
	seen := map[string]Pos{}
	ok := true
	for i, item := range seq.Values {
		if !d.spend(item) {
			return nil, false
		}
		s, isScalar := d.scalar(item)
		if !isScalar {
			if ri := d.resolve(item); ri != nil {
				d.errorf(ri, addrsHint, "%s[%d] must be an address, got %s", f.name, i, describe(ri))
			}
			ok = false
			continue
		}
		s = strings.TrimSpace(s)
		if why := badAddr(s); why != "" {
			d.errorf(item, addrsHint, "%s[%d] %q: %s", f.name, i, clip(s), why)
			ok = false
			continue
		}
		if at, dup := seen[s]; dup {
			d.errorf(item, "list each engine once", "%s[%d] %q is already listed at line %d", f.name, i, clip(s), at.Line)
			ok = false
			continue
		}
		seen[s] = posOf(item)
		out = append(out, s)
	}
	return out, ok
}

// badAddr says what is wrong with an engine address, "" when nothing is: the
// forms remote.Dial takes, checked here without dialling.
func badAddr(s string) string {
	rest := strings.TrimSuffix(strings.TrimPrefix(s, "http://"), "/")
	switch {
	case s == "":
		return "an empty address"
	case strings.HasPrefix(s, "unix:"):
		if strings.TrimPrefix(s, "unix:") == "" {
			return "an empty socket path"
		}
		return ""
	case strings.Contains(rest, "/"):
		return "" // a socket path
	}
	_, port, err := net.SplitHostPort(rest)
	if err != nil {
		return "not a socket path (it has no /), unix:/path or host:port"
	}
	if _, err := strconv.ParseUint(port, 10, 16); err != nil {
		return "bad port " + strconv.Quote(port)
	}
	return ""
}
