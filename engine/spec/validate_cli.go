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
func Validate(stdout, stderr io.Writer, path string) error {
	f, err := Load(path)
	if err != nil {
		var list ErrorList
		if !errors.As(err, &list) {
			return err
		}
		fmt.Fprintln(stderr, err)
		return invalidError(fmt.Sprintf("%s: %s", path, plural(list.Count(), "error")))
	}
	for _, w := range f.Warnings() {
		fmt.Fprintln(stderr, "warning:", w)
	}
	fmt.Fprintf(stdout, "%s: %s\n", path, f.Summary())
	return nil
}

// invalidError counts a file's errors; it matches ErrInvalid without saying so
// again.
type invalidError string

func (e invalidError) Error() string { return string(e) }

// Is reports whether target is ErrInvalid.
func (invalidError) Is(target error) bool { return target == ErrInvalid }
