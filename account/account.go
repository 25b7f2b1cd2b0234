// Package account describes the accounts (tenants) of a Comptoir instance:
// each business's legal identity and settings, its bank accounts, and the
// context key that scopes every request to exactly one account.
//
// It is a domain package: plain structs with Validate, updates with pointer
// fields, no storage and no HTTP.
package account

import (
	"net/mail"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/comptoir/comptoir/errs"
	"github.com/comptoir/comptoir/legalid"
	"github.com/comptoir/comptoir/money"
)

// Status of an account.
const (
	StatusActive = "active"
	StatusClosed = "closed"
)

// Locales Comptoir speaks.
var Locales = []string{"fr", "en"}

// LegalForms are the usual French legal forms, offered in forms; any other
// text is accepted too.
var LegalForms = []string{"EI", "EURL", "SARL", "SAS", "SASU", "SA", "SCOP", "SNC", "Association"}

// Address is a postal address.
type Address struct {
	Line1      string `json:"line1"`
	Line2      string `json:"line2"`
	PostalCode string `json:"postal_code"`
	City       string `json:"city"`
	Country    string `json:"country"` // ISO 3166-1 alpha-2
}

// Account is a business using Comptoir: its legal identity, printed on every
// document it issues, and its settings.
type Account struct {
	ID           int64        `json:"id"`
	Name         string       `json:"name"`
	LegalForm    string       `json:"legal_form"`
	SIREN        string       `json:"siren"`
	SIRET        string       `json:"siret"`
	VATNumber    string       `json:"vat_number"`
	Address      Address      `json:"address"`
	ShareCapital money.Amount `json:"share_capital"` // minor units
	RCSCity      string       `json:"rcs_city"`
	Email        string       `json:"email"`
	Phone        string       `json:"phone"`
	Website      string       `json:"website"`
	Currency     string       `json:"currency"`
	Locale       string       `json:"locale"`
	TimeZone     string       `json:"time_zone"`
	HasLogo      bool         `json:"has_logo"`
	Require2FA   bool         `json:"require_2fa"`
	Status       string       `json:"status"`
	// ClosesAt is the end of the grace period of an account its owner
	// closed: until then it can be reopened, then its data are deleted.
	ClosesAt *time.Time `json:"closes_at,omitempty"`
	// ClosedAt is when the data of a closed account were deleted; what the
	// law holds stays in a restricted archive.
	ClosedAt  *time.Time `json:"closed_at,omitempty"`
	CreatedAt time.Time  `json:"created_at"`
	UpdatedAt time.Time  `json:"updated_at"`
}

// New returns an account with the defaults of a French business.
func New(name string) Account {
	return Account{
		Name:     strings.TrimSpace(name),
		Address:  Address{Country: "FR"},
		Currency: "EUR",
		Locale:   "fr",
		TimeZone: "Europe/Paris",
		Status:   StatusActive,
	}
}

// Closing reports whether the owner closed the account and its grace
// period runs: members see only the closure page.
func (a Account) Closing() bool { return a.ClosesAt != nil && a.ClosedAt == nil }

// Location is the account's time zone, in which times are shown.
func (a Account) Location() *time.Location {
	if loc, err := time.LoadLocation(a.TimeZone); err == nil {
		return loc
	}
	return time.UTC
}

// Validate normalizes identifiers and checks every field, reporting all
// problems at once with stable codes.
func (a *Account) Validate() error {
	var f errs.Fields
	a.Name = strings.TrimSpace(a.Name)
	switch {
	case a.Name == "":
		f.Add("name", "required", "the business name is required")
	case utf8.RuneCountInString(a.Name) > 200:
		f.Add("name", "too_long", "the business name is longer than 200 characters")
	}
	checkLen(&f, "legal_form", a.LegalForm, 50)
	checkID(&f, "siren", &a.SIREN, legalid.CheckSIREN)
	checkID(&f, "siret", &a.SIRET, legalid.CheckSIRET)
	if a.SIREN != "" && a.SIRET != "" && !f.Has("siren") && !f.Has("siret") && a.SIRET[:9] != a.SIREN {
		f.Add("siret", "siret_siren_mismatch", "the SIRET does not start with the SIREN")
	}
	checkID(&f, "vat_number", &a.VATNumber, legalid.CheckVAT)
	a.Address.validate(&f, "address.")
	if a.ShareCapital < 0 {
		f.Add("share_capital", "negative", "the share capital cannot be negative")
	}
	checkLen(&f, "rcs_city", a.RCSCity, 100)
	a.Email = strings.TrimSpace(a.Email)
	if a.Email != "" {
		if _, err := mail.ParseAddress(a.Email); err != nil || strings.ContainsAny(a.Email, "<> ") {
			f.Add("email", "invalid_email", "the e-mail address is not valid")
		}
	}
	checkLen(&f, "phone", a.Phone, 40)
	checkLen(&f, "website", a.Website, 200)
	if a.Currency != "EUR" {
		f.Add("currency", "unsupported_currency", "only EUR is supported")
	}
	if !contains(Locales, a.Locale) {
		f.Add("locale", "unsupported_locale", "the language must be fr or en")
	}
	if _, err := time.LoadLocation(a.TimeZone); err != nil || a.TimeZone == "" || a.TimeZone == "Local" {
		f.Add("time_zone", "invalid_time_zone", "unknown time zone")
	}
	return f.Err("account.Validate")
}

func (ad *Address) validate(f *errs.Fields, prefix string) {
	checkLen(f, prefix+"line1", ad.Line1, 200)
	checkLen(f, prefix+"line2", ad.Line2, 200)
	checkLen(f, prefix+"postal_code", ad.PostalCode, 20)
	checkLen(f, prefix+"city", ad.City, 100)
	ad.Country = strings.ToUpper(strings.TrimSpace(ad.Country))
	if len(ad.Country) != 2 || ad.Country[0] < 'A' || ad.Country[0] > 'Z' || ad.Country[1] < 'A' || ad.Country[1] > 'Z' {
		f.Add(prefix+"country", "invalid_country", "the country must be a two-letter ISO code")
	}
	if ad.Country == "FR" && ad.PostalCode != "" && !isFrenchPostalCode(ad.PostalCode) {
		f.Add(prefix+"postal_code", "invalid_postal_code", "a French postal code has five digits")
	}
}

func isFrenchPostalCode(s string) bool {
	if len(s) != 5 {
		return false
	}
	for i := 0; i < 5; i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func checkLen(f *errs.Fields, field, v string, max int) {
	if utf8.RuneCountInString(v) > max {
		f.Add(field, "too_long", field+" is too long")
	}
}

// checkID normalizes an optional identifier in place and records its error.
func checkID(f *errs.Fields, field string, v *string, check func(string) (string, error)) {
	if strings.TrimSpace(*v) == "" {
		*v = ""
		return
	}
	norm, err := check(*v)
	*v = norm
	if err != nil {
		f.Add(field, "invalid_"+field, field+": "+err.Error())
	}
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
