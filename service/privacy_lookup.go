package service

import (
	"context"
	"strings"
	"unicode"

	"github.com/comptoir/comptoir/access"
	"github.com/comptoir/comptoir/crm"
	"github.com/comptoir/comptoir/errs"
	"github.com/comptoir/comptoir/privacy"
)

// lookupLimit is how many contacts a lookup shows: a name shared by more
// people needs a more precise search (an e-mail, a phone).
const lookupLimit = 20

// LookupPerson finds a person across every module of the account, by
// e-mail, phone or name: the contacts that match (an e-mail or a phone
// exactly, through their indexes; a name through the contact search), and
// for each what every module holds on them; the members with that e-mail;
// the e-mails sent to that address.
func (s *Service) LookupPerson(ctx context.Context, q string) (privacy.Lookup, error) {
	const op = "service.LookupPerson"
	if err := access.Require(ctx, access.Privacy, access.View); err != nil {
		return privacy.Lookup{}, err
	}
	q = strings.TrimSpace(q)
	out := privacy.Lookup{Query: q, Contacts: []privacy.Match{}, Members: []privacy.MemberMatch{}}
	if len([]rune(q)) < 3 {
		var f errs.Fields
		f.Add("q", "too_short", "give an e-mail, a phone number or a name of 3 letters or more")
		return out, f.Err(op)
	}
	contacts, err := s.lookupContacts(ctx, q)
	if err != nil {
		return out, errs.Wrap(op, err)
	}
	found := map[string]bool{}
	for _, c := range contacts {
		m, err := s.match(ctx, c)
		if err != nil {
			return out, errs.Wrap(op, err)
		}
		out.Contacts = append(out.Contacts, m)
		found[c.Email] = true
	}
	if isEmail(q) {
		email := strings.ToLower(q)
		if out.Members, err = s.db.MembersByEmail(ctx, email); err != nil {
			return out, errs.Wrap(op, err)
		}
		if !found[email] {
			if out.MailLog, err = s.db.MailLogCount(ctx, email); err != nil {
				return out, errs.Wrap(op, err)
			}
		}
	}
	return out, nil
}

func (s *Service) lookupContacts(ctx context.Context, q string) ([]crm.Contact, error) {
	switch {
	case isEmail(q):
		return s.db.ContactsByEmail(ctx, q, lookupLimit)
	case isPhone(q):
		return s.db.ContactsByPhoneKey(ctx, crm.Contact{Phone: q}.PhoneKey(), lookupLimit)
	}
	return s.db.ListContacts(ctx, crm.Filter{Query: q, Limit: lookupLimit})
}

// PersonMatch returns what every module holds on one contact.
func (s *Service) PersonMatch(ctx context.Context, contactID int64) (privacy.Match, error) {
	if err := access.Require(ctx, access.Privacy, access.View); err != nil {
		return privacy.Match{}, err
	}
	c, err := s.db.Contact(ctx, contactID)
	if err != nil {
		return privacy.Match{}, errs.Wrap("service.PersonMatch", err)
	}
	return s.match(ctx, c)
}

func (s *Service) match(ctx context.Context, c crm.Contact) (privacy.Match, error) {
	h, err := s.db.ContactHoldings(ctx, c)
	if err != nil {
		return privacy.Match{}, err
	}
	return privacy.Match{ContactID: c.ID, Name: c.DisplayName(), Email: c.Email, Phone: c.Phone,
		Erased: c.ErasedAt != nil, Holdings: h}, nil
}

func isEmail(q string) bool { return strings.Contains(q, "@") && !strings.ContainsAny(q, " \t") }

// isPhone: digits with the usual separators, 8 digits or more.
func isPhone(q string) bool {
	digits := 0
	for _, r := range q {
		switch {
		case unicode.IsDigit(r):
			digits++
		case strings.ContainsRune(" .-+()", r):
		default:
			return false
		}
	}
	return digits >= 8
}
