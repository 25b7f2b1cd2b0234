package iban

import (
	"errors"
	"testing"
)

func TestCheck(t *testing.T) {
	tests := []struct {
		in   string
		want string
		err  error
	}{
		{"FR76 3000 6000 0112 3456 7890 189", "FR7630006000011234567890189", nil},
		{"de89370400440532013000", "DE89370400440532013000", nil},
		{"GB82 WEST 1234 5698 7654 32", "GB82WEST12345698765432", nil},
		{"FR76 3000 6000 0112 3456 7890 188", "FR7630006000011234567890188", ErrKey},
		{"FR76 3000 6000 0112 3456 7890 18", "FR763000600001123456789018", ErrLength},
		{"ZZ76300060000112345678901", "ZZ76300060000112345678901", ErrCountry},
		{"FRAB30006000011234567890189", "FRAB30006000011234567890189", ErrFormat},
		{"FR76 3000 6000 0112 3456 7890 1_9", "FR76300060000112345678901_9", ErrFormat},
		{"FR", "FR", ErrLength},
	}
	for _, tt := range tests {
		got, err := Check(tt.in)
		if got != tt.want || !errors.Is(err, tt.err) {
			t.Errorf("Check(%q) = %q, %v; want %q, %v", tt.in, got, err, tt.want, tt.err)
		}
	}
}

func TestFormat(t *testing.T) {
	if got := Format("FR7630006000011234567890189"); got != "FR76 3000 6000 0112 3456 7890 189" {
		t.Fatalf("Format = %q", got)
	}
}

func TestCheckBIC(t *testing.T) {
	for in, want := range map[string]error{
		"BNPAFRPP":    nil,
		"bnpafrppxxx": nil,
		"BNPAFRP":     ErrLength,
		"BNP1FRPP":    ErrFormat,
		"BNPAFRPP-X1": ErrLength,
	} {
		if _, err := CheckBIC(in); !errors.Is(err, want) {
			t.Errorf("CheckBIC(%q) = %v, want %v", in, err, want)
		}
	}
}

func FuzzCheck(f *testing.F) {
	for _, s := range []string{"FR7630006000011234567890189", "GB82WEST12345698765432", "x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := Check(s)
		if err != nil {
			return
		}
		if again, err := Check(Format(got)); err != nil || again != got {
			t.Fatalf("formatted %q does not check again: %q, %v", got, again, err)
		}
	})
}
