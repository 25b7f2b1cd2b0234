package money

import (
	"errors"
	"testing"
)

func TestParse(t *testing.T) {
	tests := []struct {
		in   string
		want Amount
		err  error
	}{
		{"0", 0, nil},
		{"12", 1200, nil},
		{"12,5", 1250, nil},
		{"12.50", 1250, nil},
		{"1 234,56", 123456, nil},
		{"1\u202f234,56 €", 123456, nil},
		{"1,234.56", 123456, nil},
		{"1.234,56", 123456, nil},
		{"1.234.567", 123456700, nil},
		{"1,234,567", 123456700, nil},
		{"-0,01", -1, nil},
		{"+3", 300, nil},
		{",5", 50, nil},
		{"", 0, ErrEmpty},
		{"€", 0, ErrEmpty},
		{"12,345", 0, ErrPrecision},
		{"1.2.3", 0, ErrSyntax},
		{"1,23.4,5", 0, ErrSyntax},
		{"abc", 0, ErrSyntax},
		{"1e5", 0, ErrSyntax},
		{"-", 0, ErrSyntax},
		{"99999999999999999999", 0, ErrRange},
	}
	for _, tt := range tests {
		got, err := Parse(tt.in)
		if got != tt.want || !errors.Is(err, tt.err) {
			t.Errorf("Parse(%q) = %d, %v; want %d, %v", tt.in, got, err, tt.want, tt.err)
		}
	}
}

func TestFormat(t *testing.T) {
	tests := []struct {
		a      Amount
		fr, en string
		plain  string
	}{
		{0, "0,00", "0.00", "0.00"},
		{5, "0,05", "0.05", "0.05"},
		{123456, "1\u202f234,56", "1,234.56", "1234.56"},
		{-100000001, "-1\u202f000\u202f000,01", "-1,000,000.01", "-1000000.01"},
		{-9223372036854775808, "-92\u202f233\u202f720\u202f368\u202f547\u202f758,08", "-92,233,720,368,547,758.08", "-92233720368547758.08"},
	}
	for _, tt := range tests {
		if got := tt.a.Format("fr"); got != tt.fr {
			t.Errorf("Format(fr) of %d = %q, want %q", tt.a, got, tt.fr)
		}
		if got := tt.a.Format("en"); got != tt.en {
			t.Errorf("Format(en) of %d = %q, want %q", tt.a, got, tt.en)
		}
		if got := tt.a.String(); got != tt.plain {
			t.Errorf("String of %d = %q, want %q", tt.a, got, tt.plain)
		}
	}
}

// FuzzParse checks that whatever Parse accepts survives a round trip through
// both the French and the English formatting.
func FuzzParse(f *testing.F) {
	for _, s := range []string{"1 234,56", "1,234.56", "-0,01", "12.345", "€ 3", "1.234.567"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		a, err := Parse(s)
		if err != nil {
			return
		}
		for _, loc := range []string{"fr", "en"} {
			b, err := Parse(a.Format(loc))
			if err != nil || b != a {
				t.Fatalf("Parse(%q)=%d; Format(%s)=%q parses to %d, %v", s, a, loc, a.Format(loc), b, err)
			}
		}
		if b, err := Parse(a.String()); err != nil || b != a {
			t.Fatalf("String round trip of %d: %d, %v", a, b, err)
		}
	})
}
