package service

import (
	"context"
	"fmt"
	"time"

	"github.com/comptoir/comptoir/account"
	"github.com/comptoir/comptoir/activity"
	"github.com/comptoir/comptoir/errs"
	"github.com/comptoir/comptoir/identity"
	"github.com/comptoir/comptoir/password"
)

// errBadLogin is the one answer to a failed login, whatever failed, so that
// nobody learns which e-mail addresses have an account.
var errBadLogin = errs.E("service.Login", errs.Unauthorized, "wrong e-mail or password")

// Login checks a user's password and opens a session in their first (or
// the requested) account. It returns the session token to set in a cookie;
// only its hash is stored.
func (s *Service) Login(ctx context.Context, email, pw string, accountID int64) (string, identity.Session, error) {
	email = identity.NormalizeEmail(email)
	if err := s.reserveAttempt(ctx, email); err != nil {
		return "", identity.Session{}, err
	}
	u, err := s.db.UserByEmail(ctx, email)
	if errs.Is(err, errs.NotFound) {
		s.burnPasswordCheck(pw)
		return "", identity.Session{}, s.loginFailed(ctx, email, nil)
	}
	if err != nil {
		return "", identity.Session{}, err
	}
	ok, err := password.Verify(pw, u.PasswordHash)
	if err != nil || !ok || u.DisabledAt != nil {
		return "", identity.Session{}, s.loginFailed(ctx, email, &u)
	}
	if err := s.db.ClearLoginFailures(ctx, email); err != nil {
		return "", identity.Session{}, err
	}
	m, err := s.pickMembership(ctx, u.ID, accountID)
	if err != nil {
		return "", identity.Session{}, err
	}
	token, err := identity.NewToken("")
	if err != nil {
		return "", identity.Session{}, errs.Wrap("service.Login", err)
	}
	actor := identity.ActorFrom(ctx)
	var sess identity.Session
	ctx = account.WithID(ctx, m.AccountID)
	ctx = identity.WithActor(ctx, identity.Actor{UserID: u.ID, Email: u.Email, IP: actor.IP, UserAgent: actor.UserAgent})
	err = s.db.WithTx(ctx, func(ctx context.Context) error {
		now := s.db.Now(ctx)
		sess = identity.Session{TokenHash: identity.HashToken(token), UserID: u.ID, AccountID: m.AccountID,
			CreatedAt: now, LastSeenAt: now, ExpiresAt: now.Add(identity.AbsoluteTimeout),
			IP: actor.IP, UserAgent: actor.UserAgent, MFAPending: u.TOTPEnabledAt != nil}
		if err := s.db.CreateSession(ctx, sess); err != nil {
			return err
		}
		if password.NeedsRehash(u.PasswordHash, s.Password) {
			if h, err := password.Hash(pw, s.Password); err == nil {
				if err := s.db.SetPasswordHash(ctx, u.ID, h); err != nil {
					return err
				}
			}
		}
		return s.record(ctx, activity.Entry{Module: "identity", Action: activity.Login,
			RecordType: "user", RecordID: u.ID, Summary: u.Email})
	})
	if err != nil {
		return "", identity.Session{}, errs.Wrap("service.Login", err)
	}
	return token, sess, nil
}

func (s *Service) pickMembership(ctx context.Context, userID, accountID int64) (identity.Membership, error) {
	ms, err := s.db.Memberships(ctx, userID)
	if err != nil {
		return identity.Membership{}, err
	}
	for _, m := range ms {
		if accountID == 0 || m.AccountID == accountID {
			return m, nil
		}
	}
	return identity.Membership{}, errBadLogin
}

// Login throttling: after freeLoginFailures consecutive failures for an
// address, each new attempt must wait twice as long as the last, up to
// maxLoginDelay. The cap keeps an attacker from locking the owner out for
// long; the per-IP limit of the web layer slows the attacker further.
const (
	freeLoginFailures = 5
	maxLoginDelay     = 5 * time.Minute
)

// loginDelay is the wait imposed after n consecutive failures.
func loginDelay(n int) time.Duration {
	if n < freeLoginFailures {
		return 0
	}
	d := time.Second << min(n-freeLoginFailures, 16)
	return min(d, maxLoginDelay)
}

// reserveAttempt checks the delay an identifier must wait and, if none,
// counts this attempt as a failure before the secret is checked: parallel
// attempts are counted one after the other, so a burst cannot slip past
// the delay. A success clears the count.
func (s *Service) reserveAttempt(ctx context.Context, identifier string) error {
	return s.db.WithTx(ctx, func(ctx context.Context) error {
		n, last, err := s.db.LockLoginFailures(ctx, identifier)
		if err != nil {
			return err
		}
		if wait := loginDelay(n) - s.db.Now(ctx).Sub(last); wait > 0 {
			return errs.E("service.Login", errs.TooManyRequests,
				fmt.Sprintf("too many failed attempts: wait %d seconds before trying again", int(wait.Seconds())+1))
		}
		return s.db.RecordLoginFailure(ctx, identifier)
	})
}

// loginFailed counts the failure and, for an existing user, records it in
// the activity log of each of their accounts. It returns the one answer to
// every failed login.
func (s *Service) loginFailed(ctx context.Context, email string, u *identity.User) error {
	err := s.db.WithTx(ctx, func(ctx context.Context) error {
		if u == nil {
			return nil
		}
		ms, err := s.db.Memberships(ctx, u.ID)
		if err != nil {
			return err
		}
		for _, m := range ms {
			if err := s.record(account.WithID(ctx, m.AccountID), activity.Entry{Module: "identity", Action: "login_failed",
				RecordType: "user", RecordID: u.ID, Summary: u.Email}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	return errBadLogin
}

// burnPasswordCheck spends the time of a real password check.
func (s *Service) burnPasswordCheck(pw string) {
	s.dummyMu.Lock()
	if s.dummyHash == "" || password.NeedsRehash(s.dummyHash, s.Password) {
		s.dummyHash, _ = password.Hash("not a real password 0", s.Password)
	}
	h := s.dummyHash
	s.dummyMu.Unlock()
	_, _ = password.Verify(pw, h)
}

// touchEvery limits how often a session's last-seen time is written: once a
// minute is precise enough for a two-hour idle timeout and spares a write
// per request.
const touchEvery = time.Minute

// Authenticate returns the live session of a session token and who it
// acts as, in one query; Unauthorized if the token is unknown or expired,
// its user disabled or no longer a member, or its account closed.
func (s *Service) Authenticate(ctx context.Context, token string) (identity.Session, identity.Principal, error) {
	const op = "service.Authenticate"
	unauth := errs.E(op, errs.Unauthorized, "please log in")
	if token == "" {
		return identity.Session{}, identity.Principal{}, unauth
	}
	sess, p, err := s.db.SessionPrincipal(ctx, identity.HashToken(token))
	if errs.Is(err, errs.NotFound) {
		// Not a member's session: perhaps an operator's under a support grant.
		sess, p, err = s.db.SupportSessionPrincipal(ctx, identity.HashToken(token))
	}
	if errs.Is(err, errs.NotFound) {
		return sess, p, unauth
	}
	if err != nil {
		return sess, p, err
	}
	now := s.db.Now(ctx)
	if sess.Expired(now) {
		if err := s.db.DeleteSession(ctx, sess.TokenHash); err != nil {
			s.log.Warn("delete expired session", "err", err)
		}
		return sess, identity.Principal{}, unauth
	}
	if now.Sub(sess.LastSeenAt) > touchEvery {
		if err := s.db.TouchSession(ctx, sess.TokenHash); err != nil {
			s.log.Warn("touch session", "err", err)
		}
	}
	return sess, p, nil
}

// Logout ends the session of token and records it.
func (s *Service) Logout(ctx context.Context, token string) error {
	hash := identity.HashToken(token)
	sess, p, err := s.db.SessionPrincipal(ctx, hash)
	if err != nil {
		// Unknown, expired or support session: just make sure it is gone.
		return s.db.DeleteSession(ctx, hash)
	}
	actor := identity.ActorFrom(ctx)
	actor.UserID, actor.Email = sess.UserID, p.User.Email
	ctx = identity.WithActor(account.WithID(ctx, sess.AccountID), actor)
	return s.db.WithTx(ctx, func(ctx context.Context) error {
		if err := s.db.DeleteSession(ctx, hash); err != nil {
			return err
		}
		return s.record(ctx, activity.Entry{Module: "identity", Action: activity.Logout, RecordType: "user",
			RecordID: sess.UserID, Summary: p.User.Email})
	})
}

// CreateAPIToken issues a bearer token for a user in an account (0: the
// user's first). The token is returned once; only its hash is kept.
func (s *Service) CreateAPIToken(ctx context.Context, email string, accountID int64, name string) (string, error) {
	const op = "service.CreateAPIToken"
	u, err := s.db.UserByEmail(ctx, identity.NormalizeEmail(email))
	if err != nil {
		return "", errs.Wrap(op, err)
	}
	m, err := s.pickMembership(ctx, u.ID, accountID)
	if err != nil {
		return "", errs.E(op, errs.NotFound, "the user is not a member of that account")
	}
	token, err := identity.NewToken("cpt_")
	if err != nil {
		return "", errs.Wrap(op, err)
	}
	ctx = account.WithID(ctx, m.AccountID)
	err = s.db.WithTx(ctx, func(ctx context.Context) error {
		t := identity.APIToken{UserID: u.ID, Name: name, TokenHash: identity.HashToken(token), Scope: "write"}
		if err := s.db.CreateAPIToken(ctx, &t); err != nil {
			return err
		}
		return s.record(ctx, activity.Entry{Module: "identity", Action: activity.Create,
			RecordType: "api_token", RecordID: t.ID, Summary: name})
	})
	return token, errs.Wrap(op, err)
}

// AuthenticateToken returns who a bearer token acts as, and the token
// (its scope says whether it may write).
func (s *Service) AuthenticateToken(ctx context.Context, token string) (identity.Principal, identity.APIToken, error) {
	const op = "service.AuthenticateToken"
	unauth := errs.E(op, errs.Unauthorized, "invalid or expired token")
	t, p, err := s.db.TokenPrincipal(ctx, identity.HashToken(token))
	if errs.Is(err, errs.NotFound) {
		return p, identity.APIToken{}, unauth
	}
	if err != nil {
		return p, identity.APIToken{}, err
	}
	now := s.db.Now(ctx)
	if t.ExpiresAt != nil && !now.Before(*t.ExpiresAt) {
		return identity.Principal{}, identity.APIToken{}, unauth
	}
	if t.LastUsedAt == nil || now.Sub(*t.LastUsedAt) > touchEvery {
		if err := s.db.TouchAPIToken(account.WithID(ctx, t.AccountID), t.ID); err != nil {
			s.log.Warn("touch token", "err", err)
		}
	}
	return p, t, nil
}

// SetPassword replaces a user's password as the instance operator does from
// the command line, and ends all of the user's sessions. The change is
// recorded in the activity log of every account the user belongs to.
func (s *Service) SetPassword(ctx context.Context, email, pw string) error {
	const op = "service.SetPassword"
	if code := identity.CheckPassword(pw); code != "" {
		return &errs.Error{Op: op, Kind: errs.Invalid, Message: "the password does not meet the policy",
			Fields: []errs.FieldError{{Field: "password", Code: code}}}
	}
	hash, err := password.Hash(pw, s.Password)
	if err != nil {
		return errs.Wrap(op, err)
	}
	return errs.Wrap(op, s.db.WithTx(ctx, func(ctx context.Context) error {
		u, err := s.db.UserByEmail(ctx, identity.NormalizeEmail(email))
		if err != nil {
			return err
		}
		if err := s.db.SetPasswordHash(ctx, u.ID, hash); err != nil {
			return err
		}
		if err := s.db.DeleteUserSessions(ctx, u.ID); err != nil {
			return err
		}
		ms, err := s.db.Memberships(ctx, u.ID)
		if err != nil {
			return err
		}
		for _, m := range ms {
			if err := s.record(account.WithID(ctx, m.AccountID), activity.Entry{Module: "identity", Action: activity.Update,
				RecordType: "user", RecordID: u.ID, Summary: u.Email,
				Changes: []activity.Change{{Field: "password", Before: "(hidden)", After: "(hidden)"}}}); err != nil {
				return err
			}
		}
		return nil
	}))
}

// AccountIDByOwner returns the first account a user belongs to.
func (s *Service) AccountIDByOwner(ctx context.Context, email string) (int64, error) {
	u, err := s.db.UserByEmail(ctx, identity.NormalizeEmail(email))
	if err != nil {
		return 0, err
	}
	m, err := s.pickMembership(ctx, u.ID, 0)
	return m.AccountID, err
}
