package identity

import (
	"crypto/rand"
	"fmt"
	"math/big"
	"time"
)

// Password reset rules (the register's flow: a security code sent by e-mail).
const (
	ResetCodeDigits    = 8
	ResetCodeLifetime  = 10 * time.Minute
	ResetMaxAttempts   = 5                // wrong codes before the request is void
	ResetRequestsLimit = 3                // requests per user …
	ResetRequestsEvery = 15 * time.Minute // … in this window
)

// PasswordReset is a pending request for a new password.
type PasswordReset struct {
	ID          int64
	UserID      int64
	RequestHash string // hash of the random value kept by the requesting browser
	CodeHash    string
	CreatedAt   time.Time
	ExpiresAt   time.Time
	Attempts    int
	UsedAt      *time.Time
	IP          string
}

// NewResetCode returns a uniformly random code of ResetCodeDigits digits.
func NewResetCode() (string, error) {
	max := big.NewInt(1)
	for i := 0; i < ResetCodeDigits; i++ {
		max.Mul(max, big.NewInt(10))
	}
	n, err := rand.Int(rand.Reader, max)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("%0*d", ResetCodeDigits, n), nil
}
