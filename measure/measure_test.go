package measure

import (
	"errors"
	"testing"

	"github.com/comptoir/comptoir/money"
)

func TestParse(t *testing.T) {
	tests := []struct {
		in   string
		want Quantity
		err  error
	}{
		{"1", 1000, nil},
		{"1,5", 1500, nil},
		{"0.250", 250, nil},
		{"1 000", 1_000_000, nil},
		{"1 234,567", 1_234_567, nil},
		{"-2", -2000, nil},
		{"0,0001", 0, money.ErrPrecision},
		{"abc", 0, money.ErrSyntax},
		{"", 0, money.ErrEmpty},
		{"2000000", 0, ErrTooLarge},
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
		q      Quantity
		fr, en string
		plain  string
	}{
		{1000, "1", "1", "1"},
		{1500, "1,5", "1.5", "1.5"},
		{250, "0,25", "0.25", "0.25"},
		{1_234_567, "1\u202f234,567", "1\u202f234.567", "1234.567"},
		{-1, "-0,001", "-0.001", "-0.001"},
	}
	for _, tt := range tests {
		if got := tt.q.Format("fr"); got != tt.fr {
			t.Errorf("Format(fr) of %d = %q, want %q", tt.q, got, tt.fr)
		}
		if got := tt.q.Format("en"); got != tt.en {
			t.Errorf("Format(en) of %d = %q, want %q", tt.q, got, tt.en)
		}
		if got := tt.q.String(); got != tt.plain {
			t.Errorf("String of %d = %q, want %q", tt.q, got, tt.plain)
		}
	}
}

// FuzzParse checks that every accepted quantity survives a round trip
// through both locales and the plain form.
func FuzzParse(f *testing.F) {
	for _, s := range []string{"1,5", "0.250", "1 000", "-2", "1.234,5"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		q, err := Parse(s)
		if err != nil {
			return
		}
		for _, out := range []string{q.Format("fr"), q.Format("en"), q.String()} {
			if back, err := Parse(out); err != nil || back != q {
				t.Fatalf("Parse(%q) = %d; %q reads back as %d, %v", s, q, out, back, err)
			}
		}
	})
}
