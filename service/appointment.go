package service

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/comptoir/comptoir/access"
	"github.com/comptoir/comptoir/account"
	"github.com/comptoir/comptoir/activity"
	"github.com/comptoir/comptoir/crm"
	"github.com/comptoir/comptoir/errs"
	"github.com/comptoir/comptoir/ical"
	"github.com/comptoir/comptoir/identity"
	"github.com/comptoir/comptoir/mail"
)

// InvitationSent is what sending an appointment's invitation did.
type InvitationSent struct {
	Entry    crm.Conversation `json:"entry"` // the e-mail added to the contact's timeline
	MailSent bool             `json:"mail_sent"`
}

// InvitationInput is how to word an appointment's invitation.
type InvitationInput struct {
	Lang    string `json:"lang"`    // "fr" (default) or "en", the contact's language
	Message string `json:"message"` // for the contact: the appointment's own notes stay private
}

// SendInvitation e-mails the contact of an appointment an iCalendar
// invitation (invite.ics), in the input's language, with its message as
// the description. The
// e-mail joins the contact's timeline; it is sent after the commit, and a
// failed delivery is in the delivery log and reported, not undone.
func (s *Service) SendInvitation(ctx context.Context, id int64, in InvitationInput) (InvitationSent, error) {
	const op = "service.SendInvitation"
	var out InvitationSent
	if err := access.Require(ctx, access.Contacts, access.Send); err != nil {
		return out, err
	}
	lang, message := in.Lang, strings.TrimSpace(in.Message)
	if lang != "en" {
		lang = "fr"
	}
	if utf8.RuneCountInString(message) > 5000 {
		return out, &errs.Error{Op: op, Kind: errs.Invalid, Message: "the message has at most 5,000 characters",
			Fields: []errs.FieldError{{Field: "message", Code: "too_long", Message: "at most 5,000 characters"}}}
	}
	actor := identity.ActorFrom(ctx)
	var m mail.Message
	var accountID int64
	err := s.db.WithTx(ctx, func(ctx context.Context) error {
		appt, err := s.db.Conversation(ctx, id)
		if err != nil {
			return err
		}
		contact, err := s.reachable(ctx, appt.ContactID)
		if err != nil {
			return err
		}
		out.Entry.ContactID = contact.ID // so that a refusal can show the contact again
		if appt.Kind != crm.Appointment {
			return &errs.Error{Op: op, Kind: errs.Invalid, Message: "only an appointment has an invitation",
				Fields: []errs.FieldError{{Field: "kind", Code: "not_appointment", Message: "this entry is not an appointment"}}}
		}
		if contact.Email == "" {
			return &errs.Error{Op: op, Kind: errs.Invalid, Message: "the contact has no e-mail address",
				Fields: []errs.FieldError{{Field: "email", Code: "no_email", Message: "add the contact's e-mail address first"}}}
		}
		acc, err := s.db.Account(ctx)
		if err != nil {
			return err
		}
		accountID = acc.ID
		organizer := identity.Member{Email: actor.Email}
		if mem, err := s.db.Member(ctx, actor.UserID); err == nil {
			organizer = mem
		}
		if m, err = s.invitationMail(ctx, acc, appt, contact, organizer, lang, message); err != nil {
			return err
		}
		out.Entry = crm.Conversation{ContactID: contact.ID, Kind: crm.Email, Subject: truncate(m.Subject, 200), Body: m.Text,
			At: s.db.Now(ctx), AuthorID: actor.UserID}
		if err := s.db.CreateConversation(ctx, &out.Entry); err != nil {
			return err
		}
		return s.record(ctx, activity.Entry{Module: "contacts", Action: "send_invitation", RecordType: "contact",
			RecordID: contact.ID, Summary: contact.DisplayName() + " · " + appt.Subject,
			Changes: []activity.Change{{Field: "email", After: contact.Email}}})
	})
	if err != nil {
		return out, errs.Wrap(op, err)
	}
	out.MailSent = s.deliver(ctx, accountID, "appointment", m) == nil
	return out, nil
}

// invitationMail renders the invitation e-mail and its invite.ics.
func (s *Service) invitationMail(ctx context.Context, acc account.Account, appt crm.Conversation, contact crm.Contact,
	organizer identity.Member, lang, message string) (mail.Message, error) {
	loc := acc.Location()
	name := organizer.Name
	if name == "" {
		name = organizer.Email
	}
	m, err := mail.Render("appointment", lang, contact.Email, map[string]any{
		"Subject": appt.Subject, "When": mail.LongTime(appt.At.In(loc), lang), "Minutes": appt.DurationMin,
		"Zone": loc.String(), "Place": appt.Place, "Details": message, "Organizer": name, "Account": acc.Name})
	if err != nil {
		return m, err
	}
	m.ReplyTo = organizer.Email
	ev := ical.Event{
		UID: fmt.Sprintf("appointment-%d.account-%d@%s", appt.ID, acc.ID, s.host()),
		// Each change to the appointment moves updated_at, so the sequence
		// grows and calendars replace the earlier invitation.
		Sequence: int(appt.UpdatedAt.Sub(appt.CreatedAt) / time.Second),
		Stamp:    s.db.Now(ctx), Start: appt.At, End: appt.End(),
		Summary: appt.Subject, Location: appt.Place, Description: message,
		Organizer: ical.Person{Name: acc.Name + " (" + name + ")", Email: organizer.Email},
		Attendee:  ical.Person{Name: contact.DisplayName(), Email: contact.Email},
	}
	if u, err := url.Parse(appt.Place); err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != "" && !strings.ContainsAny(appt.Place, " \t") {
		ev.URL = appt.Place
	}
	m.Attachments = []mail.Attachment{{Name: "invite.ics", ContentType: "text/calendar; charset=utf-8; method=REQUEST", Data: ical.Invitation(ev)}}
	return m, nil
}

// host is the instance's host name, for identifiers that must be unique
// across the world (iCalendar UIDs).
func (s *Service) host() string {
	if u, err := url.Parse(s.BaseURL); err == nil && u.Hostname() != "" {
		return u.Hostname()
	}
	return "comptoir.invalid"
}

// truncate cuts s to at most n characters.
func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n])
}
