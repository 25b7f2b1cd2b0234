package storage

import (
	"context"
	"database/sql"

	"github.com/comptoir/comptoir/identity"
)

// CreateAPIToken stores a token of the current account and sets its id.
func (db *DB) CreateAPIToken(ctx context.Context, t *identity.APIToken) error {
	acc, err := scope(ctx)
	if err != nil {
		return err
	}
	t.AccountID, t.CreatedAt = acc, db.Now(ctx)
	err = db.writer(ctx).QueryRowContext(ctx, `
		INSERT INTO api_tokens (account_id, user_id, name, token_hash, created_at, expires_at, scope)
		VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
		acc, t.UserID, t.Name, t.TokenHash, t.CreatedAt, t.ExpiresAt, t.Scope).Scan(&t.ID)
	return dbErr("storage.CreateAPIToken", err)
}

// TokenPrincipal returns a live (not revoked) API token and its principal
// by token hash, in one query.
func (db *DB) TokenPrincipal(ctx context.Context, hash string) (identity.APIToken, identity.Principal, error) {
	var t identity.APIToken
	var p identity.Principal
	targets := append([]any{&t.ID, &t.AccountID, &t.UserID, &t.Name, &t.TokenHash, utc(&t.CreatedAt),
		nullUTC(&t.LastUsedAt), nullUTC(&t.ExpiresAt), &t.Scope}, principalTargets(&p)...)
	err := db.reader(ctx).QueryRowContext(ctx, `
		SELECT t.id, t.account_id, t.user_id, t.name, t.token_hash, t.created_at, t.last_used_at, t.expires_at, t.scope,
			`+principalColumns+`
		FROM api_tokens t
		JOIN users u ON u.id = t.user_id
		JOIN memberships m ON m.account_id = t.account_id AND m.user_id = t.user_id
		JOIN accounts a ON a.id = t.account_id
		WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND u.disabled_at IS NULL AND m.disabled_at IS NULL AND a.status = 'active'`, hash).Scan(targets...)
	fillMembership(&p)
	return t, p, dbErr("storage.TokenPrincipal", err)
}

// TouchAPIToken records a token's last use.
func (db *DB) TouchAPIToken(ctx context.Context, id int64) error {
	acc, err := scope(ctx)
	if err != nil {
		return err
	}
	_, err = db.writer(ctx).ExecContext(ctx,
		`UPDATE api_tokens SET last_used_at = $3 WHERE account_id = $1 AND id = $2`, acc, id, db.Now(ctx))
	return dbErr("storage.TouchAPIToken", err)
}

// ListAPITokens returns a user's live tokens in the current account.
func (db *DB) ListAPITokens(ctx context.Context, userID int64) ([]identity.APIToken, error) {
	acc, err := scope(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := db.reader(ctx).QueryContext(ctx, `
		SELECT id, account_id, user_id, name, created_at, last_used_at, expires_at, scope FROM api_tokens
		WHERE account_id = $1 AND user_id = $2 AND revoked_at IS NULL ORDER BY id DESC`, acc, userID)
	if err != nil {
		return nil, dbErr("storage.ListAPITokens", err)
	}
	return collect(rows, func(r *sql.Rows) (identity.APIToken, error) {
		var t identity.APIToken
		return t, r.Scan(&t.ID, &t.AccountID, &t.UserID, &t.Name, utc(&t.CreatedAt), nullUTC(&t.LastUsedAt), nullUTC(&t.ExpiresAt), &t.Scope)
	})
}

// RevokeAPIToken revokes one of a user's tokens in the current account.
func (db *DB) RevokeAPIToken(ctx context.Context, userID, id int64) error {
	acc, err := scope(ctx)
	if err != nil {
		return err
	}
	res, err := db.writer(ctx).ExecContext(ctx, `UPDATE api_tokens SET revoked_at = $4
		WHERE account_id = $1 AND user_id = $2 AND id = $3 AND revoked_at IS NULL`, acc, userID, id, db.Now(ctx))
	return mustAffect("storage.RevokeAPIToken", res, err)
}

// RevokeUserTokens revokes every token of a user, in every account: after
// a password reset or change, nothing minted before survives.
func (db *DB) RevokeUserTokens(ctx context.Context, userID int64) error {
	_, err := db.writer(ctx).ExecContext(ctx,
		`UPDATE api_tokens SET revoked_at = $2 WHERE user_id = $1 AND revoked_at IS NULL`, userID, db.Now(ctx))
	return dbErr("storage.RevokeUserTokens", err)
}
