package web

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"strconv"
	"strings"

	"github.com/comptoir/comptoir/errs"
	"github.com/comptoir/comptoir/money"
	"github.com/comptoir/comptoir/vat"
)

// decodeJSON reads a JSON request body into v. Unknown fields are refused,
// so that a client cannot slip in "id", "account_id" or "role" and so that
// a typo does not pass silently.
func decodeJSON(w http.ResponseWriter, r *http.Request, v any) error {
	const op = "web.decodeJSON"
	if ct := r.Header.Get("Content-Type"); ct != "" && !strings.HasPrefix(ct, "application/json") {
		return errs.E(op, errs.Invalid, "the body must be JSON (Content-Type: application/json)")
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxAPIBody))
	if err != nil {
		return jsonError(op, err)
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return valueError(op, body, reflect.TypeOf(v), jsonError(op, err), err)
	}
	if dec.More() {
		return errs.E(op, errs.Invalid, "the body holds more than one JSON value")
	}
	return nil
}

// jsonError explains a decoding failure and where it happened.
func jsonError(op string, err error) error {
	var (
		syntax    *json.SyntaxError
		typeErr   *json.UnmarshalTypeError
		tooLarge  *http.MaxBytesError
		fieldCode = func(field, code, msg string) error {
			return &errs.Error{Op: op, Kind: errs.Invalid, Message: msg,
				Fields: []errs.FieldError{{Field: field, Code: code, Message: msg}}}
		}
	)
	switch {
	case errors.As(err, &tooLarge):
		return errs.E(op, errs.TooLarge, "the body is larger than 1 MiB")
	case errors.Is(err, io.EOF):
		return errs.E(op, errs.Invalid, "the body is empty; a JSON object is expected")
	case errors.As(err, &syntax):
		return errs.E(op, errs.Invalid, fmt.Sprintf("malformed JSON at byte %d", syntax.Offset))
	case errors.Is(err, io.ErrUnexpectedEOF):
		return errs.E(op, errs.Invalid, "malformed JSON: the body ends too early")
	case errors.As(err, &typeErr):
		field := typeErr.Field
		if field == "" {
			return errs.E(op, errs.Invalid, "a JSON object is expected")
		}
		return fieldCode(field, "wrong_type", fmt.Sprintf("%s must be a %s", field, jsonKind(typeErr.Type.String())))
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		field := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return fieldCode(field, "unknown_field", fmt.Sprintf("%s is not a field that can be set", field))
	}
	return &errs.Error{Op: op, Kind: errs.Invalid, Message: "malformed JSON", Err: err}
}

func jsonKind(goType string) string {
	switch {
	case strings.Contains(goType, "int"), strings.Contains(goType, "Amount"):
		return "whole number (minor units for amounts)"
	case strings.Contains(goType, "bool"):
		return "boolean"
	case strings.Contains(goType, "string"):
		return "string"
	}
	return "JSON " + goType
}

// valueError names the value a decoding failure comes from, with its
// place in lists ("lines.0.quantity"), when a value's own decoder refused
// it (decimal quantities, rates, percentages) or had the wrong JSON type:
// the standard decoder reports neither the field of the first nor the
// index of the second. Other failures keep described.
func valueError(op string, body []byte, t reflect.Type, described, err error) error {
	var typeErr *json.UnmarshalTypeError
	isType := errors.As(err, &typeErr)
	if !isType && errs.MessageOf(described) != "malformed JSON" {
		return described
	}
	path, cause := locate(body, t, "", 0)
	if path == "" {
		return described
	}
	code, msg := "invalid_value", path+" is not a valid value"
	switch {
	case isType:
		code, msg = "wrong_type", path+" must be a "+jsonKind(typeErr.Type.String())
	case errors.Is(cause, money.ErrSyntax):
		code, msg = "not_a_number", path+` must be a decimal number, as a string or a JSON number: "1.5", "20"`
	case errors.Is(cause, money.ErrPrecision):
		code, msg = "too_many_decimals", path+" has too many decimals: 2 for rates and percentages, 3 for quantities"
	case errors.Is(cause, money.ErrRange):
		code, msg = "out_of_range", path+" is too large"
	case errors.Is(cause, money.ErrEmpty):
		code, msg = "required", path+" must not be empty"
	case errors.Is(cause, vat.ErrRate):
		code, msg = "invalid_rate", path+" is a percentage between 0 and 100"
	}
	return &errs.Error{Op: op, Kind: errs.Invalid, Message: msg, Err: err,
		Fields: []errs.FieldError{{Field: path, Code: code, Message: msg}}}
}

var unmarshalerType = reflect.TypeFor[json.Unmarshaler]()

// locate walks raw along the Go type t and returns the path of the first
// value that does not decode alone into its type, and why. The walk
// follows the type, so its depth is bounded whatever the body holds.
func locate(raw []byte, t reflect.Type, path string, depth int) (string, error) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	join := func(name string) string {
		if path == "" {
			return name
		}
		return path + "." + name
	}
	if depth > 16 || bytes.Equal(bytes.TrimSpace(raw), []byte("null")) {
		return "", nil
	}
	if reflect.PointerTo(t).Implements(unmarshalerType) {
		if err := json.Unmarshal(raw, reflect.New(t).Interface()); err != nil {
			return path, err
		}
		return "", nil
	}
	switch t.Kind() {
	case reflect.Struct:
		var obj map[string]json.RawMessage
		if err := json.Unmarshal(raw, &obj); err != nil {
			return path, err
		}
		for _, f := range reflect.VisibleFields(t) {
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if !f.IsExported() || name == "-" || f.Anonymous && name == "" {
				continue
			}
			if name == "" {
				name = f.Name
			}
			for key, v := range obj {
				if strings.EqualFold(key, name) {
					if p, err := locate(v, f.Type, join(name), depth+1); p != "" {
						return p, err
					}
				}
			}
		}
		return "", nil
	case reflect.Slice, reflect.Array:
		var items []json.RawMessage
		if err := json.Unmarshal(raw, &items); err != nil {
			return path, err
		}
		for i, v := range items {
			if p, err := locate(v, t.Elem(), join(strconv.Itoa(i)), depth+1); p != "" {
				return p, err
			}
		}
		return "", nil
	case reflect.Map:
		var obj map[string]json.RawMessage
		if err := json.Unmarshal(raw, &obj); err != nil {
			return path, err
		}
		for k, v := range obj {
			if p, err := locate(v, t.Elem(), join(k), depth+1); p != "" {
				return p, err
			}
		}
		return "", nil
	}
	if err := json.Unmarshal(raw, reflect.New(t).Interface()); err != nil {
		return path, err
	}
	return "", nil
}

// page is one page of a list, the shape of every list response.
type page[T any] struct {
	Data       []T    `json:"data"`
	NextCursor string `json:"next_cursor,omitempty"`
}

const (
	defaultLimit = 50
	maxLimit     = 200
)

// listParams reads limit and cursor. The cursor is opaque to clients; it
// holds the id to continue from.
func listParams(r *http.Request) (cursor int64, limit int, err error) {
	var f errs.Fields
	limit = listLimit(r, &f)
	if text := cursorText(r, &f); text != "" {
		n, err := strconv.ParseInt(text, 10, 64)
		if err != nil || n <= 0 {
			f.Add("cursor", "invalid_cursor", badCursor)
		}
		cursor = n
	}
	return cursor, limit, f.Err("web.listParams")
}

const badCursor = "cursor is not one this API returned"

// listLimit reads the page size, noting a field error when out of range.
func listLimit(r *http.Request, f *errs.Fields) int {
	v := r.URL.Query().Get("limit")
	if v == "" {
		return defaultLimit
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > maxLimit {
		f.Add("limit", "out_of_range", fmt.Sprintf("limit must be a whole number from 1 to %d", maxLimit))
	}
	return n
}

// cursorText decodes the cursor to the keyset text it carries, "" when
// there is none; an undecodable one is noted as a field error.
func cursorText(r *http.Request, f *errs.Fields) string {
	v := r.URL.Query().Get("cursor")
	if v == "" {
		return ""
	}
	b, err := base64.RawURLEncoding.DecodeString(v)
	if err != nil || len(b) == 0 {
		f.Add("cursor", "invalid_cursor", badCursor)
		return ""
	}
	return string(b)
}

// keysetCursor reads a cursor encodeKeyset made of "id:key"; ok is false
// when the request has none.
func keysetCursor(r *http.Request, f *errs.Fields) (id int64, key string, ok bool) {
	text := cursorText(r, f)
	if text == "" {
		return 0, "", false
	}
	idText, key, cut := strings.Cut(text, ":")
	id, err := strconv.ParseInt(idText, 10, 64)
	if !cut || err != nil || id <= 0 {
		f.Add("cursor", "invalid_cursor", badCursor)
	}
	return id, key, true
}

// encodeKeyset makes the opaque cursor for a page's last row.
func encodeKeyset(keyset string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(keyset))
}

// encodeCursor is the keyset of lists ordered by id alone.
func encodeCursor(id int64) string { return encodeKeyset(strconv.FormatInt(id, 10)) }

// paginate trims a list fetched with limit+1 rows and sets the cursor from
// the last row kept.
func paginate[T any](items []T, limit int, cursor func(T) string) page[T] {
	p := page[T]{Data: items}
	if p.Data == nil {
		p.Data = []T{}
	}
	if len(items) > limit {
		p.Data = items[:limit]
		p.NextCursor = cursor(items[limit-1])
	}
	return p
}

// The handlers below are the shapes most API routes share: they bind a
// service method to the request, so a route reads as what it does.

// apiCreate decodes a JSON body and answers 201 with what create made.
func apiCreate[In, Out any](create func(context.Context, In) (Out, error)) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		var in In
		if err := decodeJSON(w, r, &in); err != nil {
			return err
		}
		out, err := create(r.Context(), in)
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusCreated, out)
		return nil
	}
}

// apiGet answers with the record the path's {id} names.
func apiGet[Out any](get func(context.Context, int64) (Out, error)) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := pathID(r)
		if err != nil {
			return err
		}
		out, err := get(r.Context(), id)
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, out)
		return nil
	}
}

// apiApply decodes a JSON body and applies it to the record the path's {id}
// names: a change to that record, or a new one under it (status says which).
func apiApply[In, Out any](status int, apply func(context.Context, int64, In) (Out, error)) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := pathID(r)
		if err != nil {
			return err
		}
		var in In
		if err := decodeJSON(w, r, &in); err != nil {
			return err
		}
		out, err := apply(r.Context(), id, in)
		if err != nil {
			return err
		}
		writeJSON(w, status, out)
		return nil
	}
}

// apiDelete removes the record the path's {id} names and answers 204.
func apiDelete(del func(context.Context, int64) error) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := pathID(r)
		if err != nil {
			return err
		}
		if err := del(r.Context(), id); err != nil {
			return err
		}
		w.WriteHeader(http.StatusNoContent)
		return nil
	}
}
