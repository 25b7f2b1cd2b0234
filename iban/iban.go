// Package iban checks International Bank Account Numbers (ISO 13616, with
// the mod-97 key of ISO 7064) and Bank Identifier Codes (ISO 9362). Bank
// details are printed on invoices and kept for clients and suppliers, so a
// typo must be caught when it is typed, not when a transfer bounces.
package iban

import (
	"errors"
	"strings"
)

// Errors returned by the checks; their text is stable and used as field codes.
var (
	ErrLength  = errors.New("wrong_length")
	ErrCountry = errors.New("unknown_country")
	ErrFormat  = errors.New("bad_format")
	ErrKey     = errors.New("bad_check_key")
)

// lengths is the IBAN length per country (SWIFT IBAN registry), for the
// SEPA area and the countries French businesses most often trade with.
var lengths = map[string]int{
	"AD": 24, "AT": 20, "BE": 16, "BG": 22, "CH": 21, "CY": 28, "CZ": 24,
	"DE": 22, "DK": 18, "EE": 20, "ES": 24, "FI": 18, "FR": 27, "GB": 22,
	"GI": 23, "GR": 27, "HR": 21, "HU": 28, "IE": 22, "IS": 26, "IT": 27,
	"LI": 21, "LT": 20, "LU": 20, "LV": 21, "MC": 27, "MT": 31, "NL": 18,
	"NO": 15, "PL": 28, "PT": 25, "RO": 24, "SE": 24, "SI": 19, "SK": 24,
	"SM": 27, "VA": 22, "MA": 28, "TN": 24, "SN": 28, "CI": 28, "DZ": 26,
}

func normalize(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == ' ' || r == '-' || r == '\u00a0' || r == '\t':
		case r >= 'a' && r <= 'z':
			b.WriteRune(r - 'a' + 'A')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// Check validates an IBAN and returns it in electronic form (no spaces,
// upper case).
func Check(s string) (string, error) {
	s = normalize(s)
	if len(s) < 5 {
		return s, ErrLength
	}
	want, ok := lengths[s[:2]]
	if !ok {
		return s, ErrCountry
	}
	if len(s) != want {
		return s, ErrLength
	}
	if s[2] < '0' || s[2] > '9' || s[3] < '0' || s[3] > '9' {
		return s, ErrFormat
	}
	rem := 0
	rearranged := s[4:] + s[:4]
	for i := 0; i < len(rearranged); i++ {
		c := rearranged[i]
		switch {
		case c >= '0' && c <= '9':
			rem = (rem*10 + int(c-'0')) % 97
		case c >= 'A' && c <= 'Z':
			rem = (rem*100 + int(c-'A'+10)) % 97
		default:
			return s, ErrFormat
		}
	}
	if rem != 1 {
		return s, ErrKey
	}
	return s, nil
}

// Format groups an electronic IBAN by four characters for printing.
func Format(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if i > 0 && i%4 == 0 {
			b.WriteByte(' ')
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// CheckBIC validates the shape of a BIC: 4 letters (bank), 2 letters
// (country), 2 letters or digits (location), optionally 3 more (branch).
func CheckBIC(s string) (string, error) {
	s = normalize(s)
	if len(s) != 8 && len(s) != 11 {
		return s, ErrLength
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		letter := c >= 'A' && c <= 'Z'
		digit := c >= '0' && c <= '9'
		if (i < 6 && !letter) || (i >= 6 && !letter && !digit) {
			return s, ErrFormat
		}
	}
	return s, nil
}
