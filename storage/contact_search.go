package storage

import (
	"context"
	"database/sql"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/comptoir/comptoir/crm"
	"github.com/comptoir/comptoir/errs"
)

// conds builds a WHERE clause: each added condition's "?" becomes the next
// numbered parameter.
type conds struct {
	parts []string
	args  []any
}

func (w *conds) add(cond string, vs ...any) {
	for _, v := range vs {
		w.args = append(w.args, v)
		cond = strings.Replace(cond, "?", "$"+strconv.Itoa(len(w.args)), 1)
	}
	w.parts = append(w.parts, cond)
}

func (w *conds) String() string { return strings.Join(w.parts, " AND ") }

// ListContacts returns the current account's contacts matching f, in f's
// order, after the keyset (AfterKey, AfterID). Every word of the query
// must appear somewhere in the contact's folded search text.
func (db *DB) ListContacts(ctx context.Context, f crm.Filter) ([]crm.Contact, error) {
	const op = "storage.ListContacts"
	acc, err := scope(ctx)
	if err != nil {
		return nil, err
	}
	var w conds
	w.add("account_id = ?", acc)
	db.matchWords(&w, strings.Fields(crm.SearchKey(f.Query)))
	switch f.Role {
	case "prospect":
		w.add("is_prospect")
	case "client":
		w.add("is_client")
	case "supplier":
		w.add("is_supplier")
	}
	if f.Tag != "" {
		w.add(`tags LIKE ? ESCAPE '\'`, "%,"+escapeLike(strings.ToLower(f.Tag))+",%")
	}
	if f.OwnerID != 0 {
		w.add("owner_id = ?", f.OwnerID)
	}
	if len(f.IDs) > 0 {
		marks := make([]string, len(f.IDs))
		for i := range marks {
			marks[i] = "?"
		}
		ids := make([]any, len(f.IDs))
		for i, id := range f.IDs {
			ids[i] = id
		}
		w.add("id IN ("+strings.Join(marks, ", ")+")", ids...)
	}
	if f.Kind != "" {
		w.add("kind = ?", f.Kind)
	}
	if f.CompanyID != 0 {
		w.add("company_id = ?", f.CompanyID)
	}
	if city := strings.TrimSpace(f.City); city != "" {
		w.add("LOWER(city) = LOWER(?)", city)
	}
	if f.ContactBefore != nil {
		w.add("COALESCE(last_contact_at, created_at) < ?", f.ContactBefore.UTC())
	}
	if f.ContactAfter != nil {
		w.add("last_contact_at >= ?", f.ContactAfter.UTC())
	}
	order := "sort_key, id"
	if f.Sort == crm.SortNewest {
		order = "created_at DESC, id DESC"
	}
	if f.AfterID != 0 {
		if f.Sort == crm.SortNewest {
			t, err := time.Parse(time.RFC3339Nano, f.AfterKey)
			if err != nil {
				return nil, errs.E(op, errs.Invalid, "the page cursor is not valid")
			}
			w.add("(created_at, id) < (?, ?)", t, f.AfterID)
		} else {
			// A row comparison, which both engines read as one range of
			// the (account_id, sort_key, id) index.
			w.add("(sort_key, id) > (?, ?)", f.AfterKey, f.AfterID)
		}
	}
	if f.Limit <= 0 {
		f.Limit = 50
	}
	w.args = append(w.args, f.Limit)
	rows, err := db.reader(ctx).QueryContext(ctx, `SELECT `+contactColumns+` FROM contacts WHERE `+w.String()+
		` ORDER BY `+order+` LIMIT $`+strconv.Itoa(len(w.args)), w.args...)
	if err != nil {
		return nil, dbErr(op, err)
	}
	return collect(rows, func(r *sql.Rows) (crm.Contact, error) { return scanContact(r) })
}

// matchWords adds the full-text conditions for folded words. Both engines
// index trigrams of the search text, so any part of a word of three
// letters or more is found through the index: SQLite with an FTS5 trigram
// table, PostgreSQL with a pg_trgm GIN index that serves LIKE. Shorter
// words, too short for a trigram, are matched with LIKE.
func (db *DB) matchWords(w *conds, words []string) {
	var phrases []string
	for _, word := range words {
		if db.engine == SQLite && utf8.RuneCountInString(word) >= 3 {
			phrases = append(phrases, `"`+strings.ReplaceAll(word, `"`, `""`)+`"`)
			continue
		}
		w.add(`search_text LIKE ? ESCAPE '\'`, "%"+escapeLike(word)+"%")
	}
	if len(phrases) > 0 {
		w.add("id IN (SELECT rowid FROM contacts_fts WHERE contacts_fts MATCH ?)", strings.Join(phrases, " AND "))
	}
}

// escapeLike makes a user's text match literally inside a LIKE pattern.
func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}
