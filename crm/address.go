package crm

import (
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/comptoir/comptoir/errs"
)

// Kinds of extra address. The contact's own address stays its main,
// postal one; these are added beside it.
var AddressKinds = []string{"billing", "delivery", "other"}

// Address is one of a contact's extra addresses: where to bill, where to
// deliver, or any other.
type Address struct {
	ID         int64  `json:"id"`
	ContactID  int64  `json:"contact_id"`
	Kind       string `json:"kind"`
	Label      string `json:"label"`
	Line1      string `json:"line1"`
	Line2      string `json:"line2"`
	PostalCode string `json:"postal_code"`
	City       string `json:"city"`
	Country    string `json:"country"` // ISO 3166-1 alpha-2
	// IsDefault marks the address used first for its kind; a contact has
	// at most one default per kind.
	IsDefault bool      `json:"is_default"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// AddressInput is what a user may set on an address; nil leaves a field
// alone.
type AddressInput struct {
	Kind       *string `json:"kind"`
	Label      *string `json:"label"`
	Line1      *string `json:"line1"`
	Line2      *string `json:"line2"`
	PostalCode *string `json:"postal_code"`
	City       *string `json:"city"`
	Country    *string `json:"country"`
	IsDefault  *bool   `json:"is_default"`
}

// Apply copies the set fields onto a.
func (in AddressInput) Apply(a *Address) {
	for _, f := range []struct{ dst, v *string }{{&a.Kind, in.Kind}, {&a.Label, in.Label}, {&a.Line1, in.Line1},
		{&a.Line2, in.Line2}, {&a.PostalCode, in.PostalCode}, {&a.City, in.City}, {&a.Country, in.Country}} {
		if f.v != nil {
			*f.dst = *f.v
		}
	}
	if in.IsDefault != nil {
		a.IsDefault = *in.IsDefault
	}
}

// Validate normalizes and checks an address, reporting every problem.
func (a *Address) Validate() error {
	var f errs.Fields
	trim := func(s *string, field string, max int) {
		*s = strings.TrimSpace(*s)
		if utf8.RuneCountInString(*s) > max {
			f.Add(field, "too_long", field+" is too long")
		}
	}
	if !slices.Contains(AddressKinds, a.Kind) {
		f.Add("kind", "invalid_kind", "kind must be billing, delivery or other")
	}
	trim(&a.Label, "label", 100)
	trim(&a.Line1, "line1", 200)
	trim(&a.Line2, "line2", 200)
	trim(&a.PostalCode, "postal_code", 20)
	trim(&a.City, "city", 100)
	if a.Line1 == "" && a.City == "" {
		f.Add("line1", "required", "an address needs a street or a city")
	}
	a.Country = strings.ToUpper(strings.TrimSpace(a.Country))
	if a.Country == "" {
		a.Country = "FR"
	}
	if !isCountryCode(a.Country) {
		f.Add("country", "invalid_country", "a two-letter country code")
	}
	if a.Country == "FR" && a.PostalCode != "" && !isFrenchPostalCode(a.PostalCode) {
		f.Add("postal_code", "invalid_postal_code", "a French postal code has five digits")
	}
	return f.Err("crm.Address.Validate")
}

// OneLine is the address on one line, for lists.
func (a Address) OneLine() string {
	var parts []string
	for _, p := range []string{a.Line1, a.Line2, strings.TrimSpace(a.PostalCode + " " + a.City), a.Country} {
		if p != "" {
			parts = append(parts, p)
		}
	}
	return strings.Join(parts, ", ")
}

func isCountryCode(s string) bool {
	return len(s) == 2 && s[0] >= 'A' && s[0] <= 'Z' && s[1] >= 'A' && s[1] <= 'Z'
}

func isFrenchPostalCode(s string) bool {
	if len(s) != 5 {
		return false
	}
	for i := 0; i < 5; i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
