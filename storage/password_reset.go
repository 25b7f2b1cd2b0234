package storage

import (
	"context"
	"time"

	"github.com/comptoir/comptoir/identity"
)

// CreatePasswordReset stores a reset request.
func (db *DB) CreatePasswordReset(ctx context.Context, r *identity.PasswordReset) error {
	err := db.writer(ctx).QueryRowContext(ctx, `
		INSERT INTO password_resets (user_id, request_hash, code_hash, created_at, expires_at, ip)
		VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
		r.UserID, r.RequestHash, r.CodeHash, r.CreatedAt, r.ExpiresAt, r.IP).Scan(&r.ID)
	return dbErr("storage.CreatePasswordReset", err)
}

// PasswordResetByRequest finds the reset request made by one browser.
func (db *DB) PasswordResetByRequest(ctx context.Context, requestHash string) (identity.PasswordReset, error) {
	var r identity.PasswordReset
	err := db.writer(ctx).QueryRowContext(ctx, `
		SELECT id, user_id, request_hash, code_hash, created_at, expires_at, attempts, used_at, ip
		FROM password_resets WHERE request_hash = $1`, requestHash,
	).Scan(&r.ID, &r.UserID, &r.RequestHash, &r.CodeHash, utc(&r.CreatedAt), utc(&r.ExpiresAt), &r.Attempts, nullUTC(&r.UsedAt), &r.IP)
	return r, dbErr("storage.PasswordResetByRequest", err)
}

// CountPasswordResets counts a user's requests since a time, for the limit.
func (db *DB) CountPasswordResets(ctx context.Context, userID int64, since time.Time) (int, error) {
	var n int
	err := db.writer(ctx).QueryRowContext(ctx,
		`SELECT COUNT(*) FROM password_resets WHERE user_id = $1 AND created_at > $2`, userID, since).Scan(&n)
	return n, dbErr("storage.CountPasswordResets", err)
}

// AddPasswordResetAttempt counts one wrong code.
func (db *DB) AddPasswordResetAttempt(ctx context.Context, id int64) error {
	_, err := db.writer(ctx).ExecContext(ctx, `UPDATE password_resets SET attempts = attempts + 1 WHERE id = $1`, id)
	return dbErr("storage.AddPasswordResetAttempt", err)
}

// UsePasswordResets marks every pending request of a user used, so that no
// other code of theirs works after a reset.
func (db *DB) UsePasswordResets(ctx context.Context, userID int64) error {
	_, err := db.writer(ctx).ExecContext(ctx,
		`UPDATE password_resets SET used_at = $2 WHERE user_id = $1 AND used_at IS NULL`, userID, db.Now(ctx))
	return dbErr("storage.UsePasswordResets", err)
}
