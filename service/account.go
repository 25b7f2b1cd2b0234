package service

import (
	"bytes"
	"context"

	"strings"

	"github.com/comptoir/comptoir/access"
	"github.com/comptoir/comptoir/account"
	"github.com/comptoir/comptoir/activity"
	"github.com/comptoir/comptoir/errs"
	"github.com/comptoir/comptoir/identity"
	"github.com/comptoir/comptoir/password"
)

// NewAccount is what it takes to create an account: the business and the
// person who will own it.
type NewAccount struct {
	Account       account.Account
	OwnerEmail    string
	OwnerName     string
	OwnerPassword string
	// OwnerVerified says the owner's address is known good (created by the
	// operator); a sign-up must prove it with an e-mailed code.
	OwnerVerified bool
}

// CreateAccount creates an account and its owner in one transaction.
func (s *Service) CreateAccount(ctx context.Context, in NewAccount) (account.Account, identity.User, error) {
	const op = "service.CreateAccount"
	a := in.Account
	var f errs.Fields
	if err := a.Validate(); err != nil {
		f = append(f, errs.FieldsOf(err)...)
	}
	email, err := identity.CheckEmail(in.OwnerEmail)
	if err != nil {
		f.Add("email", "invalid_email", errs.MessageOf(err))
	}
	if code := identity.CheckPassword(in.OwnerPassword); code != "" {
		f.Add("password", code, "the password does not meet the policy")
	}
	if err := f.Err(op); err != nil {
		return a, identity.User{}, err
	}
	hash, err := password.Hash(in.OwnerPassword, s.Password)
	if err != nil {
		return a, identity.User{}, errs.Wrap(op, err)
	}
	u := identity.User{Email: email, Name: strings.TrimSpace(in.OwnerName), PasswordHash: hash, Locale: a.Locale}
	err = s.db.WithTx(ctx, func(ctx context.Context) error {
		if in.OwnerVerified {
			now := s.db.Now(ctx)
			u.EmailVerifiedAt = &now
		}
		if _, err := s.db.UserByEmail(ctx, email); err == nil {
			return &errs.Error{Op: op, Kind: errs.Conflict, Message: "a user with this e-mail already exists",
				Fields: []errs.FieldError{{Field: "email", Code: "email_taken", Message: "e-mail already registered"}}}
		} else if !errs.Is(err, errs.NotFound) {
			return err
		}
		if err := s.db.CreateAccount(ctx, &a); err != nil {
			return err
		}
		if err := s.db.CreateUser(ctx, &u); err != nil {
			return err
		}
		ctx = account.WithID(ctx, a.ID)
		if err := s.db.AddMember(ctx, u.ID, identity.RoleOwner); err != nil {
			return err
		}
		return s.record(ctx, activity.Entry{Module: "account", Action: activity.Create,
			RecordType: "account", RecordID: a.ID, Summary: a.Name})
	})
	return a, u, errs.Wrap(op, err)
}

// UpdateAccount changes the current account's legal identity and settings.
func (s *Service) UpdateAccount(ctx context.Context, upd account.Update) (account.Account, error) {
	const op = "service.UpdateAccount"
	var out account.Account
	if err := access.Require(ctx, access.Settings, access.Edit); err != nil {
		return out, err
	}
	err := s.db.WithTx(ctx, func(ctx context.Context) error {
		before, err := s.db.Account(ctx)
		if err != nil {
			return err
		}
		after := before
		upd.Apply(&after)
		if err := after.Validate(); err != nil {
			return err
		}
		changes := activity.Diff(before, after)
		if len(changes) == 0 {
			out = before
			return nil
		}
		if err := s.db.UpdateAccount(ctx, &after); err != nil {
			return err
		}
		out = after
		return s.record(ctx, activity.Entry{Module: "account", Action: activity.Update,
			RecordType: "account", RecordID: after.ID, Summary: after.Name, Changes: changes})
	})
	return out, errs.Wrap(op, err)
}

// MaxLogoSize bounds uploaded logos: they are printed small on documents.
const MaxLogoSize = 512 << 10

// SetLogo replaces the current account's logo with a PNG or JPEG image.
func (s *Service) SetLogo(ctx context.Context, img []byte) error {
	const op = "service.SetLogo"
	if err := access.Require(ctx, access.Settings, access.Edit); err != nil {
		return err
	}
	if len(img) > MaxLogoSize {
		return &errs.Error{Op: op, Kind: errs.TooLarge, Message: "the logo is larger than 512 KiB",
			Fields: []errs.FieldError{{Field: "logo", Code: "too_large", Message: "at most 512 KiB"}}}
	}
	typ := imageType(img)
	if typ == "" {
		return &errs.Error{Op: op, Kind: errs.Invalid, Message: "the logo must be a PNG or JPEG image",
			Fields: []errs.FieldError{{Field: "logo", Code: "not_an_image", Message: "PNG or JPEG expected"}}}
	}
	return errs.Wrap(op, s.db.WithTx(ctx, func(ctx context.Context) error {
		if err := s.db.SetAccountLogo(ctx, img, typ); err != nil {
			return err
		}
		id, _ := account.IDFrom(ctx)
		return s.record(ctx, activity.Entry{Module: "account", Action: activity.Update,
			RecordType: "account", RecordID: id, Summary: "logo",
			Changes: []activity.Change{{Field: "logo", After: typ}}})
	}))
}

// Logo returns the current account's logo and media type.
func (s *Service) Logo(ctx context.Context) ([]byte, string, error) {
	return s.db.AccountLogo(ctx)
}

// imageType recognizes PNG and JPEG by their signatures.
func imageType(b []byte) string {
	switch {
	case bytes.HasPrefix(b, []byte("\x89PNG\r\n\x1a\n")):
		return "image/png"
	case bytes.HasPrefix(b, []byte{0xff, 0xd8, 0xff}):
		return "image/jpeg"
	}
	return ""
}
