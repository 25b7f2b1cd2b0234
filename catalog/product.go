// Package catalog describes what a business sells: products and services,
// with their price excluding VAT, VAT rate, unit, purchase price (for
// margins) and barcode, and the suppliers each is bought from. It is a
// domain package: plain structs with Validate, no storage, no HTTP.
package catalog

import (
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/comptoir/comptoir/errs"
	"github.com/comptoir/comptoir/measure"
	"github.com/comptoir/comptoir/money"
	"github.com/comptoir/comptoir/vat"
)

// Limits of a product's fields.
const (
	MaxReference   = 64
	MaxName        = 200
	MaxDescription = 2000
	// MaxPrice bounds prices (a hundred million euros): margins and
	// document totals stay far from integer overflow.
	MaxPrice money.Amount = 100_000_000_00
)

// Product is a good or a service the business sells. Prices are in the
// account's currency (EUR), in minor units.
type Product struct {
	ID          int64  `json:"id"`
	Reference   string `json:"reference"` // unique in the account
	Name        string `json:"name"`
	Description string `json:"description"`
	Unit        string `json:"unit"` // one of measure.Units
	// Price is the unit price excluding VAT.
	Price   money.Amount `json:"price"`
	VATRate vat.Rate     `json:"vat_rate"` // hundredths of a percent: 2000 is 20 %
	// PurchasePrice is the unit cost excluding VAT, 0 when unknown.
	PurchasePrice money.Amount `json:"purchase_price"`
	Barcode       string       `json:"barcode"` // EAN-8, EAN-13 or UPC-A, or empty
	Active        bool         `json:"active"`
	// SoldByWeight follows from the unit (kg or g): the item is weighed.
	SoldByWeight bool      `json:"sold_by_weight"`
	CreatedAt    time.Time `json:"created_at"`
	UpdatedAt    time.Time `json:"updated_at"`
}

// New returns a product with the defaults of a form: sold by the piece at
// the standard rate, active.
func New() Product {
	return Product{Unit: "piece", VATRate: vat.Standard, Active: true}
}

// Validate normalizes and checks a product against the French VAT rates,
// reporting every problem at once.
func (p *Product) Validate() error { return p.ValidateRates(vat.FrenchRates) }

// ValidateRates is Validate with the VAT rates the business may use.
func (p *Product) ValidateRates(rates []vat.Rate) error {
	var f errs.Fields
	text := func(s *string, field string, max int, required bool) {
		*s = strings.TrimSpace(*s)
		switch {
		case required && *s == "":
			f.Add(field, "required", field+" is required")
		case utf8.RuneCountInString(*s) > max:
			f.Add(field, "too_long", field+" is too long")
		}
	}
	text(&p.Reference, "reference", MaxReference, true)
	if strings.ContainsFunc(p.Reference, unicode.IsControl) {
		f.Add("reference", "invalid_reference", "the reference holds control characters")
	}
	text(&p.Name, "name", MaxName, true)
	text(&p.Description, "description", MaxDescription, false)
	p.Unit = strings.TrimSpace(p.Unit)
	if !measure.ValidUnit(p.Unit) {
		f.Add("unit", "invalid_unit", "unit must be one of "+strings.Join(measure.Units, ", "))
	}
	price := func(a money.Amount, field string) {
		switch {
		case a < 0:
			f.Add(field, "negative", field+" cannot be negative")
		case a > MaxPrice:
			f.Add(field, "out_of_range", field+" is too large")
		}
	}
	price(p.Price, "price")
	price(p.PurchasePrice, "purchase_price")
	if !slices.Contains(rates, p.VATRate) {
		f.Add("vat_rate", "invalid_vat_rate", "vat_rate must be one of the French rates: 2000, 1000, 550, 210 or 0 (hundredths of a percent)")
	}
	if strings.TrimSpace(p.Barcode) == "" {
		p.Barcode = ""
	} else if code, err := CheckBarcode(p.Barcode); err != nil {
		f.Add("barcode", "invalid_barcode", "the barcode is not a valid EAN-8, EAN-13 or UPC-A")
	} else {
		p.Barcode = code
	}
	p.SoldByWeight = measure.ByWeight(p.Unit)
	return f.Err("catalog.Product.Validate")
}

// PriceInclVAT is the unit price including VAT, rounded to the cent.
func (p Product) PriceInclVAT() money.Amount { return p.Price + p.VATRate.Of(p.Price) }

// HasMargin reports whether the purchase price is known, so that margins
// mean something.
func (p Product) HasMargin() bool { return p.PurchasePrice > 0 }

// Margin is the gross margin on one unit: price minus purchase price,
// both excluding VAT. It is negative when selling at a loss.
func (p Product) Margin() money.Amount { return p.Price - p.PurchasePrice }

// MarginRate is the margin as a share of the purchase price (the French
// "taux de marge"), in hundredths of a percent rounded half away from
// zero: buying at 10.00 and selling at 15.00 is 5000 (50 %). ok is false
// when the purchase price is unknown.
func (p Product) MarginRate() (rate int64, ok bool) {
	if !p.HasMargin() {
		return 0, false
	}
	return vat.MulDiv(int64(p.Margin()), 10000, int64(p.PurchasePrice)), true
}

// MarkupRate is the margin as a share of the selling price (the French
// "taux de marque"), in hundredths of a percent: buying at 10.00 and
// selling at 15.00 is 3333 (33.33 %). ok is false when the purchase price
// is unknown or the price is zero.
func (p Product) MarkupRate() (rate int64, ok bool) {
	if !p.HasMargin() || p.Price == 0 {
		return 0, false
	}
	return vat.MulDiv(int64(p.Margin()), 10000, int64(p.Price)), true
}

// SearchKey folds text for accent- and case-insensitive search and
// sorting: "Café" and "CAFE" both become "cafe".
func SearchKey(s string) string {
	var b strings.Builder
	for _, r := range norm.NFD.String(s) {
		if unicode.Is(unicode.Mn, r) {
			continue
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}

// SortKey orders lists by name, accents and case aside.
func (p Product) SortKey() string { return SearchKey(p.Name) }

// SearchText is what a product is found by: its reference, name and
// barcode.
func (p Product) SearchText() string {
	return SearchKey(p.Reference + " " + p.Name + " " + p.Barcode)
}

// Input is what a user may set on a product; nil leaves a field alone. The
// id, dates and SoldByWeight (which follows from the unit) are not here.
type Input struct {
	Reference     *string       `json:"reference"`
	Name          *string       `json:"name"`
	Description   *string       `json:"description"`
	Unit          *string       `json:"unit"`
	Price         *money.Amount `json:"price"`
	VATRate       *vat.Rate     `json:"vat_rate"`
	PurchasePrice *money.Amount `json:"purchase_price"`
	Barcode       *string       `json:"barcode"`
	Active        *bool         `json:"active"`
}

// Apply copies the set fields onto p.
func (in Input) Apply(p *Product) {
	set(&p.Reference, in.Reference)
	set(&p.Name, in.Name)
	set(&p.Description, in.Description)
	set(&p.Unit, in.Unit)
	set(&p.Price, in.Price)
	set(&p.VATRate, in.VATRate)
	set(&p.PurchasePrice, in.PurchasePrice)
	set(&p.Barcode, in.Barcode)
	set(&p.Active, in.Active)
}

func set[T any](dst *T, v *T) {
	if v != nil {
		*dst = *v
	}
}

// Filter selects products in lists, sorted by name.
type Filter struct {
	Query    string // words searched in reference, name and barcode, accents and case aside
	Active   *bool  // nil: all; true: active only; false: inactive only
	AfterKey string // keyset pagination: SortKey and ID of the last row seen
	AfterID  int64
	Limit    int
}
