package service

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"

	"github.com/comptoir/comptoir/access"
	"github.com/comptoir/comptoir/account"
	"github.com/comptoir/comptoir/activity"
	"github.com/comptoir/comptoir/errs"
	"github.com/comptoir/comptoir/identity"
	"github.com/comptoir/comptoir/privacy"
)

// A data subject's request is recorded, its requester's identity checked
// (a code e-mailed to them, or a note saying how it was checked in
// person), then acted on as its kind says and answered within a month.
// The activity log names the request by its number and kind, never the
// requester: their name stays in the request, kept as proof of handling.

const requestRecord = "privacy_request"

func requestSummary(r privacy.Request, what string) string {
	return fmt.Sprintf("%s request #%d: %s", r.Kind, r.ID, what)
}

// CreatePrivacyRequest records a request received from a data subject.
// Without a date of receipt it was received today.
func (s *Service) CreatePrivacyRequest(ctx context.Context, in privacy.RequestInput) (privacy.Request, error) {
	const op = "service.CreatePrivacyRequest"
	if err := access.Require(ctx, access.Privacy, access.Create); err != nil {
		return privacy.Request{}, err
	}
	var r privacy.Request
	err := s.db.WithTx(ctx, func(ctx context.Context) error {
		acc, err := s.db.Account(ctx)
		if err != nil {
			return err
		}
		today, _ := s.today(ctx, acc)
		r.ReceivedOn = today
		in.Apply(&r)
		if err := r.Validate(); err != nil {
			return err
		}
		r.CreatedBy = identity.ActorFrom(ctx).UserID
		if err := s.db.CreatePrivacyRequest(ctx, &r); err != nil {
			return err
		}
		return s.record(ctx, activity.Entry{Module: string(access.Privacy), Action: activity.Create, RecordType: requestRecord,
			RecordID: r.ID, Summary: requestSummary(r, "received by "+r.Channel+", due "+r.DueOn)})
	})
	return r, errs.Wrap(op, err)
}

// PrivacyRequest returns one request.
func (s *Service) PrivacyRequest(ctx context.Context, id int64) (privacy.Request, error) {
	if err := access.Require(ctx, access.Privacy, access.View); err != nil {
		return privacy.Request{}, err
	}
	r, err := s.db.PrivacyRequest(ctx, id)
	return r, errs.Wrap("service.PrivacyRequest", err)
}

// PrivacyRequests lists requests: the open ones by deadline, or all newest first.
func (s *Service) PrivacyRequests(ctx context.Context, f privacy.RequestFilter) ([]privacy.Request, error) {
	if err := access.Require(ctx, access.Privacy, access.View); err != nil {
		return nil, err
	}
	return s.db.ListPrivacyRequests(ctx, f)
}

// PrivacyToday is today in the account's time zone, to show deadlines.
func (s *Service) PrivacyToday(ctx context.Context) (string, error) {
	acc, err := s.db.Account(ctx)
	if err != nil {
		return "", err
	}
	today, _ := s.today(ctx, acc)
	return today, nil
}

// changeRequest runs change on an open request in one transaction and
// records what it did. The change returns the summary's words, or "" to
// write nothing.
func (s *Service) changeRequest(ctx context.Context, op string, id int64, action access.Action,
	change func(ctx context.Context, r *privacy.Request, acc account.Account) (string, error)) (privacy.Request, error) {
	if err := access.Require(ctx, access.Privacy, action); err != nil {
		return privacy.Request{}, err
	}
	var out privacy.Request
	err := s.db.WithTx(ctx, func(ctx context.Context) error {
		r, err := s.db.PrivacyRequest(ctx, id)
		if err != nil {
			return err
		}
		acc, err := s.db.Account(ctx)
		if err != nil {
			return err
		}
		what, err := change(ctx, &r, acc)
		if err != nil || what == "" {
			out = r
			return err
		}
		if err := s.db.SavePrivacyRequest(ctx, &r); err != nil {
			return err
		}
		out = r
		return s.record(ctx, activity.Entry{Module: string(access.Privacy), Action: activity.Update, RecordType: requestRecord,
			RecordID: r.ID, Summary: requestSummary(r, what)})
	})
	return out, errs.Wrap(op, err)
}

// UpdatePrivacyRequest corrects what was recorded of an open request. The
// log says which fields changed, without the requester's details.
func (s *Service) UpdatePrivacyRequest(ctx context.Context, id int64, in privacy.RequestInput) (privacy.Request, error) {
	return s.changeRequest(ctx, "service.UpdatePrivacyRequest", id, access.Edit,
		func(ctx context.Context, r *privacy.Request, _ account.Account) (string, error) {
			if r.Status != privacy.RequestOpen {
				return "", errs.E("service.UpdatePrivacyRequest", errs.Conflict, "only an open request can be corrected")
			}
			before := *r
			in.Apply(r)
			if in.ReceivedOn != nil && r.ExtendedDueOn != "" && *in.ReceivedOn != before.ReceivedOn {
				var f errs.Fields
				f.Add("received_on", "extended", "the deadline was extended: the date of receipt can no longer change")
				return "", f.Err("service.UpdatePrivacyRequest")
			}
			if err := r.Validate(); err != nil {
				return "", err
			}
			var changed []string
			for _, c := range []struct {
				name   string
				before string
				after  string
			}{{"kind", string(before.Kind), string(r.Kind)}, {"requester_name", before.Name, r.Name}, {"requester_email", before.Email, r.Email},
				{"requester_phone", before.Phone, r.Phone}, {"channel", before.Channel, r.Channel}, {"details", before.Details, r.Details},
				{"received_on", before.ReceivedOn, r.ReceivedOn}} {
				if c.before != c.after {
					changed = append(changed, c.name)
				}
			}
			if len(changed) == 0 {
				return "", nil
			}
			if r.Email != before.Email {
				// A code sent to the old address proves nothing of the new one.
				r.VerifiedAt, r.VerifiedBy, r.CodeHash = nil, "", ""
			}
			return "corrected " + strings.Join(changed, ", "), nil
		})
}

// requestCodeHash binds a code to its request and account: the same code
// of another request has another hash.
func requestCodeHash(accountID, requestID int64, code string) string {
	sum := sha256.Sum256([]byte(strconv.FormatInt(accountID, 10) + ":" + strconv.FormatInt(requestID, 10) + ":" + code))
	return hex.EncodeToString(sum[:])
}

var errBadRequestCode = &errs.Error{Op: "service.VerifyRequestCode", Kind: errs.Invalid, Message: "wrong or expired code",
	Fields: []errs.FieldError{{Field: "code", Code: "bad_reset_code", Message: "wrong or expired code"}}}

// SendRequestCode e-mails a new 8-digit code to the requester, to check
// that the request comes from the person whose data it is. A code lives
// 30 minutes and accepts 5 wrong tries; codes are a minute apart at least
// and 5 per request at most. The e-mail leaves after the commit, in the
// account's language, and is in the delivery log.
func (s *Service) SendRequestCode(ctx context.Context, id int64) (privacy.Request, error) {
	const op = "service.SendRequestCode"
	code, err := identity.NewResetCode()
	if err != nil {
		return privacy.Request{}, errs.Wrap(op, err)
	}
	var acc account.Account
	r, err := s.changeRequest(ctx, op, id, access.Edit, func(ctx context.Context, r *privacy.Request, a account.Account) (string, error) {
		acc = a
		now := s.db.Now(ctx)
		switch {
		case r.Status != privacy.RequestOpen:
			return "", errs.E(op, errs.Conflict, "the request is "+string(r.Status))
		case r.Verified():
			return "", errs.E(op, errs.Conflict, "the requester's identity is already checked")
		case r.Email == "":
			var f errs.Fields
			f.Add("requester_email", "required", "record the requester's e-mail address first")
			return "", f.Err(op)
		case r.CodesSent >= privacy.CodeMaxSends:
			return "", errs.E(op, errs.TooManyRequests, "too many codes were sent for this request: check the identity by other means")
		case r.CodeSentAt != nil && now.Before(r.CodeSentAt.Add(privacy.CodeResendAfter)):
			return "", errs.E(op, errs.TooManyRequests, "a code was sent less than a minute ago")
		}
		expires := now.Add(privacy.CodeLifetime)
		r.CodeHash, r.CodeExpiresAt, r.CodeAttempts = requestCodeHash(acc.ID, r.ID, code), &expires, 0
		r.CodeSentAt, r.CodesSent = &now, r.CodesSent+1
		return "identity code sent to the requester", nil
	})
	if err != nil {
		return r, err
	}
	lang := acc.Locale
	data := map[string]any{"Code": code, "Business": sellerName(acc), "Kind": kindWord(r.Kind, lang),
		"Request": r.ID, "Minutes": int(privacy.CodeLifetime.Minutes())}
	if err := s.sendMail(ctx, acc.ID, r.Email, "privacy_code", lang, data); err != nil {
		return r, errs.Wrap(op, &errs.Error{Op: op, Kind: errs.Unavailable, Message: "the code could not be e-mailed: " + err.Error(), Err: err})
	}
	return r, nil
}

// kindWord names a kind of request in the e-mail's language.
func kindWord(k privacy.RequestKind, lang string) string {
	fr := map[privacy.RequestKind]string{privacy.AccessRequest: "accès", privacy.RectificationRequest: "rectification",
		privacy.ErasureRequest: "effacement", privacy.RestrictionRequest: "limitation", privacy.ObjectionRequest: "opposition",
		privacy.PortabilityRequest: "portabilité"}
	if lang == "en" {
		return string(k)
	}
	return fr[k]
}

// VerifyRequestCode checks the code the requester was sent. A wrong code
// counts even though the answer is a refusal.
func (s *Service) VerifyRequestCode(ctx context.Context, id int64, code string) (privacy.Request, error) {
	const op = "service.VerifyRequestCode"
	wrong := false
	r, err := s.changeRequest(ctx, op, id, access.Edit, func(ctx context.Context, r *privacy.Request, acc account.Account) (string, error) {
		now := s.db.Now(ctx)
		if r.Verified() {
			return "", errs.E(op, errs.Conflict, "the requester's identity is already checked")
		}
		if r.CodeHash == "" || r.CodeExpiresAt == nil || !now.Before(*r.CodeExpiresAt) || r.CodeAttempts >= privacy.CodeMaxAttempts {
			return "", errBadRequestCode
		}
		got := requestCodeHash(acc.ID, r.ID, strings.TrimSpace(code))
		if subtle.ConstantTimeCompare([]byte(got), []byte(r.CodeHash)) != 1 {
			wrong = true
			return "", nil
		}
		r.VerifiedAt, r.VerifiedBy, r.CodeHash, r.CodeExpiresAt = &now, privacy.VerifiedByCode, "", nil
		r.Note(now, "identity checked by the code e-mailed to the requester")
		return "identity checked by e-mailed code", nil
	})
	if err == nil && wrong {
		if err := s.db.WithTx(ctx, func(ctx context.Context) error { return s.db.AddPrivacyRequestAttempt(ctx, id) }); err != nil {
			return r, errs.Wrap(op, err)
		}
		return r, errBadRequestCode
	}
	return r, err
}

// VerifyRequestOtherwise records that the requester's identity was checked
// by other means (a request made in person, with an identity document
// shown), and how.
func (s *Service) VerifyRequestOtherwise(ctx context.Context, id int64, note string) (privacy.Request, error) {
	const op = "service.VerifyRequestOtherwise"
	return s.changeRequest(ctx, op, id, access.Edit, func(ctx context.Context, r *privacy.Request, _ account.Account) (string, error) {
		note = strings.TrimSpace(note)
		if note == "" {
			var f errs.Fields
			f.Add("note", "required", "say how the identity was checked (e.g. identity card shown at the counter)")
			return "", f.Err(op)
		}
		if r.Verified() {
			return "", errs.E(op, errs.Conflict, "the requester's identity is already checked")
		}
		now := s.db.Now(ctx)
		r.VerifiedAt, r.VerifiedBy, r.VerifyNote, r.CodeHash = &now, privacy.VerifiedByOther, note, ""
		r.Note(now, "identity checked by other means")
		return "identity checked by other means", nil
	})
}

// ExtendPrivacyRequest pushes the deadline two months further, once, with
// the reason the person is told.
func (s *Service) ExtendPrivacyRequest(ctx context.Context, id int64, reason string) (privacy.Request, error) {
	return s.changeRequest(ctx, "service.ExtendPrivacyRequest", id, access.Edit,
		func(ctx context.Context, r *privacy.Request, acc account.Account) (string, error) {
			today, _ := s.today(ctx, acc)
			if err := r.Extend(reason, today); err != nil {
				return "", err
			}
			r.Note(s.db.Now(ctx), "deadline extended to "+r.ExtendedDueOn)
			return "deadline extended to " + r.ExtendedDueOn, nil
		})
}

// AnswerPrivacyRequest answers, refuses (with the reason) or closes a request.
func (s *Service) AnswerPrivacyRequest(ctx context.Context, id int64, status privacy.RequestStatus, answer string) (privacy.Request, error) {
	return s.changeRequest(ctx, "service.AnswerPrivacyRequest", id, access.Edit,
		func(ctx context.Context, r *privacy.Request, _ account.Account) (string, error) {
			if err := r.Move(status, answer, s.db.Now(ctx)); err != nil {
				return "", err
			}
			return string(status), nil
		})
}

// LinkRequestContact records that a contact found by the lookup is the
// requester's; unlink removes it.
func (s *Service) LinkRequestContact(ctx context.Context, id, contactID int64, link bool) (privacy.Request, error) {
	const op = "service.LinkRequestContact"
	return s.changeRequest(ctx, op, id, access.Edit, func(ctx context.Context, r *privacy.Request, _ account.Account) (string, error) {
		if r.Status != privacy.RequestOpen {
			return "", errs.E(op, errs.Conflict, "the request is "+string(r.Status))
		}
		if !link {
			if err := s.db.UnlinkPrivacyRequestContact(ctx, r.ID, contactID); err != nil {
				return "", err
			}
			r.ContactIDs = removeID(r.ContactIDs, contactID)
			return fmt.Sprintf("contact #%d unlinked", contactID), nil
		}
		if _, err := s.db.Contact(ctx, contactID); err != nil {
			if errs.Is(err, errs.NotFound) {
				var f errs.Fields
				f.Add("contact_id", "not_found", "no such contact")
				return "", f.Err(op)
			}
			return "", err
		}
		if err := s.db.LinkPrivacyRequestContact(ctx, r.ID, contactID); err != nil {
			return "", err
		}
		if !containsID(r.ContactIDs, contactID) {
			r.ContactIDs = append(r.ContactIDs, contactID)
		}
		return fmt.Sprintf("contact #%d linked", contactID), nil
	})
}

func containsID(ids []int64, id int64) bool {
	for _, v := range ids {
		if v == id {
			return true
		}
	}
	return false
}

func removeID(ids []int64, id int64) []int64 {
	var out []int64
	for _, v := range ids {
		if v != id {
			out = append(out, v)
		}
	}
	return out
}

// RequestPatch is a change to a request through the API: its recorded
// fields, contacts to link or unlink, a note, a new status with its answer.
type RequestPatch struct {
	privacy.RequestInput
	LinkContacts   []int64                `json:"link_contact_ids"`
	UnlinkContacts []int64                `json:"unlink_contact_ids"`
	Note           *string                `json:"note"`
	Status         *privacy.RequestStatus `json:"status"`
	Answer         *string                `json:"answer"`
}

// PatchPrivacyRequest applies p in one transaction, in that order: the
// fields, the links, the note, the status.
func (s *Service) PatchPrivacyRequest(ctx context.Context, id int64, p RequestPatch) (privacy.Request, error) {
	const op = "service.PatchPrivacyRequest"
	if err := access.Require(ctx, access.Privacy, access.Edit); err != nil {
		return privacy.Request{}, err
	}
	var out privacy.Request
	err := s.db.WithTx(ctx, func(ctx context.Context) error {
		var err error
		if out, err = s.UpdatePrivacyRequest(ctx, id, p.RequestInput); err != nil {
			return err
		}
		for _, c := range p.LinkContacts {
			if out, err = s.LinkRequestContact(ctx, id, c, true); err != nil {
				return err
			}
		}
		for _, c := range p.UnlinkContacts {
			if out, err = s.LinkRequestContact(ctx, id, c, false); err != nil {
				return err
			}
		}
		if p.Note != nil {
			if out, err = s.NoteOnRequest(ctx, id, *p.Note); err != nil {
				return err
			}
		}
		if p.Status != nil {
			answer := ""
			if p.Answer != nil {
				answer = *p.Answer
			}
			if out, err = s.AnswerPrivacyRequest(ctx, id, *p.Status, answer); err != nil {
				return err
			}
		}
		return nil
	})
	return out, errs.Wrap(op, err)
}
