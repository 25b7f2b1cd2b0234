package service

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"time"

	"github.com/comptoir/comptoir/account"
	"github.com/comptoir/comptoir/activity"
	"github.com/comptoir/comptoir/errs"
	"github.com/comptoir/comptoir/identity"
	"github.com/comptoir/comptoir/password"
)

// RequestPasswordReset starts the register's reset flow: if email belongs
// to an enabled user, a security code is e-mailed to it. The answer is the
// same whether or not the address has an account: a random request token
// that the browser keeps (in a cookie) and must present with the code, so
// that a code works only where it was asked for. Requests beyond
// ResetRequestsLimit per user are ignored, silently for the same reason.
func (s *Service) RequestPasswordReset(ctx context.Context, email, lang string) (string, error) {
	const op = "service.RequestPasswordReset"
	request, err := identity.NewToken("")
	if err != nil {
		return "", errs.Wrap(op, err)
	}
	u, err := s.db.UserByEmail(ctx, identity.NormalizeEmail(email))
	if errs.Is(err, errs.NotFound) || (err == nil && u.DisabledAt != nil) {
		return request, nil
	}
	if err != nil {
		return "", errs.Wrap(op, err)
	}
	code, err := identity.NewResetCode()
	if err != nil {
		return "", errs.Wrap(op, err)
	}
	sent := false
	err = s.db.WithTx(ctx, func(ctx context.Context) error {
		now := s.db.Now(ctx)
		n, err := s.db.CountPasswordResets(ctx, u.ID, now.Add(-identity.ResetRequestsEvery))
		if err != nil || n >= identity.ResetRequestsLimit {
			return err
		}
		sent = true
		reqHash := identity.HashToken(request)
		return s.db.CreatePasswordReset(ctx, &identity.PasswordReset{UserID: u.ID, RequestHash: reqHash,
			CodeHash: resetCodeHash(reqHash, code), CreatedAt: now, ExpiresAt: now.Add(identity.ResetCodeLifetime),
			IP: identity.ActorFrom(ctx).IP})
	})
	if err != nil || !sent {
		return request, errs.Wrap(op, err)
	}
	if u.Locale != "" {
		lang = u.Locale
	}
	data := map[string]any{"Code": code, "Email": u.Email, "URL": s.BaseURL + "/password/reset",
		"Minutes": int(identity.ResetCodeLifetime / time.Minute)}
	// Sent in the background so that the answer takes as long for an
	// address with an account as for one without.
	go func() {
		_ = s.sendMail(context.WithoutCancel(ctx), 0, u.Email, "reset_code", lang, data)
	}()
	return request, nil
}

// resetCodeHash binds a code to its request: the same code of another
// request has another hash.
func resetCodeHash(requestHash, code string) string {
	sum := sha256.Sum256([]byte(requestHash + ":" + code))
	return hex.EncodeToString(sum[:])
}

var errBadResetCode = &errs.Error{Op: "service.ResetPassword", Kind: errs.Invalid, Message: "wrong or expired security code",
	Fields: []errs.FieldError{{Field: "code", Code: "bad_reset_code", Message: "wrong or expired security code"}}}

// ResetPassword sets a new password if code is the one sent for the
// browser's request token. A request accepts ResetMaxAttempts wrong codes,
// lives ResetCodeLifetime and works once. Success ends every session of the
// user and voids their other pending codes.
func (s *Service) ResetPassword(ctx context.Context, request, code, newPassword string) error {
	const op = "service.ResetPassword"
	if c := identity.CheckPassword(newPassword); c != "" {
		return &errs.Error{Op: op, Kind: errs.Invalid, Message: "the password does not meet the policy",
			Fields: []errs.FieldError{{Field: "password", Code: c, Message: "the password does not meet the policy"}}}
	}
	hash, err := password.Hash(newPassword, s.Password)
	if err != nil {
		return errs.Wrap(op, err)
	}
	var wrong bool
	err = s.db.WithTx(ctx, func(ctx context.Context) error {
		r, err := s.db.PasswordResetByRequest(ctx, identity.HashToken(request))
		if errs.Is(err, errs.NotFound) {
			return errBadResetCode
		}
		if err != nil {
			return err
		}
		now := s.db.Now(ctx)
		if r.UsedAt != nil || !now.Before(r.ExpiresAt) || r.Attempts >= identity.ResetMaxAttempts {
			return errBadResetCode
		}
		if subtle.ConstantTimeCompare([]byte(resetCodeHash(r.RequestHash, code)), []byte(r.CodeHash)) != 1 {
			wrong = true
			return nil // commit the attempt, then refuse
		}
		return s.applyReset(ctx, r.UserID, hash)
	})
	if err == nil && wrong {
		// The attempt counter is committed apart so that a wrong code
		// always counts, whatever happens next.
		if err := s.countWrongCode(ctx, request); err != nil {
			return errs.Wrap(op, err)
		}
		return errBadResetCode
	}
	return errs.Wrap(op, err)
}

func (s *Service) countWrongCode(ctx context.Context, request string) error {
	return s.db.WithTx(ctx, func(ctx context.Context) error {
		r, err := s.db.PasswordResetByRequest(ctx, identity.HashToken(request))
		if err != nil {
			return err
		}
		return s.db.AddPasswordResetAttempt(ctx, r.ID)
	})
}

// applyReset stores the new hash, voids the user's codes and sessions and
// records the change in each of the user's accounts.
func (s *Service) applyReset(ctx context.Context, userID int64, hash string) error {
	u, err := s.db.UserByID(ctx, userID)
	if err != nil {
		return err
	}
	if err := s.db.SetPasswordHash(ctx, userID, hash); err != nil {
		return err
	}
	if err := s.db.UsePasswordResets(ctx, userID); err != nil {
		return err
	}
	if err := s.db.DeleteUserSessions(ctx, userID); err != nil {
		return err
	}
	if err := s.db.RevokeUserTokens(ctx, userID); err != nil {
		return err
	}
	if err := s.db.ClearLoginFailures(ctx, u.Email); err != nil {
		return err
	}
	ms, err := s.db.Memberships(ctx, userID)
	if err != nil {
		return err
	}
	actor := identity.ActorFrom(ctx)
	actor.UserID, actor.Email = u.ID, u.Email
	for _, m := range ms {
		actx := identity.WithActor(account.WithID(ctx, m.AccountID), actor)
		if err := s.record(actx, activity.Entry{Module: "identity", Action: "password_reset", RecordType: "user",
			RecordID: u.ID, Summary: u.Email}); err != nil {
			return err
		}
	}
	return nil
}
