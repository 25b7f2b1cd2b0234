package legalid

import (
	"errors"
	"testing"
)

func TestCheckSIREN(t *testing.T) {
	tests := []struct {
		in   string
		want string
		err  error
	}{
		{"732 829 320", "732829320", nil}, // a real, well-known SIREN
		{"552100554", "552100554", nil},
		{"552100555", "552100555", ErrKey},
		{"55210055", "55210055", ErrLength},
		{"55210055A", "55210055A", ErrDigits},
		{"", "", ErrLength},
	}
	for _, tt := range tests {
		got, err := CheckSIREN(tt.in)
		if got != tt.want || !errors.Is(err, tt.err) {
			t.Errorf("CheckSIREN(%q) = %q, %v; want %q, %v", tt.in, got, err, tt.want, tt.err)
		}
	}
}

func TestCheckSIRET(t *testing.T) {
	tests := []struct {
		in  string
		err error
	}{
		{"732 829 320 00074", nil},
		{"55210055400013", nil},
		{"55210055400014", ErrKey},
		{"35600000000048", nil}, // La Poste head office, Luhn-valid
		{"35600000049837", nil}, // La Poste establishment: digit sum divisible by 5
		{"35600000049838", ErrKey},
		{"5521005540001", ErrLength},
	}
	for _, tt := range tests {
		if _, err := CheckSIRET(tt.in); !errors.Is(err, tt.err) {
			t.Errorf("CheckSIRET(%q) = %v; want %v", tt.in, err, tt.err)
		}
	}
}

func TestCheckVAT(t *testing.T) {
	tests := []struct {
		in   string
		want string
		err  error
	}{
		{"FR 40 303 265 045", "FR40303265045", nil},
		{"fr40303265045", "FR40303265045", nil},
		{"FR41303265045", "FR41303265045", ErrKey},
		{"FR4030326504", "FR4030326504", ErrFormat},
		{"DE123456789", "DE123456789", nil},
		{"NL123456789B01", "NL123456789B01", nil},
		{"ATU12345678", "ATU12345678", nil},
		{"US123456789", "US123456789", ErrCountry},
		{"BE2123456789", "BE2123456789", ErrFormat},
		{"FR", "FR", ErrLength},
	}
	for _, tt := range tests {
		got, err := CheckVAT(tt.in)
		if got != tt.want || !errors.Is(err, tt.err) {
			t.Errorf("CheckVAT(%q) = %q, %v; want %q, %v", tt.in, got, err, tt.want, tt.err)
		}
	}
}

func TestFrenchVATFromSIREN(t *testing.T) {
	if got := FrenchVAT("303265045"); got != "FR40303265045" {
		t.Fatalf("FrenchVAT = %q", got)
	}
}

func FuzzCheckVAT(f *testing.F) {
	for _, s := range []string{"FR40303265045", "DE123456789", "EL123456789", "IE1234567WA", "x", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := CheckVAT(s)
		if err == nil {
			again, err2 := CheckVAT(got)
			if err2 != nil || again != got {
				t.Fatalf("normalized %q does not check again: %q, %v", got, again, err2)
			}
		}
	})
}

func FuzzCheckSIRET(f *testing.F) {
	for _, s := range []string{"73282932000074", "35600000049837", "1", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := CheckSIRET(s)
		if err != nil {
			return
		}
		if len(got) != 14 || !allDigits(got) {
			t.Fatalf("accepted %q as %q", s, got)
		}
		if _, err := CheckSIREN(got[:9]); err != nil {
			t.Fatalf("accepted %q whose SIREN part is invalid: %v", got, err)
		}
	})
}

func TestFormatIdentifiers(t *testing.T) {
	if got := FormatSIREN("732829320"); got != "732 829 320" {
		t.Errorf("FormatSIREN = %q", got)
	}
	if got := FormatSIRET("73282932000074"); got != "732 829 320 00074" {
		t.Errorf("FormatSIRET = %q", got)
	}
	if got := FormatSIRET("123"); got != "123" {
		t.Errorf("a malformed SIRET is printed as is: %q", got)
	}
}
