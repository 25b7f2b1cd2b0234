package account

import (
	"strings"
	"testing"

	"github.com/comptoir/comptoir/errs"
)

func fieldCodes(err error) string {
	var out []string
	for _, f := range errs.FieldsOf(err) {
		out = append(out, f.Field+":"+f.Code)
	}
	return strings.Join(out, " ")
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name string
		edit func(a *Account)
		want string
	}{
		{"defaults are valid", func(a *Account) {}, ""},
		{"identifiers normalized", func(a *Account) {
			a.SIREN, a.SIRET, a.VATNumber = "732 829 320", "732 829 320 00074", "fr 44 732829320"
		}, ""},
		{"empty name", func(a *Account) { a.Name = "  " }, "name:required"},
		{"bad SIREN key", func(a *Account) { a.SIREN = "732829321" }, "siren:invalid_siren"},
		{"SIRET of another SIREN", func(a *Account) { a.SIREN, a.SIRET = "732829320", "55210055400013" }, "siret:siret_siren_mismatch"},
		{"bad VAT key", func(a *Account) { a.VATNumber = "FR45732829320" }, "vat_number:invalid_vat_number"},
		{"French postal code", func(a *Account) { a.Address.PostalCode = "7501" }, "address.postal_code:invalid_postal_code"},
		{"foreign postal code", func(a *Account) { a.Address.Country, a.Address.PostalCode = "be", "1000" }, ""},
		{"country code", func(a *Account) { a.Address.Country = "France" }, "address.country:invalid_country"},
		{"negative capital", func(a *Account) { a.ShareCapital = -1 }, "share_capital:negative"},
		{"email", func(a *Account) { a.Email = "Jean <j@x.fr>" }, "email:invalid_email"},
		{"locale", func(a *Account) { a.Locale = "de" }, "locale:unsupported_locale"},
		{"time zone", func(a *Account) { a.TimeZone = "Local" }, "time_zone:invalid_time_zone"},
		{"currency", func(a *Account) { a.Currency = "USD" }, "currency:unsupported_currency"},
	}
	for _, tt := range tests {
		a := New("Épicerie")
		tt.edit(&a)
		if got := fieldCodes(a.Validate()); got != tt.want {
			t.Errorf("%s: %q, want %q", tt.name, got, tt.want)
		}
	}
	a := New("x")
	a.SIREN, a.VATNumber, a.Address.Country = "732 829 320", "fr 44 732829320", "be"
	if err := a.Validate(); err != nil || a.SIREN != "732829320" || a.VATNumber != "FR44732829320" || a.Address.Country != "BE" {
		t.Errorf("not normalized: %+v %v", a, err)
	}
}

func TestUpdateApplyLeavesUnsetFields(t *testing.T) {
	a := New("Avant")
	a.Phone = "01"
	name := "Après"
	Update{Name: &name}.Apply(&a)
	if a.Name != "Après" || a.Phone != "01" {
		t.Fatalf("Apply: %+v", a)
	}
}

func TestBankAccountValidate(t *testing.T) {
	b := BankAccount{Label: " Main ", IBAN: "fr76 3000 6000 0112 3456 7890 189", BIC: "agrifrpp"}
	if err := b.Validate(); err != nil || b.IBAN != "FR7630006000011234567890189" || b.BIC != "AGRIFRPP" || b.Label != "Main" {
		t.Fatalf("%+v %v", b, err)
	}
	bad := BankAccount{IBAN: "FR7630006000011234567890188", BIC: "AGRI"}
	if got := fieldCodes(bad.Validate()); got != "bic:invalid_bic iban:invalid_iban label:required" {
		t.Fatalf("codes = %q", got)
	}
}
