package account

import "time"

// Overview is what an instance operator sees of an account: no business
// data, only what it takes to run the instance.
type Overview struct {
	ID        int64
	Name      string
	Status    string
	CreatedAt time.Time
	Members   int
	// GrantID is a live support grant of the account, 0 if none.
	GrantID        int64
	GrantRole      string
	GrantExpiresAt time.Time
}
