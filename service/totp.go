package service

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"image/png"
	"strconv"
	"strings"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"

	"github.com/comptoir/comptoir/access"
	"github.com/comptoir/comptoir/activity"
	"github.com/comptoir/comptoir/errs"
	"github.com/comptoir/comptoir/identity"
	"github.com/comptoir/comptoir/password"
)

// Second factor: TOTP codes of 6 digits every 30 seconds (RFC 6238, what
// authenticator apps use), one step of clock skew allowed either way, and
// 10 single-use recovery codes.
const (
	totpPeriod        = 30
	recoveryCodeCount = 10
)

var totpOpts = totp.ValidateOpts{Period: totpPeriod, Skew: 1, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1}

// TOTPSetup is what an authenticator app needs.
type TOTPSetup struct {
	Secret string
	URL    string // otpauth:// URI
	QRCode string // data: URI of a PNG
}

// BeginTOTP creates a pending secret for the actor.
func (s *Service) BeginTOTP(ctx context.Context) (TOTPSetup, error) {
	const op = "service.BeginTOTP"
	u, err := s.me(ctx)
	if err != nil {
		return TOTPSetup{}, err
	}
	key, err := totp.Generate(totp.GenerateOpts{Issuer: "Comptoir", AccountName: u.Email, Period: totpPeriod})
	if err != nil {
		return TOTPSetup{}, errs.Wrap(op, err)
	}
	img, err := key.Image(200, 200)
	if err != nil {
		return TOTPSetup{}, errs.Wrap(op, err)
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return TOTPSetup{}, errs.Wrap(op, err)
	}
	if err := s.db.SetPendingTOTP(ctx, u.ID, key.Secret()); err != nil {
		return TOTPSetup{}, errs.Wrap(op, err)
	}
	return TOTPSetup{Secret: key.Secret(), URL: key.URL(), QRCode: "data:image/png;base64," + base64.StdEncoding.EncodeToString(buf.Bytes())}, nil
}

var errBadTOTP = &errs.Error{Op: "service.TOTP", Kind: errs.Invalid, Message: "wrong code",
	Fields: []errs.FieldError{{Field: "code", Code: "bad_totp", Message: "wrong code"}}}

// checkTOTP accepts a code of secret once (per user and time step).
func (s *Service) checkTOTP(ctx context.Context, u identity.User, secret, code string) (bool, error) {
	code = strings.ReplaceAll(strings.TrimSpace(code), " ", "")
	now := s.db.Now(ctx)
	for _, skew := range []int64{0, -1, 1} {
		at := now.Add(time.Duration(skew*totpPeriod) * time.Second)
		want, err := totp.GenerateCodeCustom(secret, at, totpOpts)
		if err != nil {
			return false, err
		}
		if want == code {
			return s.db.UseTOTPStep(ctx, u.ID, at.Unix()/totpPeriod)
		}
	}
	return false, nil
}

// ConfirmTOTP turns the second factor on once the app shows a right code,
// and returns the recovery codes, shown once.
func (s *Service) ConfirmTOTP(ctx context.Context, code string) ([]string, error) {
	const op = "service.ConfirmTOTP"
	u, err := s.me(ctx)
	if err != nil {
		return nil, err
	}
	if u.TOTPPending == "" {
		return nil, errs.E(op, errs.Invalid, "start the set-up again")
	}
	codes, hashes, err := newRecoveryCodes(u.ID)
	if err != nil {
		return nil, errs.Wrap(op, err)
	}
	err = s.db.WithTx(ctx, func(ctx context.Context) error {
		ok, err := s.checkTOTP(ctx, u, u.TOTPPending, code)
		if err != nil {
			return err
		}
		if !ok {
			return errBadTOTP
		}
		if err := s.db.EnableTOTP(ctx, u.ID, hashes); err != nil {
			return err
		}
		return s.record(ctx, activity.Entry{Module: "identity", Action: "enable_2fa", RecordType: "user", RecordID: u.ID, Summary: u.Email})
	})
	return codes, errs.Wrap(op, err)
}

// DisableTOTP turns the second factor off; the password is required.
func (s *Service) DisableTOTP(ctx context.Context, pw string) error {
	const op = "service.DisableTOTP"
	u, err := s.me(ctx)
	if err != nil {
		return err
	}
	if ok, err := password.Verify(pw, u.PasswordHash); err != nil || !ok {
		return &errs.Error{Op: op, Kind: errs.Invalid, Message: "the password is wrong",
			Fields: []errs.FieldError{{Field: "current", Code: "wrong_password"}}}
	}
	return errs.Wrap(op, s.db.WithTx(ctx, func(ctx context.Context) error {
		if err := s.db.DisableTOTP(ctx, u.ID); err != nil {
			return err
		}
		return s.record(ctx, activity.Entry{Module: "identity", Action: "disable_2fa", RecordType: "user", RecordID: u.ID, Summary: u.Email})
	}))
}

func recoveryHash(userID int64, code string) string {
	return resetCodeHash("recovery:"+strconv.FormatInt(userID, 10), strings.ToLower(strings.ReplaceAll(strings.TrimSpace(code), "-", "")))
}

// newRecoveryCodes returns codes like "k7m2-9xqa" and their hashes.
func newRecoveryCodes(userID int64) ([]string, []string, error) {
	const alphabet = "abcdefghjkmnpqrstuvwxyz23456789"
	codes, hashes := make([]string, recoveryCodeCount), make([]string, recoveryCodeCount)
	for i := range codes {
		b := make([]byte, 8)
		if _, err := rand.Read(b); err != nil {
			return nil, nil, err
		}
		for j := range b {
			b[j] = alphabet[int(b[j])%len(alphabet)]
		}
		codes[i] = string(b[:4]) + "-" + string(b[4:])
		hashes[i] = recoveryHash(userID, codes[i])
	}
	return codes, hashes, nil
}

// CompleteLogin gives the second factor for a session opened with the
// password: a TOTP code or a recovery code. On success the session gets a
// new token (returned); failures count like failed logins.
func (s *Service) CompleteLogin(ctx context.Context, token, code string) (string, error) {
	const op = "service.CompleteLogin"
	sess, p, err := s.db.SessionPrincipal(ctx, identity.HashToken(token))
	if err != nil || !sess.MFAPending || sess.Expired(s.db.Now(ctx)) {
		return "", errs.E(op, errs.Unauthorized, "please log in again")
	}
	u := p.User
	if err := s.reserveAttempt(ctx, "2fa:"+u.Email); err != nil {
		return "", err
	}
	fresh, err := identity.NewToken("")
	if err != nil {
		return "", errs.Wrap(op, err)
	}
	var ok bool
	err = s.db.WithTx(ctx, func(ctx context.Context) error {
		if ok, err = s.checkTOTP(ctx, u, u.TOTPSecret, code); err != nil || ok {
			return err
		}
		ok, err = s.db.UseRecoveryCode(ctx, u.ID, recoveryHash(u.ID, code))
		return err
	})
	if err != nil {
		return "", errs.Wrap(op, err)
	}
	if !ok {
		return "", errBadTOTP
	}
	if err := s.db.ClearLoginFailures(ctx, "2fa:"+u.Email); err != nil {
		return "", err
	}
	return fresh, errs.Wrap(op, s.db.ConfirmSession(ctx, sess.TokenHash, identity.HashToken(fresh), s.db.Now(ctx)))
}

// RecoveryCodesLeft counts the actor's unused recovery codes.
func (s *Service) RecoveryCodesLeft(ctx context.Context) (int, error) {
	u, err := s.me(ctx)
	if err != nil {
		return 0, err
	}
	return s.db.CountRecoveryCodes(ctx, u.ID)
}

// SetRequire2FA makes the second factor compulsory for every member.
func (s *Service) SetRequire2FA(ctx context.Context, on bool) error {
	if err := access.Require(ctx, access.Users, access.Edit); err != nil {
		return err
	}
	return s.db.WithTx(ctx, func(ctx context.Context) error {
		if err := s.db.SetRequire2FA(ctx, on); err != nil {
			return err
		}
		after := "false"
		if on {
			after = "true"
		}
		return s.record(ctx, activity.Entry{Module: "users", Action: activity.Update, RecordType: "account",
			Summary: "require_2fa", Changes: []activity.Change{{Field: "require_2fa", After: after}}})
	})
}
