package distributed

import (
	"context"
	"errors"
	"net"
	"syscall"
	"testing"
	"testing/synctest"
	"time"

	"github.com/redis/go-redis/v9"
)

// refused is the error a dial to a stopped Redis gives.
var refused = &net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED}

func TestUnreachable(t *testing.T) {
	for _, tc := range []struct {
		name string
		err  error
		want bool
	}{
		{"nil", nil, false},
		{"refused", refused, true},
		{"broken connection", errors.New("EOF"), true},
		{"loading", redisReply("LOADING Redis is loading the dataset in memory"), true},
		{"a reply", redisReply("NOT FOUND"), false},
		{"nil reply", redis.Nil, false},
		{"closed client", redis.ErrClosed, false},
		{"canceled", context.Canceled, false},
		{"deadline", context.DeadlineExceeded, false},
	} {
		if got := unreachable(tc.err); got != tc.want {
			t.Errorf("%s: unreachable(%v) = %v, want %v", tc.name, tc.err, got, tc.want)
		}
	}
}

// redisReply is an error Redis answered with.
type redisReply string

func (e redisReply) Error() string { return string(e) }
func (redisReply) RedisError()     {}

// TestOutageRetry: the hook tries a command again while Redis cannot be
// reached, up to its budget; a reply ends it, and so do stop and the
// command's context; before start it does not retry.
func TestOutageRetry(t *testing.T) {
	for _, tc := range []struct {
		name      string
		failures  int           // tries that find Redis unreachable before it answers
		then      error         // what the try after them returns
		started   bool          // start called
		stopAfter time.Duration // stop called this long after the command began (0: never)
		ctxAfter  time.Duration // the command's context ends this long after it began (0: never)
		wantErr   error
		wantTries int
		wantTook  time.Duration
	}{
		{name: "answers at once", failures: 0, started: true, wantTries: 1},
		{name: "back after a restart", failures: 6, started: true, wantTries: 7,
			wantTook: 50*time.Millisecond + 100*time.Millisecond + 200*time.Millisecond + 400*time.Millisecond + 2*500*time.Millisecond},
		{name: "a reply is final", failures: 2, then: redisReply("NOT FOUND"), started: true, wantErr: redisReply("NOT FOUND"), wantTries: 3, wantTook: 150 * time.Millisecond},
		{name: "gives up after the budget", failures: 1000, started: true, wantErr: refused, wantTries: 23, wantTook: outageBudget},
		{name: "not started", failures: 3, wantErr: refused, wantTries: 1},
		{name: "stopped", failures: 1000, started: true, stopAfter: 2 * time.Second, wantErr: refused, wantTries: 7, wantTook: 2 * time.Second},
		{name: "context ends", failures: 1000, started: true, ctxAfter: time.Second, wantErr: refused, wantTries: 5, wantTook: time.Second},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				h := newOutageRetry()
				if tc.started {
					h.start()
				}
				if tc.stopAfter > 0 {
					time.AfterFunc(tc.stopAfter, h.stop)
				}
				ctx := context.Background()
				if tc.ctxAfter > 0 {
					var cancel context.CancelFunc
					ctx, cancel = context.WithTimeout(ctx, tc.ctxAfter)
					defer cancel()
				}
				tries := 0
				run := h.ProcessHook(func(context.Context, redis.Cmder) error {
					tries++
					if tries <= tc.failures {
						return refused
					}
					return tc.then
				})
				began := time.Now()
				err := run(ctx, redis.NewStatusCmd(ctx, "ping"))
				if !errors.Is(err, tc.wantErr) && err != tc.wantErr {
					t.Errorf("err = %v, want %v", err, tc.wantErr)
				}
				if tries != tc.wantTries {
					t.Errorf("%d tries, want %d", tries, tc.wantTries)
				}
				if took := time.Since(began); took != tc.wantTook {
					t.Errorf("took %v, want %v", took, tc.wantTook)
				}
			})
		})
	}
}
