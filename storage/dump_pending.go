package storage

import (
	"context"
	"database/sql"
	"slices"

	"errors"
	"github.com/comptoir/comptoir/privacy"
	"log/slog"
)

// PENDING: replaced by the logical dump (dump.go) when merged.

type DumpTable struct {
	Name    string       `json:"name"`
	Columns []DumpColumn `json:"columns"`
	Rows    int64        `json:"rows"`
}
type DumpColumn struct {
	Name string `json:"name"`
	Type string `json:"type"`
}
type DumpOptions struct{ Account int64 }
type LoadOptions struct{ Account int64 }

var errPending = errors.New("pending")

func (db *DB) Dump(ctx context.Context, dir string, opts DumpOptions) ([]DumpTable, error) {
	return nil, errPending
}
func (db *DB) Load(ctx context.Context, dir string, tables []DumpTable, opts LoadOptions) error {
	return errPending
}
func (db *DB) SchemaVersion(ctx context.Context) (int64, error) {
	p, err := db.provider(nil)
	if err != nil {
		return 0, err
	}
	return p.GetDBVersion(ctx)
}
func (db *DB) MigrateTo(ctx context.Context, version int64, log *slog.Logger) error {
	return errPending
}
func (db *DB) TableCounts(ctx context.Context) (map[string]int64, error) {
	q := `SELECT name FROM sqlite_master WHERE type = 'table'`
	if db.engine == Postgres {
		q = `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`
	}
	rows, err := db.reader(ctx).QueryContext(ctx, q)
	if err != nil {
		return nil, err
	}
	names, err := collect(rows, func(r *sql.Rows) (string, error) {
		var s string
		return s, r.Scan(&s)
	})
	if err != nil {
		return nil, err
	}
	out := map[string]int64{}
	for _, n := range names {
		if slices.Contains(privacy.Internal, n) || !identifier.MatchString(n) {
			continue
		}
		var c int64
		if err := db.reader(ctx).QueryRowContext(ctx, `SELECT COUNT(*) FROM `+n).Scan(&c); err != nil {
			return nil, err
		}
		out[n] = c
	}
	return out, nil
}
