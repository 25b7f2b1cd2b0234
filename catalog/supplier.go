package catalog

import (
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/comptoir/comptoir/errs"
	"github.com/comptoir/comptoir/money"
)

// Supplier is one supplier a product is bought from: the supplier's own
// reference for it and the unit price that supplier charges, excluding
// VAT, in minor units. A product has at most one row per supplier.
type Supplier struct {
	ProductID int64 `json:"product_id"`
	ContactID int64 `json:"contact_id"`
	// ContactName is the supplier's display name, filled when read.
	ContactName string       `json:"contact_name,omitempty"`
	Reference   string       `json:"reference"` // the supplier's reference, may be empty
	Price       money.Amount `json:"price"`
	UpdatedAt   time.Time    `json:"updated_at"`
}

// Validate normalizes and checks a supplier's row, reporting every problem
// at once. The contact's existence and role are the service's to check.
func (s *Supplier) Validate() error {
	var f errs.Fields
	if s.ContactID <= 0 {
		f.Add("contact_id", "required", "contact_id is required")
	}
	s.Reference = strings.TrimSpace(s.Reference)
	switch {
	case utf8.RuneCountInString(s.Reference) > MaxReference:
		f.Add("reference", "too_long", "reference is too long")
	case strings.ContainsFunc(s.Reference, unicode.IsControl):
		f.Add("reference", "invalid_reference", "the reference holds control characters")
	}
	switch {
	case s.Price < 0:
		f.Add("price", "negative", "price cannot be negative")
	case s.Price > MaxPrice:
		f.Add("price", "out_of_range", "price is too large")
	}
	return f.Err("catalog.Supplier.Validate")
}
