package storage

import (
	"context"

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
		INSERT INTO api_tokens (account_id, user_id, name, token_hash, created_at, expires_at)
		VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
		acc, t.UserID, t.Name, t.TokenHash, t.CreatedAt, t.ExpiresAt).Scan(&t.ID)
	return dbErr("storage.CreateAPIToken", err)
}

// APITokenByHash finds a live (not revoked) token by its hash. Like
// sessions, it is how a request learns its account, so it is not scoped.
func (db *DB) APITokenByHash(ctx context.Context, hash string) (identity.APIToken, error) {
	var t identity.APIToken
	err := db.reader(ctx).QueryRowContext(ctx, `
		SELECT id, account_id, user_id, name, token_hash, created_at, last_used_at, expires_at
		FROM api_tokens WHERE token_hash = $1 AND revoked_at IS NULL`, hash,
	).Scan(&t.ID, &t.AccountID, &t.UserID, &t.Name, &t.TokenHash, utc(&t.CreatedAt), nullUTC(&t.LastUsedAt), nullUTC(&t.ExpiresAt))
	return t, dbErr("storage.APITokenByHash", err)
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
