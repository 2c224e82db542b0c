//go:build unix

package main

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// freePort returns a loopback port nothing listens on (just now).
func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// stackYAML is db (ready on a TCP port) → migrate (completed_successfully) →
// api (http readiness) → worker ×3, each recording in order when it is
// stopped. apiArg tells two versions of api apart.
func stackYAML(dir string, dbPort, apiPort int, apiArg string) string {
	stop := func(name, cmd string) string {
		// sh runs cmd in the background and records its stop, then ends it
		// ($$ is a literal $ in a task file: these are the shell's variables).
		return fmt.Sprintf(`[sh, -c, 'trap "echo %s >> %s/order; kill $$p; exit 0" TERM; %s & p=$$!; wait']`, name, dir, cmd)
	}
	return fmt.Sprintf(`managers:
  stack:
    limit: 8
    watch: true
    tasks:
      - name: db
        command: %s
        readiness: {tcp: {port: %d}, period: 200ms}
      - name: migrate
        command: [sh, -c, 'sleep 0.3; echo migrated']
        depends_on: {db: healthy}
      - name: api
        command: %s
        depends_on: {migrate: completed_successfully}
        readiness: {http_get: {port: %d, path: /}, period: 200ms}
      - name: worker
        replicas: 3
        command: %s
        depends_on: {api: healthy}
`, stop("db", fmt.Sprintf("python3 db.py %d", dbPort)),
		dbPort, stop("api", fmt.Sprintf("python3 -m http.server %d --bind 127.0.0.1 %s", apiPort, apiArg)), apiPort,
		stop("worker", "sleep 603"))
}

// TestEndToEndStack runs the stack through the real binary in tmux: it
// starts in dependency order and shows its health, survives an edit of api
// (same id, restarted in place), and shuts down in reverse order.
func TestEndToEndStack(t *testing.T) {
	bin := requireTmux(t)
	if _, err := exec.LookPath("python3"); err != nil {
		t.Skip("python3 not installed")
	}
	dir := shortTempDir(t)
	file := filepath.Join(dir, "spindle.yaml")
	dbPort, apiPort := freePort(t), freePort(t)
	// db listens on its port and does nothing else, as a database would
	// while it is up (the tasks run in the file's directory).
	writeFile(t, filepath.Join(dir, "db.py"), "import socket, sys, time\n"+
		"s = socket.socket()\ns.bind((\"127.0.0.1\", int(sys.argv[1])))\ns.listen()\ntime.sleep(600)\n")
	writeFile(t, file, stackYAML(dir, dbPort, apiPort, "--directory ."))
	if out, err := exec.Command(bin, "validate", file).CombinedOutput(); err != nil {
		t.Fatalf("validate: %v\n%s", err, out)
	}
	s := startSpindle(t, dir)
	row := func(name, rest string) *regexp.Regexp {
		return regexp.MustCompile(`(?m)\b(t\w+)\s+` + name + `\s+stack\s+` + rest)
	}
	for _, w := range []string{"worker-1", "worker-2", "worker-3"} {
		s.waitFor(w+" running", row(w, `running\b`))
	}
	s.waitFor("api ready", row("api", `running\s+ready\b`))
	s.waitFor("db ready", row("db", `running\s+ready\b`))
	s.waitFor("migrate done", row("migrate", `done\b`))
	t.Logf("the stack up:\n%s", s.screen())
	apiID := s.waitFor("api's id", row("api", `running`))

	writeFile(t, file+".tmp", stackYAML(dir, dbPort, apiPort, "--directory /"))
	if err := os.Rename(file+".tmp", file); err != nil {
		t.Fatal(err)
	}
	s.waitFor("api restarted in place", regexp.MustCompile(`(?m)\b`+apiID+`\s+api\s+stack\s+running\s+ready\b.*\s1\s`))
	t.Logf("after the edit of api:\n%s", s.screen())

	s.keys("q")
	code := s.waitFor("spindle to exit", regexp.MustCompile(`SPINDLE-EXIT=(\d+)`))
	order, _ := os.ReadFile(filepath.Join(dir, "order"))
	got := strings.Fields(string(order))
	t.Logf("exit %s; stop order %v", code, got)
	// The edit stopped api once; quitting stops the workers, then api, then db.
	want := []string{"api", "worker", "worker", "worker", "api", "db"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Fatalf("stop order %v, want %v; screen:\n%s", got, want, s.screen())
	}
}
