// Package bench compares spindle with other Go libraries (ants, pond, gocron) in
// the same run. It is a module of its own so that the main module carries none of
// them. Run: cd bench && go test -run '^$' -bench . -benchtime 1x
package bench
