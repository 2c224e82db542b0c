package distributed

import (
	"errors"
	"fmt"
	"net"
	"os"
	"strconv"
	"time"
)

// Config is how Join makes a pool of an engine join a distributed queue.
type Config struct {
	// Redis is the address of the Redis server that holds the queue
	// ("host:port"). Required.
	Redis string
	// Password and DB select the Redis database, as redis-cli's -a and -n.
	Password string
	DB       int
	// Queue is the asynq queue's name; empty means the pool's name. Every
	// engine that joins with the same Redis and Queue works the same queue.
	Queue string

	// MaxWorkers is how many of the queue's tasks this engine runs at once
	// (the local pool's MaxWorkers); below 1 it is 1.
	MaxWorkers int
	// TaskType is the only task type the pool takes (task-type protection, on
	// enqueue and on delivery); empty takes any type.
	TaskType string
	// Daemon is the local pool's Daemon (see engine.PoolConfig).
	Daemon bool

	// Origin is what this engine's enqueued tasks say they came from (a row's
	// From on the engine that runs them); empty means "host/pid".
	Origin string
	// Retention is how long a finished task stays in Redis, so that a Handle
	// can read how it ended; default 1h. Negative keeps none (Wait then
	// reports ErrTaskGone for a task that succeeded).
	Retention time.Duration
	// ShutdownTimeout bounds how long Close waits for the tasks this engine
	// took before giving them back to the queue (another engine runs them
	// again); default 8s.
	ShutdownTimeout time.Duration
	// StatsEvery is how often the cluster figures are read; default 1s.
	StatsEvery time.Duration
	// WaitEvery is how often a waited-for Handle's task is looked up; default
	// 100ms.
	WaitEvery time.Duration
	// RetryDelay is how long a failed task waits before it is tried again;
	// nil is asynq's default (about 15 s to a day, growing with the count).
	RetryDelay func(retried int, err error) time.Duration
	// PollEvery is how often an idle engine looks for new work in an empty
	// queue, and for scheduled and retry tasks that are due; default 1s and
	// 5s (asynq's TaskCheckInterval and DelayedTaskCheckInterval). Tests set
	// it short.
	PollEvery time.Duration
}

// Errors of a configuration, matched with errors.Is.
var (
	// ErrNoRedis is returned by Join when Config.Redis is empty.
	ErrNoRedis = errors.New("distributed: no Redis address")
	// ErrBadAddress is returned by Join for a Redis address that is not
	// host:port with a port number.
	ErrBadAddress = errors.New("distributed: bad Redis address")
)

// CheckAddress reports whether addr is a usable Redis address: host:port
// with a port from 1 to 65535. (The task file's parser, which must not
// import this package, checks the same in engine/spec's badAddress.)
func CheckAddress(addr string) error {
	if addr == "" {
		return ErrNoRedis
	}
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("%w %q: %v (want host:port, such as 127.0.0.1:6379)", ErrBadAddress, addr, errors.Unwrap(err))
	}
	n, err := strconv.Atoi(port)
	if err != nil || n < 1 || n > 65535 || host == "" {
		return fmt.Errorf("%w %q: want host:port with a port from 1 to 65535, such as 127.0.0.1:6379", ErrBadAddress, addr)
	}
	return nil
}

// withDefaults fills in what cfg leaves to Join, for the pool named name.
func (cfg Config) withDefaults(name string) Config {
	if cfg.Queue == "" {
		cfg.Queue = name
	}
	cfg.MaxWorkers = max(cfg.MaxWorkers, 1)
	if cfg.Origin == "" {
		host, _ := os.Hostname()
		cfg.Origin = host + "/" + strconv.Itoa(os.Getpid())
	}
	switch {
	case cfg.Retention == 0:
		cfg.Retention = time.Hour
	case cfg.Retention < 0:
		cfg.Retention = 0
	}
	if cfg.ShutdownTimeout <= 0 {
		cfg.ShutdownTimeout = 8 * time.Second
	}
	if cfg.StatsEvery <= 0 {
		cfg.StatsEvery = time.Second
	}
	if cfg.WaitEvery <= 0 {
		cfg.WaitEvery = 100 * time.Millisecond
	}
	return cfg
}
