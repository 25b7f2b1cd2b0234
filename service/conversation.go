package service

import (
	"context"
	"time"

	"github.com/comptoir/comptoir/access"
	"github.com/comptoir/comptoir/activity"
	"github.com/comptoir/comptoir/crm"
	"github.com/comptoir/comptoir/errs"
	"github.com/comptoir/comptoir/identity"
)

// hideNotes blanks what was said for roles that do not see notes (the
// accountant): they still see that an exchange took place.
func hideNotes(ctx context.Context, list []crm.Conversation) []crm.Conversation {
	if access.From(ctx).Sees(access.Notes) {
		return list
	}
	for i := range list {
		list[i].Body = ""
	}
	return list
}

// Conversations returns a contact's timeline, newest first.
func (s *Service) Conversations(ctx context.Context, contactID int64) ([]crm.Conversation, error) {
	if err := access.Require(ctx, access.Contacts, access.View); err != nil {
		return nil, err
	}
	if _, err := s.reachable(ctx, contactID); err != nil {
		return nil, err
	}
	list, err := s.db.ContactConversations(ctx, contactID, 200)
	return hideNotes(ctx, list), err
}

// AddConversation adds a note, call, e-mail, appointment or task to a
// contact's timeline; the contact's last contact date moves to now.
func (s *Service) AddConversation(ctx context.Context, contactID int64, in crm.ConversationInput) (crm.Conversation, error) {
	const op = "service.AddConversation"
	c := crm.Conversation{ContactID: contactID, AuthorID: identity.ActorFrom(ctx).UserID}
	if err := access.Require(ctx, access.Contacts, access.Edit); err != nil {
		return c, err
	}
	in.Apply(&c)
	if c.At.IsZero() {
		c.At = s.db.Now(ctx)
	}
	if c.Kind == crm.Task && c.AssigneeID == 0 {
		c.AssigneeID = c.AuthorID
	}
	err := s.db.WithTx(ctx, func(ctx context.Context) error {
		contact, err := s.reachable(ctx, contactID)
		if err != nil {
			return err
		}
		if err := c.Validate(); err != nil {
			return err
		}
		if c.AssigneeID != 0 {
			if _, err := s.db.Member(ctx, c.AssigneeID); err != nil {
				return &errs.Error{Op: op, Kind: errs.Invalid, Message: "the assignee is not a member",
					Fields: []errs.FieldError{{Field: "assignee_id", Code: "unknown_member", Message: "not a member of this business"}}}
			}
		}
		if in.Done != nil && *in.Done && c.Kind == crm.Task {
			now := s.db.Now(ctx)
			c.DoneAt = &now
		}
		if err := s.db.CreateConversation(ctx, &c); err != nil {
			return err
		}
		return s.record(ctx, activity.Entry{Module: "contacts", Action: "add_" + c.Kind, RecordType: "contact",
			RecordID: contactID, Summary: contact.DisplayName() + " · " + c.Subject})
	})
	return c, errs.Wrap(op, err)
}

// UpdateConversation changes an entry, e.g. marks a task done.
func (s *Service) UpdateConversation(ctx context.Context, id int64, in crm.ConversationInput) (crm.Conversation, error) {
	const op = "service.UpdateConversation"
	if err := access.Require(ctx, access.Contacts, access.Edit); err != nil {
		return crm.Conversation{}, err
	}
	var out crm.Conversation
	err := s.db.WithTx(ctx, func(ctx context.Context) error {
		before, err := s.db.Conversation(ctx, id)
		if err != nil {
			return err
		}
		if _, err := s.reachable(ctx, before.ContactID); err != nil {
			return err
		}
		after := before
		in.Apply(&after)
		if in.Done != nil && after.Kind == crm.Task {
			if *in.Done && after.DoneAt == nil {
				now := s.db.Now(ctx)
				after.DoneAt = &now
			} else if !*in.Done {
				after.DoneAt = nil
			}
		}
		if err := after.Validate(); err != nil {
			return err
		}
		out = after
		return saveChanges(ctx, s, before, &out, s.db.UpdateConversation, activity.Entry{Module: "contacts", Action: "update_" + after.Kind, RecordType: "contact",
			RecordID: after.ContactID, Summary: after.Subject})
	})
	return out, errs.Wrap(op, err)
}

// Agenda returns the actor's open tasks and appointments from "from" for
// "days" days, in the order to do them.
func (s *Service) Agenda(ctx context.Context, from time.Time, days int) ([]crm.Conversation, error) {
	if err := access.Require(ctx, access.Contacts, access.View); err != nil {
		return nil, err
	}
	list, err := s.db.Agenda(ctx, identity.ActorFrom(ctx).UserID, from, from.AddDate(0, 0, days))
	return hideNotes(ctx, list), err
}

// Calendar returns the appointments and tasks due between from and until:
// the actor's, or everyone's for those who see every contact.
func (s *Service) Calendar(ctx context.Context, from, until time.Time, everyone bool) ([]crm.Conversation, error) {
	if err := access.Require(ctx, access.Contacts, access.View); err != nil {
		return nil, err
	}
	userID := identity.ActorFrom(ctx).UserID
	if everyone {
		if !CanSeeEveryonesCalendar(ctx) {
			return nil, errs.E("service.Calendar", errs.Forbidden, "you see only your own calendar")
		}
		userID = 0
	}
	list, err := s.db.Calendar(ctx, userID, from, until)
	return hideNotes(ctx, list), err
}

// CanSeeEveryonesCalendar reports whether the actor's role sees every
// contact, and so every member's appointments and tasks.
func CanSeeEveryonesCalendar(ctx context.Context) bool {
	r := access.From(ctx)
	return r.Can(access.Contacts, access.View) && r.ScopeOf(access.Contacts) == access.All
}
