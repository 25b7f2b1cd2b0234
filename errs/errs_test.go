package errs

import (
	"errors"
	"fmt"
	"testing"
)

func TestWrapKeepsKindAndMessage(t *testing.T) {
	inner := E("storage.Get", NotFound, "no such invoice")
	err := Wrap("service.Get", fmt.Errorf("loading: %w", inner))
	if KindOf(err) != NotFound || MessageOf(err) != "no such invoice" || !errors.Is(err, inner) {
		t.Fatalf("Wrap lost something: %v", err)
	}
	if Wrap("x", nil) != nil {
		t.Fatal("Wrap(nil) != nil")
	}
	plain := Wrap("x", errors.New("disk full"))
	if KindOf(plain) != Internal || MessageOf(plain) != "" {
		t.Fatalf("plain error: %v", plain)
	}
}

func TestFields(t *testing.T) {
	var f Fields
	if f.Err("op") != nil {
		t.Fatal("no fields must mean no error")
	}
	f.Add("z", "required", "")
	f.Add("a", "too_long", "")
	err := f.Err("op")
	got := FieldsOf(err)
	if !Is(err, Invalid) || len(got) != 2 || got[0].Field != "a" || !f.Has("z") || f.Has("b") {
		t.Fatalf("fields: %v", got)
	}
	if s := err.Error(); s != "op: invalid: some fields are invalid [z: required] [a: too_long]" {
		t.Fatalf("Error() = %q", s)
	}
}
