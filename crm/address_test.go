package crm

import (
	"strings"
	"testing"

	"github.com/comptoir/comptoir/errs"
)

func TestAddressValidate(t *testing.T) {
	long := strings.Repeat("x", 201)
	for _, tc := range []struct {
		name string
		in   Address
		want string // field:code, space-separated, by field
	}{
		{"delivery in France", Address{Kind: "delivery", Line1: " 3 rue Neuve ", PostalCode: "64100", City: "Bayonne"}, ""},
		{"country defaults to France", Address{Kind: "billing", City: "Pau"}, ""},
		{"foreign postal code", Address{Kind: "other", City: "Bruxelles", PostalCode: "1000", Country: "be"}, ""},
		{"unknown kind", Address{Kind: "home", City: "Pau"}, "kind:invalid_kind"},
		{"empty", Address{Kind: "billing"}, "line1:required"},
		{"country code", Address{Kind: "billing", City: "Pau", Country: "France"}, "country:invalid_country"},
		{"digits are no country", Address{Kind: "billing", City: "Pau", Country: "12"}, "country:invalid_country"},
		{"French postal code", Address{Kind: "billing", City: "Pau", PostalCode: "640"}, "postal_code:invalid_postal_code"},
		{"lengths", Address{Kind: "billing", Label: long, Line1: long, Line2: long, City: long, PostalCode: long},
			"city:too_long label:too_long line1:too_long line2:too_long postal_code:too_long postal_code:invalid_postal_code"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			for _, f := range errs.FieldsOf(tc.in.Validate()) {
				got = append(got, f.Field+":"+f.Code)
			}
			if strings.Join(got, " ") != tc.want {
				t.Errorf("codes = %v, want %q", got, tc.want)
			}
		})
	}
	a := Address{Kind: "delivery", Line1: " 3 rue Neuve ", PostalCode: "64100", City: "Bayonne", Country: " fr"}
	if err := a.Validate(); err != nil || a.Line1 != "3 rue Neuve" || a.Country != "FR" || a.OneLine() != "3 rue Neuve, 64100 Bayonne, FR" {
		t.Errorf("not normalized: %+v %v", a, err)
	}
}

func TestCompanyLinkValidate(t *testing.T) {
	person := Contact{ID: 1, Kind: Person, LastName: "Pons", CompanyID: 2}
	if err := person.Validate(); err != nil {
		t.Errorf("a person attached to a company: %v", err)
	}
	for _, c := range []Contact{
		{ID: 2, Kind: Company, CompanyName: "Vrac", CompanyID: 3},
		{ID: 1, Kind: Person, LastName: "Pons", CompanyID: 1},
	} {
		if f := errs.FieldsOf(c.Validate()); len(f) != 1 || f[0].Field != "company_id" || f[0].Code != "not_a_person" {
			t.Errorf("%+v: %v", c, f)
		}
	}
}
