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

func (w *conds) add(cond string, vs ...any) { w.parts = append(w.parts, w.bind(cond, vs...)) }

// bind numbers cond's parameters and returns it without adding it.
func (w *conds) bind(cond string, vs ...any) string {
	for _, v := range vs {
		w.args = append(w.args, v)
		cond = strings.Replace(cond, "?", "$"+strconv.Itoa(len(w.args)), 1)
	}
	return cond
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
	from := "contacts"
	match, err := db.matchWords(ctx, &w, &from, strings.Fields(crm.SearchKey(f.Query)))
	if err != nil {
		return nil, dbErr(op, err)
	}
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
	query := `SELECT ` + contactColumns + ` FROM ` + from + ` WHERE ` + w.String()
	if len(match) > 0 {
		// Only words too short for the index: look through a window of
		// the list, in its order, rather than through the whole account.
		w.args = append(w.args, crm.ShortSearchWindow)
		query = `SELECT ` + contactColumns + ` FROM (SELECT * FROM contacts WHERE ` + w.String() + ` ORDER BY ` + order +
			` LIMIT $` + strconv.Itoa(len(w.args)) + `) AS contacts WHERE ` + strings.Join(match, " AND ")
	}
	w.args = append(w.args, f.Limit)
	rows, err := db.reader(ctx).QueryContext(ctx, query+` ORDER BY `+order+` LIMIT $`+strconv.Itoa(len(w.args)), w.args...)
	if err != nil {
		return nil, dbErr(op, err)
	}
	return collect(rows, func(r *sql.Rows) (crm.Contact, error) { return scanContact(r) })
}

// commonMatches is how many full-text matches make a word common (see
// matchWords): about half a percent of a million contacts.
const commonMatches = 5000

// matchWords adds the search conditions for folded words. Both engines
// index trigrams of the search text, so any part of a word of three
// letters or more is found through the index: SQLite with an FTS5 trigram
// table, PostgreSQL with a pg_trgm GIN index that serves LIKE. (Walking
// the list in order and keeping matching rows looks cheaper for common
// words, but the list is sorted by first name, so a common first name
// sits in one block far down the list.) When every word is shorter than
// a trigram, it returns their conditions for the caller to apply to a
// window of the list instead.
func (db *DB) matchWords(ctx context.Context, w *conds, from *string, words []string) ([]string, error) {
	var phrases []string
	var likes []any
	for _, word := range words {
		likes = append(likes, "%"+escapeLike(word)+"%")
		if utf8.RuneCountInString(word) >= 3 {
			phrases = append(phrases, `"`+strings.ReplaceAll(word, `"`, `""`)+`"`)
		}
	}
	const like = `search_text LIKE ? ESCAPE '\'`
	if len(words) > 0 && len(phrases) == 0 {
		short := make([]string, len(likes))
		for i, l := range likes {
			short[i] = w.bind(like, l)
		}
		return short, nil
	}
	if db.engine == SQLite && len(phrases) > 0 {
		fts := strings.Join(phrases, " AND ")
		var n int
		err := db.reader(ctx).QueryRowContext(ctx, `SELECT count(*) FROM (SELECT 1 FROM contacts_fts WHERE contacts_fts MATCH $1 LIMIT $2)`,
			fts, commonMatches).Scan(&n)
		if err != nil {
			return nil, err
		}
		if n < commonMatches {
			// A rare word: start from its matches. CROSS JOIN keeps
			// SQLite from walking the whole list instead, which on a
			// word with no match at all reads every contact.
			*from = w.bind("(SELECT rowid AS fts_id FROM contacts_fts WHERE contacts_fts MATCH ?) AS fts CROSS JOIN contacts ON contacts.id = fts.fts_id", fts)
		} else {
			// A common word: SQLite may walk the list in order and keep
			// the rows among the matches, or sort the matches, as its
			// statistics say.
			w.add("id IN (SELECT rowid FROM contacts_fts WHERE contacts_fts MATCH ?)", fts)
		}
	}
	for _, l := range likes {
		w.add(like, l)
	}
	return nil, nil
}

// escapeLike makes a user's text match literally inside a LIKE pattern.
func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}
