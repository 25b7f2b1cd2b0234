package service

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/comptoir/comptoir/access"
	"github.com/comptoir/comptoir/account"
	"github.com/comptoir/comptoir/activity"
	"github.com/comptoir/comptoir/errs"
	"github.com/comptoir/comptoir/privacy"
)

// actOn checks that request id may be acted on as kind (one of kinds),
// with its identity checked when verified is set, and returns it with its
// linked contacts.
func (s *Service) actOn(ctx context.Context, op string, id int64, verified bool, kinds ...privacy.RequestKind) (privacy.Request, error) {
	r, err := s.db.PrivacyRequest(ctx, id)
	if err != nil {
		return r, err
	}
	ok := false
	for _, k := range kinds {
		ok = ok || r.Kind == k
	}
	switch {
	case !ok:
		return r, errs.E(op, errs.Conflict, "this is not done for a request of kind "+string(r.Kind))
	case r.Status != privacy.RequestOpen:
		return r, errs.E(op, errs.Conflict, "the request is "+string(r.Status))
	case len(r.ContactIDs) == 0:
		var f errs.Fields
		f.Add("contact_id", "required", "link the requester's contact records first (look them up by e-mail, name or phone)")
		return r, f.Err(op)
	case verified && !r.Verified():
		return r, errs.E(op, errs.Conflict, r.CanAct())
	}
	return r, nil
}

var errPreview = errors.New("erasure preview: rolled back")

// ErasurePreview says what erasing the request's contacts would do, record
// by record, without doing it: the erasure runs in a transaction that is
// rolled back.
func (s *Service) ErasurePreview(ctx context.Context, id int64) (privacy.Report, error) {
	const op = "service.ErasurePreview"
	if err := access.Require(ctx, access.Privacy, access.Delete); err != nil {
		return privacy.Report{}, err
	}
	r, err := s.actOn(ctx, op, id, false, privacy.ErasureRequest)
	if err != nil {
		return privacy.Report{}, errs.Wrap(op, err)
	}
	var out privacy.Report
	err = s.db.WithTx(ctx, func(ctx context.Context) error {
		for _, cid := range r.ContactIDs {
			er, err := s.db.EraseContact(ctx, cid)
			if errs.Is(err, errs.Conflict) || errs.Is(err, errs.NotFound) {
				continue // already erased
			}
			if err != nil {
				return err
			}
			merge(&out, er.Report)
		}
		return errPreview
	})
	if !errors.Is(err, errPreview) {
		return privacy.Report{}, errs.Wrap(op, err)
	}
	return out, nil
}

func merge(into *privacy.Report, r privacy.Report) {
	if into.ContactID == 0 {
		into.ContactID, into.At = r.ContactID, r.At
	}
	into.Lines = append(into.Lines, r.Lines...)
}

// EraseForRequest executes an erasure request: each linked contact is
// erased (EraseContact, as the declaration says), the report is stored on
// the request and returned. The requester's identity must be checked. A
// contact already erased is skipped. The erasures and the report commit
// together. The request stays open for the answer.
func (s *Service) EraseForRequest(ctx context.Context, id int64) (privacy.Request, error) {
	const op = "service.EraseForRequest"
	if err := access.Require(ctx, access.Privacy, access.Delete); err != nil {
		return privacy.Request{}, err
	}
	var out privacy.Request
	var files []string
	err := s.db.WithTx(ctx, func(ctx context.Context) error {
		r, err := s.actOn(ctx, op, id, true, privacy.ErasureRequest)
		if err != nil {
			return err
		}
		var report privacy.Report
		if r.Report != nil {
			report = *r.Report
		}
		erased := 0
		for _, cid := range r.ContactIDs {
			c, err := s.db.Contact(ctx, cid)
			if errs.Is(err, errs.NotFound) || (err == nil && c.ErasedAt != nil) {
				continue // erased already
			}
			if err != nil {
				return err
			}
			rep, gone, err := s.eraseContact(ctx, cid, fmt.Sprintf("data-subject request #%d", r.ID))
			if err != nil {
				return err
			}
			merge(&report, rep)
			files = append(files, gone...)
			erased++
		}
		r.Report = &report
		r.Note(s.db.Now(ctx), fmt.Sprintf("%d contact record(s) erased: %d deleted, %d anonymised, %d log entries redacted, %d kept under a legal hold",
			erased, report.Count(privacy.Deleted), report.Count(privacy.Anonymised), report.Count(privacy.Redacted), report.Count(privacy.Kept)))
		if err := s.db.SavePrivacyRequest(ctx, &r); err != nil {
			return err
		}
		out = r
		return s.record(ctx, activity.Entry{Module: string(access.Privacy), Action: activity.Update, RecordType: requestRecord,
			RecordID: r.ID, Summary: requestSummary(r, fmt.Sprintf("erasure executed on %d contact record(s)", erased))})
	})
	if err != nil {
		return out, errs.Wrap(op, err)
	}
	s.removeUnused(ctx, files)
	return out, nil
}

// ObjectForRequest honours an objection to marketing: each linked contact's
// marketing consent is withdrawn, with the request as its proof. It needs
// no identity check: stopping marketing harms no one.
func (s *Service) ObjectForRequest(ctx context.Context, id int64) (privacy.Request, error) {
	return s.markContacts(ctx, "service.ObjectForRequest", id, privacy.ObjectionRequest, "objection", false)
}

// RestrictForRequest restricts the processing of each linked contact's
// data (GDPR Article 18): no marketing (consent withdrawn, the request as
// proof) and no payment reminders (the contact's reminders paused), until
// the restriction is lifted on the contact's page.
func (s *Service) RestrictForRequest(ctx context.Context, id int64) (privacy.Request, error) {
	return s.markContacts(ctx, "service.RestrictForRequest", id, privacy.RestrictionRequest, "restriction", true)
}

func (s *Service) markContacts(ctx context.Context, op string, id int64, kind privacy.RequestKind, word string, pauseReminders bool) (privacy.Request, error) {
	if err := access.Require(ctx, access.Privacy, access.Edit); err != nil {
		return privacy.Request{}, err
	}
	var out privacy.Request
	err := s.db.WithTx(ctx, func(ctx context.Context) error {
		r, err := s.actOn(ctx, op, id, pauseReminders, kind)
		if err != nil {
			return err
		}
		acc, err := s.db.Account(ctx)
		if err != nil {
			return err
		}
		today, _ := s.today(ctx, acc)
		now := s.db.Now(ctx)
		for _, cid := range r.ContactIDs {
			before, err := s.db.Contact(ctx, cid)
			if err != nil {
				return err
			}
			if before.ErasedAt != nil {
				continue
			}
			after := before
			after.MarketingConsent, after.ConsentAt = false, &now
			after.ConsentProof = fmt.Sprintf("%s, request #%d, %s", word, r.ID, today)
			if err := saveChanges(ctx, s, before, &after, s.db.UpdateContact, activity.Entry{Module: "contacts", Action: activity.Update,
				RecordType: "contact", RecordID: cid, Summary: fmt.Sprintf("contact #%d: %s (request #%d)", cid, word, r.ID)}); err != nil {
				return err
			}
			if pauseReminders {
				if err := s.db.SetContactDunningPaused(ctx, cid, true); err != nil {
					return err
				}
			}
		}
		what := "marketing consent withdrawn"
		if pauseReminders {
			what += ", reminders paused"
		}
		r.Note(now, what+" on "+contactList(r.ContactIDs))
		if err := s.db.SavePrivacyRequest(ctx, &r); err != nil {
			return err
		}
		out = r
		return s.record(ctx, activity.Entry{Module: string(access.Privacy), Action: activity.Update, RecordType: requestRecord,
			RecordID: r.ID, Summary: requestSummary(r, what)})
	})
	return out, errs.Wrap(op, err)
}

func contactList(ids []int64) string {
	parts := make([]string, len(ids))
	for i, id := range ids {
		parts[i] = fmt.Sprintf("contact #%d", id)
	}
	return strings.Join(parts, ", ")
}

// NoteOnRequest records what was done for a request, such as the fields
// corrected for a rectification on the contact's page.
func (s *Service) NoteOnRequest(ctx context.Context, id int64, text string) (privacy.Request, error) {
	const op = "service.NoteOnRequest"
	return s.changeRequest(ctx, op, id, access.Edit, func(ctx context.Context, r *privacy.Request, _ account.Account) (string, error) {
		text = strings.TrimSpace(text)
		if text == "" || len(text) > 2000 {
			var f errs.Fields
			f.Add("note", "required", "say what was done (2,000 characters at most)")
			return "", f.Err(op)
		}
		r.Note(s.db.Now(ctx), text)
		return "note added", nil
	})
}
