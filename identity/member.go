package identity

import "time"

// Member is a user as seen from one account: the Users screen's rows.
type Member struct {
	UserID     int64      `json:"user_id"`
	Email      string     `json:"email"`
	Name       string     `json:"name"`
	Role       string     `json:"role"`
	Since      time.Time  `json:"since"`
	DisabledAt *time.Time `json:"disabled_at,omitempty"`
}

// Invitation asks someone to join an account with a role.
type Invitation struct {
	ID         int64      `json:"id"`
	Email      string     `json:"email"`
	Role       string     `json:"role"`
	TokenHash  string     `json:"-"`
	InvitedBy  int64      `json:"invited_by"`
	AccountID  int64      `json:"-"`
	CreatedAt  time.Time  `json:"created_at"`
	ExpiresAt  time.Time  `json:"expires_at"`
	AcceptedAt *time.Time `json:"accepted_at,omitempty"`
	// MailSent tells, right after an invitation, whether its e-mail left.
	MailSent bool `json:"mail_sent"`
}

// InvitationLifetime is how long an invitation link works.
const InvitationLifetime = 7 * 24 * time.Hour
