module github.com/spindle-tui/spindle/bench

go 1.26.8

replace github.com/spindle-tui/spindle => ../

require (
	github.com/alitto/pond/v2 v2.7.1
	github.com/go-co-op/gocron/v2 v2.21.2
	github.com/panjf2000/ants/v2 v2.12.1
	github.com/spindle-tui/spindle v0.0.0-00010101000000-000000000000
)

require (
	github.com/google/uuid v1.6.0 // indirect
	github.com/jonboulle/clockwork v0.5.0 // indirect
	github.com/maruel/panicparse/v2 v2.5.0 // indirect
	github.com/robfig/cron/v3 v3.0.1 // indirect
	golang.org/x/sync v0.22.0 // indirect
	golang.org/x/sys v0.49.0 // indirect
	gopkg.in/natefinch/lumberjack.v2 v2.2.1 // indirect
)
