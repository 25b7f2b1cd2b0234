package storage

import (
	"database/sql"
	"fmt"
	"net/url"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
)

func openPostgres(opts Options) (*DB, error) {
	dsn, err := postgresDSN(opts.URL)
	if err != nil {
		return nil, err
	}
	pool, err := sql.Open("pgx", dsn)
	if err != nil {
		return nil, fmt.Errorf("open PostgreSQL: %w", err)
	}
	pool.SetMaxOpenConns(opts.MaxReaders * 2)
	pool.SetMaxIdleConns(opts.MaxReaders)
	return &DB{engine: Postgres, read: pool, write: pool}, nil
}

// postgresDSN sets pgx to describe each statement once but have the server
// plan it at every execution (default_query_exec_mode=cache_describe)
// unless the URL says otherwise. With server-side prepared statements,
// PostgreSQL settles on a generic plan after five runs: a plan made while
// an import's table was still empty kept scanning it whole, and a
// 100,000-row import took minutes instead of seconds.
func postgresDSN(raw string) (string, error) {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		// Key=value strings are passed as they are.
		return raw, nil //nolint:nilerr // pgx reports what is wrong with the string
	}
	q := u.Query()
	if q.Get("default_query_exec_mode") == "" {
		q.Set("default_query_exec_mode", "cache_describe")
	}
	u.RawQuery = q.Encode()
	return u.String(), nil
}
