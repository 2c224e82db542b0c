// Package spec reads spindle's task file (spindle.yaml): it parses it strictly,
// with a file:line:col position and a hint for every problem (all of them, not
// only the first), describes it as a JSON Schema for editors, computes what a
// reload must change (Diff) and watches the file for saves (Watch).
//
// The package only describes work; starting it on an engine is the applier's job.
//
// Defaults, applied to everything the file leaves out:
//
//	refresh         100ms
//	manager limit   1      (a queue that runs one task at a time)
//	manager watch   true   (queued work starts as slots free)
//	pool max_workers 1, task_type = the pool's name, daemon false
//	task type       its pool's task_type
//	task dir        the directory of the task file; a relative dir is relative to it
//	restart         never
//	backoff         initial 500ms, max 30s
//	max_restarts    5 within restart_window 60s, then fatal
//	stop_signal     SIGTERM, stop_grace 5s
//	poller          concurrency 1, min_wait 0, timeout 0 (none)
//	depends_on      condition started
//	probes          initial_delay 0s, period 10s, timeout 1s, success_threshold 1,
//	                failure_threshold 3 (Kubernetes' and process-compose's);
//	                host 127.0.0.1, http scheme http, path /, any 2xx or 3xx
//	shutdown        timeout 10s (process-compose's)
//	replicas        1; disabled false; success_exit_codes none but 0
//
// The file may also be a process-compose file or a Procfile, detected from
// its content (Detect): see compose.go and procfile.go, and Convert for the
// spindle.yaml either means.
//
// A zero the file writes means zero, never the default: max_restarts: 0 is
// no restart, stop_grace: 0s is SIGKILL right after the stop signal, a
// backoff of 0s restarts at once. Where zero cannot mean anything (limit,
// max_workers, concurrency, restart_window, refresh, period) it is refused,
// and the message says why.
//
// YAML anchors, aliases and merge keys (<<: *defaults) are supported, and keys
// starting with "x-" are ignored in every mapping (as in Compose files), so
// shared settings are written once:
//
//	x-service: &service {restart: always, stop_grace: 2s}
//	managers:
//	  stack:
//	    tasks:
//	      - {<<: *service, name: web, command: [python3, -m, http.server]}
package spec
