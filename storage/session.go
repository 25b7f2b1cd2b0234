package storage

import (
	"context"
	"database/sql"

	"github.com/comptoir/comptoir/identity"
)

// CreateSession stores a new session.
func (db *DB) CreateSession(ctx context.Context, s identity.Session) error {
	_, err := db.writer(ctx).ExecContext(ctx, `
		INSERT INTO sessions (token_hash, user_id, account_id, created_at, last_seen_at, expires_at, ip, user_agent, mfa_pending)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
		s.TokenHash, s.UserID, s.AccountID, s.CreatedAt, s.LastSeenAt, s.ExpiresAt, s.IP, s.UserAgent, s.MFAPending)
	return dbErr("storage.CreateSession", err)
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

// sessionColumns are a session's (s), for the principal look-ups.
const sessionColumns = "s.token_hash, s.user_id, s.account_id, s.created_at, s.last_seen_at, s.expires_at, s.ip, s.user_agent, s.mfa_pending"

func sessionTargets(s *identity.Session) []any {
	return []any{&s.TokenHash, &s.UserID, &s.AccountID, utc(&s.CreatedAt), utc(&s.LastSeenAt),
		utc(&s.ExpiresAt), &s.IP, &s.UserAgent, &s.MFAPending}
}

// principalColumns are a user's (u), their membership's (m) and its
// account's (a) columns, for the joins that authenticate a request.
var principalColumns = qualify("u", userColumns) + ", m.role, " + qualify("a", accountColumns)

func principalTargets(p *identity.Principal) []any {
	t := append(userTargets(&p.User), &p.Membership.Role)
	return append(t, accountTargets(&p.Account)...)
}

// fillMembership completes the membership from the joined user and account.
func fillMembership(p *identity.Principal) {
	p.Membership.AccountID, p.Membership.AccountName, p.Membership.UserID = p.Account.ID, p.Account.Name, p.User.ID
}

// SessionPrincipal returns a session and its principal by token hash.
// NotFound if the session does not exist, its user is disabled or no longer
// a member, or its account is closed.
func (db *DB) SessionPrincipal(ctx context.Context, hash string) (identity.Session, identity.Principal, error) {
	var s identity.Session
	var p identity.Principal
	targets := append(sessionTargets(&s), principalTargets(&p)...)
	err := db.reader(ctx).QueryRowContext(ctx, `
		SELECT `+sessionColumns+`,
			`+principalColumns+`
		FROM sessions s
		JOIN users u ON u.id = s.user_id
		JOIN memberships m ON m.account_id = s.account_id AND m.user_id = s.user_id
		JOIN accounts a ON a.id = s.account_id
		WHERE s.token_hash = $1 AND u.disabled_at IS NULL AND m.disabled_at IS NULL AND a.status = 'active'`, hash).Scan(targets...)
	fillMembership(&p)
	return s, p, dbErr("storage.SessionPrincipal", err)
}

// ListUserSessions returns a user's sessions, newest first.
func (db *DB) ListUserSessions(ctx context.Context, userID int64) ([]identity.Session, error) {
	rows, err := db.reader(ctx).QueryContext(ctx, `
		SELECT token_hash, user_id, account_id, created_at, last_seen_at, expires_at, ip, user_agent
		FROM sessions WHERE user_id = $1 ORDER BY last_seen_at DESC`, userID)
	if err != nil {
		return nil, dbErr("storage.ListUserSessions", err)
	}
	return collect(rows, func(r *sql.Rows) (identity.Session, error) {
		var s identity.Session
		return s, r.Scan(&s.TokenHash, &s.UserID, &s.AccountID, utc(&s.CreatedAt), utc(&s.LastSeenAt), utc(&s.ExpiresAt), &s.IP, &s.UserAgent)
	})
}

// DeleteUserSession ends one session of a user.
func (db *DB) DeleteUserSession(ctx context.Context, userID int64, hash string) error {
	res, err := db.writer(ctx).ExecContext(ctx, `DELETE FROM sessions WHERE user_id = $1 AND token_hash = $2`, userID, hash)
	return mustAffect("storage.DeleteUserSession", res, err)
}

// DeleteOtherSessions ends every session of a user but one.
func (db *DB) DeleteOtherSessions(ctx context.Context, userID int64, keep string) error {
	_, err := db.writer(ctx).ExecContext(ctx, `DELETE FROM sessions WHERE user_id = $1 AND token_hash <> $2`, userID, keep)
	return dbErr("storage.DeleteOtherSessions", err)
}

// DeleteMemberSessions ends a user's sessions in the current account.
func (db *DB) DeleteMemberSessions(ctx context.Context, userID int64) error {
	acc, err := scope(ctx)
	if err != nil {
		return err
	}
	_, err = db.writer(ctx).ExecContext(ctx, `DELETE FROM sessions WHERE account_id = $1 AND user_id = $2`, acc, userID)
	return dbErr("storage.DeleteMemberSessions", err)
}
