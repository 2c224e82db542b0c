package ui

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"
)

// ellipsis marks text cut to fit a column.
const ellipsis = "…"

// isASCII reports whether s is printable ASCII, whose width is its length.
func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f {
			return false
		}
	}
	return true
}

// textWidth returns the cells s takes on screen; plain ASCII is measured for free.
func textWidth(s string) int {
	if isASCII(s) {
		return len(s)
	}
	return visibleWidth(s)
}

// simpleRune reports whether r is one cell wide on its own and never joins a
// neighbour into one grapheme: Latin letters, punctuation, arrows, box drawing,
// blocks, ✓. The dashboard's own chrome uses only these.
func simpleRune(r rune) bool {
	switch {
	case r >= 0xa0 && r < 0x300:
		return true
	case r >= 0x2010 && r <= 0x2027, r >= 0x2030 && r <= 0x205e:
		return true
	case r >= 0x2190 && r <= 0x21ff, r >= 0x2500 && r <= 0x25ff:
		return true
	}
	return r == 0x2713
}

// fastWidth measures a styled line without grapheme segmentation: SGR and other CSI
// sequences count nothing, ASCII and simple runes one cell. ok is false when the
// line holds anything else, and the caller must measure it properly.
func fastWidth(s string) (n int, ok bool) {
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == 0x1b:
			if i+1 >= len(s) || s[i+1] != '[' {
				return 0, false
			}
			j := i + 2
			for j < len(s) && (s[j] < 0x40 || s[j] > 0x7e) {
				j++
			}
			i = j + 1
		case c < 0x20 || c == 0x7f:
			return 0, false
		case c < 0x80:
			n++
			i++
		default:
			r, size := utf8.DecodeRuneInString(s[i:])
			if !simpleRune(r) {
				return 0, false
			}
			n++
			i += size
		}
	}
	return n, true
}

// truncate cuts s to at most w cells, ending in … when something was cut.
func truncate(s string, w int) string {
	if w <= 0 {
		return ""
	}
	if isASCII(s) {
		if len(s) <= w {
			return s
		}
		if w == 1 {
			return ellipsis
		}
		return s[:w-1] + ellipsis
	}
	if visibleWidth(s) <= w {
		return s
	}
	return ansi.Truncate(s, w, ellipsis)
}

// writePadded appends s cut or padded with spaces to exactly w cells, in p.
func writePadded(b *strings.Builder, p paint, s string, w int) {
	if w <= 0 {
		return
	}
	s = truncate(s, w)
	p.write(b, s)
	writeSpaces(b, w-textWidth(s))
}

// writeRight appends s right-aligned in w cells, in p.
func writeRight(b *strings.Builder, p paint, s string, w int) {
	if w <= 0 {
		return
	}
	s = truncate(s, w)
	writeSpaces(b, w-textWidth(s))
	p.write(b, s)
}

// spaces is a run of blanks sliced for padding, so padding never allocates.
const spaces = "                                                                                "

// writeSpaces appends n blanks.
func writeSpaces(b *strings.Builder, n int) {
	for n > 0 {
		k := min(n, len(spaces))
		b.WriteString(spaces[:k])
		n -= k
	}
}

// firstLine returns s up to its first line break.
func firstLine(s string) string {
	if i := strings.IndexAny(s, "\r\n"); i >= 0 {
		return s[:i]
	}
	return s
}

// fitLine cuts a styled line to w cells and pads it with blanks to exactly w.
func fitLine(line string, w int) string {
	n := visibleWidth(line)
	switch {
	case n > w:
		return ansi.Truncate(line, w, "")
	case n < w:
		return line + strings.Repeat(" ", w-n)
	}
	return line
}

// fitScreen makes lines exactly w cells wide and h lines high, so the frame never
// wraps or scrolls whatever the terminal size.
func fitScreen(lines []string, w, h int) string {
	if h < 0 {
		h = 0
	}
	if len(lines) > h {
		lines = lines[:h]
	}
	var b strings.Builder
	b.Grow(h * (w + 16))
	for i := range h {
		if i > 0 {
			b.WriteByte('\n')
		}
		if i < len(lines) {
			b.WriteString(fitLine(lines[i], w))
		} else {
			writeSpaces(&b, w)
		}
	}
	return b.String()
}

// overlay draws box over base with its top-left corner at (x, y); both are lines of
// styled text, base at least as wide as x plus the box.
func overlay(base, box []string, x, y int) []string {
	out := append([]string(nil), base...)
	for i, line := range box {
		row := y + i
		if row < 0 || row >= len(out) {
			continue
		}
		bw := ansi.StringWidth(line)
		left := ansi.Truncate(out[row], x, "")
		if pad := x - ansi.StringWidth(left); pad > 0 {
			left += strings.Repeat(" ", pad)
		}
		right := ansi.TruncateLeft(out[row], x+bw, "")
		out[row] = left + ansi.ResetStyle + line + ansi.ResetStyle + right
	}
	return out
}

// centre returns the offset that centres an inner size in an outer one.
func centre(outer, inner int) int {
	return max(0, (outer-inner)/2)
}

// visibleWidth returns the cells a styled string takes on screen.
func visibleWidth(s string) int {
	if n, ok := fastWidth(s); ok {
		return n
	}
	return ansi.StringWidth(s)
}

// plainText reports whether s is printable ASCII, tabs and line breaks aside:
// text that clean returns as it is. Anything else (a control character, an
// escape, any byte of 0x80 or above, which may be a C1 control, a bidi
// override or invalid UTF-8) takes the careful path.
func plainText(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f {
			return false
		}
	}
	return true
}

// clean makes text from tasks (a child's output, a peer's names) safe to
// draw: no byte of it reaches the terminal as a control. Escape sequences
// (colours, cursor moves, OSC 52 clipboard writes, title changes) are
// stripped; tabs become tabWidth blanks; line breaks are kept only when
// keepNewlines (for blocks like a stack); other C0 and C1 controls go; format
// characters that change how text reads without showing (bidi overrides,
// zero-width characters, a BOM) and invalid UTF-8 bytes (a raw 0x9b is a
// C1 CSI to some terminals) are shown escaped: \u202e, \xff.
func clean(s string, tabWidth int, keepNewlines bool) string {
	if plainText(s) {
		return s
	}
	if !utf8.ValidString(s) {
		s = escapeInvalid(s) // first, so that no stray byte can join an escape sequence
	}
	if strings.IndexByte(s, 0x1b) >= 0 {
		s = ansi.Strip(s)
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case r == '\t':
			writeSpaces(&b, tabWidth)
		case r == '\n' && keepNewlines:
			b.WriteByte('\n')
		case r == '\n':
			b.WriteByte(' ')
		case r < 0x20 || r == 0x7f || r >= 0x80 && r < 0xa0:
		case unicode.Is(unicode.Cf, r):
			b.WriteString(`\u`)
			b.WriteString(strconv.FormatInt(int64(r), 16))
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// escapeInvalid replaces every byte of s that is not part of valid UTF-8 with
// its escape, \xff.
func escapeInvalid(s string) string {
	var b strings.Builder
	b.Grow(len(s) + 8)
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b.WriteString(`\x`)
			b.WriteByte("0123456789abcdef"[s[i]>>4])
			b.WriteByte("0123456789abcdef"[s[i]&0xf])
		} else {
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

// cleanCell makes one line of task text safe to draw in a cell.
func cleanCell(s string) string { return clean(s, 1, false) }

// plural is n and noun, with an s unless n is 1: "1 pool", "3 tasks".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return strconv.Itoa(n) + " " + noun + "s"
}
