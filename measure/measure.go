// Package measure holds exact decimal quantities (thousandths, so that a
// weight is kept to the gram) and the units goods and services are sold in.
package measure

import (
	"errors"
	"slices"
	"strings"

	"github.com/comptoir/comptoir/money"
)

// Quantity is a quantity in thousandths of its unit: 1500 is 1.5.
type Quantity int64

// One is a quantity of one unit.
const One Quantity = 1000

// Max is the largest quantity accepted on a document: a million units.
const Max Quantity = 1_000_000 * One

// ErrTooLarge is returned for quantities beyond Max.
var ErrTooLarge = errors.New("too_large")

// Parse reads a quantity with at most three decimals, written the French or
// the English way ("1,5", "1 000", "0.250").
func Parse(s string) (Quantity, error) {
	v, err := money.ParseDecimal(s, 3)
	if err != nil {
		return 0, err
	}
	if v > int64(Max) || v < -int64(Max) {
		return 0, ErrTooLarge
	}
	return Quantity(v), nil
}

// Format writes q in the locale ("fr" or "en") with no useless decimals.
// Thousands are grouped by a narrow space in both languages (the SI way):
// "1,000" would read as one in French and a thousand in English.
func (q Quantity) Format(locale string) string {
	s := money.FormatDecimal(int64(q), 3, 0, "fr")
	if locale == "en" {
		s = strings.Replace(s, ",", ".", 1)
	}
	return s
}

// String writes q plainly with a dot, for CSV and JSON.
func (q Quantity) String() string {
	return strings.ReplaceAll(q.Format("en"), "\u202f", "")
}

// Units goods and services are sold in, as UN/ECE recommendation 20 codes
// would later need them; the key is what Comptoir stores.
var Units = []string{"piece", "kg", "g", "l", "ml", "m", "m2", "m3", "hour", "day", "month", "flat"}

// UNECE maps a unit to its UN/ECE recommendation 20 code, used by
// electronic invoices.
var UNECE = map[string]string{
	"piece": "C62", "kg": "KGM", "g": "GRM", "l": "LTR", "ml": "MLT", "m": "MTR", "m2": "MTK", "m3": "MTQ",
	"hour": "HUR", "day": "DAY", "month": "MON", "flat": "LS",
}

// ValidUnit reports whether u is one of Units.
func ValidUnit(u string) bool { return slices.Contains(Units, u) }

// ByWeight reports whether u is a unit of weight, sold on a scale.
func ByWeight(u string) bool { return u == "kg" || u == "g" }

// MarshalJSON writes the quantity as a decimal string, "1.5".
func (q Quantity) MarshalJSON() ([]byte, error) { return []byte(`"` + q.String() + `"`), nil }

// UnmarshalJSON reads a quantity from a JSON number or string, exactly.
func (q *Quantity) UnmarshalJSON(b []byte) error {
	v, err := money.DecimalJSON(b, 3)
	if err != nil {
		return err
	}
	if v > int64(Max) || v < -int64(Max) {
		return ErrTooLarge
	}
	*q = Quantity(v)
	return nil
}
