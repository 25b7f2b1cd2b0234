package storagetest

import (
	"database/sql"
	"path/filepath"
	"testing"
)

// SQLiteRowCounts returns the number of rows of every table of the SQLite
// database in dataDir, read through a connection of its own, so that a
// test can show a command changed nothing.
func SQLiteRowCounts(tb testing.TB, dataDir string) map[string]int64 {
	tb.Helper()
	db, err := sql.Open("sqlite", "file:"+filepath.Join(dataDir, "comptoir.db")+"?mode=ro")
	if err != nil {
		tb.Fatal(err)
	}
	defer func() { _ = db.Close() }()
	rows, err := db.Query(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`)
	if err != nil {
		tb.Fatal(err)
	}
	var tables []string
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			tb.Fatal(err)
		}
		tables = append(tables, name)
	}
	if err := rows.Err(); err != nil {
		tb.Fatal(err)
	}
	out := map[string]int64{}
	for _, t := range tables {
		var n int64
		if err := db.QueryRow(`SELECT COUNT(*) FROM "` + t + `"`).Scan(&n); err != nil {
			tb.Fatal(err)
		}
		out[t] = n
	}
	return out
}
