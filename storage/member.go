package storage

import (
	"context"
	"database/sql"

	"github.com/comptoir/comptoir/identity"
)

// ListMembers returns the current account's members, enabled or not.
func (db *DB) ListMembers(ctx context.Context) ([]identity.Member, error) {
	acc, err := scope(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := db.reader(ctx).QueryContext(ctx, `
		SELECT u.id, u.email, u.name, m.role, m.created_at, m.disabled_at
		FROM memberships m JOIN users u ON u.id = m.user_id
		WHERE m.account_id = $1 ORDER BY u.email`, acc)
	if err != nil {
		return nil, dbErr("storage.ListMembers", err)
	}
	return collect(rows, func(r *sql.Rows) (identity.Member, error) {
		var m identity.Member
		return m, r.Scan(&m.UserID, &m.Email, &m.Name, &m.Role, utc(&m.Since), nullUTC(&m.DisabledAt))
	})
}

// Member returns one member of the current account, enabled or not.
func (db *DB) Member(ctx context.Context, userID int64) (identity.Member, error) {
	acc, err := scope(ctx)
	if err != nil {
		return identity.Member{}, err
	}
	var m identity.Member
	err = db.reader(ctx).QueryRowContext(ctx, `
		SELECT u.id, u.email, u.name, m.role, m.created_at, m.disabled_at
		FROM memberships m JOIN users u ON u.id = m.user_id
		WHERE m.account_id = $1 AND m.user_id = $2`, acc, userID,
	).Scan(&m.UserID, &m.Email, &m.Name, &m.Role, utc(&m.Since), nullUTC(&m.DisabledAt))
	return m, dbErr("storage.Member", err)
}

// SetMemberRole changes a member's role in the current account.
func (db *DB) SetMemberRole(ctx context.Context, userID int64, role string) error {
	acc, err := scope(ctx)
	if err != nil {
		return err
	}
	res, err := db.writer(ctx).ExecContext(ctx,
		`UPDATE memberships SET role = $3 WHERE account_id = $1 AND user_id = $2`, acc, userID, role)
	return mustAffect("storage.SetMemberRole", res, err)
}

// SetMemberDisabled disables (disabled true) or enables a member.
func (db *DB) SetMemberDisabled(ctx context.Context, userID int64, disabled bool) error {
	acc, err := scope(ctx)
	if err != nil {
		return err
	}
	var at any
	if disabled {
		at = db.Now(ctx)
	}
	res, err := db.writer(ctx).ExecContext(ctx,
		`UPDATE memberships SET disabled_at = $3 WHERE account_id = $1 AND user_id = $2`, acc, userID, at)
	return mustAffect("storage.SetMemberDisabled", res, err)
}

// RemoveMember takes a user out of the current account.
func (db *DB) RemoveMember(ctx context.Context, userID int64) error {
	acc, err := scope(ctx)
	if err != nil {
		return err
	}
	res, err := db.writer(ctx).ExecContext(ctx,
		`DELETE FROM memberships WHERE account_id = $1 AND user_id = $2`, acc, userID)
	return mustAffect("storage.RemoveMember", res, err)
}

// CountActiveOwners counts the enabled owners of the current account.
func (db *DB) CountActiveOwners(ctx context.Context) (int, error) {
	acc, err := scope(ctx)
	if err != nil {
		return 0, err
	}
	var n int
	err = db.writer(ctx).QueryRowContext(ctx, `SELECT COUNT(*) FROM memberships
		WHERE account_id = $1 AND role = 'owner' AND disabled_at IS NULL`, acc).Scan(&n)
	return n, dbErr("storage.CountActiveOwners", err)
}

// EndMemberAccess ends a user's sessions and revokes their API tokens in
// the current account, at once.
func (db *DB) EndMemberAccess(ctx context.Context, userID int64) error {
	acc, err := scope(ctx)
	if err != nil {
		return err
	}
	if _, err := db.writer(ctx).ExecContext(ctx,
		`DELETE FROM sessions WHERE account_id = $1 AND user_id = $2`, acc, userID); err != nil {
		return dbErr("storage.EndMemberAccess", err)
	}
	_, err = db.writer(ctx).ExecContext(ctx,
		`UPDATE api_tokens SET revoked_at = $3 WHERE account_id = $1 AND user_id = $2 AND revoked_at IS NULL`,
		acc, userID, db.Now(ctx))
	return dbErr("storage.EndMemberAccess", err)
}

// LockAccount serializes changes to the current account's members: on
// PostgreSQL it locks the account row until the transaction ends (so two
// owners demoting each other cannot both succeed); SQLite already runs one
// writer at a time.
func (db *DB) LockAccount(ctx context.Context) error {
	acc, err := scope(ctx)
	if err != nil || db.engine != Postgres {
		return err
	}
	_, err = db.writer(ctx).ExecContext(ctx, `SELECT id FROM accounts WHERE id = $1 FOR UPDATE`, acc)
	return dbErr("storage.LockAccount", err)
}
