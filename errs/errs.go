// Package errs is Comptoir's one error model: every error that reaches a
// user carries a Kind (what went wrong, mapped once to an HTTP status by the
// web package), the operation that failed, a message safe to show, and for
// invalid input the per-field codes that double as translation keys.
//
// It imports only the standard library so that every layer can use it.
package errs

import (
	"errors"
	"fmt"
	"sort"
	"strings"
)

// Kind classifies an error by what the caller can do about it.
type Kind uint8

// The kinds. Internal is the zero value so that an unclassified error is
// never shown to a user by accident.
const (
	Internal Kind = iota
	Invalid
	NotFound
	Forbidden
	Unauthorized
	Conflict
	TooLarge
	TooManyRequests
	Unavailable
)

var kindNames = [...]string{
	Internal:        "internal",
	Invalid:         "invalid",
	NotFound:        "not_found",
	Forbidden:       "forbidden",
	Unauthorized:    "unauthorized",
	Conflict:        "conflict",
	TooLarge:        "too_large",
	TooManyRequests: "too_many_requests",
	Unavailable:     "unavailable",
}

// String returns the stable code of the kind, used in JSON error bodies.
func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "internal"
}

// FieldError says what is wrong with one input field. Code is stable
// (e.g. "required", "too_long", "invalid_siren") and is also the
// translation key of the message shown next to the field.
type FieldError struct {
	Field string `json:"field"`
	Code  string `json:"code"`
	// Message is a plain English explanation for API clients and logs.
	Message string `json:"message"`
}

// Error is the error type every layer returns for expected failures.
type Error struct {
	Kind    Kind
	Op      string // e.g. "account.Update"
	Message string // safe to show to the user; empty means a generic text
	Fields  []FieldError
	Err     error // the underlying cause, never shown to users
}

func (e *Error) Error() string {
	var b strings.Builder
	if e.Op != "" {
		b.WriteString(e.Op)
		b.WriteString(": ")
	}
	b.WriteString(e.Kind.String())
	if e.Message != "" {
		b.WriteString(": ")
		b.WriteString(e.Message)
	}
	for _, f := range e.Fields {
		fmt.Fprintf(&b, " [%s: %s]", f.Field, f.Code)
	}
	if e.Err != nil {
		b.WriteString(": ")
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

func (e *Error) Unwrap() error { return e.Err }

// E builds an Error. The op names where it happened; message is user-safe.
func E(op string, kind Kind, message string) *Error {
	return &Error{Op: op, Kind: kind, Message: message}
}

// Wrap returns an internal error for op that keeps err as its cause. An err
// that is already an *Error keeps its kind and gains the op as context.
func Wrap(op string, err error) error {
	if err == nil {
		return nil
	}
	var e *Error
	if errors.As(err, &e) {
		return &Error{Op: op, Kind: e.Kind, Message: e.Message, Fields: e.Fields, Err: err}
	}
	return &Error{Op: op, Kind: Internal, Err: err}
}

// KindOf reports the kind of err; anything not built by this package is Internal.
func KindOf(err error) Kind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return Internal
}

// Is reports whether err is of kind k.
func Is(err error, k Kind) bool { return err != nil && KindOf(err) == k }

// MessageOf returns the user-safe message of err, or "" if it has none.
func MessageOf(err error) string {
	var e *Error
	if errors.As(err, &e) {
		for e != nil {
			if e.Message != "" {
				return e.Message
			}
			var inner *Error
			if !errors.As(e.Err, &inner) {
				break
			}
			e = inner
		}
	}
	return ""
}

// FieldsOf returns the field errors carried by err, sorted by field.
func FieldsOf(err error) []FieldError {
	var e *Error
	if !errors.As(err, &e) {
		return nil
	}
	out := append([]FieldError(nil), e.Fields...)
	sort.SliceStable(out, func(i, j int) bool { return out[i].Field < out[j].Field })
	return out
}

// Fields collects field errors during validation. The zero value is ready.
type Fields []FieldError

// Add records that field fails with code; message explains it in English.
func (f *Fields) Add(field, code, message string) {
	*f = append(*f, FieldError{Field: field, Code: code, Message: message})
}

// Has reports whether field already has an error.
func (f Fields) Has(field string) bool {
	for _, e := range f {
		if e.Field == field {
			return true
		}
	}
	return false
}

// Err returns nil when no field failed, or an Invalid error for op.
func (f Fields) Err(op string) error {
	if len(f) == 0 {
		return nil
	}
	return &Error{Op: op, Kind: Invalid, Message: "some fields are invalid", Fields: append([]FieldError(nil), f...)}
}
