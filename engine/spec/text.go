package spec

import (
	"bytes"
	"fmt"
	"unicode"
	"unicode/utf8"
)

// utf8BOM is the byte order mark some editors put at the start of a UTF-8 file.
var utf8BOM = []byte("\ufeff")

// checkEncoding drops a leading UTF-8 byte order mark (so it is not taken as
// part of the first key, and positions do not count it) and refuses a file
// that is not UTF-8: a UTF-16 or UTF-32 one, or invalid bytes, which the YAML
// parser would quietly turn into U+FFFD.
func checkEncoding(path string, data []byte) ([]byte, *Error) {
	data = bytes.TrimPrefix(data, utf8BOM)
	if bytes.HasPrefix(data, []byte{0xff, 0xfe}) || bytes.HasPrefix(data, []byte{0xfe, 0xff}) ||
		bytes.HasPrefix(data, []byte{0, 0, 0xfe, 0xff}) {
		return nil, &Error{File: path, Line: 1, Col: 1, Msg: "the task file is UTF-16 or UTF-32 (it starts with a byte order mark)",
			Hint: "save it as UTF-8"}
	}
	if utf8.Valid(data) {
		return data, nil
	}
	off := 0
	for off < len(data) {
		r, size := utf8.DecodeRune(data[off:])
		if r == utf8.RuneError && size == 1 {
			break
		}
		off += size
	}
	p := offsetPos(data, off)
	return nil, &Error{File: path, Line: p.Line, Col: p.Col, Msg: fmt.Sprintf("the task file is not valid UTF-8 here (byte %#02x)", data[off]),
		Hint: "save it as UTF-8"}
}

// offsetPos is the line:col of byte off in data, counting characters.
func offsetPos(data []byte, off int) Pos {
	head := data[:off]
	start := bytes.LastIndexByte(head, '\n') + 1
	return Pos{Line: bytes.Count(head, []byte{'\n'}) + 1, Col: utf8.RuneCount(head[start:]) + 1}
}

// hiddenRune finds the first rune of s that a name shown in the dashboard
// must not hold: invalid UTF-8, a control or format character (bidirectional
// controls reorder what is shown, zero-width ones hide a difference), a line
// or paragraph separator. at counts characters from 1; what says what it is
// ("U+202E, a bidirectional control,"). found is false when s has none.
func hiddenRune(s string) (at int, what string, found bool) {
	for n := 1; s != ""; n++ {
		r, size := utf8.DecodeRuneInString(s)
		s = s[size:]
		if r == utf8.RuneError && size == 1 {
			return n, "invalid UTF-8", true
		}
		if kind := runeKind(r); kind != "" {
			return n, fmt.Sprintf("%U, %s,", r, kind), true
		}
	}
	return 0, "", false
}

// runeKind names the class of r a name must not hold, or "".
func runeKind(r rune) string {
	switch {
	case r == '\u061c', r == '\u200e', r == '\u200f', r >= '\u202a' && r <= '\u202e', r >= '\u2066' && r <= '\u2069':
		return "a bidirectional control"
	case r == '\u200b', r == '\u200c', r == '\u200d', r == '\u2060', r == '\ufeff':
		return "a zero-width character"
	case unicode.Is(unicode.Cc, r):
		return "a control character"
	case unicode.In(r, unicode.Zl, unicode.Zp):
		return "a line or paragraph separator"
	case unicode.Is(unicode.Cf, r):
		return "an invisible format character"
	}
	return ""
}
