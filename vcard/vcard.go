// Package vcard reads and writes contacts as vCard 3 and 4 files (RFC 6350)
// through github.com/emersion/go-vcard, the format phones, mail clients
// and address books exchange.
package vcard

import (
	"errors"
	"io"
	"strings"

	govcard "github.com/emersion/go-vcard"

	"github.com/comptoir/comptoir/account"
	"github.com/comptoir/comptoir/crm"
)

// Reader yields contacts from a vCard stream.
type Reader struct {
	dec  *govcard.Decoder
	card int
}

// NewReader reads vCards from r.
func NewReader(r io.Reader) *Reader { return &Reader{dec: govcard.NewDecoder(r)} }

// Next returns the next card as a contact input and its position (1 for
// the first card); io.EOF at the end.
func (r *Reader) Next() (crm.Input, int, error) {
	card, err := r.dec.Decode()
	if err != nil {
		if errors.Is(err, io.EOF) {
			return crm.Input{}, r.card, io.EOF
		}
		r.card++
		return crm.Input{}, r.card, err
	}
	r.card++
	return ToInput(card), r.card, nil
}

// ToInput maps a card to a contact's fields.
func ToInput(c govcard.Card) crm.Input {
	str := func(s string) *string { s = strings.TrimSpace(s); return &s }
	in := crm.Input{Address: &account.Address{}}
	kind := crm.Person
	if c.Kind() == govcard.KindOrganization {
		kind = crm.Company
	}
	in.Kind = &kind
	if n := c.Name(); n != nil {
		in.LastName, in.FirstName = str(n.FamilyName), str(n.GivenName)
		civ := civility(n.HonorificPrefix)
		in.Civility = &civ
	} else if fn := c.PreferredValue(govcard.FieldFormattedName); fn != "" && kind == crm.Person {
		in.LastName = str(fn)
	}
	if org := c.PreferredValue(govcard.FieldOrganization); org != "" {
		in.CompanyName = str(strings.Split(org, ";")[0])
		if in.LastName == nil || *in.LastName == "" {
			if in.FirstName == nil || *in.FirstName == "" {
				company := crm.Company
				in.Kind = &company
			}
		}
	}
	in.Email = str(c.PreferredValue(govcard.FieldEmail))
	in.Phone = str(c.PreferredValue(govcard.FieldTelephone))
	if a := c.Address(); a != nil {
		in.Address.Line1 = strings.TrimSpace(a.StreetAddress)
		in.Address.Line2 = strings.TrimSpace(a.ExtendedAddress)
		in.Address.PostalCode = strings.TrimSpace(a.PostalCode)
		in.Address.City = strings.TrimSpace(a.Locality)
		in.Address.Country = country(a.Country)
	}
	if bday := c.PreferredValue(govcard.FieldBirthday); len(bday) >= 8 {
		d := bday
		if len(bday) == 8 && !strings.Contains(bday, "-") {
			d = bday[:4] + "-" + bday[4:6] + "-" + bday[6:8]
		}
		d = d[:min(10, len(d))]
		in.BirthDate = &d
	}
	if cats := c.Categories(); len(cats) > 0 {
		tags := crm.ParseTags(strings.Join(cats, ","))
		in.Tags = &tags
	}
	if note := c.PreferredValue(govcard.FieldNote); note != "" {
		in.Notes = str(note)
	}
	return in
}

func civility(prefix string) string {
	switch strings.ToLower(strings.TrimSuffix(strings.TrimSpace(prefix), ".")) {
	case "m", "mr", "monsieur":
		return "M."
	case "mme", "madame", "mrs", "ms":
		return "Mme"
	}
	return ""
}

// country accepts an ISO code; a country written out is taken as France
// when it says so, else left for the user (validation asks for a code).
func country(s string) string {
	s = strings.TrimSpace(s)
	switch strings.ToLower(s) {
	case "", "france", "fr":
		return "FR"
	}
	if len(s) == 2 {
		return strings.ToUpper(s)
	}
	return s
}

// Write writes contacts as vCard 4.
func Write(w io.Writer, contacts func(yield func(crm.Contact) error) error) error {
	enc := govcard.NewEncoder(w)
	return contacts(func(c crm.Contact) error { return enc.Encode(FromContact(c)) })
}

// FromContact maps a contact to a vCard 4 card.
func FromContact(c crm.Contact) govcard.Card {
	card := govcard.Card{}
	card.SetValue(govcard.FieldVersion, "4.0")
	if c.Kind == crm.Company {
		card.SetKind(govcard.KindOrganization)
	}
	card.SetValue(govcard.FieldFormattedName, c.DisplayName())
	if c.Kind == crm.Person {
		card.SetName(&govcard.Name{FamilyName: c.LastName, GivenName: c.FirstName, HonorificPrefix: c.Civility})
	}
	if c.CompanyName != "" {
		card.SetValue(govcard.FieldOrganization, c.CompanyName)
	}
	if c.Email != "" {
		card.SetValue(govcard.FieldEmail, c.Email)
	}
	if c.Phone != "" {
		card.SetValue(govcard.FieldTelephone, c.Phone)
	}
	if c.Address.Line1 != "" || c.Address.City != "" {
		card.SetAddress(&govcard.Address{StreetAddress: c.Address.Line1, ExtendedAddress: c.Address.Line2,
			PostalCode: c.Address.PostalCode, Locality: c.Address.City, Country: c.Address.Country})
	}
	if c.BirthDate != "" {
		card.SetValue(govcard.FieldBirthday, strings.ReplaceAll(c.BirthDate, "-", ""))
	}
	if len(c.Tags) > 0 {
		card.SetCategories(c.Tags)
	}
	if c.Notes != "" {
		card.SetValue(govcard.FieldNote, c.Notes)
	}
	return card
}
