package remote

import (
	"cmp"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"unicode"
)

// OriginNames returns a short, distinct name for each engine, for the ORIGIN
// column: its source's base name ("api" for ./deploy/api.yaml, "demo"), else
// its address's (a socket's file name without ".sock", host:port); names
// several engines share get "-1", "-2", … in the order given. Names hold no
// "/" (it joins origin and name in a fleet), blanks or control characters.
func OriginNames(addrs, sources []string) []string {
	names := make([]string, len(addrs))
	count := map[string]int{}
	for i, a := range addrs {
		src := ""
		if i < len(sources) {
			src = sources[i]
		}
		names[i] = originName(a, src)
		count[names[i]]++
	}
	seen := map[string]int{}
	for i, n := range names {
		if count[n] > 1 {
			seen[n]++
			names[i] = n + "-" + strconv.Itoa(seen[n])
		}
	}
	return names
}

// originName is one engine's name before duplicates are told apart.
func originName(addr, source string) string {
	name := ""
	if src := strings.TrimSpace(source); src != "" && !strings.HasPrefix(src, "attach ") {
		base := filepath.Base(src)
		name = strings.TrimSuffix(strings.TrimSuffix(base, ".yaml"), ".yml")
	}
	if name == "" || name == "." || name == "/" {
		ep, err := parseAddr(addr)
		switch {
		case err != nil:
			name = addr
		case ep.unix != "":
			name = strings.TrimSuffix(filepath.Base(ep.unix), ".sock")
		default:
			name = ep.tcp
		}
	}
	name = strings.Map(func(r rune) rune {
		if r == '/' || unicode.IsSpace(r) || unicode.IsControl(r) || unicode.Is(unicode.Cf, r) {
			return '-'
		}
		return r
	}, name)
	if name == "" {
		name = "engine"
	}
	return name
}

// sortMembers orders a fleet's members by name.
func sortMembers(ms []FleetMember) {
	slices.SortStableFunc(ms, func(a, b FleetMember) int { return cmp.Compare(a.Name, b.Name) })
}
