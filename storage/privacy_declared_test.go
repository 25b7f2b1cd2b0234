package storage_test

import (
	"database/sql"
	"slices"
	"strings"
	"testing"

	"github.com/comptoir/comptoir/privacy"
	"github.com/comptoir/comptoir/storage/storagetest"
)

// TestEveryColumnIsDeclared reads the live schema of each engine and fails
// for any column that the personal-data declaration does not classify: a
// new personal column must say its category, purpose, basis and erasure
// (privacy.Fields) or why it is not personal (privacy.NotPersonal).
func TestEveryColumnIsDeclared(t *testing.T) {
	for _, e := range storagetest.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			t.Parallel()
			_, raw := storagetest.OpenWithRaw(t, e)
			query := `SELECT m.name, p.name FROM sqlite_master m, pragma_table_info(m.name) p WHERE m.type = 'table'`
			if e.Name == "postgres" {
				query = `SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = current_schema()`
			}
			cols := columns(t, raw, query)
			if len(cols) < 100 {
				t.Fatalf("read %d columns only; is the schema migrated?", len(cols))
			}
			seen := map[string]bool{}
			for _, c := range cols {
				table, column := c[0], c[1]
				seen[table] = true
				if slices.Contains(privacy.Internal, table) {
					continue
				}
				if !privacy.Declared(table, column) {
					t.Errorf("%s.%s is not declared: add it to privacy.Fields (category, purpose, basis, erasure) or to privacy.NotPersonal", table, column)
				}
			}
			for _, f := range privacy.Fields {
				if !seen[f.Table] {
					t.Errorf("privacy.Fields declares %s.%s but the schema has no table %s", f.Table, f.Column, f.Table)
				}
			}
		})
	}
}

// TestDeclarationIsConsistent checks that no column is declared twice, or
// both personal and not, and that every field says all it must.
func TestDeclarationIsConsistent(t *testing.T) {
	seen := map[string]bool{}
	for _, f := range privacy.Fields {
		key := f.Table + "." + f.Column
		if seen[key] {
			t.Errorf("%s declared twice", key)
		}
		seen[key] = true
		if slices.Contains(privacy.NotPersonal[f.Table], f.Column) {
			t.Errorf("%s is both personal and not personal", key)
		}
		if f.Category == "" || f.Subject == "" || f.Purpose == "" || f.Basis == "" || f.Erase == "" {
			t.Errorf("%s: incomplete declaration %+v", key, f)
		}
		if !slices.Contains(privacy.Categories, f.Category) {
			t.Errorf("%s: unknown category %q", key, f.Category)
		}
	}
	for table, cols := range privacy.NotPersonal {
		for _, c := range cols {
			if strings.TrimSpace(c) != c || c == "" {
				t.Errorf("%s: bad column name %q", table, c)
			}
		}
	}
}

func columns(t *testing.T, raw *sql.DB, query string) [][2]string {
	t.Helper()
	rows, err := raw.Query(query)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out [][2]string
	for rows.Next() {
		var c [2]string
		if err := rows.Scan(&c[0], &c[1]); err != nil {
			t.Fatal(err)
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}
