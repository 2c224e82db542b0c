package spec

import (
	"path/filepath"
	"reflect"
	"time"

	"github.com/goccy/go-yaml/ast"

	"github.com/spindle-tui/spindle/engine"
)

// Logs is the file's logs: block, the log files (engine.LogFiles). With no
// dir, no files are written; the in-memory log is there either way.
type Logs struct {
	Dir        string        `json:"dir,omitempty"` // as written; relative to the file's directory
	MaxSize    int           `json:"max_size,omitempty"`
	MaxBackups int           `json:"max_backups,omitempty"`
	MaxAge     time.Duration `json:"max_age,omitempty"`
	Compress   bool          `json:"compress,omitempty"`
	Format     string        `json:"format,omitempty"` // text | json
	Tasks      []TaskLogs    `json:"tasks,omitempty"`
}

// TaskLogs overrides Logs for one task, by name.
type TaskLogs struct {
	Name       string        `json:"name"`
	Pos        Pos           `json:"pos"`
	Off        bool          `json:"off,omitempty"`
	MaxSize    int           `json:"max_size,omitempty"`
	MaxBackups int           `json:"max_backups,omitempty"`
	MaxAge     time.Duration `json:"max_age,omitempty"`
	Compress   bool          `json:"compress,omitempty"`
}

func newTaskLogs(name string, at Pos) TaskLogs { return TaskLogs{Name: name, Pos: at} }

// logsField is the file's logs: entry.
func logsField() field[File] {
	return objField("logs", "Log files: one per task, rotated.", kindObject, "logs",
		func(d *decoder, n ast.Node, f *File) { decodeObject(d, n, "logs", logsFields(), &f.Logs) })
}

func logsFields() []field[Logs] {
	return []field[Logs]{
		strField("dir", "Where the files go, one per task (name.log); relative to the task file's directory. None: no files.",
			func(l *Logs) *string { return &l.Dir }).notEmpty().eg("dir: ./logs"),
		intField("max_size", "Megabytes a file reaches before it is rotated.", func(l *Logs) *int { return &l.MaxSize }).
			atLeast(1).because("a file is rotated in whole megabytes").dflt(100).eg("max_size: 10"),
		intField("max_backups", "Rotated files kept per task; 0: all (within max_age).", func(l *Logs) *int { return &l.MaxBackups }).dflt(0),
		durField("max_age", "Rotated files older than this are removed (in whole days); 0s: never.", func(l *Logs) *time.Duration { return &l.MaxAge }).eg("max_age: 168h"),
		boolField("compress", "Gzip rotated files.", func(l *Logs) *bool { return &l.Compress }).dflt(false),
		{
			fieldInfo: fieldInfo{name: "format", doc: "text (time stream line) or json (one object per line).", kind: kindString, def: "text", example: "format: json"},
			set: func(d *decoder, fi *fieldInfo, n ast.Node, l *Logs) {
				if v, ok := d.str(n, fi); ok {
					if v != "text" && v != "json" {
						d.errorf(n, "write text or json", "logs format %q: want text or json", clip(v))
						return
					}
					l.Format = v
				}
			},
		},
		objField("tasks", "Settings per task name, over the ones above.", kindNamedMap, "task_logs",
			func(d *decoder, n ast.Node, l *Logs) {
				l.Tasks = decodeNamed(d, n, "task_logs", newTaskLogs, taskLogsFields())
			}),
	}
}

func taskLogsFields() []field[TaskLogs] {
	return []field[TaskLogs]{
		boolField("off", "Write no file for this task.", func(t *TaskLogs) *bool { return &t.Off }).dflt(false),
		intField("max_size", "Megabytes before rotation.", func(t *TaskLogs) *int { return &t.MaxSize }).atLeast(1).because("a file is rotated in whole megabytes"),
		intField("max_backups", "Rotated files kept.", func(t *TaskLogs) *int { return &t.MaxBackups }),
		durField("max_age", "Rotated files older than this are removed.", func(t *TaskLogs) *time.Duration { return &t.MaxAge }),
		boolField("compress", "Gzip rotated files.", func(t *TaskLogs) *bool { return &t.Compress }),
	}
}

// logsObjects are the logs block's objects, for the schema.
func logsObjects() []objectInfo {
	return []objectInfo{
		{"logs", "Log files: one per task in dir, rotated by size.", info(logsFields())},
		{"task_logs", "Log file settings of one task.", info(taskLogsFields())},
	}
}

// LogFiles returns the engine's settings for l, its dir resolved against the
// file's directory dir.
func (l *Logs) LogFiles(dir string) engine.LogFiles {
	if l.Dir == "" {
		return engine.LogFiles{}
	}
	out := engine.LogFiles{Dir: l.Dir, MaxSize: l.MaxSize, MaxBackups: l.MaxBackups, MaxAge: l.MaxAge, Compress: l.Compress, JSON: l.Format == "json"}
	if !filepath.IsAbs(out.Dir) && dir != "" {
		out.Dir = filepath.Join(dir, out.Dir)
	}
	if len(l.Tasks) > 0 {
		out.Tasks = make(map[string]engine.TaskLogFile, len(l.Tasks))
		for _, t := range l.Tasks {
			out.Tasks[t.Name] = engine.TaskLogFile{Off: t.Off, MaxSize: t.MaxSize, MaxBackups: t.MaxBackups, MaxAge: t.MaxAge, Compress: t.Compress}
		}
	}
	return out
}

// applyLogs sets the engine's log files when the logs block changed (or on
// the first file applied).
func (s *Supervisor) applyLogsLocked(old, f *File) {
	if old != nil && reflect.DeepEqual(old.Logs.LogFiles(old.Dir), f.Logs.LogFiles(f.Dir)) {
		return
	}
	if old == nil && f.Logs.Dir == "" {
		return
	}
	s.e.SetLogFiles(f.Logs.LogFiles(f.Dir))
}
