package web

import (
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/comptoir/comptoir/errs"
	"github.com/comptoir/comptoir/sales"
)

// TestDecodeJSONNamesDecimalFields checks that a value refused by its own
// decoder (decimal quantities, rates, percentages) or of the wrong type is
// named with its place in lists, as validation names fields.
func TestDecodeJSONNamesDecimalFields(t *testing.T) {
	tests := []struct{ body, field, code string }{
		{`{"lines":[{"description":"a","quantity":"1"},{"quantity":"abc"}]}`, "lines.1.quantity", "not_a_number"},
		{`{"lines":[{"quantity":true}]}`, "lines.0.quantity", "not_a_number"},
		{`{"lines":[{"vat_rate":[20]}]}`, "lines.0.vat_rate", "not_a_number"},
		{`{"discount":"1.234"}`, "discount", "too_many_decimals"},
		{`{"lines":[{"vat_rate":"120"}]}`, "lines.0.vat_rate", "invalid_rate"},
		{`{"lines":[{"quantity":"99999999999999999999"}]}`, "lines.0.quantity", "out_of_range"},
		{`{"lines":[{"unit_price":"12"}]}`, "lines.0.unit_price", "wrong_type"},
		{`{"delivery_address":{"city":3}}`, "delivery_address.city", "wrong_type"},
		{`{"title":"x","bogus":1}`, "bogus", "unknown_field"},
	}
	for _, tt := range tests {
		r := httptest.NewRequest("POST", "/api/v1/quotes", strings.NewReader(tt.body))
		var in sales.Input
		err := decodeJSON(httptest.NewRecorder(), r, &in)
		fields := errs.FieldsOf(err)
		if !errs.Is(err, errs.Invalid) || len(fields) != 1 || fields[0].Field != tt.field || fields[0].Code != tt.code {
			t.Errorf("decode %s: %v %v, want %s %s", tt.body, err, fields, tt.field, tt.code)
			continue
		}
		if msg := errs.MessageOf(err); !strings.HasPrefix(msg, tt.field) {
			t.Errorf("decode %s: message %q does not name %s", tt.body, msg, tt.field)
		}
	}
	r := httptest.NewRequest("POST", "/api/v1/quotes", strings.NewReader(`{"lines":[{"quantity":"1,5","vat_rate":20,"discount":"12.5"}]}`))
	var in sales.Input
	if err := decodeJSON(httptest.NewRecorder(), r, &in); err != nil || (*in.Lines)[0].Quantity != 1500 {
		t.Fatalf("valid body: %v %+v", err, in)
	}
}

// FuzzDecodeDocumentInput feeds arbitrary bodies to the decoder of sales
// documents, whose decimal fields have decoders of their own: failures are
// client errors, never internal ones, and never a panic.
func FuzzDecodeDocumentInput(f *testing.F) {
	for _, s := range []string{`{"lines":[{"quantity":"abc"}]}`, `{"discount":"1.5"}`, `{"lines":[{"vat_rate":[[[]]]}]}`, `{"lines":null}`, `[`, `{"delivery_address":{"city":1}}`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		r := httptest.NewRequest("POST", "/api/v1/quotes", strings.NewReader(body))
		var in sales.Input
		err := decodeJSON(httptest.NewRecorder(), r, &in)
		if err != nil && !errs.Is(err, errs.Invalid) && !errs.Is(err, errs.TooLarge) {
			t.Fatalf("body %q: %v is not a client error", body, err)
		}
	})
}
