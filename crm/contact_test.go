package crm

import (
	"strings"
	"testing"

	"github.com/comptoir/comptoir/account"
	"github.com/comptoir/comptoir/errs"
)

func TestSearchKey(t *testing.T) {
	for in, want := range map[string]string{"Hélène": "helene", "ÉLOÏSE Çà": "eloise ca", "Straße": "straße", "ŒUF": "œuf"} {
		if got := SearchKey(in); got != want {
			t.Errorf("SearchKey(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestValidate(t *testing.T) {
	c := Contact{Kind: Person, FirstName: " Lou ", Email: " Lou@Example.FR ", Tags: []string{"Vrac", "vrac ", "", "bio"},
		SIRET: "732 829 320 00074", IBAN: "fr76 3000 6000 0112 3456 7890 189"}
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	if c.FirstName != "Lou" || c.Email != "lou@example.fr" || strings.Join(c.Tags, ",") != "bio,vrac" || c.SIRET != "73282932000074" ||
		c.IBAN != "FR7630006000011234567890189" || !c.IsProspect || c.Address.Country != "FR" {
		t.Fatalf("not normalized: %+v", c)
	}
	bad := Contact{Kind: "robot", Email: "x", BirthDate: "2999-01-01", SIREN: "1", IBAN: "FR00", Civility: "Dr"}
	var codes []string
	for _, f := range errs.FieldsOf(bad.Validate()) {
		codes = append(codes, f.Field+":"+f.Code)
	}
	want := "birth_date:invalid_date civility:invalid_civility email:invalid_email iban:invalid_iban kind:invalid_kind siren:invalid_siren"
	if strings.Join(codes, " ") != want {
		t.Fatalf("codes = %v\nwant %s", codes, want)
	}
	if err := (&Contact{Kind: Company}).Validate(); err == nil {
		t.Error("a company without a name")
	}
}

func TestDisplayName(t *testing.T) {
	if got := (Contact{Kind: Person, FirstName: "Lou", LastName: "Pons", CompanyName: "Vrac & Co"}).DisplayName(); got != "Lou Pons (Vrac & Co)" {
		t.Errorf("person: %q", got)
	}
	if got := (Contact{Kind: Company, CompanyName: "Vrac & Co"}).DisplayName(); got != "Vrac & Co" {
		t.Errorf("company: %q", got)
	}
}

func TestPhoneKey(t *testing.T) {
	for _, tc := range []struct{ phone, country, want string }{
		{"06 12 34 56 78", "FR", "33612345678"},
		{"+33 6 12 34 56 78", "FR", "33612345678"},
		{"0033 6 12 34 56 78", "FR", "33612345678"},
		{"06.12.34.56.78", "", "33612345678"},
		{"030 1234567", "DE", "0301234567"},
		{"+49 30 1234567", "DE", "49301234567"},
		{"", "FR", ""},
	} {
		c := Contact{Phone: tc.phone, Address: account.Address{Country: tc.country}}
		if got := c.PhoneKey(); got != tc.want {
			t.Errorf("PhoneKey(%q, %s) = %q, want %q", tc.phone, tc.country, got, tc.want)
		}
	}
	if keys := (Contact{Phone: "12 34"}).DuplicateKeys(); len(keys) != 0 {
		t.Errorf("a short phone is a duplicate key: %v", keys)
	}
}
