// Package vat holds value-added tax rates and the exemptions a French
// business prints on its invoices, with their legal mentions and the
// EN 16931 category codes electronic invoices will carry.
package vat

import (
	"errors"
	"math/bits"
	"slices"
	"strings"

	"github.com/comptoir/comptoir/money"
)

// Rate is a VAT rate in hundredths of a percent: 2000 is 20 %, 550 is 5.5 %.
type Rate int64

// The French rates.
const (
	Standard     Rate = 2000
	Intermediate Rate = 1000
	Reduced      Rate = 550
	SuperReduced Rate = 210
	Zero         Rate = 0
)

// FrenchRates lists the rates offered in forms, highest first.
var FrenchRates = []Rate{Standard, Intermediate, Reduced, SuperReduced, Zero}

// ErrRate is returned for a rate outside 0–100 %.
var ErrRate = errors.New("invalid_rate")

// ParseRate reads "20", "5,5", "5.5 %" or "2,10%".
func ParseRate(s string) (Rate, error) {
	s = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(s), "%"))
	v, err := money.ParseDecimal(s, 2)
	if err != nil {
		return 0, err
	}
	if v < 0 || v > 10000 {
		return 0, ErrRate
	}
	return Rate(v), nil
}

// Format writes the rate without useless decimals, "5,5" or "5.5".
func (r Rate) Format(locale string) string { return money.FormatDecimal(int64(r), 2, 0, locale) }

// String is the plain form, "5.5".
func (r Rate) String() string { return r.Format("en") }

// Of returns the VAT on base at rate r, rounded half away from zero to the
// cent, as EN 16931 computes it once per rate (BT-117).
func (r Rate) Of(base money.Amount) money.Amount {
	return money.Amount(MulDiv(int64(base), int64(r), 10000))
}

// MulDiv returns a × b / d (d > 0) rounded half away from zero, without
// overflow in the product; the result must fit an int64.
func MulDiv(a, b, d int64) int64 {
	hi, lo := bits.Mul64(uabs(a), uabs(b))
	if hi >= uint64(d) {
		panic("vat.MulDiv: result overflows int64")
	}
	q, r := bits.Div64(hi, lo, uint64(d))
	if r >= uint64(d)-r { // r ≥ d/2, exactly
		q++
	}
	if (a < 0) != (b < 0) {
		return -int64(q)
	}
	return int64(q)
}

func uabs(v int64) uint64 {
	if v < 0 {
		return uint64(-(v + 1)) + 1
	}
	return uint64(v)
}

// Exemption is why an invoice or a line carries no VAT.
type Exemption string

// Exemptions a French business uses.
const (
	None          Exemption = ""
	Franchise     Exemption = "franchise"      // small business scheme, art. 293 B du CGI
	ReverseCharge Exemption = "reverse_charge" // autoliquidation (art. 283 du CGI)
	IntraEU       Exemption = "intra_eu"       // intra-EU supply of goods (art. 262 ter I du CGI)
	Export        Exemption = "export"         // export outside the EU (art. 262 I du CGI)
)

// Exemptions lists the valid exemptions, None first.
var Exemptions = []Exemption{None, Franchise, ReverseCharge, IntraEU, Export}

// Valid reports whether e is a known exemption.
func (e Exemption) Valid() bool { return slices.Contains(Exemptions, e) }

// Mention is the legal mention an invoice must print for e, in French (the
// legal text) or English.
func (e Exemption) Mention(locale string) string {
	fr := map[Exemption]string{
		Franchise:     "TVA non applicable, art. 293 B du CGI",
		ReverseCharge: "Autoliquidation",
		IntraEU:       "Exonération de TVA, art. 262 ter I du CGI",
		Export:        "Exonération de TVA, art. 262 I du CGI",
	}
	en := map[Exemption]string{
		Franchise:     "VAT not applicable, art. 293 B of the French tax code (CGI)",
		ReverseCharge: "Reverse charge (autoliquidation)",
		IntraEU:       "VAT exempt intra-EU supply, art. 262 ter I CGI (art. 138 of Directive 2006/112/EC)",
		Export:        "VAT exempt export, art. 262 I CGI",
	}
	if locale == "en" {
		return en[e]
	}
	return fr[e]
}

// Category is the EN 16931 VAT category code (UNTDID 5305) of a line at
// rate r under exemption e: S standard, Z zero rated, E exempt, AE reverse
// charge, K intra-EU, G export.
func Category(r Rate, e Exemption) string {
	switch e {
	case Franchise:
		return "E"
	case ReverseCharge:
		return "AE"
	case IntraEU:
		return "K"
	case Export:
		return "G"
	}
	if r == 0 {
		return "Z"
	}
	return "S"
}

// MarshalJSON writes the rate as a decimal string, "5.5".
func (r Rate) MarshalJSON() ([]byte, error) { return []byte(`"` + r.String() + `"`), nil }

// UnmarshalJSON reads a rate from a JSON number or string, exactly.
func (r *Rate) UnmarshalJSON(b []byte) error {
	v, err := money.DecimalJSON(b, 2)
	if err != nil {
		return err
	}
	if v < 0 || v > 10000 {
		return ErrRate
	}
	*r = Rate(v)
	return nil
}
