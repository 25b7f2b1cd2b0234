package main

import (
	"fmt"
	"strings"

	"github.com/comptoir/comptoir/errs"
)

// describe turns a service error into a message for the terminal, listing
// each invalid field.
func describe(err error) error {
	fields := errs.FieldsOf(err)
	if len(fields) == 0 {
		if msg := errs.MessageOf(err); msg != "" && errs.KindOf(err) != errs.Internal {
			return fmt.Errorf("%s", msg)
		}
		return err
	}
	var b strings.Builder
	b.WriteString("invalid input:")
	for _, f := range fields {
		fmt.Fprintf(&b, "\n  %s: %s (%s)", f.Field, f.Message, f.Code)
	}
	return fmt.Errorf("%s", b.String())
}
