package engine

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
)

// TCPProbe returns a Probe that passes when a TCP connection to addr
// ("host:port") opens within the probe's timeout.
func TCPProbe(addr string) Probe {
	return Probe{Describe: "tcp " + addr, Check: func(ctx context.Context) error {
		var d net.Dialer
		c, err := d.DialContext(ctx, "tcp", addr)
		if err != nil {
			return err
		}
		return c.Close()
	}}
}

// HTTPProbe returns a Probe that passes when a GET of url answers with
// status, or with any 2xx or 3xx status when status is 0. Redirects are not
// followed; each check opens a connection of its own and closes it.
func HTTPProbe(url string, status int) Probe {
	client := &http.Client{
		Transport:     &http.Transport{DisableKeepAlives: true, Proxy: nil},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	return Probe{Describe: "http GET " + url, Check: func(ctx context.Context) error {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		if err != nil {
			return err
		}
		resp, err := client.Do(req)
		if err != nil {
			return err
		}
		body, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
		_ = resp.Body.Close()
		ok := resp.StatusCode >= 200 && resp.StatusCode < 400
		if status != 0 {
			ok = resp.StatusCode == status
		}
		if ok {
			return nil
		}
		msg := fmt.Sprintf("GET %s: %s", url, resp.Status)
		if s := strings.TrimSpace(string(body)); s != "" {
			msg += ": " + firstLine(s)
		}
		return fmt.Errorf("%s", msg)
	}}
}

// ExecProbe returns a Probe that runs spec's command (Command, Dir and Env;
// see CommandPoll) and passes when it exits 0; a failure reads like `exit
// status 1: <the last line of its stderr>`. When the timeout passes the
// command's process group is SIGKILLed.
func ExecProbe(spec ProcessSpec) Probe {
	poll := CommandPoll(spec)
	return Probe{Describe: "exec " + quoteArgv(spec.Command), Check: func(ctx context.Context) error {
		_, err := poll(ctx)
		return err
	}}
}
