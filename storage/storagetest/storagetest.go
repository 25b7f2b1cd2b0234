// Package storagetest opens throw-away databases for tests on every engine:
// SQLite always, PostgreSQL when COMPTOIR_TEST_DATABASE_URL is set (each
// test gets its own schema, so tests run in parallel and leave nothing).
// With COMPTOIR_TEST_REQUIRE_ALL=1 a missing engine fails instead of skipping.
package storagetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"testing"

	"github.com/comptoir/comptoir/storage"
)

// Engine is one database a test can run against.
type Engine struct {
	Name string
	// Options returns storage options for a fresh, empty database.
	Options func(tb testing.TB) storage.Options
}

// Engines lists the engines available to this test run.
func Engines() []Engine {
	return []Engine{
		{Name: "sqlite", Options: func(tb testing.TB) storage.Options {
			return storage.Options{DataDir: tb.TempDir()}
		}},
		{Name: "postgres", Options: PostgresOptions},
	}
}

// RequireAll reports whether skips must fail (COMPTOIR_TEST_REQUIRE_ALL=1).
func RequireAll() bool { return os.Getenv("COMPTOIR_TEST_REQUIRE_ALL") == "1" }

// Skip skips tb with a message saying how to enable it, or fails it when
// every tier is required.
func Skip(tb testing.TB, msg string) {
	tb.Helper()
	if RequireAll() {
		tb.Fatalf("required but unavailable: %s", msg)
	}
	tb.Skip(msg)
}

// PostgresOptions creates a schema of its own for tb in the database named
// by COMPTOIR_TEST_DATABASE_URL and drops it when tb ends.
func PostgresOptions(tb testing.TB) storage.Options {
	tb.Helper()
	base := os.Getenv("COMPTOIR_TEST_DATABASE_URL")
	if base == "" {
		Skip(tb, "PostgreSQL tests need COMPTOIR_TEST_DATABASE_URL, e.g. postgres://postgres@127.0.0.1:5432/test?sslmode=disable")
	}
	admin, err := sql.Open("pgx", base)
	if err != nil {
		tb.Fatal(err)
	}
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	schema := "t_" + hex.EncodeToString(b)
	if _, err := admin.ExecContext(context.Background(), "CREATE SCHEMA "+schema); err != nil {
		_ = admin.Close()
		Skip(tb, "PostgreSQL at COMPTOIR_TEST_DATABASE_URL is unreachable: "+err.Error())
	}
	tb.Cleanup(func() {
		if _, err := admin.ExecContext(context.Background(), "DROP SCHEMA "+schema+" CASCADE"); err != nil {
			tb.Errorf("drop schema %s: %v", schema, err)
		}
		_ = admin.Close()
	})
	u, err := url.Parse(base)
	if err != nil {
		tb.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return storage.Options{URL: u.String(), MaxReaders: 4}
}

// Open returns a migrated database on engine e, closed when tb ends.
func Open(tb testing.TB, e Engine) *storage.DB {
	tb.Helper()
	return openMigrated(tb, e, e.Options(tb))
}

func openMigrated(tb testing.TB, e Engine, opts storage.Options) *storage.DB {
	tb.Helper()
	db, err := storage.Open(context.Background(), opts)
	if err != nil {
		tb.Fatalf("open %s: %v", e.Name, err)
	}
	tb.Cleanup(func() { _ = db.Close() })
	if _, err := db.Migrate(context.Background(), nil); err != nil {
		tb.Fatalf("migrate %s: %v", e.Name, err)
	}
	return db
}

// OpenWithRaw is Open plus a plain connection to the same database, for
// tests that must tamper with rows behind the storage layer's back.
func OpenWithRaw(tb testing.TB, e Engine) (*storage.DB, *sql.DB) {
	tb.Helper()
	opts := e.Options(tb)
	db := openMigrated(tb, e, opts)
	driver, dsn := "pgx", opts.URL
	if dsn == "" {
		driver, dsn = "sqlite", "file:"+opts.DataDir+"/comptoir.db?_pragma=busy_timeout(10000)"
	}
	raw, err := sql.Open(driver, dsn)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = raw.Close() })
	return db, raw
}

// Each runs fn as a parallel subtest on every engine with a fresh database.
func Each(t *testing.T, fn func(t *testing.T, db *storage.DB)) {
	t.Helper()
	for _, e := range Engines() {
		t.Run(e.Name, func(t *testing.T) {
			t.Parallel()
			fn(t, Open(t, e))
		})
	}
}
