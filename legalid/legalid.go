// Package legalid checks the identifiers that name a business in France and
// the European Union: SIREN and SIRET numbers (INSEE, with their Luhn key)
// and intra-community VAT numbers (format per member state, and the key of
// French numbers). It is pure: no I/O, standard library only.
package legalid

import (
	"errors"
	"strings"
)

// Errors returned by the checks; their text is stable and used as field codes.
var (
	ErrLength  = errors.New("wrong_length")
	ErrDigits  = errors.New("not_digits")
	ErrKey     = errors.New("bad_check_key")
	ErrCountry = errors.New("unknown_country")
	ErrFormat  = errors.New("bad_format")
)

// Normalize removes the spaces, dots, dashes and non-breaking spaces people
// type inside identifiers and upper-cases letters.
func Normalize(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch r {
		case ' ', '.', '-', '\u00a0', '\u202f', '\t':
			continue
		}
		if r >= 'a' && r <= 'z' {
			r -= 'a' - 'A'
		}
		b.WriteRune(r)
	}
	return b.String()
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// luhn reports whether the digit string passes the Luhn (mod 10) check.
func luhn(s string) bool {
	sum := 0
	double := false
	for i := len(s) - 1; i >= 0; i-- {
		d := int(s[i] - '0')
		if double {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
		double = !double
	}
	return sum%10 == 0
}

// laPosteSIREN is the one SIREN whose establishments' SIRETs do not follow
// Luhn: INSEE uses a digit sum divisible by 5 for them instead.
const laPosteSIREN = "356000000"

// CheckSIREN validates a 9-digit SIREN and returns it normalized.
func CheckSIREN(s string) (string, error) {
	s = Normalize(s)
	switch {
	case len(s) != 9:
		return s, ErrLength
	case !allDigits(s):
		return s, ErrDigits
	case !luhn(s):
		return s, ErrKey
	}
	return s, nil
}

// CheckSIRET validates a 14-digit SIRET (SIREN + establishment number).
func CheckSIRET(s string) (string, error) {
	s = Normalize(s)
	switch {
	case len(s) != 14:
		return s, ErrLength
	case !allDigits(s):
		return s, ErrDigits
	}
	if _, err := CheckSIREN(s[:9]); err != nil {
		return s, ErrKey
	}
	if s[:9] == laPosteSIREN && s != "35600000000048" {
		sum := 0
		for i := 0; i < len(s); i++ {
			sum += int(s[i] - '0')
		}
		if sum%5 != 0 {
			return s, ErrKey
		}
		return s, nil
	}
	if !luhn(s) {
		return s, ErrKey
	}
	return s, nil
}

// FrenchVATKey computes the two-digit key of a French VAT number from a SIREN.
func FrenchVATKey(siren string) string {
	n := 0
	for i := 0; i < len(siren); i++ {
		n = (n*10 + int(siren[i]-'0')) % 97
	}
	k := (12 + 3*n) % 97
	return string([]byte{byte('0' + k/10), byte('0' + k%10)})
}

// FrenchVAT returns the French VAT number of a valid SIREN.
func FrenchVAT(siren string) string { return "FR" + FrenchVATKey(siren) + siren }

// FormatSIREN groups a SIREN by three digits, as it is printed: "732 829 320".
func FormatSIREN(s string) string {
	if len(s) != 9 {
		return s
	}
	return s[:3] + " " + s[3:6] + " " + s[6:]
}

// FormatSIRET prints a SIRET as its SIREN and establishment number:
// "732 829 320 00074".
func FormatSIRET(s string) string {
	if len(s) != 14 {
		return s
	}
	return FormatSIREN(s[:9]) + " " + s[9:]
}
