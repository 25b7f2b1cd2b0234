package storage

import (
	"context"
	"time"

	"github.com/comptoir/comptoir/errs"
)

// LoginFailures returns the consecutive failed logins for an identifier
// (a normalized e-mail address) and when the last one happened.
func (db *DB) LoginFailures(ctx context.Context, identifier string) (int, time.Time, error) {
	var n int
	var last time.Time
	err := db.reader(ctx).QueryRowContext(ctx,
		`SELECT failures, last_failure_at FROM login_failures WHERE identifier = $1`, identifier).Scan(&n, utc(&last))
	if errs.Is(dbErr("", err), errs.NotFound) {
		return 0, time.Time{}, nil
	}
	return n, last, dbErr("storage.LoginFailures", err)
}

// RecordLoginFailure counts one more failed login for an identifier.
func (db *DB) RecordLoginFailure(ctx context.Context, identifier string) error {
	_, err := db.writer(ctx).ExecContext(ctx, `
		INSERT INTO login_failures (identifier, failures, last_failure_at) VALUES ($1, 1, $2)
		ON CONFLICT (identifier) DO UPDATE SET failures = login_failures.failures + 1, last_failure_at = $2`,
		identifier, db.Now(ctx))
	return dbErr("storage.RecordLoginFailure", err)
}

// ClearLoginFailures forgets the failures of an identifier after a success.
func (db *DB) ClearLoginFailures(ctx context.Context, identifier string) error {
	_, err := db.writer(ctx).ExecContext(ctx, `DELETE FROM login_failures WHERE identifier = $1`, identifier)
	return dbErr("storage.ClearLoginFailures", err)
}

// LockLoginFailures returns an identifier's failures and last failure
// time, holding the row until the transaction ends on PostgreSQL (SQLite
// runs one writer at a time), so that concurrent attempts are counted one
// after the other. Call it inside WithTx.
func (db *DB) LockLoginFailures(ctx context.Context, identifier string) (int, time.Time, error) {
	if db.engine != Postgres {
		return db.LoginFailures(ctx, identifier)
	}
	if _, err := db.writer(ctx).ExecContext(ctx, `INSERT INTO login_failures (identifier, failures, last_failure_at)
		VALUES ($1, 0, $2) ON CONFLICT (identifier) DO NOTHING`, identifier, time.Unix(0, 0).UTC()); err != nil {
		return 0, time.Time{}, dbErr("storage.LockLoginFailures", err)
	}
	var n int
	var last time.Time
	err := db.writer(ctx).QueryRowContext(ctx, `SELECT failures, last_failure_at FROM login_failures
		WHERE identifier = $1 FOR UPDATE`, identifier).Scan(&n, utc(&last))
	return n, last, dbErr("storage.LockLoginFailures", err)
}
