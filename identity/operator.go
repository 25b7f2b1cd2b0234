package identity

import (
	"strconv"
	"time"
)

// Operator runs the instance: accounts, health, later backups. An operator
// sees no account's data except under a SupportGrant.
type Operator struct {
	ID           int64
	Email        string
	PasswordHash string
	UserID       int64 // the shadow user their support actions are recorded under
	CreatedAt    time.Time
	DisabledAt   *time.Time
}

// SupportGrant is an owner's time-limited permission for the instance's
// operators to act in their account, with a role.
type SupportGrant struct {
	ID          int64      `json:"id"`
	AccountID   int64      `json:"account_id"`
	AccountName string     `json:"account_name,omitempty"`
	GrantedBy   int64      `json:"granted_by"`
	Role        string     `json:"role"`
	CreatedAt   time.Time  `json:"created_at"`
	ExpiresAt   time.Time  `json:"expires_at"`
	RevokedAt   *time.Time `json:"revoked_at,omitempty"`
}

// Support grants last at most this long.
const MaxSupportGrant = 72 * time.Hour

// ShadowEmail is the address of an operator's shadow user: .invalid is
// reserved, so it can never receive mail or collide with a real person.
func ShadowEmail(operatorID int64) string {
	return "operator-" + strconv.FormatInt(operatorID, 10) + "@support.invalid"
}
