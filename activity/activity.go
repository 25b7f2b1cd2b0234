// Package activity describes the activity log ("suivi d'activité"): one
// entry for every addition, change and deletion a user makes, written in the
// same transaction as the change itself.
//
// It is a domain package: no storage, no HTTP.
package activity

import (
	"fmt"
	"reflect"
	"strings"
	"time"
)

// Actions recorded in the log.
const (
	Create = "create"
	Update = "update"
	Delete = "delete"
	Login  = "login"
	Logout = "logout"
)

// Change is one field's value before and after an update. Secret fields are
// never recorded.
type Change struct {
	Field  string `json:"field"`
	Before string `json:"before"`
	After  string `json:"after"`
}

// Entry is one line of the activity log.
type Entry struct {
	ID         int64     `json:"id"`
	At         time.Time `json:"at"`
	UserID     int64     `json:"user_id,omitempty"`
	UserEmail  string    `json:"user_email,omitempty"`
	Module     string    `json:"module"`
	Action     string    `json:"action"`
	RecordType string    `json:"record_type"`
	RecordID   int64     `json:"record_id,omitempty"`
	Summary    string    `json:"summary"`
	Changes    []Change  `json:"changes"`
	IP         string    `json:"ip,omitempty"`
	UserAgent  string    `json:"user_agent,omitempty"`
	// ViaSupport marks what an instance operator did under support access.
	ViaSupport bool `json:"via_support,omitempty"`
}

// bookkeeping fields change with every write and say nothing about it.
var bookkeeping = map[string]bool{"id": true, "created_at": true, "updated_at": true}

// Diff lists the fields that differ between two values of the same struct
// type, using their JSON names, recursing into nested structs. Fields tagged
// json:"-" (secrets) and the id and dates are skipped.
func Diff(before, after any) []Change {
	var out []Change
	diff(&out, "", reflect.ValueOf(before), reflect.ValueOf(after))
	return out
}

func diff(out *[]Change, prefix string, a, b reflect.Value) {
	if a.Kind() == reflect.Pointer {
		a, b = a.Elem(), b.Elem()
	}
	t := a.Type()
	for i := 0; i < t.NumField(); i++ {
		sf := t.Field(i)
		name := sf.Tag.Get("json")
		if j := indexComma(name); j >= 0 {
			name = name[:j]
		}
		if name == "-" || !sf.IsExported() || bookkeeping[name] {
			continue
		}
		if name == "" {
			name = sf.Name
		}
		fa, fb := a.Field(i), b.Field(i)
		if fa.Kind() == reflect.Struct && fa.Type() != reflect.TypeOf(time.Time{}) {
			diff(out, prefix+name+".", fa, fb)
			continue
		}
		if !reflect.DeepEqual(fa.Interface(), fb.Interface()) {
			*out = append(*out, Change{Field: prefix + name, Before: show(fa), After: show(fb)})
		}
	}
}

func indexComma(s string) int {
	for i := 0; i < len(s); i++ {
		if s[i] == ',' {
			return i
		}
	}
	return -1
}

// show writes a field's value for the log: pointers by what they point to
// (nil as empty), times in RFC 3339, lists joined.
func show(v reflect.Value) string {
	if v.Kind() == reflect.Pointer {
		if v.IsNil() {
			return ""
		}
		v = v.Elem()
	}
	switch x := v.Interface().(type) {
	case time.Time:
		if x.IsZero() {
			return ""
		}
		return x.UTC().Format(time.RFC3339)
	case []string:
		return strings.Join(x, ", ")
	}
	return fmt.Sprint(v.Interface())
}
