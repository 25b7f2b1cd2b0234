// Package money holds exact amounts of money as integer minor units (cents
// for the euro) and parses and formats them the way French and English
// speakers write them. Floating point is never used.
package money

import (
	"errors"
	"math"
	"strconv"
	"strings"
)

// Amount is a quantity of money in minor units of its currency.
type Amount int64

// Errors returned by Parse; the text doubles as a field error code.
var (
	ErrEmpty     = errors.New("required")
	ErrSyntax    = errors.New("not_a_number")
	ErrPrecision = errors.New("too_many_decimals")
	ErrRange     = errors.New("out_of_range")
)

// Parse reads an amount with at most two decimals as typed by a person:
// "1234.5", "1 234,50", "1,234.50", "-12", "12 €". Spaces, non-breaking
// spaces and apostrophes group thousands. When both ',' and '.' appear,
// the last one is the decimal separator; a lone ',' or '.' is decimal unless
// it is followed by exactly three digits and another group, which is not
// accepted as ambiguous input would silently change value.
func Parse(s string) (Amount, error) {
	s = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(s), "€"))
	s = strings.TrimPrefix(s, "€")
	v, err := ParseDecimal(s, 2)
	return Amount(v), err
}

// ParseDecimal reads a signed decimal number with at most places decimals,
// written the French or the English way (see Parse), and returns it scaled
// by 10^places: ParseDecimal("1,5", 3) is 1500. Quantities and rates use it.
func ParseDecimal(s string, places int) (int64, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, ErrEmpty
	}
	neg := false
	switch s[0] {
	case '-':
		neg, s = true, s[1:]
	case '+':
		s = s[1:]
	}
	s = strings.NewReplacer(" ", "", "\u00a0", "", "\u202f", "", "'", "", "’", "").Replace(s)
	intPart, frac, err := splitDecimal(s)
	if err != nil {
		return 0, err
	}
	if intPart == "" && frac == "" {
		return 0, ErrSyntax
	}
	if len(frac) > places {
		return 0, ErrPrecision
	}
	for len(frac) < places {
		frac += "0"
	}
	if intPart == "" {
		intPart = "0"
	}
	if !digits(intPart) || !digits(frac) {
		return 0, ErrSyntax
	}
	scale := int64(1)
	for range places {
		scale *= 10
	}
	units, err := strconv.ParseInt(intPart, 10, 64)
	if err != nil || units > (math.MaxInt64-(scale-1))/scale {
		return 0, ErrRange
	}
	var fv int64
	if frac != "" {
		fv, _ = strconv.ParseInt(frac, 10, 64)
	}
	v := units*scale + fv
	if neg {
		v = -v
	}
	return v, nil
}

// splitDecimal finds the decimal separator and drops thousands separators.
func splitDecimal(s string) (intPart, frac string, err error) {
	lastComma, lastDot := strings.LastIndexByte(s, ','), strings.LastIndexByte(s, '.')
	dec := max(lastComma, lastDot)
	if dec < 0 {
		return s, "", nil
	}
	sep, other := s[dec], byte('.')
	if sep == '.' {
		other = ','
	}
	if strings.Count(s, string(sep)) > 1 {
		// "1.234.567" or "1,234,567": only thousands separators.
		if strings.IndexByte(s, other) >= 0 {
			return "", "", ErrSyntax
		}
		return groups(s, sep)
	}
	intPart, frac = s[:dec], s[dec+1:]
	if strings.IndexByte(intPart, other) >= 0 {
		if i, _, err := groups(intPart, other); err == nil {
			return i, frac, nil
		}
		return "", "", ErrSyntax
	}
	return intPart, frac, nil
}

// groups checks that s is thousands groups separated by sep and joins them.
func groups(s string, sep byte) (string, string, error) {
	parts := strings.Split(s, string(sep))
	for i, p := range parts {
		if (i == 0 && (len(p) == 0 || len(p) > 3)) || (i > 0 && len(p) != 3) {
			return "", "", ErrSyntax
		}
	}
	return strings.Join(parts, ""), "", nil
}

func digits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// Format writes a in the given locale ("fr" or "en") with two decimals and
// grouped thousands, without a currency symbol: "1 234,50" or "1,234.50".
// French uses a narrow no-break space to group, as typography requires.
func (a Amount) Format(locale string) string {
	return FormatDecimal(int64(a), 2, 2, locale)
}

// FormatDecimal writes v scaled by 10^places (see ParseDecimal) in the
// given locale with grouped thousands and at least minPlaces decimals,
// dropping trailing zeros beyond: FormatDecimal(1500, 3, 0, "fr") is "1,5".
func FormatDecimal(v int64, places, minPlaces int, locale string) string {
	group, dec := "\u202f", ","
	if locale == "en" {
		group, dec = ",", "."
	}
	sign := ""
	u := uint64(v)
	if v < 0 {
		sign, u = "-", uint64(-(v+1))+1
	}
	scale := uint64(1)
	for range places {
		scale *= 10
	}
	s := strconv.FormatUint(u/scale, 10)
	var b strings.Builder
	b.WriteString(sign)
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteString(group)
		}
		b.WriteRune(r)
	}
	if places == 0 {
		return b.String()
	}
	frac := strconv.FormatUint(u%scale, 10)
	frac = strings.Repeat("0", places-len(frac)) + frac
	for len(frac) > minPlaces && frac[len(frac)-1] == '0' {
		frac = frac[:len(frac)-1]
	}
	if frac != "" {
		b.WriteString(dec)
		b.WriteString(frac)
	}
	return b.String()
}

// String formats the amount plainly with a dot, as in "1234.50", for
// machine-readable output such as CSV and JSON.
func (a Amount) String() string {
	v := int64(a)
	sign := ""
	u := uint64(v)
	if v < 0 {
		sign, u = "-", uint64(-(v+1))+1
	}
	c := u % 100
	pad := ""
	if c < 10 {
		pad = "0"
	}
	return sign + strconv.FormatUint(u/100, 10) + "." + pad + strconv.FormatUint(c, 10)
}

// DecimalJSON reads a JSON number or string as an exact decimal with at
// most places decimals, never through a float: 1.5 and "1,5" both read as
// 15 × 10^(places-1).
func DecimalJSON(b []byte, places int) (int64, error) {
	s := string(b)
	if len(s) >= 2 && s[0] == '"' {
		u, err := strconv.Unquote(s)
		if err != nil {
			return 0, ErrSyntax
		}
		s = u
	}
	return ParseDecimal(s, places)
}
