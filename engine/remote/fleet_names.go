package remote

import (
	"cmp"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"
)

// defaultSocketName matches the name of a socket serve made itself
// (spindle-<pid>.sock, defaultSocketPath).
var defaultSocketName = regexp.MustCompile(`^spindle-[0-9]+$`)

// OriginNames returns a short, distinct name for each engine, for the ORIGIN
// column: its source's base name ("api" for ./deploy/api.yaml, "demo"), else
// its address's (a socket's file name without ".sock", host:port). Engines
// whose sources share a name take their addresses' names instead when those
// were chosen (not serve's default spindle-PID.sock) and are distinct; names
// still shared get "-1", "-2", … in the order given. Names hold no
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
	// Engines that run files of the same name (two serve of one spindle.yaml)
	// are told apart by their addresses when those were chosen by hand
	// (sd-a.sock, host:port) and say more than a number would; a default
	// socket's name (spindle-PID) does not.
	byAddr := make([]string, len(addrs))
	addrCount := map[string]int{}
	for i, a := range addrs {
		if count[names[i]] > 1 {
			if n := originName(a, ""); !defaultSocketName.MatchString(n) {
				byAddr[i] = n
				addrCount[n]++
			}
		}
	}
	for i, n := range byAddr {
		if n != "" && addrCount[n] == 1 && count[n] == 0 {
			count[names[i]]--
			names[i] = n
			count[n] = 1
		}
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

// sortMembers orders a fleet's members by name, numbers in names by value:
// demo-2 before demo-10.
func sortMembers(ms []FleetMember) {
	slices.SortStableFunc(ms, func(a, b FleetMember) int { return compareNatural(a.Name, b.Name) })
}

// compareNatural compares a and b as text, but runs of digits by their value.
func compareNatural(a, b string) int {
	for a != "" && b != "" {
		da, db := digitRun(a), digitRun(b)
		if da > 0 && db > 0 {
			na, nb := strings.TrimLeft(a[:da], "0"), strings.TrimLeft(b[:db], "0")
			if c := cmp.Or(cmp.Compare(len(na), len(nb)), cmp.Compare(na, nb)); c != 0 {
				return c
			}
			a, b = a[da:], b[db:]
			continue
		}
		if a[0] != b[0] {
			return cmp.Compare(a[0], b[0])
		}
		a, b = a[1:], b[1:]
	}
	return cmp.Compare(len(a), len(b))
}

// digitRun is how many ASCII digits s starts with.
func digitRun(s string) int {
	n := 0
	for n < len(s) && s[n] >= '0' && s[n] <= '9' {
		n++
	}
	return n
}
