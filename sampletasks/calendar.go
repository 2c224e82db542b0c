package sampletasks

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/spindle-tui/spindle/engine"
)

// Names of the demo's cron work, serial queue and expiring dict key.
const (
	RotatePoller  = "rotate logs"    // a cron poller, every minute: NEXT is a time
	BackupTask    = "nightly backup" // a task of the batch manager at 03:00: its schedule shows in Pollers
	DeviceSerial  = "device"         // a serial queue: calls from three clients, one at a time, in order
	OfflineRack   = "rack-5"         // a temps key whose sensor stops answering: its value expires
	offlineExpire = 3 * time.Second
)

// errSensorOffline is what rack-5's sensor says once it stops answering.
var errSensorOffline = errors.New("rack-5 sensor: no answer (i/o timeout)")

// addOfflineRack adds rack-5 to the temps dict: read every 500ms, its value
// expires 3s after it was read, and its sensor answers for 6s out of every
// 20s, so the dashboard shows the value ageing, expiring and coming back.
func addOfflineRack(d *engine.PollDict[string, float64], s *rackSensors) error {
	s.mu.Lock()
	s.temps[OfflineRack], s.target[OfflineRack] = 35, 35
	s.since = time.Now()
	s.mu.Unlock()
	return d.Add(OfflineRack, 500*time.Millisecond, engine.Expire(offlineExpire))
}

// offlineLocked reports rack-5's sensor failing, 14s out of every 20s. The
// caller holds s.mu.
func (r *rackSensors) offlineLocked(rack string) error {
	if rack == OfflineRack && time.Since(r.since)%(20*time.Second) >= 6*time.Second {
		return errSensorOffline
	}
	return nil
}

// registerCron adds a poller on a cron schedule and a scheduled task of the
// batch manager. Both run in the local zone, which the dashboard states.
func registerCron(e *engine.Engine, batch *engine.Manager) error {
	rotated := 0
	rotate := e.NewPoller(RotatePoller, 0, func(context.Context) (any, error) {
		rotated++
		return fmt.Sprintf("rotated app.log (%d so far)", rotated), nil
	}, engine.Cron("* * * * *"))
	if err := rotate.Start(); err != nil {
		return fmt.Errorf("sampletasks: %s: %w", RotatePoller, err)
	}
	nightly, err := engine.ParseCron("0 3 * * *")
	if err != nil {
		return fmt.Errorf("sampletasks: %s: %w", BackupTask, err)
	}
	if _, err := batch.Schedule(BackupTask, nightly, func(ctx context.Context) error {
		return sleep(ctx, 2*time.Second)
	}); err != nil {
		return fmt.Errorf("sampletasks: %s: %w", BackupTask, err)
	}
	return nil
}

// registerSerial adds the device serial queue and three clients that send it
// commands until ctx is done: the calls queue up and run one at a time, in
// the order they were sent, each client getting its own answer.
func registerSerial(ctx context.Context, e *engine.Engine) {
	dev := e.NewSerial(DeviceSerial)
	for c := range 3 {
		go func() {
			for n := 1; ctx.Err() == nil; n++ {
				cmd := fmt.Sprintf("client %d: set channel %d", c+1, n)
				_, err := dev.Do(ctx, func(ctx context.Context) (any, error) {
					engine.Logf(ctx, "%s", cmd)
					if err := sleep(ctx, time.Duration(300+100*c)*time.Millisecond); err != nil {
						return nil, err
					}
					return "ack " + cmd, nil
				})
				if errors.Is(err, engine.ErrClosed) {
					return
				}
				if err := sleep(ctx, time.Duration(200*c)*time.Millisecond); err != nil {
					return
				}
			}
		}()
	}
}
