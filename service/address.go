package service

import (
	"context"

	"github.com/comptoir/comptoir/access"
	"github.com/comptoir/comptoir/activity"
	"github.com/comptoir/comptoir/crm"
	"github.com/comptoir/comptoir/errs"
)

// Addresses lists a contact's extra addresses. They are part of the
// contact: the contacts module's rights apply.
func (s *Service) Addresses(ctx context.Context, contactID int64) ([]crm.Address, error) {
	if err := access.Require(ctx, access.Contacts, access.View); err != nil {
		return nil, err
	}
	if _, err := s.reachable(ctx, contactID); err != nil {
		return nil, err
	}
	return s.db.ContactAddresses(ctx, contactID)
}

// Address returns one extra address of a contact the actor may see.
func (s *Service) Address(ctx context.Context, id int64) (crm.Address, error) {
	if err := access.Require(ctx, access.Contacts, access.View); err != nil {
		return crm.Address{}, err
	}
	a, err := s.db.Address(ctx, id)
	if err != nil {
		return crm.Address{}, err
	}
	if _, err := s.reachable(ctx, a.ContactID); err != nil {
		return crm.Address{}, err
	}
	return a, nil
}

// AddAddress adds a billing, delivery or other address to a contact.
func (s *Service) AddAddress(ctx context.Context, contactID int64, in crm.AddressInput) (crm.Address, error) {
	const op = "service.AddAddress"
	a := crm.Address{ContactID: contactID}
	if err := access.Require(ctx, access.Contacts, access.Edit); err != nil {
		return a, err
	}
	in.Apply(&a)
	err := s.db.WithTx(ctx, func(ctx context.Context) error {
		// Another account's or another owner's contact is not found first,
		// whatever the input.
		c, err := s.reachable(ctx, contactID)
		if err != nil {
			return err
		}
		if err := a.Validate(); err != nil {
			return err
		}
		if err := s.db.CreateAddress(ctx, &a); err != nil {
			return err
		}
		return s.record(ctx, activity.Entry{Module: "contacts", Action: "add_address", RecordType: "contact",
			RecordID: contactID, Summary: c.DisplayName() + " · " + a.OneLine(), Changes: activity.Diff(crm.Address{ContactID: contactID}, a)})
	})
	return a, errs.Wrap(op, err)
}

// UpdateAddress changes one of a contact's extra addresses.
func (s *Service) UpdateAddress(ctx context.Context, id int64, in crm.AddressInput) (crm.Address, error) {
	const op = "service.UpdateAddress"
	if err := access.Require(ctx, access.Contacts, access.Edit); err != nil {
		return crm.Address{}, err
	}
	var out crm.Address
	err := s.db.WithTx(ctx, func(ctx context.Context) error {
		before, err := s.db.Address(ctx, id)
		if err != nil {
			return err
		}
		c, err := s.reachable(ctx, before.ContactID)
		if err != nil {
			return err
		}
		after := before
		in.Apply(&after)
		if err := after.Validate(); err != nil {
			return err
		}
		out = after
		return saveChanges(ctx, s, before, &out, s.db.UpdateAddress, activity.Entry{Module: "contacts", Action: "update_address", RecordType: "contact",
			RecordID: c.ID, Summary: c.DisplayName() + " · " + out.OneLine()})
	})
	return out, errs.Wrap(op, err)
}

// DeleteAddress removes one of a contact's extra addresses. It changes the
// contact, so it takes the right to edit contacts, not to delete them.
func (s *Service) DeleteAddress(ctx context.Context, id int64) error {
	if err := access.Require(ctx, access.Contacts, access.Edit); err != nil {
		return err
	}
	return errs.Wrap("service.DeleteAddress", s.db.WithTx(ctx, func(ctx context.Context) error {
		a, err := s.db.Address(ctx, id)
		if err != nil {
			return err
		}
		c, err := s.reachable(ctx, a.ContactID)
		if err != nil {
			return err
		}
		if err := s.db.DeleteAddress(ctx, id); err != nil {
			return err
		}
		return s.record(ctx, activity.Entry{Module: "contacts", Action: "delete_address", RecordType: "contact",
			RecordID: c.ID, Summary: c.DisplayName() + " · " + a.OneLine(), Changes: activity.Diff(a, crm.Address{ContactID: a.ContactID})})
	}))
}
