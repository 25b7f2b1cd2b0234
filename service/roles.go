package service

import (
	"context"

	"github.com/comptoir/comptoir/access"
	"github.com/comptoir/comptoir/activity"
	"github.com/comptoir/comptoir/errs"
	"github.com/comptoir/comptoir/identity"
)

// Roles lists the current account's custom roles.
func (s *Service) Roles(ctx context.Context) ([]access.CustomRole, error) {
	if err := access.Require(ctx, access.Users, access.View); err != nil {
		return nil, err
	}
	return s.db.ListRoles(ctx)
}

// SaveRole creates (ID 0) or updates a custom role.
func (s *Service) SaveRole(ctx context.Context, r access.CustomRole) (access.CustomRole, error) {
	const op = "service.SaveRole"
	if err := access.Require(ctx, access.Users, access.Edit); err != nil {
		return r, err
	}
	if r.ID != 0 {
		// Another account's role id is not found, whatever the input.
		if _, err := s.db.Role(ctx, r.ID); err != nil {
			return r, err
		}
	}
	if err := r.Validate(); err != nil {
		return r, err
	}
	err := s.db.WithTx(ctx, func(ctx context.Context) error {
		action := activity.Create
		var changes []activity.Change
		if r.ID == 0 {
			if err := s.db.CreateRole(ctx, &r); err != nil {
				return err
			}
		} else {
			before, err := s.db.Role(ctx, r.ID)
			if err != nil {
				return err
			}
			if err := s.db.UpdateRole(ctx, r); err != nil {
				return err
			}
			action, changes = activity.Update, activity.Diff(before, r)
		}
		return s.record(ctx, activity.Entry{Module: "users", Action: action, RecordType: "role",
			RecordID: r.ID, Summary: r.Name, Changes: changes})
	})
	if errs.Is(err, errs.Conflict) {
		return r, &errs.Error{Op: op, Kind: errs.Invalid, Message: "a role has this name already",
			Fields: []errs.FieldError{{Field: "name", Code: "name_taken", Message: "a role has this name already"}}}
	}
	return r, errs.Wrap(op, err)
}

// MemberReason is one line of the "who can do this?" explainer.
type MemberReason struct {
	Member identity.Member
	Reason access.Reason
}

// Explain tells, for each member, whether they may do action in module
// (and see info, if given), and why.
func (s *Service) Explain(ctx context.Context, m access.Module, a access.Action, info access.Info) ([]MemberReason, error) {
	members, err := s.Members(ctx)
	if err != nil {
		return nil, err
	}
	acc, err := s.db.Account(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]MemberReason, 0, len(members))
	for _, mem := range members {
		rights, err := s.RightsOf(ctx, identity.Membership{AccountID: acc.ID, Role: mem.Role})
		if err != nil {
			return nil, err
		}
		reason := access.Explain(rights, m, a, info)
		if mem.DisabledAt != nil {
			reason = access.Reason{Allowed: false, Why: "access.why.disabled", Role: mem.Role}
		}
		out = append(out, MemberReason{Member: mem, Reason: reason})
	}
	return out, nil
}
