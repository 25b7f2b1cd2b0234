package crm

import (
	"strings"
	"time"
	"unicode/utf8"

	"github.com/comptoir/comptoir/account"
)

// Input is what a user may set on a contact; nil leaves a field alone.
// Ids, dates and the search text are not here: clients cannot set them.
type Input struct {
	Kind             *string          `json:"kind"`
	Civility         *string          `json:"civility"`
	LastName         *string          `json:"last_name"`
	FirstName        *string          `json:"first_name"`
	CompanyName      *string          `json:"company_name"`
	ShopName         *string          `json:"shop_name"`
	Email            *string          `json:"email"`
	Phone            *string          `json:"phone"`
	Address          *account.Address `json:"address"`
	BirthDate        *string          `json:"birth_date"`
	SIREN            *string          `json:"siren"`
	SIRET            *string          `json:"siret"`
	VATNumber        *string          `json:"vat_number"`
	IBAN             *string          `json:"iban"`
	BIC              *string          `json:"bic"`
	IsProspect       *bool            `json:"is_prospect"`
	IsClient         *bool            `json:"is_client"`
	IsSupplier       *bool            `json:"is_supplier"`
	Tags             *[]string        `json:"tags"`
	Notes            *string          `json:"notes"`
	OwnerID          *int64           `json:"owner_id"`
	CompanyID        *int64           `json:"company_id"` // 0 detaches the person
	Source           *string          `json:"source"`
	MarketingConsent *bool            `json:"marketing_consent"`
	// Ended sets (true) or clears the end of the relationship.
	Ended        *bool   `json:"ended"`
	ConsentProof *string `json:"consent_proof"`
}

// Apply copies the set fields onto c.
func (in Input) Apply(c *Contact) {
	str := func(dst *string, v *string) {
		if v != nil {
			*dst = *v
		}
	}
	flag := func(dst *bool, v *bool) {
		if v != nil {
			*dst = *v
		}
	}
	str(&c.Kind, in.Kind)
	str(&c.Civility, in.Civility)
	str(&c.LastName, in.LastName)
	str(&c.FirstName, in.FirstName)
	str(&c.CompanyName, in.CompanyName)
	str(&c.ShopName, in.ShopName)
	str(&c.Email, in.Email)
	str(&c.Phone, in.Phone)
	if in.Address != nil {
		c.Address = *in.Address
	}
	str(&c.BirthDate, in.BirthDate)
	str(&c.SIREN, in.SIREN)
	str(&c.SIRET, in.SIRET)
	str(&c.VATNumber, in.VATNumber)
	str(&c.IBAN, in.IBAN)
	str(&c.BIC, in.BIC)
	flag(&c.IsProspect, in.IsProspect)
	flag(&c.IsClient, in.IsClient)
	flag(&c.IsSupplier, in.IsSupplier)
	if in.Tags != nil {
		c.Tags = *in.Tags
	}
	str(&c.Notes, in.Notes)
	if in.OwnerID != nil {
		c.OwnerID = *in.OwnerID
	}
	if in.CompanyID != nil {
		c.CompanyID = *in.CompanyID
	}
	str(&c.Source, in.Source)
	flag(&c.MarketingConsent, in.MarketingConsent)
	str(&c.ConsentProof, in.ConsentProof)
}

// Sorts of contact lists.
const (
	SortName   = "name"   // by name, accents and case aside (the default)
	SortNewest = "newest" // the most recently created first
)

// ShortSearchWindow is how many contacts, in the list's order from where
// the page starts, a search of only one- or two-letter words looks
// through: such words are too short for the full-text index, and the list
// stays instant. Three letters search everything.
const ShortSearchWindow = 20000

// ShortQuery reports whether every word of the query is too short for the
// full-text index (see ShortSearchWindow).
func (f Filter) ShortQuery() bool {
	words := strings.Fields(f.Query)
	for _, w := range words {
		if utf8.RuneCountInString(w) >= 3 {
			return false
		}
	}
	return len(words) > 0
}

// MaxSelection bounds the contacts a user may tick in a list to act on.
const MaxSelection = 500

// Filter selects contacts in lists.
type Filter struct {
	Query         string // searched accent- and case-insensitively
	Role          string // prospect, client or supplier
	Tag           string
	OwnerID       int64
	Kind          string     // person or company
	CompanyID     int64      // the people attached to one company
	IDs           []int64    // a selection, at most MaxSelection
	City          string     // case aside: "Bayonne" matches "BAYONNE"
	ContactBefore *time.Time // no contact since (never contacted counts from creation)
	ContactAfter  *time.Time // last contact on or after
	Sort          string     // SortName or SortNewest
	AfterKey      string     // keyset pagination: KeyOf the last row seen
	AfterID       int64
	Limit         int
	// HideArchived leaves out the contacts in the intermediate archive,
	// which only those with the privacy right see.
	HideArchived bool
}

// KeyOf is the keyset value of c in a list sorted as f says: where the
// next page starts after c.
func (f Filter) KeyOf(c Contact) string {
	if f.Sort == SortNewest {
		return c.CreatedAt.UTC().Format(time.RFC3339Nano)
	}
	return c.SortKey()
}
