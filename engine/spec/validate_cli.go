package spec

import (
	"errors"
	"fmt"
	"io"
)

// ErrInvalid is matched by Validate's error when the file has errors.
var ErrInvalid = errors.New("invalid task file")

// Validate runs `spindle validate`: it loads the task file at path and prints
// its warnings (see File.Warnings) to stderr and its summary to stdout, or every error (file:line:col each) to stderr and
// returns an error matching ErrInvalid that counts them.
//
// A file that is not a spindle file says what it was read as: "(read as a
// process-compose file)", "(read as a Procfile)".
func Validate(stdout, stderr io.Writer, path string) error {
	data, err := readFile(path)
	if err != nil {
		return fmt.Errorf("spec: %w", err)
	}
	as := ""
	if format := Detect(data); format != FormatSpindle {
		as = " (read as " + format.Article() + ")"
	}
	f, err := Parse(path, data)
	if err != nil {
		var list ErrorList
		if !errors.As(err, &list) {
			return err
		}
		fmt.Fprintln(stderr, err)
		return invalidError(fmt.Sprintf("%s: %s%s", path, plural(list.Count(), "error"), as))
	}
	for _, w := range f.Warnings() {
		fmt.Fprintln(stderr, "warning:", w)
	}
	fmt.Fprintf(stdout, "%s%s: %s\n", path, as, f.Summary())
	return nil
}

// invalidError counts a file's errors; it matches ErrInvalid without saying so
// again.
type invalidError string

func (e invalidError) Error() string { return string(e) }

// Is reports whether target is ErrInvalid.
func (invalidError) Is(target error) bool { return target == ErrInvalid }
