package spec

import (
	"path/filepath"
	"slices"
)

// A task file's env files are part of it: a save of one reloads the file as
// a save of the file does. The watcher learns them from each version it
// parses (every task's env_file, and the .env beside a process-compose file
// or a Procfile, which those formats read), watches their directories, and
// compares what it reads as the file's content followed by theirs, so a
// change to either calls back and a save that changes neither does not.

// learnEnv makes the env files f reads the ones watched with the file. It
// reports whether they changed.
func (w *Watcher) learnEnv(f *File) bool {
	var paths []string
	if f.Format == FormatProcessCompose || f.Format == FormatProcfile {
		paths = append(paths, filepath.Join(filepath.Dir(w.abs), ".env"))
	}
	for _, m := range f.Managers {
		for _, t := range m.Tasks {
			paths = append(paths, t.EnvFiles...)
		}
	}
	for _, p := range f.Pools {
		for _, t := range p.Tasks {
			paths = append(paths, t.EnvFiles...)
		}
	}
	for i, p := range paths {
		paths[i] = filepath.Clean(p)
	}
	slices.Sort(paths)
	paths = slices.Compact(paths)
	if slices.Equal(paths, w.envFiles) {
		return false
	}
	w.envFiles = paths
	return true
}

// withEnv returns data (the task file's content) followed by each env
// file's path and content (or read error): what two reads must agree on,
// and what a change is judged by. data itself is not modified.
func (w *Watcher) withEnv(data []byte) []byte {
	if len(w.envFiles) == 0 {
		return data
	}
	out := slices.Clip(data)
	for _, p := range w.envFiles {
		out = append(out, 0)
		out = append(out, p...)
		out = append(out, 0)
		if b, err := readFile(p); err != nil {
			out = append(out, err.Error()...)
		} else {
			out = append(out, b...)
		}
	}
	return out
}

// watchEnv adds the env files (through their symlinks) to the paths
// whose events mean "reload" and their directories to want.
func (w *Watcher) watchEnv(want map[string]bool) {
	for _, p := range w.envFiles {
		for _, q := range linkChain(p) {
			w.interesting[q] = true
			want[filepath.Dir(q)] = true
		}
	}
}
