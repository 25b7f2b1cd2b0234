package service

import (
	"context"
	"reflect"

	"github.com/comptoir/comptoir/access"
	"github.com/comptoir/comptoir/activity"
	"github.com/comptoir/comptoir/crm"
	"github.com/comptoir/comptoir/errs"
)

// MergeContacts merges duplicate into survivor: for each field named in
// take, the duplicate's value wins; tags are united; roles add up; the
// duplicate's conversations, cases, extra addresses, sales, supplied
// products and attached people move to the survivor, and the duplicate is
// deleted. One transaction, one activity entry.
func (s *Service) MergeContacts(ctx context.Context, survivorID, duplicateID int64, take []string) (crm.Contact, error) {
	const op = "service.MergeContacts"
	if err := access.Require(ctx, access.Contacts, access.Edit); err != nil {
		return crm.Contact{}, err
	}
	if err := access.Require(ctx, access.Contacts, access.Delete); err != nil {
		return crm.Contact{}, err
	}
	var out crm.Contact
	err := s.db.WithTx(ctx, func(ctx context.Context) error {
		keep, err := s.reachable(ctx, survivorID)
		if err != nil {
			return err
		}
		if survivorID == duplicateID {
			return errs.E(op, errs.Invalid, "choose two different contacts")
		}
		dup, err := s.reachable(ctx, duplicateID)
		if err != nil {
			return err
		}
		before := keep
		if err := takeFields(&keep, dup, take, access.From(ctx)); err != nil {
			return err
		}
		keep.Tags = append(keep.Tags, dup.Tags...)
		keep.IsProspect = keep.IsProspect || dup.IsProspect
		keep.IsClient = keep.IsClient || dup.IsClient
		keep.IsSupplier = keep.IsSupplier || dup.IsSupplier
		if keep.BecameClientAt == nil {
			keep.BecameClientAt = dup.BecameClientAt
		}
		if dup.LastContactAt != nil && (keep.LastContactAt == nil || dup.LastContactAt.After(*keep.LastContactAt)) {
			keep.LastContactAt = dup.LastContactAt
		}
		if keep.CompanyID == duplicateID {
			keep.CompanyID = 0 // a person merged with their own company
		}
		if err := keep.Validate(); err != nil {
			return err
		}
		if err := s.checkCompany(ctx, before, keep); err != nil {
			return err
		}
		if err := s.db.MoveContactRecords(ctx, duplicateID, survivorID); err != nil {
			return err
		}
		if keep.Kind == crm.Company {
			if _, err := s.db.MovePeople(ctx, duplicateID, survivorID); err != nil {
				return err
			}
		}
		if err := s.db.DeleteContact(ctx, duplicateID); err != nil {
			return err
		}
		if err := s.db.UpdateContact(ctx, &keep); err != nil {
			return err
		}
		out = keep
		changes := append(activity.Diff(before, keep), activity.Change{Field: "merged", Before: dup.DisplayName(), After: keep.DisplayName()})
		return s.record(ctx, activity.Entry{Module: "contacts", Action: "merge", RecordType: "contact", RecordID: survivorID,
			Summary: dup.DisplayName() + " → " + keep.DisplayName(), Changes: changes})
	})
	return visible(ctx, out), errs.Wrap(op, err)
}

// takeFields copies the named fields (JSON names) from src onto dst. Bank
// details and notes can only be taken by roles that see them.
func takeFields(dst *crm.Contact, src crm.Contact, take []string, r access.Rights) error {
	dv, sv := reflect.ValueOf(dst).Elem(), reflect.ValueOf(src)
	t := dv.Type()
	for _, name := range take {
		if hides(r, name) {
			return errs.E("service.MergeContacts", errs.Forbidden, "your role cannot change "+name)
		}
		switch name {
		case "id", "created_at", "updated_at", "tags", "owner_id":
			return &errs.Error{Op: "service.MergeContacts", Kind: errs.Invalid, Message: name + " cannot be taken",
				Fields: []errs.FieldError{{Field: "take", Code: "unknown_field", Message: name + " cannot be taken"}}}
		}
		found := false
		for i := 0; i < t.NumField(); i++ {
			if tag := jsonName(t.Field(i).Tag.Get("json")); tag == name {
				dv.Field(i).Set(sv.Field(i))
				found = true
			}
		}
		if !found {
			return &errs.Error{Op: "service.MergeContacts", Kind: errs.Invalid, Message: "unknown field " + name,
				Fields: []errs.FieldError{{Field: "take", Code: "unknown_field", Message: "unknown field " + name}}}
		}
	}
	return nil
}

func jsonName(tag string) string {
	for i := 0; i < len(tag); i++ {
		if tag[i] == ',' {
			return tag[:i]
		}
	}
	return tag
}
