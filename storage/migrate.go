package storage

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"log/slog"

	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
)

//go:embed migrations
var migrations embed.FS

// Migration is one applied or pending schema change.
type Migration struct {
	Name    string
	Applied bool
}

func (db *DB) provider(log *slog.Logger) (*goose.Provider, error) {
	dialect, dir := goose.DialectSQLite3, "migrations/sqlite"
	opts := []goose.ProviderOption{goose.WithDisableGlobalRegistry(true)}
	if db.engine == Postgres {
		dialect, dir = goose.DialectPostgres, "migrations/postgres"
		// Several instances may start together on one PostgreSQL: a session
		// advisory lock makes them migrate one after the other.
		locker, err := lock.NewPostgresSessionLocker()
		if err != nil {
			return nil, err
		}
		opts = append(opts, goose.WithSessionLocker(locker))
	}
	if log != nil {
		opts = append(opts, goose.WithSlog(log))
	}
	sub, err := fs.Sub(migrations, dir)
	if err != nil {
		return nil, err
	}
	return goose.NewProvider(dialect, db.write, sub, opts...)
}

// Migrate applies every pending migration, each in its own transaction, and
// returns the names of those it applied.
func (db *DB) Migrate(ctx context.Context, log *slog.Logger) ([]string, error) {
	p, err := db.provider(log)
	if err != nil {
		return nil, fmt.Errorf("migrations: %w", err)
	}
	results, err := p.Up(ctx)
	if err != nil {
		return nil, fmt.Errorf("migrate: %w", err)
	}
	names := make([]string, 0, len(results))
	for _, r := range results {
		names = append(names, r.Source.Path)
	}
	return names, nil
}

// Migrations lists every known migration and whether it has been applied.
func (db *DB) Migrations(ctx context.Context) ([]Migration, error) {
	p, err := db.provider(nil)
	if err != nil {
		return nil, err
	}
	st, err := p.Status(ctx)
	if err != nil {
		return nil, fmt.Errorf("migration status: %w", err)
	}
	out := make([]Migration, 0, len(st))
	for _, s := range st {
		out = append(out, Migration{Name: s.Source.Path, Applied: s.State == goose.StateApplied})
	}
	return out, nil
}

// SchemaVersion is the highest applied migration's version (goose), 0 for
// a database no migration has touched.
//
// It reads goose's table through the transaction in ctx, if any: a backup
// takes it in the same snapshot as the rows, so that a migration by
// another instance meanwhile cannot make them disagree.
func (db *DB) SchemaVersion(ctx context.Context) (int64, error) {
	var v sql.NullInt64
	err := db.reader(ctx).QueryRowContext(ctx, `SELECT MAX(version_id) FROM goose_db_version WHERE is_applied`).Scan(&v)
	if err != nil {
		return 0, fmt.Errorf("read the schema version: %w", err)
	}
	return v.Int64, nil
}

// MigrateTo applies pending migrations up to and including version, each in
// its own transaction: a restore brings an empty database to the schema of
// the dump it loads, not to the newest one.
func (db *DB) MigrateTo(ctx context.Context, version int64, log *slog.Logger) error {
	p, err := db.provider(log)
	if err != nil {
		return fmt.Errorf("migrations: %w", err)
	}
	sources := p.ListSources()
	if len(sources) == 0 || version > sources[len(sources)-1].Version {
		newest := int64(0)
		if len(sources) > 0 {
			newest = sources[len(sources)-1].Version
		}
		return fmt.Errorf("migrate to version %d: this build knows migrations up to %d only; use the Comptoir release that wrote the data, or a newer one", version, newest)
	}
	current, err := p.GetDBVersion(ctx)
	if err != nil {
		return fmt.Errorf("read the schema version: %w", err)
	}
	if current > version {
		return fmt.Errorf("migrate to version %d: the database is at version %d already, past it", version, current)
	}
	if _, err := p.UpTo(ctx, version); err != nil {
		return fmt.Errorf("migrate to version %d: %w", version, err)
	}
	return nil
}
