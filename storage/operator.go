package storage

import (
	"context"
	"database/sql"
	"time"

	"github.com/comptoir/comptoir/account"
	"github.com/comptoir/comptoir/identity"
)

// Operators are instance-level: these queries are not scoped by account,
// and none of them reads an account's business data.

// CreateOperator stores an operator with their shadow user.
func (db *DB) CreateOperator(ctx context.Context, op *identity.Operator) error {
	op.CreatedAt = db.Now(ctx)
	err := db.writer(ctx).QueryRowContext(ctx, `
		INSERT INTO operators (email, password_hash, user_id, created_at) VALUES ($1, $2, $3, $4) RETURNING id`,
		op.Email, op.PasswordHash, op.UserID, op.CreatedAt).Scan(&op.ID)
	return dbErr("storage.CreateOperator", err)
}

// SetUserEmail renames a user (used for operators' shadow users).
func (db *DB) SetUserEmail(ctx context.Context, userID int64, email string) error {
	res, err := db.writer(ctx).ExecContext(ctx, `UPDATE users SET email = $2 WHERE id = $1`, userID, email)
	return mustAffect("storage.SetUserEmail", res, err)
}

const operatorColumns = `id, email, password_hash, user_id, created_at, disabled_at`

func scanOperator(row interface{ Scan(...any) error }) (identity.Operator, error) {
	var o identity.Operator
	err := row.Scan(&o.ID, &o.Email, &o.PasswordHash, &o.UserID, utc(&o.CreatedAt), nullUTC(&o.DisabledAt))
	return o, err
}

// OperatorByEmail finds an operator for login.
func (db *DB) OperatorByEmail(ctx context.Context, email string) (identity.Operator, error) {
	o, err := scanOperator(db.reader(ctx).QueryRowContext(ctx, `SELECT `+operatorColumns+` FROM operators WHERE email = $1`, email))
	return o, dbErr("storage.OperatorByEmail", err)
}

// CreateOperatorSession stores an operator's session (hash only).
func (db *DB) CreateOperatorSession(ctx context.Context, hash string, operatorID int64, expires time.Time, ip string) error {
	now := db.Now(ctx)
	_, err := db.writer(ctx).ExecContext(ctx, `INSERT INTO operator_sessions (token_hash, operator_id, created_at, last_seen_at, expires_at, ip)
		VALUES ($1, $2, $3, $3, $4, $5)`, hash, operatorID, now, expires, ip)
	return dbErr("storage.CreateOperatorSession", err)
}

// OperatorBySession returns the enabled operator of a live session.
func (db *DB) OperatorBySession(ctx context.Context, hash string) (identity.Operator, error) {
	o, err := scanOperator(db.reader(ctx).QueryRowContext(ctx, `SELECT o.id, o.email, o.password_hash, o.user_id, o.created_at, o.disabled_at
		FROM operator_sessions s JOIN operators o ON o.id = s.operator_id
		WHERE s.token_hash = $1 AND s.expires_at > $2 AND o.disabled_at IS NULL`, hash, db.Now(ctx)))
	return o, dbErr("storage.OperatorBySession", err)
}

// DeleteOperatorSession ends an operator's session.
func (db *DB) DeleteOperatorSession(ctx context.Context, hash string) error {
	_, err := db.writer(ctx).ExecContext(ctx, `DELETE FROM operator_sessions WHERE token_hash = $1`, hash)
	return dbErr("storage.DeleteOperatorSession", err)
}

// AccountsOverview lists every account for the operator console.
func (db *DB) AccountsOverview(ctx context.Context) ([]account.Overview, error) {
	now := db.Now(ctx)
	rows, err := db.reader(ctx).QueryContext(ctx, `
		SELECT a.id, a.name, a.status, a.created_at,
			(SELECT COUNT(*) FROM memberships m WHERE m.account_id = a.id AND m.disabled_at IS NULL),
			COALESCE(g.id, 0), COALESCE(g.role, ''), g.expires_at
		FROM accounts a
		LEFT JOIN support_grants g ON g.account_id = a.id AND g.revoked_at IS NULL AND g.expires_at > $1
			AND g.id = (SELECT MAX(g2.id) FROM support_grants g2 WHERE g2.account_id = a.id AND g2.revoked_at IS NULL AND g2.expires_at > $1)
		ORDER BY a.id`, now)
	if err != nil {
		return nil, dbErr("storage.AccountsOverview", err)
	}
	return collect(rows, func(r *sql.Rows) (account.Overview, error) {
		var o account.Overview
		var until *time.Time
		err := r.Scan(&o.ID, &o.Name, &o.Status, utc(&o.CreatedAt), &o.Members, &o.GrantID, &o.GrantRole, nullUTC(&until))
		if until != nil {
			o.GrantExpiresAt = *until
		}
		return o, err
	})
}
