package spec

import (
	"fmt"
	"strings"
)

// suggest returns a hint naming the known word nearest to got, or listing all of
// them when none is near enough to be a likely typo.
func suggest(got string, known []string) string {
	if best, ok := nearest(got, known); ok {
		return fmt.Sprintf("did you mean %q?", best)
	}
	return "known fields: " + strings.Join(known, ", ")
}

// nearest returns the known word nearest to got when it is near enough to be
// a likely typo.
func nearest(got string, known []string) (string, bool) {
	best, bestDist := "", -1
	for _, k := range known {
		d := editDistance(strings.ToLower(got), strings.ToLower(k))
		if bestDist < 0 || d < bestDist {
			best, bestDist = k, d
		}
	}
	// A typo changes a few letters; allow about a third of the word.
	return best, best != "" && bestDist <= max(2, len(best)/3)
}

// editDistance is the Levenshtein distance between a and b, in bytes. Field
// names are ASCII; anything longer than a field name is cut to keep fuzzed
// input cheap.
func editDistance(a, b string) int {
	const maxLen = 64
	if len(a) > maxLen {
		a = a[:maxLen]
	}
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
