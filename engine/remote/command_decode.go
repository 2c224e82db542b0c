package remote

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/spindle-tui/spindle/model"
)

// decodeCommand reads exactly one JSON model.Command from r and checks it
// names what its op acts on. JSON that could be read two ways is refused:
// invalid UTF-8, a key given twice (in any case: encoding/json would keep the
// last), a key in another case than the field's, an unknown key, a value that
// is not a string or number, trailing data. Its errors are *CommandError.
func decodeCommand(r io.Reader) (model.Command, error) {
	var cmd model.Command
	data, err := io.ReadAll(r)
	if err != nil {
		return cmd, malformed("reading command: " + err.Error())
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return cmd, malformed("malformed command: empty body; want a JSON object such as {\"op\":\"halt\",\"target\":\"t3\"}")
	}
	if !utf8.Valid(data) {
		return cmd, malformed("malformed command: the body is not valid UTF-8")
	}
	if err := checkCommandKeys(data); err != nil {
		return cmd, err
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&cmd); err != nil {
		return cmd, malformed("malformed command: " + err.Error())
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return cmd, malformed("malformed command: trailing data after the JSON object")
	}
	return cmd, validateCommand(cmd)
}

// malformed is a CommandError with the malformed_body code.
func malformed(msg string) *CommandError { return &CommandError{Code: codeMalformed, Msg: msg} }

// commandFields returns model.Command's JSON keys, in order.
func commandFields() []string {
	t := reflect.TypeFor[model.Command]()
	keys := make([]string, 0, t.NumField())
	for f := range t.Fields() {
		if name, _, _ := strings.Cut(f.Tag.Get("json"), ","); name != "" && name != "-" {
			keys = append(keys, name)
		}
	}
	return keys
}

// checkCommandKeys walks the top-level object of data: each key once, spelled
// as the field is, each value a string, number or null.
func checkCommandKeys(data []byte) error {
	fields := commandFields()
	dec := json.NewDecoder(bytes.NewReader(data))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return malformed("malformed command: want a JSON object such as {\"op\":\"halt\",\"target\":\"t3\"}")
	}
	seen := map[string]string{} // folded key -> the key as given
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return malformed("malformed command: " + err.Error())
		}
		key, _ := tok.(string)
		folded := strings.ToLower(key)
		if first, dup := seen[folded]; dup {
			return malformed(fmt.Sprintf("malformed command: key %s given twice (as %s and %s); give each once",
				strconv.Quote(key), strconv.Quote(first), strconv.Quote(key)))
		}
		seen[folded] = key
		if !slices.Contains(fields, key) {
			return malformed(fmt.Sprintf("malformed command: unknown field %s; the fields are %s",
				strconv.Quote(key), strings.Join(fields, ", ")))
		}
		val, err := dec.Token()
		if err != nil {
			return malformed("malformed command: " + err.Error())
		}
		if _, ok := val.(json.Delim); ok {
			return malformed(fmt.Sprintf("malformed command: %s must be a string or a number", strconv.Quote(key)))
		}
	}
	return nil
}

// ErrBadName is matched by CheckName's errors.
var ErrBadName = errors.New("bad name")

// CheckName refuses a name (a task id or name, a manager, pool or poller)
// that is not valid UTF-8 or holds a control character, a format character
// (bidi overrides such as U+202E, zero-width spaces and joiners, the BOM) or a
// line or paragraph separator: such a name could look like another on screen
// or move the terminal's cursor. The error shows the name escaped.
func CheckName(name string) error {
	if !utf8.ValidString(name) {
		return fmt.Errorf("%s is not valid UTF-8: %w", strconv.QuoteToASCII(name), ErrBadName)
	}
	for _, r := range name {
		if unicode.Is(unicode.Cc, r) || unicode.Is(unicode.Cf, r) || unicode.Is(unicode.Zl, r) || unicode.Is(unicode.Zp, r) {
			return fmt.Errorf("%s holds the invisible or control character %U: %w", strconv.QuoteToASCII(name), r, ErrBadName)
		}
	}
	return nil
}
