package service

import (
	"context"
	"strconv"

	"github.com/comptoir/comptoir/access"
	"github.com/comptoir/comptoir/account"
	"github.com/comptoir/comptoir/activity"
	"github.com/comptoir/comptoir/crm"
	"github.com/comptoir/comptoir/errs"
	"github.com/comptoir/comptoir/identity"
)

// visible applies the actor's rights to a contact read from storage: bank
// details are blanked for roles that do not see them.
func visible(ctx context.Context, c crm.Contact) crm.Contact {
	if !access.From(ctx).Sees(access.Bank) {
		c.IBAN, c.BIC = "", ""
	}
	if !access.From(ctx).Sees(access.Notes) {
		c.Notes = ""
	}
	return c
}

// ownScope limits a filter to the actor's own contacts when the role says
// so.
func ownScope(ctx context.Context, f *crm.Filter) {
	if access.From(ctx).ScopeOf(access.Contacts) == access.Own {
		f.OwnerID = identity.ActorFrom(ctx).UserID
	}
}

// reachable returns a contact the actor may act on: another owner's
// contact is not found for a role limited to its own records.
func (s *Service) reachable(ctx context.Context, id int64) (crm.Contact, error) {
	c, err := s.db.Contact(ctx, id)
	if err != nil {
		return c, err
	}
	if access.From(ctx).ScopeOf(access.Contacts) == access.Own && c.OwnerID != identity.ActorFrom(ctx).UserID {
		return crm.Contact{}, errs.E("service.Contact", errs.NotFound, "not found")
	}
	if c.ArchivedAt != nil && !access.From(ctx).Can(access.Privacy, access.View) {
		// In the intermediate archive: only the privacy right sees it.
		return crm.Contact{}, errs.E("service.Contact", errs.NotFound, "not found")
	}
	return c, nil
}

// Contacts lists the contacts matching f that the actor may see.
func (s *Service) Contacts(ctx context.Context, f crm.Filter) ([]crm.Contact, error) {
	if err := access.Require(ctx, access.Contacts, access.View); err != nil {
		return nil, err
	}
	ownScope(ctx, &f)
	f.HideArchived = !access.From(ctx).Can(access.Privacy, access.View)
	list, err := s.db.ListContacts(ctx, f)
	for i := range list {
		list[i] = visible(ctx, list[i])
	}
	return list, err
}

// Contact returns one contact the actor may see.
func (s *Service) Contact(ctx context.Context, id int64) (crm.Contact, error) {
	if err := access.Require(ctx, access.Contacts, access.View); err != nil {
		return crm.Contact{}, err
	}
	c, err := s.reachable(ctx, id)
	return visible(ctx, c), err
}

// hiddenFields are the contact fields (JSON names) that belong to a type
// of information a role can hide: the one place that says so.
var hiddenFields = map[string]access.Info{"iban": access.Bank, "bic": access.Bank, "notes": access.Notes}

// hides reports whether r hides the contact field named field.
func hides(r access.Rights, field string) bool {
	info, ok := hiddenFields[field]
	return ok && !r.Sees(info)
}

// dropHidden clears the input of fields r hides (an import reads them
// from files and ignores them rather than failing).
func dropHidden(r access.Rights, in *crm.Input) {
	if hides(r, "iban") {
		in.IBAN = nil
	}
	if hides(r, "bic") {
		in.BIC = nil
	}
	if hides(r, "notes") {
		in.Notes = nil
	}
}

// checkHiddenInput refuses input to fields the actor's role hides.
func checkHiddenInput(ctx context.Context, in crm.Input) error {
	kept := in
	dropHidden(access.From(ctx), &kept)
	if kept != in {
		return errs.E("service.checkHiddenInput", errs.Forbidden, "your role cannot change bank details or notes")
	}
	return nil
}

// CreateContact adds a contact; it belongs to its creator unless said
// otherwise.
func (s *Service) CreateContact(ctx context.Context, in crm.Input) (crm.Contact, error) {
	const op = "service.CreateContact"
	c := crm.Contact{Kind: crm.Person}
	if err := access.Require(ctx, access.Contacts, access.Create); err != nil {
		return c, err
	}
	if err := checkHiddenInput(ctx, in); err != nil {
		return c, err
	}
	in.Apply(&c)
	if c.OwnerID == 0 || access.From(ctx).ScopeOf(access.Contacts) == access.Own {
		c.OwnerID = identity.ActorFrom(ctx).UserID
	}
	if err := c.Validate(); err != nil {
		return c, err
	}
	err := s.db.WithTx(ctx, func(ctx context.Context) error {
		if err := s.checkCompany(ctx, crm.Contact{}, c); err != nil {
			return err
		}
		c.DateChanges(crm.Contact{}, s.db.Now(ctx))
		if err := s.db.CreateContact(ctx, &c); err != nil {
			return err
		}
		return s.record(ctx, activity.Entry{Module: "contacts", Action: activity.Create, RecordType: "contact",
			RecordID: c.ID, Summary: c.DisplayName(), Changes: activity.Diff(crm.Contact{}, c)})
	})
	return visible(ctx, c), errs.Wrap(op, err)
}

// UpdateContact changes a contact the actor may reach. Becoming a client
// and giving or withdrawing consent are dated; the history stays.
func (s *Service) UpdateContact(ctx context.Context, id int64, in crm.Input) (crm.Contact, error) {
	const op = "service.UpdateContact"
	if err := access.Require(ctx, access.Contacts, access.Edit); err != nil {
		return crm.Contact{}, err
	}
	if err := checkHiddenInput(ctx, in); err != nil {
		return crm.Contact{}, err
	}
	if access.From(ctx).ScopeOf(access.Contacts) == access.Own {
		in.OwnerID = nil // a role limited to its own contacts cannot give them away
	}
	var out crm.Contact
	err := s.db.WithTx(ctx, func(ctx context.Context) error {
		before, err := s.reachable(ctx, id)
		if err != nil {
			return err
		}
		if before.ErasedAt != nil {
			return errs.E(op, errs.Conflict, "this person was erased: only the documents the law obliges to keep still name them")
		}
		after := before
		in.Apply(&after)
		if err := after.Validate(); err != nil {
			return err
		}
		if err := s.checkCompany(ctx, before, after); err != nil {
			return err
		}
		now := s.db.Now(ctx)
		after.DateChanges(before, now)
		if in.Ended != nil {
			switch {
			case *in.Ended && after.EndedAt == nil:
				after.EndedAt = &now
			case !*in.Ended:
				after.EndedAt = nil
			}
		}
		out = after
		return saveChanges(ctx, s, before, &out, s.db.UpdateContact, activity.Entry{Module: "contacts", Action: activity.Update, RecordType: "contact",
			RecordID: id, Summary: out.DisplayName()})
	})
	return visible(ctx, out), errs.Wrap(op, err)
}

// checkCompany checks the company links of a contact changing from before
// to after: a person's company must be a company of the account the actor
// may reach, and a company with people attached stays a company.
func (s *Service) checkCompany(ctx context.Context, before, after crm.Contact) error {
	const op = "service.checkCompany"
	if after.CompanyID != 0 && after.CompanyID != before.CompanyID {
		company, err := s.reachable(ctx, after.CompanyID)
		if errs.Is(err, errs.NotFound) || (err == nil && company.Kind != crm.Company) {
			return &errs.Error{Op: op, Kind: errs.Invalid, Message: "not a company of this business",
				Fields: []errs.FieldError{{Field: "company_id", Code: "unknown_company", Message: "not a company of this business"}}}
		}
		if err != nil {
			return err
		}
	}
	if before.Kind == crm.Company && after.Kind != crm.Company {
		people, err := s.db.ListContacts(ctx, crm.Filter{CompanyID: before.ID, Limit: 1})
		if err != nil {
			return err
		}
		if len(people) > 0 {
			return &errs.Error{Op: op, Kind: errs.Invalid, Message: "people are attached to this company",
				Fields: []errs.FieldError{{Field: "kind", Code: "has_people", Message: "detach its people first"}}}
		}
	}
	return nil
}

// People lists the people attached to a company, those the actor may see.
func (s *Service) People(ctx context.Context, companyID int64) ([]crm.Contact, error) {
	return s.Contacts(ctx, crm.Filter{CompanyID: companyID, Limit: 500})
}

// DeleteContact removes a contact the actor may reach; the people attached
// to a company stay, detached.
func (s *Service) DeleteContact(ctx context.Context, id int64) error {
	if err := access.Require(ctx, access.Contacts, access.Delete); err != nil {
		return err
	}
	return errs.Wrap("service.DeleteContact", s.db.WithTx(ctx, func(ctx context.Context) error {
		c, err := s.reachable(ctx, id)
		if err != nil {
			return err
		}
		if has, err := s.db.ContactHasSales(ctx, id); err != nil {
			return err
		} else if has {
			return errs.E("service.DeleteContact", errs.Conflict,
				"this client has sales documents or payments, which the law keeps for ten years: end the relationship instead of deleting the client")
		}
		detached, err := s.db.MovePeople(ctx, id, 0)
		if err != nil {
			return err
		}
		if err := s.db.DeleteContact(ctx, id); err != nil {
			return err
		}
		var changes []activity.Change
		if detached > 0 {
			changes = append(changes, activity.Change{Field: "people_detached", After: strconv.FormatInt(detached, 10)})
		}
		return s.record(ctx, activity.Entry{Module: "contacts", Action: activity.Delete, RecordType: "contact",
			RecordID: id, Summary: c.DisplayName(), Changes: changes})
	}))
}

// EndInactiveContacts ends the relationship with contacts of every account
// that had no contact for months (retention counts from that end). Only
// the system runs it, daily.
func (s *Service) EndInactiveContacts(ctx context.Context, months int) (int64, error) {
	if !access.IsSystem(ctx) {
		return 0, errs.E("service.EndInactiveContacts", errs.Forbidden, "runs as the system")
	}
	accounts, err := s.db.ListAccounts(ctx)
	if err != nil {
		return 0, err
	}
	var total int64
	for _, a := range accounts {
		ctx := account.WithID(ctx, a.ID)
		err := s.db.WithTx(ctx, func(ctx context.Context) error {
			n, err := s.db.EndInactiveContacts(ctx, s.db.Now(ctx).AddDate(0, -months, 0))
			if err != nil || n == 0 {
				return err
			}
			total += n
			return s.record(ctx, activity.Entry{Module: "contacts", Action: "end_inactive", RecordType: "contact",
				Summary: strconv.FormatInt(n, 10)})
		})
		if err != nil {
			return total, err
		}
	}
	return total, nil
}
