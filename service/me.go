package service

import (
	"context"
	"strings"
	"time"

	"github.com/comptoir/comptoir/access"
	"github.com/comptoir/comptoir/account"
	"github.com/comptoir/comptoir/activity"
	"github.com/comptoir/comptoir/errs"
	"github.com/comptoir/comptoir/identity"
	"github.com/comptoir/comptoir/password"
)

// The use cases of one's own account ("My account"): they act on the actor
// of the context, never on an id the client gives.

func (s *Service) me(ctx context.Context) (identity.User, error) {
	id := identity.ActorFrom(ctx).UserID
	if id == 0 {
		return identity.User{}, errs.E("service.me", errs.Unauthorized, "please log in")
	}
	return s.db.UserByID(ctx, id)
}

// ChangePassword replaces the actor's password; the current one is
// required. With endOthers, every other session of the user ends (the one
// whose token hash is keep stays).
func (s *Service) ChangePassword(ctx context.Context, current, next string, endOthers bool, keep string) error {
	const op = "service.ChangePassword"
	u, err := s.me(ctx)
	if err != nil {
		return err
	}
	if ok, err := password.Verify(current, u.PasswordHash); err != nil || !ok {
		return &errs.Error{Op: op, Kind: errs.Invalid, Message: "the current password is wrong",
			Fields: []errs.FieldError{{Field: "current", Code: "wrong_password", Message: "the current password is wrong"}}}
	}
	if c := identity.CheckPassword(next); c != "" {
		return &errs.Error{Op: op, Kind: errs.Invalid, Message: "the password does not meet the policy",
			Fields: []errs.FieldError{{Field: "password", Code: c, Message: "the password does not meet the policy"}}}
	}
	hash, err := password.Hash(next, s.Password)
	if err != nil {
		return errs.Wrap(op, err)
	}
	return errs.Wrap(op, s.db.WithTx(ctx, func(ctx context.Context) error {
		if err := s.db.SetPasswordHash(ctx, u.ID, hash); err != nil {
			return err
		}
		if endOthers {
			if err := s.db.DeleteOtherSessions(ctx, u.ID, keep); err != nil {
				return err
			}
			if err := s.db.RevokeUserTokens(ctx, u.ID); err != nil {
				return err
			}
		}
		return s.record(ctx, activity.Entry{Module: "identity", Action: "change_password", RecordType: "user",
			RecordID: u.ID, Summary: u.Email})
	}))
}

// MySessions lists the actor's sessions.
func (s *Service) MySessions(ctx context.Context) ([]identity.Session, error) {
	u, err := s.me(ctx)
	if err != nil {
		return nil, err
	}
	return s.db.ListUserSessions(ctx, u.ID)
}

// EndMySession ends one of the actor's sessions.
func (s *Service) EndMySession(ctx context.Context, hash string) error {
	u, err := s.me(ctx)
	if err != nil {
		return err
	}
	return s.db.WithTx(ctx, func(ctx context.Context) error {
		if err := s.db.DeleteUserSession(ctx, u.ID, hash); err != nil {
			return err
		}
		return s.record(ctx, activity.Entry{Module: "identity", Action: "end_session", RecordType: "user", RecordID: u.ID, Summary: u.Email})
	})
}

// EndMemberSessions ends another member's sessions in this account: an
// owner's way to cut access at once without disabling.
func (s *Service) EndMemberSessions(ctx context.Context, userID int64) error {
	if err := access.Require(ctx, access.Users, access.Edit); err != nil {
		return err
	}
	return s.db.WithTx(ctx, func(ctx context.Context) error {
		m, err := s.db.Member(ctx, userID)
		if err != nil {
			return err
		}
		if err := s.db.EndMemberAccess(ctx, userID); err != nil {
			return err
		}
		return s.record(ctx, activity.Entry{Module: "users", Action: "end_session", RecordType: "user", RecordID: userID, Summary: m.Email})
	})
}

// MyAPITokens lists the actor's live tokens in the current account.
func (s *Service) MyAPITokens(ctx context.Context) ([]identity.APIToken, error) {
	u, err := s.me(ctx)
	if err != nil {
		return nil, err
	}
	return s.db.ListAPITokens(ctx, u.ID)
}

// CreateMyAPIToken issues a token for the actor in the current account. It
// acts with the actor's rights (or only reads, with scope "read") and
// expires after days (0: never). The token is returned once.
func (s *Service) CreateMyAPIToken(ctx context.Context, name, scope string, days int) (string, error) {
	const op = "service.CreateMyAPIToken"
	u, err := s.me(ctx)
	if err != nil {
		return "", err
	}
	var f errs.Fields
	name = strings.TrimSpace(name)
	if name == "" {
		f.Add("name", "required", "a token needs a name")
	}
	if scope != "read" && scope != "write" {
		f.Add("scope", "unknown_scope", "scope must be read or write")
	}
	if days < 0 || days > 3650 {
		f.Add("days", "out_of_range", "days must be 0 to 3650")
	}
	if err := f.Err(op); err != nil {
		return "", err
	}
	token, err := identity.NewToken("cpt_")
	if err != nil {
		return "", errs.Wrap(op, err)
	}
	err = s.db.WithTx(ctx, func(ctx context.Context) error {
		t := identity.APIToken{UserID: u.ID, Name: name, TokenHash: identity.HashToken(token), Scope: scope}
		if days > 0 {
			exp := s.db.Now(ctx).Add(time.Duration(days) * 24 * time.Hour)
			t.ExpiresAt = &exp
		}
		if err := s.db.CreateAPIToken(ctx, &t); err != nil {
			return err
		}
		return s.record(ctx, activity.Entry{Module: "identity", Action: activity.Create, RecordType: "api_token",
			RecordID: t.ID, Summary: name, Changes: []activity.Change{{Field: "scope", After: scope}}})
	})
	return token, errs.Wrap(op, err)
}

// RevokeMyAPIToken revokes one of the actor's tokens.
func (s *Service) RevokeMyAPIToken(ctx context.Context, id int64) error {
	u, err := s.me(ctx)
	if err != nil {
		return err
	}
	return s.db.WithTx(ctx, func(ctx context.Context) error {
		if err := s.db.RevokeAPIToken(ctx, u.ID, id); err != nil {
			return err
		}
		return s.record(ctx, activity.Entry{Module: "identity", Action: activity.Delete, RecordType: "api_token", RecordID: id})
	})
}

// MyAccounts lists the accounts the actor belongs to, for switching.
func (s *Service) MyAccounts(ctx context.Context) ([]identity.Membership, error) {
	u, err := s.me(ctx)
	if err != nil {
		return nil, err
	}
	return s.db.Memberships(ctx, u.ID)
}

// SwitchAccount opens a session in another of the actor's accounts and
// ends the current one (whose token hash is current).
func (s *Service) SwitchAccount(ctx context.Context, accountID int64, current string) (string, identity.Session, error) {
	const op = "service.SwitchAccount"
	u, err := s.me(ctx)
	if err != nil {
		return "", identity.Session{}, err
	}
	if _, err := s.pickMembership(ctx, u.ID, accountID); err != nil || accountID == 0 {
		return "", identity.Session{}, errs.E(op, errs.NotFound, "you are not a member of that account")
	}
	token, err := identity.NewToken("")
	if err != nil {
		return "", identity.Session{}, errs.Wrap(op, err)
	}
	actor := identity.ActorFrom(ctx)
	var sess identity.Session
	err = s.db.WithTx(account.WithID(ctx, accountID), func(ctx context.Context) error {
		now := s.db.Now(ctx)
		sess = identity.Session{TokenHash: identity.HashToken(token), UserID: u.ID, AccountID: accountID,
			CreatedAt: now, LastSeenAt: now, ExpiresAt: now.Add(identity.AbsoluteTimeout), IP: actor.IP, UserAgent: actor.UserAgent}
		if err := s.db.CreateSession(ctx, sess); err != nil {
			return err
		}
		if err := s.db.DeleteSession(ctx, current); err != nil {
			return err
		}
		return s.record(ctx, activity.Entry{Module: "identity", Action: activity.Login, RecordType: "user", RecordID: u.ID, Summary: u.Email})
	})
	return token, sess, errs.Wrap(op, err)
}
