package spec

import (
	"bytes"
	"regexp"
	"slices"
	"strings"
)

// procfileEntry splits a Procfile entry: a name of letters, digits, _ and -,
// a colon, and a command (as foreman reads it). (Not a regexp: matching one
// per line of a large file would cost a matcher each.)
func procfileEntry(line string) (name, command string, ok bool) {
	i := 0
	for i < len(line) && (isNameChar(line[i]) || line[i] == '-') {
		i++
	}
	if i == 0 || i >= len(line) || line[i] != ':' {
		return "", "", false
	}
	return line[:i], strings.TrimLeft(line[i+1:], " \t"), true
}

// Detect tells what kind of task file data is, from its content alone:
//
//   - a process-compose file has a top-level processes: key (and no managers,
//     pools or pollers);
//   - a Procfile has "name: command" lines, comments and blank lines (a line
//     that is none of them is an error of the Procfile), nothing only YAML
//     has (a list item, a flow collection, lines indented under a key), none
//     of them a spindle top-level key, and at least one of them a command
//     (not a YAML number, boolean, null, tag, anchor, alias, block scalar or
//     flow mapping: "bogus: 1" is a mistyped spindle file);
//   - anything else is a spindle file.
func Detect(data []byte) Format {
	data = bytes.TrimPrefix(data, utf8BOM)
	spindleKeys := mapSlice(fileFields(), func(f field[File]) string { return f.name })
	compose, spindle, procLines := false, false, 0
	// yamlish is set by what only YAML has: a list item, a flow collection, a
	// document marker, or an indented line under a "key:" with no value.
	yamlish, opener := false, false
	for line := range strings.Lines(string(data)) {
		line = strings.TrimRight(line, "\r\n")
		trimmed := strings.TrimSpace(line)
		if trimmed == "" || strings.HasPrefix(trimmed, "#") {
			continue
		}
		if line[0] == ' ' || line[0] == '\t' {
			yamlish = yamlish || opener
			continue
		}
		opener = strings.HasSuffix(trimmed, ":")
		if strings.HasPrefix(line, "-") || strings.HasPrefix(line, "{") || strings.HasPrefix(line, "[") || strings.HasPrefix(line, "...") {
			yamlish = true
			continue
		}
		key, _, _ := strings.Cut(line, ":")
		key = strings.Trim(strings.TrimSpace(key), `"'`)
		switch {
		case key == "processes":
			compose = true
		case slices.Contains(spindleKeys, key):
			spindle = true
		}
		if _, cmd, ok := procfileEntry(line); ok && looksLikeCommand(cmd) {
			procLines++
		}
	}
	switch {
	case compose && !spindle:
		return FormatProcessCompose
	case !spindle && !yamlish && procLines > 0:
		return FormatProcfile
	}
	return FormatSpindle
}

// yamlScalar matches the values YAML reads as a number, a boolean or null.
var yamlScalar = regexp.MustCompile(`^(?i:[-+]?[0-9._]+([eE][-+]?[0-9]+)?|0x[0-9a-f]+|0o[0-7]+|true|false|yes|no|on|off|null|~)$`)

// looksLikeCommand reports whether v, after "name:", reads as a command
// rather than a YAML value.
func looksLikeCommand(v string) bool {
	v = strings.TrimSpace(v)
	return v != "" && !strings.ContainsAny(v[:1], "{!&*|>") && (len(v) > 24 || !yamlScalar.MatchString(v))
}
