package storagetest

import (
	"database/sql"
	"fmt"
	"strings"
	"testing"
	"time"
)

// Hit is a value found by Find: the table, the row's id (when the table
// has one), the column, the needle and the whole value.
type Hit struct{ Table, ID, Column, Needle, Value string }

// Find reads every column of every table of raw's schema, the database's
// own tables included (a search index's shadow tables), and returns each
// value that holds one of the needles, case aside. It is how a test proves
// that something is gone from the whole database.
func Find(tb testing.TB, raw *sql.DB, engine string, needles []string) []Hit {
	tb.Helper()
	query := `SELECT name FROM sqlite_master WHERE type = 'table'`
	if engine == "postgres" {
		query = `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`
	}
	tables := Strings(tb, raw, query)
	if len(tables) < 30 {
		tb.Fatalf("read %d tables only", len(tables))
	}
	var out []Hit
	for _, table := range tables {
		rows, err := raw.Query(`SELECT * FROM ` + table)
		if err != nil {
			tb.Fatalf("%s: %v", table, err)
		}
		cols, _ := rows.Columns()
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				tb.Fatal(err)
			}
			id := ""
			for i, col := range cols {
				if col == "id" {
					id = text(vals[i])
				}
			}
			for i, col := range cols {
				v := strings.ToLower(text(vals[i]))
				for _, n := range needles {
					if strings.Contains(v, strings.ToLower(n)) {
						out = append(out, Hit{table, id, col, n, v})
					}
				}
			}
		}
		if err := rows.Err(); err != nil {
			tb.Fatal(err)
		}
		_ = rows.Close()
	}
	return out
}

// Strings runs query on raw and returns its first column as text.
func Strings(tb testing.TB, raw *sql.DB, query string) []string {
	tb.Helper()
	rows, err := raw.Query(query)
	if err != nil {
		tb.Fatal(err)
	}
	defer func() { _ = rows.Close() }()
	var out []string
	for rows.Next() {
		var v any
		if err := rows.Scan(&v); err != nil {
			tb.Fatal(err)
		}
		out = append(out, text(v))
	}
	return out
}

func text(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case []byte:
		return string(x)
	case string:
		return x
	case time.Time:
		return x.UTC().Format(time.RFC3339)
	}
	return fmt.Sprint(v)
}
