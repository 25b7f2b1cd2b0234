package service

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"strconv"
	"strings"
	"time"

	"github.com/comptoir/comptoir/access"
	"github.com/comptoir/comptoir/account"
	"github.com/comptoir/comptoir/activity"
	"github.com/comptoir/comptoir/errs"
	"github.com/comptoir/comptoir/identity"
	"github.com/comptoir/comptoir/privacy"
	"github.com/comptoir/comptoir/storage"
)

// Closing an account: the owner asks, confirms with a code e-mailed to
// them, and the account closes at the end of a grace period (the
// closed_accounts retention policy) during which the owner can reopen it.
const (
	ClosureCodeLifetime = 15 * time.Minute
	ClosureMaxAttempts  = 5 // wrong codes before the request is void
)

// Closure is where the current account stands in its closure.
type Closure struct {
	Closing       bool       `json:"closing"`                   // confirmed: the grace period runs
	ClosesAt      *time.Time `json:"closes_at,omitempty"`       // end of the grace period
	CodeExpiresAt *time.Time `json:"code_expires_at,omitempty"` // a code was sent and waits
	GraceDays     int        `json:"grace_days"`                // the grace period, in days
	Held          int        `json:"held"`                      // accounting documents a closure would keep, under their legal hold
	Owner         bool       `json:"owner"`                     // the viewer may close, reopen and export
}

// gracePeriod is how long a closed account can be reopened.
func gracePeriod() privacy.Period {
	p, _ := privacy.DefaultPolicy(privacy.ClosedAccounts)
	return p.Active
}

// closeCodeHash binds a closure code to its account and owner.
func closeCodeHash(accountID, userID int64, code string) string {
	sum := sha256.Sum256([]byte("close:" + strconv.FormatInt(accountID, 10) + ":" + strconv.FormatInt(userID, 10) + ":" + code))
	return hex.EncodeToString(sum[:])
}

var errBadClosureCode = &errs.Error{Op: "service.ConfirmAccountClosure", Kind: errs.Invalid, Message: "wrong or expired code",
	Fields: []errs.FieldError{{Field: "code", Code: "bad_closure_code", Message: "wrong or expired code"}}}

// AccountClosure says where the current account stands in its closure. Any
// member may read it: a closing account shows its members when it closes.
func (s *Service) AccountClosure(ctx context.Context) (Closure, error) {
	a, err := s.db.Account(ctx)
	if err != nil {
		return Closure{}, err
	}
	c := Closure{Closing: a.Closing(), ClosesAt: a.ClosesAt, GraceDays: gracePeriod().ApproxDays(),
		Owner: requireCloser(ctx, "") == nil}
	if c.Held, err = s.db.CountHeldDocuments(ctx, holdCutoff(s.db.Now(ctx)).Format(time.DateOnly)); err != nil {
		return c, err
	}
	if c.Owner && !c.Closing {
		code, err := s.db.PendingClosureCode(ctx)
		if err == nil && s.db.Now(ctx).Before(code.ExpiresAt) && code.Attempts < ClosureMaxAttempts &&
			code.UserID == identity.ActorFrom(ctx).UserID {
			c.CodeExpiresAt = &code.ExpiresAt
		} else if err != nil && !errs.Is(err, errs.NotFound) {
			return c, err
		}
	}
	return c, nil
}

// requireCloser lets only the owner close or reopen the account: never an
// operator under a support grant, whatever role it grants.
func requireCloser(ctx context.Context, op string) error {
	if err := access.Require(ctx, access.Privacy, access.Delete); err != nil {
		return err
	}
	if identity.ActorFrom(ctx).Support {
		return errs.E(op, errs.Forbidden, "only the account's owner can close it")
	}
	return requireOwner(ctx, op)
}

// RequestAccountClosure e-mails the owner an 8-digit code that confirms the
// closure of the current account; a new request replaces the last code.
func (s *Service) RequestAccountClosure(ctx context.Context) error {
	const op = "service.RequestAccountClosure"
	if err := requireCloser(ctx, op); err != nil {
		return err
	}
	actor := identity.ActorFrom(ctx)
	u, err := s.db.UserByID(ctx, actor.UserID)
	if err != nil {
		return errs.Wrap(op, err)
	}
	code, err := identity.NewResetCode()
	if err != nil {
		return errs.Wrap(op, err)
	}
	var a account.Account
	err = s.db.WithTx(ctx, func(ctx context.Context) error {
		if a, err = s.db.Account(ctx); err != nil {
			return err
		}
		if a.ClosesAt != nil {
			return errs.E(op, errs.Conflict, "the account is already closing")
		}
		now := s.db.Now(ctx)
		if err := s.db.SetClosureCode(ctx, storage.ClosureCode{UserID: u.ID, CodeHash: closeCodeHash(a.ID, u.ID, code),
			CreatedAt: now, ExpiresAt: now.Add(ClosureCodeLifetime)}); err != nil {
			return err
		}
		return s.record(ctx, activity.Entry{Module: string(access.Privacy), Action: "close_requested", RecordType: "account",
			RecordID: a.ID, Summary: u.Email})
	})
	if err != nil {
		return errs.Wrap(op, err)
	}
	data := map[string]any{"Code": code, "Account": a.Name, "URL": s.BaseURL + "/privacy/account",
		"Minutes": int(ClosureCodeLifetime / time.Minute), "GraceDays": gracePeriod().ApproxDays()}
	if err := s.sendMail(ctx, a.ID, u.Email, "closure_code", mailLang(u, a), data); err != nil {
		return &errs.Error{Op: op, Kind: errs.Unavailable, Message: "the code could not be e-mailed: try again in a moment", Err: err}
	}
	return nil
}

func mailLang(u identity.User, a account.Account) string {
	if u.Locale != "" {
		return u.Locale
	}
	return a.Locale
}

// ConfirmAccountClosure closes the current account if code is the one the
// owner received: its members lose access at once, and its data are
// deleted when the grace period ends, unless the owner reopens it first.
// It returns the end of the grace period.
func (s *Service) ConfirmAccountClosure(ctx context.Context, code string) (time.Time, error) {
	const op = "service.ConfirmAccountClosure"
	if err := requireCloser(ctx, op); err != nil {
		return time.Time{}, err
	}
	if strings.TrimSpace(code) == "" {
		var f errs.Fields
		f.Add("code", "required", "enter the code e-mailed to you")
		return time.Time{}, f.Err(op)
	}
	actor := identity.ActorFrom(ctx)
	var a account.Account
	var closesAt time.Time
	var wrong bool
	err := s.db.WithTx(ctx, func(ctx context.Context) error {
		var err error
		if a, err = s.db.Account(ctx); err != nil {
			return err
		}
		if a.ClosesAt != nil {
			return errs.E(op, errs.Conflict, "the account is already closing")
		}
		c, err := s.db.PendingClosureCode(ctx)
		if errs.Is(err, errs.NotFound) {
			return errBadClosureCode
		}
		if err != nil {
			return err
		}
		now := s.db.Now(ctx)
		if c.UserID != actor.UserID || !now.Before(c.ExpiresAt) || c.Attempts >= ClosureMaxAttempts {
			return errBadClosureCode
		}
		if subtle.ConstantTimeCompare([]byte(closeCodeHash(a.ID, actor.UserID, code)), []byte(c.CodeHash)) != 1 {
			wrong = true
			return nil // commit nothing here; the attempt is counted apart
		}
		closesAt = gracePeriod().After(now)
		if err := s.db.DeleteClosureCode(ctx); err != nil {
			return err
		}
		if err := s.db.SetAccountClosing(ctx, &closesAt); err != nil {
			return err
		}
		return s.record(ctx, activity.Entry{Module: string(access.Privacy), Action: "close", RecordType: "account",
			RecordID: a.ID, Summary: closesAt.Format(time.DateOnly),
			Changes: []activity.Change{{Field: "closes_at", Before: "", After: closesAt.Format(time.RFC3339)}}})
	})
	if err == nil && wrong {
		if err := s.db.WithTx(ctx, func(ctx context.Context) error { return s.db.AddClosureAttempt(ctx) }); err != nil {
			return time.Time{}, errs.Wrap(op, err)
		}
		return time.Time{}, errBadClosureCode
	}
	if err != nil {
		return time.Time{}, errs.Wrap(op, err)
	}
	s.mailOwner(ctx, a, actor.UserID, "account_closing", map[string]any{"Account": a.Name,
		"Date": dateIn(closesAt, a), "URL": s.BaseURL + "/privacy/account"})
	return closesAt, nil
}

// ReopenAccount cancels the closure of the current account during its
// grace period: its members get it back as it was.
func (s *Service) ReopenAccount(ctx context.Context) error {
	const op = "service.ReopenAccount"
	if err := requireCloser(ctx, op); err != nil {
		return err
	}
	var a account.Account
	err := s.db.WithTx(ctx, func(ctx context.Context) error {
		var err error
		if a, err = s.db.Account(ctx); err != nil {
			return err
		}
		if !a.Closing() {
			return errs.E(op, errs.Conflict, "the account is not closing")
		}
		if err := s.db.SetAccountClosing(ctx, nil); err != nil {
			return err
		}
		return s.record(ctx, activity.Entry{Module: string(access.Privacy), Action: "reopen", RecordType: "account",
			RecordID: a.ID, Summary: a.Name,
			Changes: []activity.Change{{Field: "closes_at", Before: a.ClosesAt.Format(time.RFC3339), After: ""}}})
	})
	if err != nil {
		return errs.Wrap(op, err)
	}
	s.mailOwner(ctx, a, identity.ActorFrom(ctx).UserID, "account_reopened", map[string]any{"Account": a.Name, "URL": s.BaseURL + "/"})
	return nil
}

// mailOwner e-mails a member of account a after the change committed; a
// failure is in the delivery log, the change stands.
func (s *Service) mailOwner(ctx context.Context, a account.Account, userID int64, template string, data map[string]any) {
	u, err := s.db.UserByID(ctx, userID)
	if err != nil {
		s.log.Warn("closure e-mail: no user", "user", userID, "err", err)
		return
	}
	_ = s.sendMail(ctx, a.ID, u.Email, template, mailLang(u, a), data)
}

// dateIn writes a day in the account's zone and language.
func dateIn(t time.Time, a account.Account) string {
	if a.Locale == "en" {
		return t.In(a.Location()).Format("2 January 2006")
	}
	return t.In(a.Location()).Format("02/01/2006")
}

// holdCutoff is the last day whose documents have left their legal hold at
// now: a document dated after it is still held (privacy.HoldUntil of its
// date is after now). It is searched from the calendar's guess, which a
// 29 February can put a day off.
func holdCutoff(now time.Time) time.Time {
	y, m, d := now.UTC().AddDate(-privacy.HoldYears, 0, 0).Date()
	c := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	for privacy.HoldUntil(c).After(now) {
		c = c.AddDate(0, 0, -1)
	}
	for !privacy.HoldUntil(c.AddDate(0, 0, 1)).After(now) {
		c = c.AddDate(0, 0, 1)
	}
	return c
}

// PurgeReport says what one run of PurgeClosedAccounts did.
type PurgeReport struct {
	Closed   int // accounts whose grace period ended: their data deleted
	Deleted  int // accounts with nothing held any more: gone
	Held     int // documents still under a legal hold in the closed accounts
	Files    int // attachment files deleted
	Accounts []int64
}

// PurgeClosedAccounts applies the closure of accounts at now: an account
// whose grace period has ended loses everything but the accounting
// documents under a legal hold (privacy.HoldUntil of their date), which
// stay in a restricted archive that only the instance's operator can
// export; its owners are told by e-mail. In an account already closed,
// the documents whose hold has ended go; when none is left, the account
// itself goes. Only the system runs it: the daily job and the command line.
func (s *Service) PurgeClosedAccounts(ctx context.Context, now time.Time) (PurgeReport, error) {
	const op = "service.PurgeClosedAccounts"
	var rep PurgeReport
	if !access.IsSystem(ctx) {
		return rep, errs.E(op, errs.Forbidden, "closed accounts are purged by the system")
	}
	ids, err := s.db.AccountsToPurge(ctx, now)
	if err != nil {
		return rep, errs.Wrap(op, err)
	}
	cutoff := holdCutoff(now).Format(time.DateOnly)
	var first error
	for _, id := range ids {
		// One account's failure does not hold the others back.
		if err := s.purgeAccount(ctx, id, now, cutoff, &rep); err != nil {
			s.log.Error("closed account not purged", "account", id, "err", err)
			if first == nil {
				first = errs.Wrap(op, err)
			}
		}
	}
	return rep, first
}

// purgeAccount applies the closure of one account at now.
func (s *Service) purgeAccount(ctx context.Context, id int64, now time.Time, cutoff string, rep *PurgeReport) error {
	actx := account.WithID(ctx, id)
	a, err := s.db.Account(actx)
	if err != nil {
		return err
	}
	var owners []identity.Member
	if a.ClosedAt == nil {
		members, err := s.db.ListMembers(actx)
		if err != nil {
			return err
		}
		for _, m := range members {
			if m.Role == access.RoleOwner && m.DisabledAt == nil {
				owners = append(owners, m)
			}
		}
	}
	res, err := s.db.PurgeAccount(actx, now, cutoff)
	if err != nil {
		return err
	}
	for _, c := range res.Checksums {
		if err := s.Files.Delete(id, c); err != nil {
			s.log.Warn("purge: file not deleted", "account", id, "err", err)
			continue
		}
		rep.Files++
	}
	for _, u := range res.Users {
		if _, err := s.db.DeleteOrphanUser(ctx, u); err != nil {
			return err
		}
	}
	rep.Held += res.Held
	if res.Closed {
		rep.Closed++
		rep.Accounts = append(rep.Accounts, id)
		s.log.Info("closed account purged", "account", id, "held_documents", res.Held)
	}
	if res.Deleted {
		rep.Deleted++
		if err := s.Files.DeleteAccount(id); err != nil {
			s.log.Warn("purge: files not deleted", "account", id, "err", err)
		}
		s.log.Info("closed account deleted", "account", id)
	} else if res.Closed {
		// The archive's own log starts with its purge.
		if err := s.db.WithTx(actx, func(ctx context.Context) error {
			return s.record(ctx, activity.Entry{Module: string(access.Privacy), Action: "purge", RecordType: "account",
				RecordID: id, Summary: strconv.Itoa(res.Held) + " documents held"})
		}); err != nil {
			return err
		}
	}
	if res.Closed {
		for _, m := range owners {
			data := map[string]any{"Account": a.Name, "Date": dateIn(now, a), "Held": res.Held}
			_ = s.sendMail(ctx, 0, m.Email, "account_deleted", a.Locale, data)
		}
	}
	return nil
}
