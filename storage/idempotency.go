package storage

import (
	"context"
	"time"
)

// IdempotentResponse is the remembered answer to a POST that carried an
// Idempotency-Key, replayed when the same key comes again.
type IdempotentResponse struct {
	UserID      int64
	Key         string
	RequestHash string
	Status      int
	ContentType string
	Body        []byte
	CreatedAt   time.Time
}

// IdempotencyTTL is how long a key is remembered.
const IdempotencyTTL = 24 * time.Hour

// IdempotentResponse returns the remembered response for a user's key in the
// current account, NotFound if there is none younger than IdempotencyTTL.
func (db *DB) IdempotentResponse(ctx context.Context, userID int64, key string) (IdempotentResponse, error) {
	acc, err := scope(ctx)
	if err != nil {
		return IdempotentResponse{}, err
	}
	r := IdempotentResponse{UserID: userID, Key: key}
	err = db.reader(ctx).QueryRowContext(ctx, `
		SELECT request_hash, status, content_type, body, created_at FROM idempotency_keys
		WHERE account_id = $1 AND user_id = $2 AND key = $3 AND created_at > $4`,
		acc, userID, key, db.Now(ctx).Add(-IdempotencyTTL),
	).Scan(&r.RequestHash, &r.Status, &r.ContentType, &r.Body, utc(&r.CreatedAt))
	return r, dbErr("storage.IdempotentResponse", err)
}

// SaveIdempotentResponse remembers a response; an expired row for the same
// key is replaced. A concurrent duplicate is a Conflict.
func (db *DB) SaveIdempotentResponse(ctx context.Context, r IdempotentResponse) error {
	acc, err := scope(ctx)
	if err != nil {
		return err
	}
	now := db.Now(ctx)
	return db.WithTx(ctx, func(ctx context.Context) error {
		if _, err := db.writer(ctx).ExecContext(ctx,
			`DELETE FROM idempotency_keys WHERE account_id = $1 AND user_id = $2 AND key = $3 AND created_at <= $4`,
			acc, r.UserID, r.Key, now.Add(-IdempotencyTTL)); err != nil {
			return dbErr("storage.SaveIdempotentResponse", err)
		}
		_, err := db.writer(ctx).ExecContext(ctx, `
			INSERT INTO idempotency_keys (account_id, user_id, key, request_hash, status, content_type, body, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
			acc, r.UserID, r.Key, r.RequestHash, r.Status, r.ContentType, r.Body, now)
		return dbErr("storage.SaveIdempotentResponse", err)
	})
}
