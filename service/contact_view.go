package service

import (
	"context"

	"github.com/comptoir/comptoir/access"
	"github.com/comptoir/comptoir/activity"
	"github.com/comptoir/comptoir/crm"
	"github.com/comptoir/comptoir/errs"
	"github.com/comptoir/comptoir/identity"
)

// viewOwner returns the user whose saved views the actor works on. Views
// belong to members: the system and support sessions have none.
func viewOwner(ctx context.Context, op string) (int64, error) {
	if err := access.Require(ctx, access.Contacts, access.View); err != nil {
		return 0, err
	}
	if a := identity.ActorFrom(ctx); a.UserID != 0 && !a.Support {
		return a.UserID, nil
	}
	return 0, errs.E(op, errs.Forbidden, "saved views belong to the account's members")
}

// ContactViews lists the actor's saved views of the contact list, by name;
// those who cannot have views have none.
func (s *Service) ContactViews(ctx context.Context) ([]crm.SavedView, error) {
	const op = "service.ContactViews"
	user, err := viewOwner(ctx, op)
	if errs.Is(err, errs.Forbidden) && access.Require(ctx, access.Contacts, access.View) == nil {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	list, err := s.db.ContactViews(ctx, user)
	return list, errs.Wrap(op, err)
}

// SaveContactView saves filters of the contact list under a name. Saving
// under a name the actor already uses replaces that view's filters, as
// saving a file under its name does, rather than answering a conflict:
// created reports whether the view is new.
func (s *Service) SaveContactView(ctx context.Context, in crm.SavedViewInput) (v crm.SavedView, created bool, err error) {
	const op = "service.SaveContactView"
	user, err := viewOwner(ctx, op)
	if err != nil {
		return v, false, err
	}
	v = crm.SavedView{UserID: user, Name: in.Name, Query: in.Query}
	if err := v.Validate(); err != nil {
		return v, false, err
	}
	err = s.db.WithTx(ctx, func(ctx context.Context) error {
		before, err := s.db.ContactViewByName(ctx, user, v.Name)
		switch {
		case errs.Is(err, errs.NotFound):
			created, before = true, crm.SavedView{UserID: user}
			err = s.db.CreateContactView(ctx, &v)
		case err == nil:
			v.ID, v.CreatedAt = before.ID, before.CreatedAt
			if v.Query == before.Query {
				return nil // nothing changes, nothing to record
			}
			err = s.db.UpdateContactViewQuery(ctx, v)
		}
		if err != nil {
			return err
		}
		return s.record(ctx, activity.Entry{Module: "contacts", Action: "save_view", RecordType: "contact_view",
			RecordID: v.ID, Summary: v.Name, Changes: activity.Diff(before, v)})
	})
	return v, created, errs.Wrap(op, err)
}

// DeleteContactView removes one of the actor's saved views; another
// member's view is not found.
func (s *Service) DeleteContactView(ctx context.Context, id int64) error {
	const op = "service.DeleteContactView"
	user, err := viewOwner(ctx, op)
	if err != nil {
		return err
	}
	return errs.Wrap(op, s.db.WithTx(ctx, func(ctx context.Context) error {
		v, err := s.db.ContactView(ctx, user, id)
		if err != nil {
			return err
		}
		if err := s.db.DeleteContactView(ctx, user, id); err != nil {
			return err
		}
		return s.record(ctx, activity.Entry{Module: "contacts", Action: "delete_view", RecordType: "contact_view",
			RecordID: id, Summary: v.Name, Changes: activity.Diff(v, crm.SavedView{UserID: user})})
	}))
}
