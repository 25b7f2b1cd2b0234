package storage

import (
	"context"
	"time"
)

// SetPendingTOTP stores a secret being set up; the active one, if any,
// stays in force until the new one is confirmed.
func (db *DB) SetPendingTOTP(ctx context.Context, userID int64, secret string) error {
	res, err := db.writer(ctx).ExecContext(ctx,
		`UPDATE users SET totp_pending_secret = $2 WHERE id = $1`, userID, secret)
	return mustAffect("storage.SetPendingTOTP", res, err)
}

// DisableTOTP removes the second factor and its recovery codes.
func (db *DB) DisableTOTP(ctx context.Context, userID int64) error {
	res, err := db.writer(ctx).ExecContext(ctx, `UPDATE users SET totp_secret = '', totp_pending_secret = '',
		totp_enabled_at = NULL, totp_last_step = 0, updated_at = $2 WHERE id = $1`, userID, db.Now(ctx))
	if err := mustAffect("storage.DisableTOTP", res, err); err != nil {
		return err
	}
	_, err = db.writer(ctx).ExecContext(ctx, `DELETE FROM recovery_codes WHERE user_id = $1`, userID)
	return dbErr("storage.DisableTOTP", err)
}

// EnableTOTP makes the pending secret the active one and replaces the
// recovery codes.
func (db *DB) EnableTOTP(ctx context.Context, userID int64, recoveryHashes []string) error {
	now := db.Now(ctx)
	res, err := db.writer(ctx).ExecContext(ctx,
		`UPDATE users SET totp_secret = totp_pending_secret, totp_pending_secret = '', totp_enabled_at = $2,
			updated_at = $2 WHERE id = $1 AND totp_pending_secret <> ''`, userID, now)
	if err := mustAffect("storage.EnableTOTP", res, err); err != nil {
		return err
	}
	if _, err := db.writer(ctx).ExecContext(ctx, `DELETE FROM recovery_codes WHERE user_id = $1`, userID); err != nil {
		return dbErr("storage.EnableTOTP", err)
	}
	for _, h := range recoveryHashes {
		if _, err := db.writer(ctx).ExecContext(ctx,
			`INSERT INTO recovery_codes (user_id, code_hash) VALUES ($1, $2)`, userID, h); err != nil {
			return dbErr("storage.EnableTOTP", err)
		}
	}
	return nil
}

// UseTOTPStep records the time step of an accepted code; it fails (no row)
// if that step or a later one was used already, so a code works once.
func (db *DB) UseTOTPStep(ctx context.Context, userID, step int64) (bool, error) {
	res, err := db.writer(ctx).ExecContext(ctx,
		`UPDATE users SET totp_last_step = $2 WHERE id = $1 AND totp_last_step < $2`, userID, step)
	if err != nil {
		return false, dbErr("storage.UseTOTPStep", err)
	}
	n, err := res.RowsAffected()
	return n == 1, dbErr("storage.UseTOTPStep", err)
}

// UseRecoveryCode spends a recovery code; false if it is unknown or used.
func (db *DB) UseRecoveryCode(ctx context.Context, userID int64, hash string) (bool, error) {
	res, err := db.writer(ctx).ExecContext(ctx,
		`UPDATE recovery_codes SET used_at = $3 WHERE user_id = $1 AND code_hash = $2 AND used_at IS NULL`, userID, hash, db.Now(ctx))
	if err != nil {
		return false, dbErr("storage.UseRecoveryCode", err)
	}
	n, err := res.RowsAffected()
	return n == 1, dbErr("storage.UseRecoveryCode", err)
}

// CountRecoveryCodes counts a user's unused recovery codes.
func (db *DB) CountRecoveryCodes(ctx context.Context, userID int64) (int, error) {
	var n int
	err := db.reader(ctx).QueryRowContext(ctx,
		`SELECT COUNT(*) FROM recovery_codes WHERE user_id = $1 AND used_at IS NULL`, userID).Scan(&n)
	return n, dbErr("storage.CountRecoveryCodes", err)
}

// SetRequire2FA makes the second factor compulsory (or not) in the current account.
func (db *DB) SetRequire2FA(ctx context.Context, on bool) error {
	acc, err := scope(ctx)
	if err != nil {
		return err
	}
	res, err := db.writer(ctx).ExecContext(ctx, `UPDATE accounts SET require_2fa = $2, updated_at = $3 WHERE id = $1`, acc, on, db.Now(ctx))
	return mustAffect("storage.SetRequire2FA", res, err)
}

// ConfirmSession turns a session waiting for the second factor into a full
// one under a new token hash (the old token stops working).
func (db *DB) ConfirmSession(ctx context.Context, oldHash, newHash string, now time.Time) error {
	res, err := db.writer(ctx).ExecContext(ctx,
		`UPDATE sessions SET token_hash = $2, mfa_pending = FALSE, last_seen_at = $3 WHERE token_hash = $1 AND mfa_pending`,
		oldHash, newHash, now)
	return mustAffect("storage.ConfirmSession", res, err)
}
