package spec

import (
	"context"
	"errors"
	"strings"
	"testing"
	_ "time/tzdata" // America/New_York whether or not the machine has tzdata

	"github.com/spindle-tui/spindle/engine"
)

// TestScheduleBadInputs: a bad schedule is an error at the field of the
// expression that is wrong, saying what is wrong with it.
func TestScheduleBadInputs(t *testing.T) {
	cases := []badInput{
		{"minute out of range", "pollers:\n  p: {schedule: \"61 * * * *\", command: [x]}\n", 2, 18,
			`poller "p": schedule "61 * * * *": minute "61": end of range (61) above maximum (59)`, "five fields"},
		{"hour out of range, unquoted", "pollers:\n  p:\n    schedule: 0 25 * * *\n    command: [x]\n", 3, 17,
			`poller "p": schedule "0 25 * * *": hour "25": end of range (25) above maximum (23)`, "0 3 * * *"},
		{"day of week in a task", "managers:\n  m:\n    tasks:\n      - {name: t, command: [x], schedule: '0 3 * * 9'}\n", 4, 52,
			`task "t": schedule "0 3 * * 9": day of week "9": end of range (9) above maximum (6)`, ""},
		{"four fields", "pollers:\n  p: {schedule: \"* * * *\", command: [x]}\n", 2, 18,
			`poller "p": schedule "* * * *" has 4 fields; a cron expression has 5`, "@daily"},
		{"bad descriptor", "pollers:\n  p: {schedule: \"@nightly\", command: [x]}\n", 2, 18, `"@nightly" is no descriptor`, ""},
		{"unknown timezone", "pollers:\n  p: {schedule: \"@daily\", timezone: Mars/Olympus, command: [x]}\n", 2, 37,
			`timezone "Mars/Olympus" is not a known time zone`, "America/New_York"},
		{"two zones", "pollers:\n  p: {schedule: \"CRON_TZ=UTC @daily\", timezone: UTC, command: [x]}\n", 2, 18,
			`time zone "CRON_TZ=UTC": names a zone besides the timezone given (UTC); keep one`, ""},
		{"period and schedule", "pollers:\n  p: {period: 1s, schedule: \"@daily\", command: [x]}\n", 2, 30,
			`poller "p" has both a period and a schedule`, "remove period"},
		{"neither", "pollers:\n  p: {command: [x]}\n", 2, 7, `poller "p" has no period or schedule`, `schedule: "0 3 * * *"`},
		{"timezone alone", "pollers:\n  p: {period: 1s, timezone: UTC, command: [x]}\n", 2, 3, `poller "p" has a timezone but no schedule`, ""},
		{"schedule on a pool task", "pools:\n  io:\n    tasks:\n      - {name: t, command: [x], schedule: \"@daily\"}\n", 4, 33,
			`unknown field "schedule" in task`, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse("bad.yaml", []byte(tc.src))
			var list ErrorList
			if !errors.As(err, &list) || len(list) != 1 {
				t.Fatalf("want 1 error, got %v", err)
			}
			e := list[0]
			if e.Line != tc.line || e.Col != tc.col || !strings.Contains(e.Msg, tc.msg) || !strings.Contains(e.Hint, tc.hint) {
				t.Fatalf("got %s\nwant %d:%d %s (hint holding %q)", e, tc.line, tc.col, tc.msg, tc.hint)
			}
		})
	}
}

// TestScheduleApply: a scheduled poller and a scheduled task reach the engine
// with their zone; a changed schedule replaces them, a removed one ends them.
func TestScheduleApply(t *testing.T) {
	e := engine.New()
	defer func() { _ = e.Close(context.Background()) }()
	s := NewSupervisor(e)
	src := "managers:\n  jobs:\n    tasks:\n      - {name: backup, command: [\"true\"], schedule: \"0 3 * * *\", timezone: America/New_York}\n" +
		"pollers:\n  report: {schedule: \"CRON_TZ=UTC */5 * * * *\", command: [\"true\"]}\n"
	if _, err := s.Apply(context.Background(), mustParse(t, "a.yaml", src)); err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string][2]string{"backup": {"0 3 * * *", "America/New_York"}, "report": {"CRON_TZ=UTC */5 * * * *", "UTC"}} {
		p, ok := e.Poller(name)
		if !ok {
			t.Fatalf("no poller %q", name)
		}
		if st := p.Stats(); st.Schedule() != want[0] || st.Extra.Zone != want[1] || st.Next.Location().String() != want[1] {
			t.Fatalf("%s: extra %+v next %s", name, st.Extra, st.Next)
		}
	}
	src2 := strings.Replace(src, `"0 3 * * *"`, `"0 4 * * *"`, 1)
	src2 = strings.Replace(src2, "  report: {schedule: \"CRON_TZ=UTC */5 * * * *\", command: [\"true\"]}\n", "", 1)
	src2 = strings.Replace(src2, "pollers:\n", "pollers: {}\n", 1)
	if _, err := s.Apply(context.Background(), mustParse(t, "a.yaml", src2)); err != nil {
		t.Fatal(err)
	}
	if p, ok := e.Poller("backup"); !ok || p.Stats().Extra.Schedule != "0 4 * * *" {
		t.Fatalf("backup after the change: %v", ok)
	}
	if _, ok := e.Poller("report"); ok {
		t.Fatal("the removed poller stays")
	}
	// The schedule taken off, backup runs once like any task, and back on it
	// has its schedule again: no schedule, task or row of the other kind stays.
	src3 := strings.Replace(src2, `, schedule: "0 4 * * *", timezone: America/New_York`, ", restart: never", 1)
	if _, err := s.Apply(context.Background(), mustParse(t, "a.yaml", src3)); err != nil {
		t.Fatal(err)
	}
	if _, ok := e.Poller("backup"); ok {
		t.Fatal("backup keeps its schedule after the file took it off")
	}
	if n := countNamed(e, "backup"); n != 1 {
		t.Fatalf("%d tasks named backup, want 1", n)
	}
	if _, err := s.Apply(context.Background(), mustParse(t, "a.yaml", src2)); err != nil {
		t.Fatal(err)
	}
	if _, ok := e.Poller("backup"); !ok {
		t.Fatal("backup has no schedule after the file gave it one again")
	}
	if n := countNamed(e, "backup"); n != 0 {
		t.Fatalf("%d tasks named backup before its first time, want 0", n)
	}
}

// countNamed counts the tasks of e's snapshot named name.
func countNamed(e *engine.Engine, name string) int {
	n := 0
	for _, t := range e.Snapshot().Tasks {
		if t.Name == name {
			n++
		}
	}
	return n
}
