package storage

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

type txKey struct{}

// txState is the transaction carried in a context, with the instant every
// row it writes will share.
type txState struct {
	tx  *sql.Tx
	q   querier // tx, through the statement cache on SQLite
	now time.Time
}

// querier is what *sql.DB and *sql.Tx have in common.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	PrepareContext(ctx context.Context, query string) (*sql.Stmt, error)
}

// WithTx runs fn in one write transaction carried by the context it is
// given, so that everything fn calls on db (the record, its number, its
// activity-log entry) commits or rolls back together. Nested calls join the
// outer transaction. fn's error, or a panic, rolls back.
func (db *DB) WithTx(ctx context.Context, fn func(ctx context.Context) error) (err error) {
	if _, ok := ctx.Value(txKey{}).(*txState); ok {
		return fn(ctx)
	}
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin transaction: %w", err)
	}
	st := &txState{tx: tx, q: tx, now: db.readClock().UTC().Truncate(time.Microsecond)}
	var missed []string
	if db.engine == SQLite {
		st.q = stmtTx{Tx: tx, cache: &db.stmts, missed: &missed}
	}
	defer func() {
		if p := recover(); p != nil {
			_ = tx.Rollback()
			panic(p)
		}
	}()
	if err := fn(context.WithValue(ctx, txKey{}, st)); err != nil {
		_ = tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	if len(missed) > 0 {
		db.stmts.prepare(context.WithoutCancel(ctx), db.write, missed)
	}
	return nil
}

// Now is the current time for ctx: fixed for the whole of a transaction,
// else read from the clock. Always UTC, at the microsecond precision both
// engines store.
func (db *DB) Now(ctx context.Context) time.Time {
	if st, ok := ctx.Value(txKey{}).(*txState); ok {
		return st.now
	}
	return db.readClock().UTC().Truncate(time.Microsecond)
}

// reader is the transaction in ctx if any, else the read pool.
func (db *DB) reader(ctx context.Context) querier {
	if st, ok := ctx.Value(txKey{}).(*txState); ok {
		return st.q
	}
	if db.engine == SQLite {
		return stmtDB{DB: db.read, cache: &db.readStmts}
	}
	return db.read
}

// writer is the transaction in ctx if any, else the write pool: a single
// statement outside WithTx is its own transaction.
func (db *DB) writer(ctx context.Context) querier {
	if st, ok := ctx.Value(txKey{}).(*txState); ok {
		return st.q
	}
	return db.write
}
