package storage

import (
	"database/sql"
	"fmt"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
)

func openPostgres(opts Options) (*DB, error) {
	pool, err := sql.Open("pgx", opts.URL)
	if err != nil {
		return nil, fmt.Errorf("open PostgreSQL: %w", err)
	}
	pool.SetMaxOpenConns(opts.MaxReaders * 2)
	pool.SetMaxIdleConns(opts.MaxReaders)
	return &DB{engine: Postgres, read: pool, write: pool}, nil
}
