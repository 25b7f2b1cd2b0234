package vat

import (
	"errors"
	"testing"

	"github.com/comptoir/comptoir/money"
)

func TestParseRate(t *testing.T) {
	tests := []struct {
		in   string
		want Rate
		err  error
	}{
		{"20", 2000, nil},
		{"5,5", 550, nil},
		{"5.5 %", 550, nil},
		{"2,10%", 210, nil},
		{"0", 0, nil},
		{"-1", 0, ErrRate},
		{"101", 0, ErrRate},
		{"5,555", 0, money.ErrPrecision},
		{"vingt", 0, money.ErrSyntax},
	}
	for _, tt := range tests {
		got, err := ParseRate(tt.in)
		if got != tt.want || !errors.Is(err, tt.err) {
			t.Errorf("ParseRate(%q) = %d, %v; want %d, %v", tt.in, got, err, tt.want, tt.err)
		}
	}
}

func TestOfRoundsHalfAwayFromZero(t *testing.T) {
	tests := []struct {
		rate Rate
		base money.Amount
		want money.Amount
	}{
		{Standard, 10000, 2000},
		{Reduced, 1, 0},       // 0.055 cent
		{Reduced, 10, 1},      // 0.55 cent
		{Reduced, 1000, 55},   // 10 € at 5.5 %
		{SuperReduced, 25, 1}, // 0.525 cent
		{Standard, -25, -5},   // -5 cents exactly
		{Reduced, -10, -1},    // -0.55 cent
		{Zero, 123456, 0},
	}
	for _, tt := range tests {
		if got := tt.rate.Of(tt.base); got != tt.want {
			t.Errorf("%s %% of %d = %d, want %d", tt.rate, tt.base, got, tt.want)
		}
	}
}

func TestMentionsAndCategories(t *testing.T) {
	for _, e := range Exemptions[1:] {
		if e.Mention("fr") == "" || e.Mention("en") == "" {
			t.Errorf("exemption %q has no mention", e)
		}
	}
	if got := Franchise.Mention("fr"); got != "TVA non applicable, art. 293 B du CGI" {
		t.Errorf("franchise mention = %q", got)
	}
	if Category(Standard, None) != "S" || Category(Zero, None) != "Z" || Category(Standard, ReverseCharge) != "AE" {
		t.Error("wrong EN 16931 categories")
	}
}

func FuzzParseRate(f *testing.F) {
	for _, s := range []string{"20", "5,5", "2.1 %", "0"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r, err := ParseRate(s)
		if err != nil {
			return
		}
		if r < 0 || r > 10000 {
			t.Fatalf("ParseRate(%q) = %d out of range", s, r)
		}
		for _, loc := range []string{"fr", "en"} {
			if back, err := ParseRate(r.Format(loc)); err != nil || back != r {
				t.Fatalf("%q -> %d -> %q -> %d, %v", s, r, r.Format(loc), back, err)
			}
		}
	})
}
