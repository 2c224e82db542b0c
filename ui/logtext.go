package ui

import "strings"

// SafeText makes a line of a task's output safe to print on a terminal, with
// the dashboard's cleaner (clean): escape sequences and controls never reach
// the terminal (no cursor moves, OSC 52 clipboard writes, title changes,
// screen clears). With colour, SGR sequences (ESC [ digits ; : m) are kept
// as they are and everything else is cleaned; without, they go too.
func SafeText(s string, colour bool) string {
	if !colour || strings.IndexByte(s, 0x1b) < 0 {
		return cleanCell(s)
	}
	var b strings.Builder
	for len(s) > 0 {
		i := strings.Index(s, "\x1b[")
		if i < 0 {
			b.WriteString(cleanCell(s))
			break
		}
		n := sgrLen(s[i:])
		if n == 0 { // not an SGR: clean strips it with the text around it
			j := strings.Index(s[i+2:], "\x1b[")
			if j < 0 {
				b.WriteString(cleanCell(s))
				break
			}
			b.WriteString(cleanCell(s[:i+2+j]))
			s = s[i+2+j:]
			continue
		}
		b.WriteString(cleanCell(s[:i]))
		b.WriteString(s[i : i+n])
		s = s[i+n:]
	}
	return b.String()
}

// sgrLen returns the length of the SGR sequence s begins with (ESC [, then
// digits, ';' and ':' only, then 'm'), or 0 when it is not one.
func sgrLen(s string) int {
	for i := 2; i < len(s) && i < 64; i++ {
		switch c := s[i]; {
		case c == 'm':
			return i + 1
		case c >= '0' && c <= '9', c == ';', c == ':':
		default:
			return 0
		}
	}
	return 0
}
