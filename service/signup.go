package service

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"strconv"
	"time"

	"github.com/comptoir/comptoir/account"
	"github.com/comptoir/comptoir/activity"
	"github.com/comptoir/comptoir/errs"
	"github.com/comptoir/comptoir/identity"
	"github.com/comptoir/comptoir/storage"
)

// Who may sign up on an instance.
const (
	SignupFirst  = "first"  // only while the instance has no account: its first run
	SignupOpen   = "open"   // anyone (a hosting provider)
	SignupClosed = "closed" // nobody; the operator creates accounts
)

// Verification codes for e-mail addresses.
const (
	verifyCodeLifetime = 30 * time.Minute
	verifyMaxAttempts  = 5
	verifyResendAfter  = time.Minute
)

// SignUp is what a business owner types to create their account.
type SignUp struct {
	BusinessName string
	Name         string
	Email        string
	Password     string
	Locale       string
}

// SignUpAllowed tells whether a sign-up may happen now under policy.
func (s *Service) SignUpAllowed(ctx context.Context, policy string) (bool, error) {
	switch policy {
	case SignupOpen:
		return true, nil
	case SignupFirst:
		n, err := s.db.CountAccounts(ctx)
		return n == 0, err
	}
	return false, nil
}

// SignUp creates an account and its owner, whose address must then be
// verified with a code sent to it.
func (s *Service) SignUp(ctx context.Context, in SignUp, policy string) (account.Account, identity.User, error) {
	const op = "service.SignUp"
	ok, err := s.SignUpAllowed(ctx, policy)
	if err != nil {
		return account.Account{}, identity.User{}, err
	}
	if !ok {
		return account.Account{}, identity.User{}, errs.E(op, errs.Forbidden, "sign-up is closed on this instance: ask its operator for an account")
	}
	a := account.New(in.BusinessName)
	if in.Locale == "en" {
		a.Locale = "en"
	}
	a, u, err := s.CreateAccount(ctx, NewAccount{Account: a, OwnerEmail: in.Email, OwnerName: in.Name, OwnerPassword: in.Password})
	if err != nil {
		return a, u, err
	}
	// A failed delivery is in the delivery log; the user can ask again.
	_ = s.SendVerificationCode(ctx, u.ID, false)
	return a, u, nil
}

func verifyCodeHash(userID int64, code string) string {
	sum := sha256.Sum256([]byte(strconv.FormatInt(userID, 10) + ":" + code))
	return hex.EncodeToString(sum[:])
}

// SendVerificationCode e-mails a new code to the user's address. A resend
// less than a minute after the last code is refused.
func (s *Service) SendVerificationCode(ctx context.Context, userID int64, resend bool) error {
	const op = "service.SendVerificationCode"
	u, err := s.db.UserByID(ctx, userID)
	if err != nil {
		return errs.Wrap(op, err)
	}
	if u.EmailVerifiedAt != nil {
		return nil
	}
	now := s.db.Now(ctx)
	if resend {
		if v, err := s.db.EmailVerificationOf(ctx, userID); err == nil && now.Sub(v.CreatedAt) < verifyResendAfter {
			return errs.E(op, errs.TooManyRequests, "a code was sent less than a minute ago")
		}
	}
	code, err := identity.NewResetCode()
	if err != nil {
		return errs.Wrap(op, err)
	}
	if err := s.db.SetEmailVerification(ctx, storage.EmailVerification{UserID: userID, CodeHash: verifyCodeHash(userID, code),
		CreatedAt: now, ExpiresAt: now.Add(verifyCodeLifetime)}); err != nil {
		return errs.Wrap(op, err)
	}
	data := map[string]any{"Code": code, "Email": u.Email, "URL": s.BaseURL + "/verify-email", "Minutes": int(verifyCodeLifetime / time.Minute)}
	return s.sendMail(ctx, 0, u.Email, "verify_email", u.Locale, data)
}

var errBadVerifyCode = &errs.Error{Op: "service.VerifyEmail", Kind: errs.Invalid, Message: "wrong or expired code",
	Fields: []errs.FieldError{{Field: "code", Code: "bad_reset_code", Message: "wrong or expired code"}}}

// VerifyEmail checks the code sent to the user's address.
func (s *Service) VerifyEmail(ctx context.Context, userID int64, code string) error {
	v, err := s.db.EmailVerificationOf(ctx, userID)
	if errs.Is(err, errs.NotFound) {
		return errBadVerifyCode
	}
	if err != nil {
		return err
	}
	if v.Attempts >= verifyMaxAttempts || !s.db.Now(ctx).Before(v.ExpiresAt) {
		return errBadVerifyCode
	}
	if subtle.ConstantTimeCompare([]byte(verifyCodeHash(userID, code)), []byte(v.CodeHash)) != 1 {
		if err := s.db.AddEmailVerificationAttempt(ctx, userID); err != nil {
			return err
		}
		return errBadVerifyCode
	}
	return errs.Wrap("service.VerifyEmail", s.db.WithTx(ctx, func(ctx context.Context) error {
		if err := s.db.MarkEmailVerified(ctx, userID); err != nil {
			return err
		}
		u, err := s.db.UserByID(ctx, userID)
		if err != nil {
			return err
		}
		return s.record(ctx, activity.Entry{Module: "identity", Action: "verify_email", RecordType: "user", RecordID: userID, Summary: u.Email})
	}))
}
