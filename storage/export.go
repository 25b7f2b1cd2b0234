package storage

import (
	"context"
	"database/sql"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/comptoir/comptoir/errs"
	"github.com/comptoir/comptoir/sales"
)

// Column is one column of a table as the schema defines it.
type Column struct {
	Name string
	Bool bool // a boolean, which SQLite returns as an integer
}

// exportKeys are the tables the account export reads, each with the
// columns that order its rows (a keyset, unique within an account). The
// export reads nothing else: the name of a table is never taken from
// outside this list.
var exportKeys = map[string][]string{
	"accounts": {"id"}, "contacts": {"id"}, "contact_addresses": {"id"}, "conversations": {"id"}, "cases": {"id"},
	"contact_views": {"id"}, "products": {"id"}, "product_suppliers": {"product_id", "contact_id"},
	"documents": {"id"}, "document_lines": {"id"}, "payments": {"id"}, "payment_allocations": {"id"},
	"dunning_reminders": {"id"}, "attachments": {"id"}, "activity": {"id"}, "mail_log": {"id"},
	"bank_accounts": {"id"}, "roles": {"id"}, "sales_settings": {"account_id"}, "number_series": {"series", "period"},
	"breaches": {"id"}, "invitations": {"id"}, "api_tokens": {"id"}, "support_grants": {"id"},
	"register_versions": {"id"}, "retention_policies": {"key"}, "retention_runs": {"id"},
	"privacy_requests": {"id"}, "privacy_request_contacts": {"request_id", "contact_id"},
}

var identifier = regexp.MustCompile(`^[a-z_][a-z0-9_]*$`)

// ExportColumns returns the columns of an exportable table, in the
// schema's order.
func (db *DB) ExportColumns(ctx context.Context, table string) ([]Column, error) {
	if _, ok := exportKeys[table]; !ok {
		return nil, errs.E("storage.ExportColumns", errs.Invalid, "not an exportable table: "+table)
	}
	q := `SELECT name, UPPER(type) = 'BOOLEAN' FROM pragma_table_info($1) ORDER BY cid`
	if db.engine == Postgres {
		q = `SELECT column_name, data_type = 'boolean' FROM information_schema.columns
			WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position`
	}
	rows, err := db.reader(ctx).QueryContext(ctx, q, table)
	if err != nil {
		return nil, dbErr("storage.ExportColumns", err)
	}
	return collect(rows, func(r *sql.Rows) (Column, error) {
		var c Column
		return c, r.Scan(&c.Name, &c.Bool)
	})
}

// ExportRows reads the current account's rows of an exportable table,
// columns only, in pages of size ordered by the table's key, and calls fn
// with each row's values (nil for NULL; booleans as bool, times in UTC).
// Only one page is in memory at a time.
func (db *DB) ExportRows(ctx context.Context, table string, columns []Column, size int, fn func([]any) error) error {
	const op = "storage.ExportRows"
	acc, err := scope(ctx)
	if err != nil {
		return err
	}
	keys, ok := exportKeys[table]
	if !ok || len(columns) == 0 {
		return errs.E(op, errs.Invalid, "not an exportable table: "+table)
	}
	names := make([]string, len(columns))
	for i, c := range columns {
		if !identifier.MatchString(c.Name) {
			return errs.E(op, errs.Invalid, "bad column name")
		}
		names[i] = c.Name
	}
	keyAt := make([]int, len(keys))
	for i, k := range keys {
		if keyAt[i] = slices.Index(names, k); keyAt[i] < 0 {
			names = append(names, k)
			keyAt[i] = len(names) - 1
		}
	}
	owner := "account_id"
	if table == "accounts" {
		owner = "id"
	}
	base := `SELECT ` + strings.Join(names, ", ") + ` FROM ` + table + ` WHERE ` + owner + ` = $1`
	order := ` ORDER BY ` + strings.Join(keys, ", ") + fmt.Sprintf(` LIMIT %d`, size)
	var last []any
	for {
		q, args := base+order, []any{acc}
		if last != nil {
			marks := make([]string, len(keys))
			for i := range keys {
				marks[i] = fmt.Sprintf("$%d", i+2)
			}
			q = base + ` AND (` + strings.Join(keys, ", ") + `) > (` + strings.Join(marks, ", ") + `)` + order
			args = append(args, last...)
		}
		rows, err := db.reader(ctx).QueryContext(ctx, q, args...)
		if err != nil {
			return dbErr(op, err)
		}
		n := 0
		vals := make([]any, len(names))
		ptrs := make([]any, len(names))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		for rows.Next() {
			if err := rows.Scan(ptrs...); err != nil {
				rows.Close()
				return dbErr(op, err)
			}
			n++
			last = make([]any, len(keys))
			for i, k := range keyAt {
				last[i] = vals[k]
			}
			row := make([]any, len(columns))
			for i, c := range columns {
				row[i] = normalise(vals[i], c.Bool)
			}
			if err := fn(row); err != nil {
				rows.Close()
				return err
			}
		}
		if err := rows.Err(); err != nil {
			rows.Close()
			return dbErr(op, err)
		}
		rows.Close()
		if n < size {
			return nil
		}
	}
}

// normalise gives a scanned value the same type on both engines.
func normalise(v any, boolean bool) any {
	switch x := v.(type) {
	case int64:
		if boolean {
			return x != 0
		}
	case []byte:
		return string(x)
	case time.Time:
		return x.UTC()
	}
	return v
}

// DocumentIDsAfter lists the ids of the current account's documents after
// the id after, at most limit of them, by id: the export renders their
// PDFs a batch at a time.
func (db *DB) DocumentIDsAfter(ctx context.Context, after int64, limit int) ([]int64, error) {
	acc, err := scope(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := db.reader(ctx).QueryContext(ctx, `SELECT id FROM documents WHERE account_id = $1 AND id > $2
		ORDER BY id LIMIT $3`, acc, after, limit)
	if err != nil {
		return nil, dbErr("storage.DocumentIDsAfter", err)
	}
	return collect(rows, func(r *sql.Rows) (int64, error) {
		var id int64
		return id, r.Scan(&id)
	})
}

// AttachmentsAfter lists the current account's attached files after the id
// after, at most limit of them, by id.
func (db *DB) AttachmentsAfter(ctx context.Context, after int64, limit int) ([]sales.Attachment, error) {
	acc, err := scope(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := db.reader(ctx).QueryContext(ctx, `SELECT `+attachmentColumns+` FROM attachments a
		WHERE a.account_id = $1 AND a.id > $2 ORDER BY a.id LIMIT $3`, acc, after, limit)
	if err != nil {
		return nil, dbErr("storage.AttachmentsAfter", err)
	}
	return collect(rows, func(r *sql.Rows) (sales.Attachment, error) { return scanAttachment(r) })
}

// Snapshot runs fn with every read it makes through db in one read-only
// transaction: on PostgreSQL a repeatable-read snapshot, on SQLite a read
// transaction of the WAL, so that a long export sees the account as it was
// when it began, whatever is written meanwhile. fn must not write.
func (db *DB) Snapshot(ctx context.Context, fn func(ctx context.Context) error) error {
	if _, ok := ctx.Value(txKey{}).(*txState); ok {
		return fn(ctx)
	}
	opts := &sql.TxOptions{ReadOnly: true}
	if db.engine == Postgres {
		opts.Isolation = sql.LevelRepeatableRead
	}
	tx, err := db.read.BeginTx(ctx, opts)
	if err != nil {
		return dbErr("storage.Snapshot", err)
	}
	defer func() { _ = tx.Rollback() }()
	st := &txState{tx: tx, q: tx, now: db.readClock().UTC().Truncate(time.Microsecond)}
	return fn(context.WithValue(ctx, txKey{}, st))
}

// AccountRows counts the current account's rows in every table of the live
// schema that has an account_id column, and its own row in accounts: what
// is left of an account, table by table (a closed account's archive, or
// nothing once it is deleted).
func (db *DB) AccountRows(ctx context.Context) (map[string]int, error) {
	const op = "storage.AccountRows"
	acc, err := scope(ctx)
	if err != nil {
		return nil, err
	}
	q := `SELECT m.name FROM sqlite_master m, pragma_table_info(m.name) p WHERE m.type = 'table' AND p.name = 'account_id' ORDER BY m.name`
	if db.engine == Postgres {
		q = `SELECT table_name FROM information_schema.columns WHERE table_schema = current_schema() AND column_name = 'account_id' ORDER BY table_name`
	}
	rows, err := db.reader(ctx).QueryContext(ctx, q)
	if err != nil {
		return nil, dbErr(op, err)
	}
	tables, err := collect(rows, func(r *sql.Rows) (string, error) {
		var s string
		return s, r.Scan(&s)
	})
	if err != nil {
		return nil, dbErr(op, err)
	}
	out := map[string]int{}
	for _, table := range tables {
		if !identifier.MatchString(table) {
			continue
		}
		var n int
		if err := db.reader(ctx).QueryRowContext(ctx, `SELECT COUNT(*) FROM `+table+` WHERE account_id = $1`, acc).Scan(&n); err != nil {
			return nil, dbErr(op, err)
		}
		out[table] = n
	}
	var n int
	if err := db.reader(ctx).QueryRowContext(ctx, `SELECT COUNT(*) FROM accounts WHERE id = $1`, acc).Scan(&n); err != nil {
		return nil, dbErr(op, err)
	}
	out["accounts"] = n
	return out, nil
}
