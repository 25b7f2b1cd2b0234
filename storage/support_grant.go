package storage

import (
	"context"
	"database/sql"

	"github.com/comptoir/comptoir/identity"
)

// CreateSupportGrant lets operators into the current account until g.ExpiresAt.
func (db *DB) CreateSupportGrant(ctx context.Context, g *identity.SupportGrant) error {
	acc, err := scope(ctx)
	if err != nil {
		return err
	}
	g.AccountID, g.CreatedAt = acc, db.Now(ctx)
	var by any
	if g.GrantedBy != 0 {
		by = g.GrantedBy
	}
	err = db.writer(ctx).QueryRowContext(ctx, `INSERT INTO support_grants (account_id, granted_by, role, created_at, expires_at)
		VALUES ($1, $2, $3, $4, $5) RETURNING id`, acc, by, g.Role, g.CreatedAt, g.ExpiresAt).Scan(&g.ID)
	return dbErr("storage.CreateSupportGrant", err)
}

// ListSupportGrants returns the current account's live grants.
func (db *DB) ListSupportGrants(ctx context.Context) ([]identity.SupportGrant, error) {
	acc, err := scope(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := db.reader(ctx).QueryContext(ctx, `SELECT id, account_id, COALESCE(granted_by, 0), role, created_at, expires_at
		FROM support_grants WHERE account_id = $1 AND revoked_at IS NULL AND expires_at > $2 ORDER BY id DESC`, acc, db.Now(ctx))
	if err != nil {
		return nil, dbErr("storage.ListSupportGrants", err)
	}
	return collect(rows, func(r *sql.Rows) (identity.SupportGrant, error) {
		var g identity.SupportGrant
		return g, r.Scan(&g.ID, &g.AccountID, &g.GrantedBy, &g.Role, utc(&g.CreatedAt), utc(&g.ExpiresAt))
	})
}

// RevokeSupportGrant ends a grant of the current account and the support
// sessions opened under it.
func (db *DB) RevokeSupportGrant(ctx context.Context, id int64) error {
	acc, err := scope(ctx)
	if err != nil {
		return err
	}
	res, err := db.writer(ctx).ExecContext(ctx, `UPDATE support_grants SET revoked_at = $3
		WHERE account_id = $1 AND id = $2 AND revoked_at IS NULL`, acc, id, db.Now(ctx))
	if err := mustAffect("storage.RevokeSupportGrant", res, err); err != nil {
		return err
	}
	_, err = db.writer(ctx).ExecContext(ctx, `DELETE FROM sessions WHERE account_id = $1 AND support_grant_id = $2`, acc, id)
	return dbErr("storage.RevokeSupportGrant", err)
}

// LiveSupportGrant returns a live grant by id, for an operator opening a
// support session; the grant is how the operator reaches the account.
func (db *DB) LiveSupportGrant(ctx context.Context, id int64) (identity.SupportGrant, error) {
	var g identity.SupportGrant
	err := db.reader(ctx).QueryRowContext(ctx, `SELECT id, account_id, COALESCE(granted_by, 0), role, created_at, expires_at
		FROM support_grants WHERE id = $1 AND revoked_at IS NULL AND expires_at > $2`, id, db.Now(ctx),
	).Scan(&g.ID, &g.AccountID, &g.GrantedBy, &g.Role, utc(&g.CreatedAt), utc(&g.ExpiresAt))
	return g, dbErr("storage.LiveSupportGrant", err)
}

// CreateSupportSession opens a session in a grant's account for an
// operator's shadow user.
func (db *DB) CreateSupportSession(ctx context.Context, s identity.Session, grantID int64) error {
	_, err := db.writer(ctx).ExecContext(ctx, `
		INSERT INTO sessions (token_hash, user_id, account_id, created_at, last_seen_at, expires_at, ip, user_agent, support_grant_id)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
		s.TokenHash, s.UserID, s.AccountID, s.CreatedAt, s.LastSeenAt, s.ExpiresAt, s.IP, s.UserAgent, grantID)
	return dbErr("storage.CreateSupportSession", err)
}

// SupportSessionPrincipal is SessionPrincipal for support sessions: the
// grant, live, stands in for the membership and gives the role.
func (db *DB) SupportSessionPrincipal(ctx context.Context, hash string) (identity.Session, identity.Principal, error) {
	var s identity.Session
	var p identity.Principal
	targets := append(sessionTargets(&s), principalTargets(&p)...)
	err := db.reader(ctx).QueryRowContext(ctx, `
		SELECT `+sessionColumns+`,
			`+qualify("u", userColumns)+`, g.role, `+qualify("a", accountColumns)+`
		FROM sessions s
		JOIN users u ON u.id = s.user_id
		JOIN support_grants g ON g.id = s.support_grant_id AND g.account_id = s.account_id
		JOIN accounts a ON a.id = s.account_id
		WHERE s.token_hash = $1 AND g.revoked_at IS NULL AND g.expires_at > $2 AND a.status = 'active'`,
		hash, db.Now(ctx)).Scan(targets...)
	fillMembership(&p)
	p.Support = true
	return s, p, dbErr("storage.SupportSessionPrincipal", err)
}
