// Package identity describes the people who use Comptoir: users, their
// memberships in accounts with a role, and the actor of a request (who,
// from where) that every write records in the activity log.
//
// It is a domain package: no storage, no HTTP.
package identity

import (
	"context"
	"net/mail"
	"strings"
	"time"

	"github.com/comptoir/comptoir/account"
	"github.com/comptoir/comptoir/errs"
)

// Roles a member can have in an account. The identity issue adds the rights
// matrix; until then the owner may do everything.
const (
	RoleOwner = "owner"
)

// User is a person who can log in. A user may belong to several accounts.
type User struct {
	ID           int64      `json:"id"`
	Email        string     `json:"email"`
	Name         string     `json:"name"`
	PasswordHash string     `json:"-"`
	Locale       string     `json:"locale"`
	CreatedAt    time.Time  `json:"created_at"`
	UpdatedAt    time.Time  `json:"updated_at"`
	DisabledAt   *time.Time `json:"disabled_at,omitempty"`
	// EmailVerifiedAt is set once the user proved they read the address.
	EmailVerifiedAt *time.Time `json:"email_verified_at,omitempty"`
	// TOTPSecret is the shared secret of the second factor (pending until
	// TOTPEnabledAt is set); TOTPLastStep is the last time step used.
	TOTPSecret    string     `json:"-"`
	TOTPPending   string     `json:"-"` // a secret being set up, not yet confirmed
	TOTPEnabledAt *time.Time `json:"totp_enabled_at,omitempty"`
	TOTPLastStep  int64      `json:"-"`
}

// Membership ties a user to an account with a role.
type Membership struct {
	AccountID   int64  `json:"account_id"`
	AccountName string `json:"account_name"`
	UserID      int64  `json:"user_id"`
	Role        string `json:"role"`
}

// NormalizeEmail trims and lower-cases an address so that one person has
// one login whatever the case they type.
func NormalizeEmail(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// CheckEmail validates a login e-mail address and returns it normalized.
func CheckEmail(s string) (string, error) {
	s = NormalizeEmail(s)
	a, err := mail.ParseAddress(s)
	if s == "" {
		return s, errs.E("identity.CheckEmail", errs.Invalid, "e-mail required")
	}
	if err != nil || a.Address != s || !strings.Contains(s[strings.IndexByte(s, '@')+1:], ".") || len(s) > 254 {
		return s, errs.E("identity.CheckEmail", errs.Invalid, "e-mail address not valid")
	}
	return s, nil
}

// Principal is who a request acts as: an enabled user, their membership in
// an active account, and that account.
type Principal struct {
	User       User
	Membership Membership
	Account    account.Account
	// Support marks an instance operator acting under a support grant.
	Support bool
}

// Actor is who performs a request and from where; writes record it.
type Actor struct {
	UserID    int64
	Email     string
	IP        string
	UserAgent string
	Support   bool // an operator under a support grant
}

type actorKey struct{}

// WithActor returns ctx carrying the actor.
func WithActor(ctx context.Context, a Actor) context.Context {
	return context.WithValue(ctx, actorKey{}, a)
}

// ActorFrom returns the actor of ctx; the zero Actor stands for the system
// (commands run by the operator, scheduled jobs).
func ActorFrom(ctx context.Context) Actor {
	a, _ := ctx.Value(actorKey{}).(Actor)
	return a
}
