package service

import (
	"context"

	"github.com/comptoir/comptoir/access"
	"github.com/comptoir/comptoir/activity"
	"github.com/comptoir/comptoir/crm"
	"github.com/comptoir/comptoir/errs"
	"github.com/comptoir/comptoir/identity"
)

// openStatuses are the statuses of the support queue.
var openStatuses = []string{"new", "open", "waiting"}

// Cases lists customer-service cases: the open queue (all false) or every
// case, most pressing and oldest first; mine keeps those assigned to the actor.
func (s *Service) Cases(ctx context.Context, all, mine bool) ([]crm.Case, error) {
	if err := access.Require(ctx, access.Support, access.View); err != nil {
		return nil, err
	}
	statuses := openStatuses
	if all {
		statuses = nil
	}
	var assignee int64
	if mine {
		assignee = identity.ActorFrom(ctx).UserID
	}
	return s.db.ListCases(ctx, statuses, 0, assignee, 500)
}

// CaseAssignees lists the enabled members a case can be assigned to.
func (s *Service) CaseAssignees(ctx context.Context) ([]identity.Member, error) {
	if err := access.Require(ctx, access.Support, access.View); err != nil {
		return nil, err
	}
	members, err := s.db.ListMembers(ctx)
	enabled := members[:0]
	for _, m := range members {
		if m.DisabledAt == nil {
			enabled = append(enabled, m)
		}
	}
	return enabled, err
}

// ContactCases lists a client's cases, for their record.
func (s *Service) ContactCases(ctx context.Context, contactID int64) ([]crm.Case, error) {
	if !access.From(ctx).Can(access.Support, access.View) {
		return nil, nil
	}
	return s.db.ListCases(ctx, nil, contactID, 0, 100)
}

// Case returns a case and its thread.
func (s *Service) Case(ctx context.Context, id int64) (crm.Case, []crm.Conversation, error) {
	if err := access.Require(ctx, access.Support, access.View); err != nil {
		return crm.Case{}, nil, err
	}
	k, err := s.db.Case(ctx, id)
	if err != nil {
		return k, nil, err
	}
	thread, err := s.db.CaseThread(ctx, id)
	return k, hideNotes(ctx, thread), err
}

// OpenCase opens a case for a contact, with the client's request as the
// first entry of its thread.
func (s *Service) OpenCase(ctx context.Context, contactID int64, subject, priority, request string) (crm.Case, error) {
	const op = "service.OpenCase"
	k := crm.Case{ContactID: contactID, Subject: subject, Status: "new", Priority: priority}
	if err := access.Require(ctx, access.Support, access.Create); err != nil {
		return k, err
	}
	if k.Priority == "" {
		k.Priority = "normal"
	}
	err := s.db.WithTx(ctx, func(ctx context.Context) error {
		// Another account's contact is not found, whatever the input.
		if _, err := s.db.Contact(ctx, contactID); err != nil {
			return err
		}
		if err := k.Validate(); err != nil {
			return err
		}
		if err := s.db.CreateCase(ctx, &k); err != nil {
			return err
		}
		if request != "" {
			c := crm.Conversation{ContactID: contactID, CaseID: k.ID, Kind: crm.Note, Subject: k.Subject, Body: request,
				At: s.db.Now(ctx), AuthorID: identity.ActorFrom(ctx).UserID}
			if err := s.db.CreateConversation(ctx, &c); err != nil {
				return err
			}
		}
		return s.record(ctx, activity.Entry{Module: "support", Action: activity.Create, RecordType: "case", RecordID: k.ID,
			Summary: k.Subject, Changes: []activity.Change{{Field: "priority", After: k.Priority}}})
	})
	return k, errs.Wrap(op, err)
}

// AnswerCase adds an answer (an e-mail, a call or a note) to a case's
// thread; the first answer is dated and a new case becomes open.
func (s *Service) AnswerCase(ctx context.Context, id int64, kind, body string) error {
	const op = "service.AnswerCase"
	if err := access.Require(ctx, access.Support, access.Edit); err != nil {
		return err
	}
	return errs.Wrap(op, s.db.WithTx(ctx, func(ctx context.Context) error {
		k, err := s.db.Case(ctx, id)
		if err != nil {
			return err
		}
		c := crm.Conversation{ContactID: k.ContactID, CaseID: id, Kind: kind, Subject: k.Subject, Body: body,
			At: s.db.Now(ctx), AuthorID: identity.ActorFrom(ctx).UserID}
		if err := c.Validate(); err != nil {
			return err
		}
		if err := s.db.CreateConversation(ctx, &c); err != nil {
			return err
		}
		if k.FirstAnswerAt == nil {
			now := s.db.Now(ctx)
			k.FirstAnswerAt = &now
		}
		if k.Status == "new" {
			k.Status = "open"
		}
		if err := s.db.UpdateCase(ctx, &k); err != nil {
			return err
		}
		return s.record(ctx, activity.Entry{Module: "support", Action: "answer", RecordType: "case", RecordID: id, Summary: k.Subject})
	}))
}

// UpdateCase changes a case's status, priority, assignee or subject;
// solving dates the resolution, reopening clears it.
func (s *Service) UpdateCase(ctx context.Context, id int64, in crm.CaseInput) (crm.Case, error) {
	const op = "service.UpdateCase"
	if err := access.Require(ctx, access.Support, access.Edit); err != nil {
		return crm.Case{}, err
	}
	var out crm.Case
	err := s.db.WithTx(ctx, func(ctx context.Context) error {
		before, err := s.db.Case(ctx, id)
		if err != nil {
			return err
		}
		after := before
		in.Apply(&after)
		if err := after.Validate(); err != nil {
			return err
		}
		if after.AssigneeID != 0 && after.AssigneeID != before.AssigneeID {
			if _, err := s.db.Member(ctx, after.AssigneeID); err != nil {
				return &errs.Error{Op: op, Kind: errs.Invalid, Message: "the assignee is not a member",
					Fields: []errs.FieldError{{Field: "assignee_id", Code: "unknown_member"}}}
			}
		}
		switch {
		case after.Resolved() && after.SolvedAt == nil:
			now := s.db.Now(ctx)
			after.SolvedAt = &now
		case !after.Resolved():
			after.SolvedAt = nil
		}
		out = after
		return saveChanges(ctx, s, before, &out, s.db.UpdateCase, activity.Entry{Module: "support", Action: activity.Update, RecordType: "case", RecordID: id,
			Summary: out.Subject})
	})
	return out, errs.Wrap(op, err)
}
