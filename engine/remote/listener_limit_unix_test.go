//go:build unix

package remote

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/spindle-tui/spindle/engine"
	"github.com/spindle-tui/spindle/model"
)

// fdChildEnv marks the server process of TestFDReserveRealLimit.
const fdChildEnv = "SPINDLE_TEST_FD_SERVER"

// TestFDReserveRealLimit runs a server in a child process whose descriptor
// limit is 256, with a supervised process, and opens 400 idle connections to
// it (as an unauthenticated client may: /healthz needs no token). The server
// refuses the connections past its reserve, and restarting the process still
// works (it used to fail with "too many open files").
func TestFDReserveRealLimit(t *testing.T) {
	if os.Getenv(fdChildEnv) != "" {
		fdServerChild()
		return
	}
	if testing.Short() {
		t.Skip("spawns a server process")
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestFDReserveRealLimit$")
	cmd.Env = append(os.Environ(), fdChildEnv+"=1")
	stdin, _ := cmd.StdinPipe()
	stdout, _ := cmd.StdoutPipe()
	cmd.Stderr = os.Stderr
	must(t, cmd.Start())
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()
	out := bufio.NewScanner(stdout)
	if !out.Scan() {
		t.Fatal("the server child said nothing")
	}
	addr := strings.TrimPrefix(out.Text(), "addr ")

	conns := make([]net.Conn, 400)
	for i := range conns {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatalf("dial: %v", err)
		}
		defer c.Close()
		conns[i] = c
	}
	refused, held := 0, 0
	// One more connection, refused: once it is answered, the server has
	// accepted (and answered, if refused) every connection before it.
	last := rawConn(t, addr)
	if out, err := readAnswer(last); errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("connection 401 not refused: %q", out)
	}
	for _, c := range conns {
		_ = c.SetReadDeadline(time.Now().Add(10 * time.Millisecond))
		var buf [256]byte
		n, err := c.Read(buf[:])
		switch {
		case n > 0 && strings.Contains(string(buf[:n]), "503"):
			refused++
		case errors.Is(err, os.ErrDeadlineExceeded):
			held++
		}
	}
	t.Logf("400 connections: %d held, %d refused", held, refused)
	if refused == 0 || held > 256-64 {
		t.Errorf("%d held, %d refused: want refusals before the reserve of 64 of 256", held, refused)
	}
	if _, err := io.WriteString(stdin, "restart\n"); err != nil {
		t.Fatal(err)
	}
	if !out.Scan() || out.Text() != "restarted" {
		t.Fatalf("restart with the connections held: %s", out.Text())
	}
}

// fdServerChild is the server of TestFDReserveRealLimit: it lowers its soft
// descriptor limit to 256, supervises one process, serves on loopback, and
// restarts the process when asked on stdin, saying how that went.
func fdServerChild() {
	fail := func(err error) { fmt.Println("error", err); os.Exit(1) }
	var rl syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &rl); err != nil {
		fail(err)
	}
	rl.Cur = 256
	if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &rl); err != nil {
		fail(err)
	}
	e := engine.New(engine.WithRefresh(5 * time.Millisecond))
	m := e.NewManager("svc", 1)
	id, err := m.AppendProcess("sleeper", engine.ProcessSpec{Command: []string{"sleep", "653"}})
	if err != nil {
		fail(err)
	}
	if err := m.Run(); err != nil {
		fail(err)
	}
	// Connections that send nothing are held as long as the test needs (the
	// header timeout is TestConnectionTimeouts' business).
	long := defaultTimeouts
	long.readHeader = time.Minute
	s, err := Listen(context.Background(), e, "127.0.0.1:0", WithToken("k"), withTimeouts(long))
	if err != nil {
		fail(err)
	}
	fmt.Println("addr", s.Addr())
	in := bufio.NewScanner(os.Stdin)
	for in.Scan() {
		first := pidOf(e, id)
		if err := e.Apply(context.Background(), model.Command{Op: model.OpRestart, Target: id}); err != nil {
			fail(err)
		}
		deadline := time.Now().Add(10 * time.Second)
		for {
			task := taskOf(e, id)
			if task.State == model.StateRunning && task.PID != 0 && task.PID != first {
				fmt.Println("restarted")
				break
			}
			if task.State.Finished() || time.Now().After(deadline) {
				fmt.Printf("%s: %s\n", task.State, task.Error)
				break
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
	_ = e.Close(context.Background())
	os.Exit(0)
}
