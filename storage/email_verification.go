package storage

import (
	"context"
	"time"
)

// EmailVerification is a pending check of a user's address.
type EmailVerification struct {
	UserID    int64
	CodeHash  string
	CreatedAt time.Time
	ExpiresAt time.Time
	Attempts  int
}

// SetEmailVerification replaces the user's pending verification code.
func (db *DB) SetEmailVerification(ctx context.Context, v EmailVerification) error {
	_, err := db.writer(ctx).ExecContext(ctx, `
		INSERT INTO email_verifications (user_id, code_hash, created_at, expires_at, attempts) VALUES ($1, $2, $3, $4, 0)
		ON CONFLICT (user_id) DO UPDATE SET code_hash = $2, created_at = $3, expires_at = $4, attempts = 0`,
		v.UserID, v.CodeHash, v.CreatedAt, v.ExpiresAt)
	return dbErr("storage.SetEmailVerification", err)
}

// EmailVerificationOf returns the user's pending verification.
func (db *DB) EmailVerificationOf(ctx context.Context, userID int64) (EmailVerification, error) {
	v := EmailVerification{UserID: userID}
	err := db.writer(ctx).QueryRowContext(ctx,
		`SELECT code_hash, created_at, expires_at, attempts FROM email_verifications WHERE user_id = $1`, userID,
	).Scan(&v.CodeHash, utc(&v.CreatedAt), utc(&v.ExpiresAt), &v.Attempts)
	return v, dbErr("storage.EmailVerificationOf", err)
}

// AddEmailVerificationAttempt counts one wrong code.
func (db *DB) AddEmailVerificationAttempt(ctx context.Context, userID int64) error {
	_, err := db.writer(ctx).ExecContext(ctx, `UPDATE email_verifications SET attempts = attempts + 1 WHERE user_id = $1`, userID)
	return dbErr("storage.AddEmailVerificationAttempt", err)
}

// MarkEmailVerified records that the user proved the address is theirs.
func (db *DB) MarkEmailVerified(ctx context.Context, userID int64) error {
	now := db.Now(ctx)
	if _, err := db.writer(ctx).ExecContext(ctx, `DELETE FROM email_verifications WHERE user_id = $1`, userID); err != nil {
		return dbErr("storage.MarkEmailVerified", err)
	}
	res, err := db.writer(ctx).ExecContext(ctx,
		`UPDATE users SET email_verified_at = $2, updated_at = $2 WHERE id = $1`, userID, now)
	return mustAffect("storage.MarkEmailVerified", res, err)
}

// CountAccounts counts the accounts of the instance, to let the very first
// one sign up on a fresh instance.
func (db *DB) CountAccounts(ctx context.Context) (int, error) {
	var n int
	err := db.reader(ctx).QueryRowContext(ctx, `SELECT COUNT(*) FROM accounts`).Scan(&n)
	return n, dbErr("storage.CountAccounts", err)
}
