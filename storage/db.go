// Package storage keeps Comptoir's data in SQLite (embedded, the default) or
// PostgreSQL (production and scale-out) with one set of plain SQL. It is the
// only package that imports database/sql and the drivers.
//
// Each aggregate has its own file with its SQL beside the code that scans it.
// Every query on a tenant table takes the account from the context through
// scope (scope.go), the one choke point for tenant isolation, and carries
// account_id in its WHERE clause. Writes run inside WithTx (tx.go).
package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"time"
)

// Engine names the database engine behind a DB.
type Engine string

// The supported engines.
const (
	SQLite   Engine = "sqlite"
	Postgres Engine = "postgres"
)

// Options say where the data lives.
type Options struct {
	// URL is a postgres:// URL; when empty, SQLite is used in DataDir.
	URL string
	// DataDir holds comptoir.db when SQLite is used.
	DataDir string
	// MaxReaders bounds the read pool (SQLite) or the whole pool (PostgreSQL).
	MaxReaders int
}

// DB is Comptoir's database: a pool for reads and a pool for writes. On
// SQLite the write pool has a single connection so that writers queue in Go
// instead of failing with "database is locked"; on PostgreSQL both are the
// same pool.
type DB struct {
	engine Engine
	path   string // SQLite's file
	read   *sql.DB
	write  *sql.DB
	stmts  stmtCache // SQLite write statements, see stmtcache.go
	// readStmts are SQLite's read statements outside transactions.
	readStmts stmtCache
	// clock is the clock; tests replace it with SetClock. Each transaction
	// reads it once.
	clock atomic.Pointer[func() time.Time]
}

// Open connects to the database described by opts. It does not migrate.
func Open(ctx context.Context, opts Options) (*DB, error) {
	if opts.MaxReaders <= 0 {
		opts.MaxReaders = 8
	}
	var (
		db  *DB
		err error
	)
	if opts.URL != "" {
		db, err = openPostgres(opts)
	} else {
		db, err = openSQLite(opts)
	}
	if err != nil {
		return nil, err
	}
	db.SetClock(time.Now)
	if err := db.Ping(ctx); err != nil {
		_ = db.Close()
		return nil, err
	}
	return db, nil
}

// SetClock replaces the clock, for tests; it is safe while requests run.
func (db *DB) SetClock(now func() time.Time) { db.clock.Store(&now) }

func (db *DB) readClock() time.Time { return (*db.clock.Load())() }

// IsPostgresURL reports whether u names a PostgreSQL database.
func IsPostgresURL(u string) bool {
	return strings.HasPrefix(u, "postgres://") || strings.HasPrefix(u, "postgresql://")
}

// Engine tells which engine this DB runs on.
func (db *DB) Engine() Engine { return db.engine }

// Ping checks that the database answers, for readiness probes.
func (db *DB) Ping(ctx context.Context) error {
	if err := db.read.PingContext(ctx); err != nil {
		return fmt.Errorf("database unreachable: %w", err)
	}
	return nil
}

// Pools returns the underlying pools by name, for metrics.
func (db *DB) Pools() map[string]*sql.DB {
	if db.read == db.write {
		return map[string]*sql.DB{"main": db.read}
	}
	return map[string]*sql.DB{"read": db.read, "write": db.write}
}

// Close closes both pools.
func (db *DB) Close() error {
	db.stmts.close()
	db.readStmts.close()
	err := db.read.Close()
	if db.write != db.read {
		err = errors.Join(err, db.write.Close())
	}
	return err
}
