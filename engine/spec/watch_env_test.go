package spec

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

// waitEnv returns at the first callback whose file gives task its env
// variable key the value want, failing on a deadline.
func (r *fsRig) waitEnv(t *testing.T, task, key, want string) {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		select {
		case res := <-r.got:
			if res.err != nil {
				continue
			}
			for _, m := range res.file.Managers {
				for _, tk := range m.Tasks {
					if tk.Name == task && tk.Env[key] == want {
						return
					}
				}
			}
		case <-deadline:
			t.Fatalf("no callback with %s's %s=%s", task, key, want)
		}
	}
}

// TestWatchEnvFileSave: a save of a task's env_file, in the file's directory
// or another one, reloads the task file as a save of the file itself does,
// in place or by rename.
func TestWatchEnvFileSave(t *testing.T) {
	dir, other := t.TempDir(), t.TempDir()
	path := filepath.Join(dir, "spindle.yaml")
	local, far := filepath.Join(dir, "app.env"), filepath.Join(other, "far.env")
	writeFile(t, local, "MODE=one\n")
	writeFile(t, far, "LEVEL=low\n")
	writeFile(t, path, "managers:\n  m:\n    tasks:\n      - name: api\n        command: [sleep, '1']\n        env_file: [app.env, "+far+"]\n")
	r := startWatch(t, path)
	writeFile(t, local, "MODE=two\n")
	r.waitEnv(t, "api", "MODE", "two")
	tmp := far + ".tmp" // an editor's save: a new file renamed over the old
	writeFile(t, tmp, "LEVEL=high\n")
	if err := os.Rename(tmp, far); err != nil {
		t.Fatal(err)
	}
	r.waitEnv(t, "api", "LEVEL", "high")
}

// TestWatchDotEnvBesideAProcfile: the .env beside a Procfile (or a
// process-compose file) is read into every task; saving it reloads the file.
func TestWatchDotEnvBesideAProcfile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "Procfile")
	writeFile(t, filepath.Join(dir, ".env"), "GREETING=hello\n")
	writeFile(t, path, "web: sleep 1\n")
	r := startWatch(t, path)
	writeFile(t, filepath.Join(dir, ".env"), "GREETING=bye\n")
	r.waitEnv(t, "web", "GREETING", "bye")
}
