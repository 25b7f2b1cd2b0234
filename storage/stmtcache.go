package storage

import (
	"context"
	"database/sql"
	"sync"
)

// SQLite's driver compiles every statement anew, which costs a third of a
// small transaction. Its write pool has one connection, so statements
// prepared once on it can be reused by every transaction: stmtTx wraps a
// write transaction and runs the statements it has seen before from a
// cache. Queries built with a variable number of parameters would fill the
// cache, so it stops growing at maxCachedStmts.

const maxCachedStmts = 512

type stmtCache struct {
	mu    sync.Mutex
	stmts map[string]*sql.Stmt
}

// get returns the statement of query if it was prepared, else nil.
func (c *stmtCache) get(query string) *sql.Stmt {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.stmts[query]
}

// prepare prepares the queries a transaction ran plainly, once its commit
// has freed the connection: preparing during the transaction would wait
// for the one connection it holds.
func (c *stmtCache) prepare(ctx context.Context, db *sql.DB, queries []string) {
	for _, q := range queries {
		c.mu.Lock()
		_, done := c.stmts[q]
		full := len(c.stmts) >= maxCachedStmts
		c.mu.Unlock()
		if done || full {
			continue
		}
		s, err := db.PrepareContext(ctx, q)
		if err != nil {
			continue
		}
		c.mu.Lock()
		if c.stmts == nil {
			c.stmts = map[string]*sql.Stmt{}
		}
		if _, dup := c.stmts[q]; dup {
			_ = s.Close()
		} else {
			c.stmts[q] = s
		}
		c.mu.Unlock()
	}
}

func (c *stmtCache) close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, s := range c.stmts {
		_ = s.Close()
	}
	c.stmts = nil
}

// stmtTx is a write transaction that reuses cached statements and notes
// the queries it ran without one.
type stmtTx struct {
	*sql.Tx
	cache  *stmtCache
	missed *[]string
}

func (t stmtTx) stmt(ctx context.Context, query string) *sql.Stmt {
	if s := t.cache.get(query); s != nil {
		return t.StmtContext(ctx, s)
	}
	if len(*t.missed) < 64 {
		*t.missed = append(*t.missed, query)
	}
	return nil
}

func (t stmtTx) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if s := t.stmt(ctx, query); s != nil {
		return s.ExecContext(ctx, args...)
	}
	return t.Tx.ExecContext(ctx, query, args...)
}

func (t stmtTx) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if s := t.stmt(ctx, query); s != nil {
		return s.QueryContext(ctx, args...)
	}
	return t.Tx.QueryContext(ctx, query, args...)
}

func (t stmtTx) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if s := t.stmt(ctx, query); s != nil {
		return s.QueryRowContext(ctx, args...)
	}
	return t.Tx.QueryRowContext(ctx, query, args...)
}

// stmtDB runs reads outside a transaction through statements prepared
// once on the read pool; database/sql prepares each on a connection the
// first time that connection runs it, then reuses it.
type stmtDB struct {
	*sql.DB
	cache *stmtCache
}

func (d stmtDB) stmt(ctx context.Context, query string) *sql.Stmt {
	if s := d.cache.get(query); s != nil {
		return s
	}
	d.cache.prepare(ctx, d.DB, []string{query})
	return d.cache.get(query)
}

func (d stmtDB) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if s := d.stmt(ctx, query); s != nil {
		return s.QueryContext(ctx, args...)
	}
	return d.DB.QueryContext(ctx, query, args...)
}

func (d stmtDB) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if s := d.stmt(ctx, query); s != nil {
		return s.QueryRowContext(ctx, args...)
	}
	return d.DB.QueryRowContext(ctx, query, args...)
}
