package storage

import (
	"context"

	"github.com/comptoir/comptoir/identity"
)

// CreateSession stores a new session.
func (db *DB) CreateSession(ctx context.Context, s identity.Session) error {
	_, err := db.writer(ctx).ExecContext(ctx, `
		INSERT INTO sessions (token_hash, user_id, account_id, created_at, last_seen_at, expires_at, ip, user_agent)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
		s.TokenHash, s.UserID, s.AccountID, s.CreatedAt, s.LastSeenAt, s.ExpiresAt, s.IP, s.UserAgent)
	return dbErr("storage.CreateSession", err)
}

// SessionByHash finds a session by its token hash. It is how a request
// learns its account, so it cannot itself be scoped.
func (db *DB) SessionByHash(ctx context.Context, hash string) (identity.Session, error) {
	var s identity.Session
	err := db.reader(ctx).QueryRowContext(ctx, `
		SELECT token_hash, user_id, account_id, created_at, last_seen_at, expires_at, ip, user_agent
		FROM sessions WHERE token_hash = $1`, hash,
	).Scan(&s.TokenHash, &s.UserID, &s.AccountID, utc(&s.CreatedAt), utc(&s.LastSeenAt), utc(&s.ExpiresAt), &s.IP, &s.UserAgent)
	return s, dbErr("storage.SessionByHash", err)
}

// TouchSession records activity on a session, pushing back its idle timeout.
func (db *DB) TouchSession(ctx context.Context, hash string) error {
	_, err := db.writer(ctx).ExecContext(ctx,
		`UPDATE sessions SET last_seen_at = $2 WHERE token_hash = $1`, hash, db.Now(ctx))
	return dbErr("storage.TouchSession", err)
}

// DeleteSession ends one session.
func (db *DB) DeleteSession(ctx context.Context, hash string) error {
	_, err := db.writer(ctx).ExecContext(ctx, `DELETE FROM sessions WHERE token_hash = $1`, hash)
	return dbErr("storage.DeleteSession", err)
}

// DeleteUserSessions ends every session of a user, e.g. after a password change.
func (db *DB) DeleteUserSessions(ctx context.Context, userID int64) error {
	_, err := db.writer(ctx).ExecContext(ctx, `DELETE FROM sessions WHERE user_id = $1`, userID)
	return dbErr("storage.DeleteUserSessions", err)
}

// DeleteExpiredSessions removes sessions past their absolute or idle limit.
func (db *DB) DeleteExpiredSessions(ctx context.Context) (int64, error) {
	now := db.Now(ctx)
	res, err := db.writer(ctx).ExecContext(ctx,
		`DELETE FROM sessions WHERE expires_at <= $1 OR last_seen_at <= $2`, now, now.Add(-identity.IdleTimeout))
	if err != nil {
		return 0, dbErr("storage.DeleteExpiredSessions", err)
	}
	return res.RowsAffected()
}
