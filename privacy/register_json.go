package privacy

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"

	"github.com/comptoir/comptoir/errs"
)

// MaxImport is the largest register file read, in bytes.
const MaxImport = 4 << 20

// ImportRegister reads a register written as JSON (what the JSON export
// writes). It is strict: an unknown field, a value of the wrong type or
// trailing data is refused with the JSON path where it is ("activities[1]
// .purposes"). The register is normalised and validated.
func ImportRegister(r io.Reader) (Register, error) {
	var reg Register
	if err := decodeStrict(r, &reg); err != nil {
		return Register{}, err
	}
	reg.Normalize()
	return reg, reg.Validate()
}

// ImportProcessorRegister reads a processor's register written as JSON,
// as strictly as ImportRegister.
func ImportProcessorRegister(r io.Reader) (ProcessorRegister, error) {
	var reg ProcessorRegister
	err := decodeStrict(r, &reg)
	return reg, err
}

func decodeStrict(r io.Reader, v any) error {
	const op = "privacy.Import"
	data, err := io.ReadAll(io.LimitReader(r, MaxImport+1))
	if err != nil {
		return errs.Wrap(op, err)
	}
	if len(data) > MaxImport {
		return errs.E(op, errs.TooLarge, fmt.Sprintf("a register file has at most %d bytes", MaxImport))
	}
	var raw any
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if err := dec.Decode(&raw); err != nil {
		return invalidJSON("", "invalid_json", "not valid JSON: "+err.Error())
	}
	if dec.More() {
		return invalidJSON("", "trailing_data", "there is more after the register's JSON object")
	}
	if _, ok := raw.(map[string]any); !ok {
		return invalidJSON("", "invalid_type", "a register is a JSON object")
	}
	if path, ok := unknownField(raw, reflect.TypeOf(v).Elem(), ""); !ok {
		return invalidJSON(path, "unknown_field", "unknown field "+path)
	}
	dec = json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			return invalidJSON(te.Field, "invalid_type", fmt.Sprintf("%s: want %s, not a JSON %s", te.Field, te.Type, te.Value))
		}
		return invalidJSON("", "invalid_json", err.Error())
	}
	return nil
}

func invalidJSON(path, code, msg string) error {
	var f errs.Fields
	if path == "" {
		path = "body"
	}
	f.Add(path, code, msg)
	return f.Err("privacy.Import")
}

// unknownField walks the decoded JSON against the Go type it is read
// into and returns the path of the first key no field takes (ok false).
func unknownField(v any, t reflect.Type, path string) (string, bool) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch x := v.(type) {
	case map[string]any:
		if t.Kind() != reflect.Struct {
			return "", true // the type check reports it
		}
		fields := jsonFields(t)
		for k, val := range x {
			ft, ok := fields[k]
			p := k
			if path != "" {
				p = path + "." + k
			}
			if !ok {
				return p, false
			}
			if p, ok := unknownField(val, ft, p); !ok {
				return p, false
			}
		}
	case []any:
		if t.Kind() != reflect.Slice && t.Kind() != reflect.Array {
			return "", true
		}
		for i, val := range x {
			if p, ok := unknownField(val, t.Elem(), fmt.Sprintf("%s[%d]", path, i)); !ok {
				return p, false
			}
		}
	}
	return "", true
}

// jsonFields maps the JSON names of a struct's fields to their types.
func jsonFields(t reflect.Type) map[string]reflect.Type {
	out := map[string]reflect.Type{}
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" {
			continue
		}
		if name == "" {
			name = f.Name
		}
		out[name] = f.Type
	}
	return out
}
