package catalog

import (
	"strings"
	"testing"

	"github.com/comptoir/comptoir/errs"
	"github.com/comptoir/comptoir/money"
)

func TestSupplierValidate(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   Supplier
		want map[string]string // field: code; nil when valid
		ref  string            // the reference after normalizing
	}{
		{name: "valid", in: Supplier{ContactID: 1, Reference: "  MO-250 ", Price: 1290}, ref: "MO-250"},
		{name: "no reference, free", in: Supplier{ContactID: 1}},
		{name: "largest price", in: Supplier{ContactID: 1, Price: MaxPrice}},
		{name: "64 characters", in: Supplier{ContactID: 1, Reference: strings.Repeat("é", MaxReference)}, ref: strings.Repeat("é", MaxReference)},
		{name: "no contact", in: Supplier{Price: 1}, want: map[string]string{"contact_id": "required"}},
		{name: "negative contact", in: Supplier{ContactID: -3}, want: map[string]string{"contact_id": "required"}},
		{name: "too long", in: Supplier{ContactID: 1, Reference: strings.Repeat("x", MaxReference+1)}, want: map[string]string{"reference": "too_long"}},
		{name: "control character", in: Supplier{ContactID: 1, Reference: "A\x00B"}, want: map[string]string{"reference": "invalid_reference"}},
		{name: "negative price", in: Supplier{ContactID: 1, Price: -1}, want: map[string]string{"price": "negative"}},
		{name: "price too large", in: Supplier{ContactID: 1, Price: MaxPrice + 1}, want: map[string]string{"price": "out_of_range"}},
		{name: "every field at once", in: Supplier{Reference: strings.Repeat("x", 65), Price: money.Amount(-5)},
			want: map[string]string{"contact_id": "required", "reference": "too_long", "price": "negative"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := tc.in
			err := s.Validate()
			got := map[string]string{}
			for _, f := range errs.FieldsOf(err) {
				got[f.Field] = f.Code
			}
			if len(got) != len(tc.want) {
				t.Fatalf("fields %v, want %v", got, tc.want)
			}
			for k, v := range tc.want {
				if got[k] != v {
					t.Errorf("%s: %q, want %q", k, got[k], v)
				}
			}
			if tc.want != nil && !errs.Is(err, errs.Invalid) {
				t.Errorf("kind %v", errs.KindOf(err))
			}
			if tc.want == nil && s.Reference != tc.ref {
				t.Errorf("reference %q, want %q", s.Reference, tc.ref)
			}
		})
	}
}
