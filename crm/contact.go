// Package crm describes the people and businesses an account deals with —
// prospects, clients and suppliers — and, in later steps, the exchanges
// with them. It is a domain package: plain structs with Validate, no
// storage, no HTTP.
package crm

import (
	"net/mail"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/comptoir/comptoir/account"
	"github.com/comptoir/comptoir/errs"
	"github.com/comptoir/comptoir/iban"
	"github.com/comptoir/comptoir/legalid"
)

// Kinds of contact.
const (
	Person  = "person"
	Company = "company"
)

// Civilities offered in forms (the register's "sexe").
var Civilities = []string{"", "M.", "Mme", "Mx"}

// Contact is a prospect, client or supplier: a person or a company.
type Contact struct {
	ID          int64           `json:"id"`
	Kind        string          `json:"kind"`
	Civility    string          `json:"civility"`
	LastName    string          `json:"last_name"`
	FirstName   string          `json:"first_name"`
	CompanyName string          `json:"company_name"`
	ShopName    string          `json:"shop_name"`
	Email       string          `json:"email"`
	Phone       string          `json:"phone"`
	Address     account.Address `json:"address"`
	BirthDate   string          `json:"birth_date"` // YYYY-MM-DD or empty
	SIREN       string          `json:"siren"`
	SIRET       string          `json:"siret"`
	VATNumber   string          `json:"vat_number"`
	IBAN        string          `json:"iban"`
	BIC         string          `json:"bic"`
	IsProspect  bool            `json:"is_prospect"`
	IsClient    bool            `json:"is_client"`
	IsSupplier  bool            `json:"is_supplier"`
	Tags        []string        `json:"tags"`
	Notes       string          `json:"notes"`
	OwnerID     int64           `json:"owner_id"`
	// CompanyID is the company contact a person works for, 0 if none.
	CompanyID int64  `json:"company_id"`
	Source    string `json:"source"`
	// Marketing consent, with when and how it was given.
	MarketingConsent bool       `json:"marketing_consent"`
	ConsentAt        *time.Time `json:"consent_at,omitempty"`
	ConsentProof     string     `json:"consent_proof"`
	// Lifecycle dates, read by retention.
	CreatedAt      time.Time  `json:"created_at"`
	UpdatedAt      time.Time  `json:"updated_at"`
	LastContactAt  *time.Time `json:"last_contact_at,omitempty"`
	BecameClientAt *time.Time `json:"became_client_at,omitempty"`
	EndedAt        *time.Time `json:"ended_at,omitempty"`
	// ArchivedAt: the contact left active data for the intermediate
	// archive. ErasedAt: the person was erased; the row stays, emptied,
	// only as the party of documents under a legal hold. Neither is set
	// by an edit.
	ArchivedAt *time.Time `json:"archived_at,omitempty"`
	ErasedAt   *time.Time `json:"erased_at,omitempty"`
}

// DisplayName is how lists show the contact.
func (c Contact) DisplayName() string {
	if c.ErasedAt != nil {
		return "#" + strconv.FormatInt(c.ID, 10)
	}
	if c.Kind == Company {
		return c.CompanyName
	}
	name := strings.TrimSpace(c.FirstName + " " + c.LastName)
	if c.CompanyName != "" {
		return name + " (" + c.CompanyName + ")"
	}
	return name
}

// Validate normalizes and checks a contact, reporting every problem.
func (c *Contact) Validate() error {
	var f errs.Fields
	trim := func(s *string, field string, max int) {
		*s = strings.TrimSpace(*s)
		if utf8.RuneCountInString(*s) > max {
			f.Add(field, "too_long", field+" is too long")
		}
	}
	if c.Kind != Person && c.Kind != Company {
		f.Add("kind", "invalid_kind", "kind must be person or company")
	}
	trim(&c.LastName, "last_name", 100)
	trim(&c.FirstName, "first_name", 100)
	trim(&c.CompanyName, "company_name", 200)
	trim(&c.ShopName, "shop_name", 200)
	trim(&c.Phone, "phone", 40)
	trim(&c.Source, "source", 100)
	trim(&c.Notes, "notes", 20000)
	trim(&c.ConsentProof, "consent_proof", 500)
	if c.Kind == Company && c.CompanyName == "" {
		f.Add("company_name", "required", "a company needs a name")
	}
	if c.Kind == Person && c.LastName == "" && c.FirstName == "" {
		f.Add("last_name", "required", "a person needs a name")
	}
	if c.CompanyID != 0 && (c.Kind != Person || c.CompanyID == c.ID) {
		f.Add("company_id", "not_a_person", "only a person can be attached to a company")
	}
	if !slices.Contains(Civilities, c.Civility) {
		f.Add("civility", "invalid_civility", "unknown civility")
	}
	c.Email = strings.ToLower(strings.TrimSpace(c.Email))
	if c.Email != "" {
		if a, err := mail.ParseAddress(c.Email); err != nil || a.Address != c.Email {
			f.Add("email", "invalid_email", "the e-mail address is not valid")
		}
	}
	if c.BirthDate != "" {
		d, err := time.Parse("2006-01-02", c.BirthDate)
		if err != nil || d.After(time.Now()) || d.Year() < 1900 {
			f.Add("birth_date", "invalid_date", "a birth date is YYYY-MM-DD, in the past")
		}
	}
	check := func(field string, v *string, fn func(string) (string, error), code string) {
		if strings.TrimSpace(*v) == "" {
			*v = ""
			return
		}
		norm, err := fn(*v)
		*v = norm
		if err != nil {
			f.Add(field, code, field+": "+err.Error())
		}
	}
	check("siren", &c.SIREN, legalid.CheckSIREN, "invalid_siren")
	check("siret", &c.SIRET, legalid.CheckSIRET, "invalid_siret")
	check("vat_number", &c.VATNumber, legalid.CheckVAT, "invalid_vat_number")
	check("iban", &c.IBAN, iban.Check, "invalid_iban")
	check("bic", &c.BIC, iban.CheckBIC, "invalid_bic")
	c.Address.Country = strings.ToUpper(strings.TrimSpace(c.Address.Country))
	if c.Address.Country == "" {
		c.Address.Country = "FR"
	}
	if len(c.Address.Country) != 2 {
		f.Add("address.country", "invalid_country", "a two-letter country code")
	}
	c.Tags = cleanTags(c.Tags)
	if !c.IsProspect && !c.IsClient && !c.IsSupplier {
		c.IsProspect = true
	}
	return f.Err("crm.Contact.Validate")
}

func cleanTags(tags []string) []string {
	var out []string
	for _, t := range tags {
		t = strings.ToLower(strings.TrimSpace(t))
		if t != "" && !slices.Contains(out, t) && utf8.RuneCountInString(t) <= 40 {
			out = append(out, t)
		}
	}
	slices.Sort(out)
	return out
}

// ParseTags splits "vrac, bio ;épicerie" into tags.
func ParseTags(s string) []string {
	return cleanTags(strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ';' }))
}

// SearchKey folds text for accent- and case-insensitive search:
// "Hélène" and "HELENE" both become "helene".
func SearchKey(s string) string {
	var b strings.Builder
	for _, r := range norm.NFD.String(s) {
		if unicode.Is(unicode.Mn, r) {
			continue
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}

// SearchText is what a contact is found by.
func (c Contact) SearchText() string {
	parts := []string{c.LastName, c.FirstName, c.CompanyName, c.ShopName, c.Email, c.Phone,
		strings.ReplaceAll(c.Phone, " ", ""), c.Address.City, c.Address.PostalCode, strings.Join(c.Tags, " "), c.SIRET}
	return SearchKey(strings.Join(parts, " "))
}

// PhoneKey is the phone's digits in international form, what duplicate
// detection compares: "06 12 34 56 78", "+33 6 12 34 56 78" and
// "0033612345678" are one number. A national number (leading 0) is read
// in the contact's country when it is France, the default.
func (c Contact) PhoneKey() string {
	var d []byte
	for i := 0; i < len(c.Phone); i++ {
		if ch := c.Phone[i]; ch >= '0' && ch <= '9' {
			d = append(d, ch)
		}
	}
	s := string(d)
	switch {
	case strings.HasPrefix(strings.TrimSpace(c.Phone), "+"):
		return s
	case strings.HasPrefix(s, "00"):
		return s[2:]
	case len(s) == 10 && s[0] == '0' && (c.Address.Country == "FR" || c.Address.Country == ""):
		return "33" + s[1:]
	}
	return s
}

// DuplicateKeys are what makes two contacts one: the same e-mail, SIRET
// or phone number.
func (c Contact) DuplicateKeys() []string { return DuplicateKeys(c.Email, c.SIRET, c.PhoneKey()) }

// DuplicateKeys names the non-empty keys among an e-mail, a SIRET and a
// phone key ("email:…", "siret:…", "phone:…").
func DuplicateKeys(email, siret, phoneKey string) []string {
	var keys []string
	for _, k := range [][2]string{{"email", email}, {"siret", siret}, {"phone", phoneKey}} {
		// A phone of a few digits is an extension, not an identity.
		if k[1] != "" && (k[0] != "phone" || len(k[1]) >= 8) {
			keys = append(keys, k[0]+":"+k[1])
		}
	}
	return keys
}

// SortKey orders lists by name, accents and case aside.
func (c Contact) SortKey() string { return SearchKey(c.DisplayName()) }

// DateChanges dates what the contact's history keeps between before and
// c: becoming a client, and giving or withdrawing marketing consent. A new
// contact is compared with the zero Contact.
func (c *Contact) DateChanges(before Contact, now time.Time) {
	if c.IsClient && !before.IsClient {
		c.BecameClientAt = &now
	}
	if c.MarketingConsent != before.MarketingConsent {
		c.ConsentAt = &now
	}
}
