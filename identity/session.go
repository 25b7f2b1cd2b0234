package identity

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"time"
)

// Session lifetimes: a session ends after IdleTimeout without a request, and
// after AbsoluteTimeout in any case.
const (
	IdleTimeout     = 2 * time.Hour
	AbsoluteTimeout = 12 * time.Hour
)

// Session is a logged-in browser. Only the hash of its token is stored, so
// a copy of the database does not let anyone log in.
type Session struct {
	TokenHash  string
	UserID     int64
	AccountID  int64
	CreatedAt  time.Time
	LastSeenAt time.Time
	ExpiresAt  time.Time
	IP         string
	UserAgent  string
	// MFAPending marks a session opened with the password only: it may do
	// nothing but give the second factor.
	MFAPending bool
}

// Expired reports whether the session has ended at now.
func (s Session) Expired(now time.Time) bool {
	return !now.Before(s.ExpiresAt) || now.Sub(s.LastSeenAt) >= IdleTimeout
}

// APIToken is a bearer token for the JSON API, bound to a user in an account.
type APIToken struct {
	ID         int64      `json:"id"`
	AccountID  int64      `json:"account_id"`
	UserID     int64      `json:"user_id"`
	Name       string     `json:"name"`
	TokenHash  string     `json:"-"`
	CreatedAt  time.Time  `json:"created_at"`
	LastUsedAt *time.Time `json:"last_used_at,omitempty"`
	ExpiresAt  *time.Time `json:"expires_at,omitempty"`
	Scope      string     `json:"scope"` // "write" (the user's rights) or "read" (GET only)
}

// NewToken returns a random 256-bit token with the given prefix, which tells
// a leaked secret's kind at a glance ("cpt_" for API tokens).
func NewToken(prefix string) (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return prefix + base64.RawURLEncoding.EncodeToString(b), nil
}

// HashToken is what is stored for a token: SHA-256 suffices for 256 random
// bits, which no dictionary can guess.
func HashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}
