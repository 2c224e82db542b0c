package spec

import (
	"encoding/json"
	"strings"
)

// SchemaID is the $id of the JSON Schema Schema returns.
const SchemaID = "https://github.com/spindle-tui/spindle/engine/spec/spindle.schema.json"

// durationPattern matches what time.ParseDuration accepts, without a sign.
const durationPattern = `^\s*(0|(([0-9]+(\.[0-9]*)?|\.[0-9]+)(ns|us|µs|μs|ms|s|m|h))+)\s*$`

// Schema returns a JSON Schema (draft 2020-12) of the task file, for editors:
// with yaml-language-server, save it next to the file and start the file with
// "# yaml-language-server: $schema=spindle.schema.json". It is built from the
// same field tables as the parser, so it lists exactly the fields Parse accepts.
func Schema() []byte {
	objs := objects()
	defs := map[string]any{
		"duration": map[string]any{
			"description": "A Go duration such as 500ms, 2s, 1m30s.",
			"anyOf": []any{
				map[string]any{"type": "string", "pattern": durationPattern},
				map[string]any{"type": "integer", "const": 0},
			},
		},
		"signal": map[string]any{
			"description": "A signal name: SIGTERM, TERM and sigterm are the same.",
			"enum":        signalSpellings(),
		},
		"restart": map[string]any{
			"description": "When a process is started again after it ends.",
			"enum":        RestartPolicies(),
		},
		"argv": map[string]any{
			"description": "A program and its arguments, never run through a shell; for one, write [sh, -c, \"...\"].",
			"type":        "array",
			"minItems":    1,
			"prefixItems": []any{map[string]any{"type": []string{"string", "number"}, "minLength": 1}},
			"items":       map[string]any{"type": []string{"string", "number", "boolean"}},
		},
		"env": map[string]any{
			"description":          "Environment variables, NAME: value.",
			"type":                 []string{"object", "null"},
			"propertyNames":        map[string]any{"pattern": "^[^=]+$"},
			"additionalProperties": map[string]any{"type": []string{"string", "number", "boolean"}},
		},
	}
	for k, v := range orchestrationDefs() {
		defs[k] = v
	}
	for _, o := range objs[1:] {
		defs[o.name] = objectSchema(o)
	}
	root := objectSchema(objs[0])
	root["$schema"] = "https://json-schema.org/draft/2020-12/schema"
	root["$id"] = SchemaID
	root["title"] = "spindle task file"
	root["$defs"] = defs
	out, err := json.MarshalIndent(root, "", "  ")
	if err != nil {
		panic("spec: schema does not marshal: " + err.Error()) // a bug in this file, caught by its test
	}
	return append(out, '\n')
}

// objectSchema describes one kind of mapping.
func objectSchema(o objectInfo) map[string]any {
	props := map[string]any{}
	var required []string
	for _, f := range o.fields {
		props[f.name] = fieldSchema(f)
		if f.required && f.unless == "" {
			required = append(required, f.name)
		}
	}
	s := map[string]any{
		"description":          o.doc,
		"type":                 "object",
		"properties":           props,
		"additionalProperties": false,
		"patternProperties":    map[string]any{"^" + extensionPrefix: true},
	}
	if alt := alternatives(o.fields); alt != nil {
		s["anyOf"] = alt // a field required unless another is given
	}
	if len(required) > 0 {
		s["required"] = required
	} else {
		s["type"] = []string{"object", "null"} // every field has a default
	}
	return s
}

// fieldSchema describes one field's value.
func fieldSchema(f fieldInfo) map[string]any {
	s := map[string]any{}
	switch f.kind {
	case kindString:
		s["type"] = "string"
		if f.nonEmpty {
			s["minLength"] = 1
		}
	case kindBool:
		s["type"] = "boolean"
	case kindInt:
		s["type"] = "integer"
		s["minimum"] = f.min
		s["maximum"] = f.most()
	case kindDuration:
		s["$ref"] = "#/$defs/duration"
	case kindSignal:
		s["$ref"] = "#/$defs/signal"
	case kindRestart:
		s["$ref"] = "#/$defs/restart"
	case kindArgv:
		s["$ref"] = "#/$defs/argv"
	case kindEnv:
		s["$ref"] = "#/$defs/env"
	case kindDependsOn:
		s["$ref"] = "#/$defs/depends_on"
	case kindExitCodes:
		s["type"] = "array"
		s["items"] = map[string]any{"type": "integer", "minimum": 0, "maximum": 255}
	case kindPaths:
		s["anyOf"] = []any{
			map[string]any{"type": "string", "minLength": 1},
			map[string]any{"type": "array", "items": map[string]any{"type": "string", "minLength": 1}},
		}
	case kindAddrs:
		s["type"] = "array"
		s["minItems"] = 1
		s["uniqueItems"] = true
		s["items"] = map[string]any{"type": "string", "minLength": 1}
	case kindRegexp:
		s["type"] = "string"
		s["minLength"] = 1
		s["format"] = "regex"
	case kindObject:
		s["$ref"] = "#/$defs/" + f.ref
	case kindList:
		s["type"] = []string{"array", "null"}
		s["items"] = map[string]any{"$ref": "#/$defs/" + f.ref}
	case kindNamedMap:
		s["type"] = []string{"object", "null"}
		s["propertyNames"] = map[string]any{"minLength": 1}
		s["additionalProperties"] = map[string]any{"$ref": "#/$defs/" + f.ref}
	}
	doc := f.doc
	switch {
	case f.kind == kindDuration && f.floor > 0:
		doc += " At least " + f.floor.String() + "."
	case f.kind == kindDuration && f.min > 0:
		doc += " More than 0."
	}
	s["description"] = doc
	if f.def != nil {
		s["default"] = f.def
	}
	return s
}

// signalSpellings lists every accepted spelling of every stop signal.
func signalSpellings() []string {
	var out []string
	for _, n := range signalNames() {
		short := strings.TrimPrefix(n, "SIG")
		out = append(out, n, short, strings.ToLower(n), strings.ToLower(short))
	}
	return out
}

// orchestrationDefs are the $defs the orchestration fields refer to.
func orchestrationDefs() map[string]any {
	cond := map[string]any{"$ref": "#/$defs/condition"}
	return map[string]any{
		"condition": map[string]any{
			"description": "What a dependency must reach: started, healthy (its readiness probe passes), completed, " +
				"completed_successfully (exit 0 or one of its success_exit_codes), log_ready (its ready_log_line matched).",
			"enum": Conditions(),
		},
		"depends_on": map[string]any{
			"description": "Task names (or manager/name) and the condition each must reach; a list of names means started.",
			"anyOf": []any{
				map[string]any{
					"type":          "object",
					"propertyNames": map[string]any{"minLength": 1},
					"additionalProperties": map[string]any{"anyOf": []any{cond, map[string]any{"type": "null"},
						map[string]any{"type": "object", "properties": map[string]any{"condition": cond}, "additionalProperties": false}}},
				},
				map[string]any{"type": "array", "uniqueItems": true, "items": map[string]any{"type": "string", "minLength": 1}},
			},
		},
	}
}

// alternatives is the anyOf of fields required unless another is given:
// one of the two must be there. nil when there are none.
func alternatives(fs []fieldInfo) []any {
	var out []any
	for _, f := range fs {
		if f.required && f.unless != "" {
			out = append(out, map[string]any{"required": []string{f.name}}, map[string]any{"required": []string{f.unless}})
		}
	}
	return out
}
