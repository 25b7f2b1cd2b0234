package service

import (
	"context"
	"time"

	"github.com/comptoir/comptoir/access"
	"github.com/comptoir/comptoir/account"
	"github.com/comptoir/comptoir/activity"
	"github.com/comptoir/comptoir/errs"
	"github.com/comptoir/comptoir/identity"
	"github.com/comptoir/comptoir/password"
)

// OperatorSessionLifetime bounds an operator's console session.
const OperatorSessionLifetime = 8 * time.Hour

// CreateOperator creates an instance operator (from the command line) with
// the shadow user their support actions are recorded under.
func (s *Service) CreateOperator(ctx context.Context, email, pw string) (identity.Operator, error) {
	const op = "service.CreateOperator"
	email, err := identity.CheckEmail(email)
	if err != nil {
		return identity.Operator{}, err
	}
	if c := identity.CheckPassword(pw); c != "" {
		return identity.Operator{}, &errs.Error{Op: op, Kind: errs.Invalid, Message: "the password does not meet the policy",
			Fields: []errs.FieldError{{Field: "password", Code: c}}}
	}
	hash, err := password.Hash(pw, s.Password)
	if err != nil {
		return identity.Operator{}, errs.Wrap(op, err)
	}
	placeholder, err := identity.NewToken("operator-pending-")
	if err != nil {
		return identity.Operator{}, errs.Wrap(op, err)
	}
	o := identity.Operator{Email: email, PasswordHash: hash}
	err = s.db.WithTx(ctx, func(ctx context.Context) error {
		now := s.db.Now(ctx)
		// "!" is no password hash: the shadow user can never log in.
		shadow := identity.User{Email: placeholder + "@support.invalid", Name: "Support (" + email + ")", PasswordHash: "!", EmailVerifiedAt: &now}
		if err := s.db.CreateUser(ctx, &shadow); err != nil {
			return err
		}
		o.UserID = shadow.ID
		if err := s.db.CreateOperator(ctx, &o); err != nil {
			return err
		}
		return s.db.SetUserEmail(ctx, shadow.ID, identity.ShadowEmail(o.ID))
	})
	return o, errs.Wrap(op, err)
}

// OperatorLogin checks an operator's password and opens a console session.
func (s *Service) OperatorLogin(ctx context.Context, email, pw, ip string) (string, error) {
	email = identity.NormalizeEmail(email)
	if err := s.reserveAttempt(ctx, "operator:"+email); err != nil {
		return "", err
	}
	o, err := s.db.OperatorByEmail(ctx, email)
	if errs.Is(err, errs.NotFound) {
		s.burnPasswordCheck(pw)
	} else if err != nil {
		return "", err
	}
	if ok, verr := password.Verify(pw, o.PasswordHash); err != nil || verr != nil || !ok || o.DisabledAt != nil {
		return "", errBadLogin
	}
	if err := s.db.ClearLoginFailures(ctx, "operator:"+email); err != nil {
		return "", err
	}
	token, err := identity.NewToken("")
	if err != nil {
		return "", err
	}
	return token, s.db.CreateOperatorSession(ctx, identity.HashToken(token), o.ID, s.db.Now(ctx).Add(OperatorSessionLifetime), ip)
}

// Operator returns the operator of a console session.
func (s *Service) Operator(ctx context.Context, token string) (identity.Operator, error) {
	o, err := s.db.OperatorBySession(ctx, identity.HashToken(token))
	if err != nil {
		return o, errs.E("service.Operator", errs.Unauthorized, "operators log in at /operator/login")
	}
	return o, nil
}

// OperatorLogout ends a console session.
func (s *Service) OperatorLogout(ctx context.Context, token string) error {
	return s.db.DeleteOperatorSession(ctx, identity.HashToken(token))
}

// AccountsOverview lists the instance's accounts for an operator: names,
// status, member counts and live support grants, no business data.
func (s *Service) AccountsOverview(ctx context.Context, _ identity.Operator) ([]account.Overview, error) {
	return s.db.AccountsOverview(ctx)
}

// OpenSupportSession opens a session in the account of a live grant for
// the operator's shadow user; everything done in it is marked as support.
func (s *Service) OpenSupportSession(ctx context.Context, o identity.Operator, grantID int64) (string, identity.Session, error) {
	const op = "service.OpenSupportSession"
	g, err := s.db.LiveSupportGrant(ctx, grantID)
	if err != nil {
		return "", identity.Session{}, errs.E(op, errs.NotFound, "no live support grant")
	}
	token, err := identity.NewToken("")
	if err != nil {
		return "", identity.Session{}, errs.Wrap(op, err)
	}
	actor := identity.ActorFrom(ctx)
	actor.UserID, actor.Email, actor.Support = o.UserID, identity.ShadowEmail(o.ID), true
	ctx = identity.WithActor(account.WithID(ctx, g.AccountID), actor)
	var sess identity.Session
	err = s.db.WithTx(ctx, func(ctx context.Context) error {
		now := s.db.Now(ctx)
		expires := now.Add(identity.AbsoluteTimeout)
		if g.ExpiresAt.Before(expires) {
			expires = g.ExpiresAt
		}
		sess = identity.Session{TokenHash: identity.HashToken(token), UserID: o.UserID, AccountID: g.AccountID,
			CreatedAt: now, LastSeenAt: now, ExpiresAt: expires, IP: actor.IP, UserAgent: actor.UserAgent}
		if err := s.db.CreateSupportSession(ctx, sess, g.ID); err != nil {
			return err
		}
		return s.record(ctx, activity.Entry{Module: "users", Action: "support_open", RecordType: "support_grant",
			RecordID: g.ID, Summary: o.Email})
	})
	return token, sess, errs.Wrap(op, err)
}

// GrantSupport lets the instance's operators act in the current account
// with a role for some hours (at most 72).
func (s *Service) GrantSupport(ctx context.Context, hours int, role string) (identity.SupportGrant, error) {
	const op = "service.GrantSupport"
	if err := access.Require(ctx, access.Users, access.Edit); err != nil {
		return identity.SupportGrant{}, err
	}
	var f errs.Fields
	d := time.Duration(hours) * time.Hour
	if hours < 1 || d > identity.MaxSupportGrant {
		f.Add("hours", "out_of_range", "from 1 to 72 hours")
	}
	if !access.IsBuiltin(role) || role == access.RoleOwner {
		f.Add("role", "unknown_role", "a ready-made role other than owner")
	}
	if err := f.Err(op); err != nil {
		return identity.SupportGrant{}, err
	}
	g := identity.SupportGrant{Role: role, GrantedBy: identity.ActorFrom(ctx).UserID}
	err := s.db.WithTx(ctx, func(ctx context.Context) error {
		g.ExpiresAt = s.db.Now(ctx).Add(d)
		if err := s.db.CreateSupportGrant(ctx, &g); err != nil {
			return err
		}
		return s.record(ctx, activity.Entry{Module: "users", Action: "support_grant", RecordType: "support_grant", RecordID: g.ID,
			Changes: []activity.Change{{Field: "role", After: role}, {Field: "expires_at", After: g.ExpiresAt.Format(time.RFC3339)}}})
	})
	return g, errs.Wrap(op, err)
}

// SupportGrants lists the current account's live grants.
func (s *Service) SupportGrants(ctx context.Context) ([]identity.SupportGrant, error) {
	if err := access.Require(ctx, access.Users, access.View); err != nil {
		return nil, err
	}
	return s.db.ListSupportGrants(ctx)
}

// RevokeSupport ends a grant and the support sessions opened under it.
func (s *Service) RevokeSupport(ctx context.Context, id int64) error {
	if err := access.Require(ctx, access.Users, access.Edit); err != nil {
		return err
	}
	return errs.Wrap("service.RevokeSupport", s.db.WithTx(ctx, func(ctx context.Context) error {
		if err := s.db.RevokeSupportGrant(ctx, id); err != nil {
			return err
		}
		return s.record(ctx, activity.Entry{Module: "users", Action: "support_revoke", RecordType: "support_grant", RecordID: id})
	}))
}
