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

// in binds vs and returns "column IN ($n, …)".
func (w *conds) in(column string, vs []any) string {
	marks := strings.TrimSuffix(strings.Repeat("?, ", len(vs)), ", ")
	return w.bind(column+" IN ("+marks+")", vs...)
}

func (w *conds) String() string { return strings.Join(w.parts, " AND ") }

// ListContacts returns the current account's contacts matching f, in f's
// order, after the keyset (AfterKey, AfterID). Every word of the query
// must appear somewhere in the contact's folded search text.
//
// Both engines index trigrams of the search text, so any part of a word
// of three letters or more is found through the index: SQLite with an
// FTS5 trigram table, PostgreSQL with a pg_trgm GIN index that serves
// LIKE. Which way is fast depends on the word: a word in many contacts
// fills a page after a short walk of the sorted list, a rare one is best
// read from the index and sorted. Neither engine can tell the two apart
// well (the list is sorted by first name, so a common first name sits in
// one block far down the list), so a search by name first walks a window
// of the list and, only when that falls short of a page, sorts the
// index's matches.
func (db *DB) ListContacts(ctx context.Context, f crm.Filter) ([]crm.Contact, error) {
	if f.Limit <= 0 {
		f.Limit = 50
	}
	if f.HideArchived {
		// Most accounts have no archived contact: their lists keep their plans.
		has, err := db.hasArchived(ctx)
		if err != nil {
			return nil, err
		}
		f.HideArchived = has
	}
	words := strings.Fields(crm.SearchKey(f.Query))
	switch {
	case len(words) == 0:
		return db.listContacts(ctx, f, words, planIndex)
	case f.ShortQuery():
		// Only words too short for the index: a window of the list.
		return db.listContacts(ctx, f, words, crm.ShortSearchWindow)
	case f.Sort == crm.SortNewest:
		return db.listContacts(ctx, f, words, planIndex)
	}
	page, err := db.listContacts(ctx, f, words, searchWindow)
	if err != nil || len(page) == f.Limit {
		return page, err
	}
	if db.engine == SQLite && onlyWords(f, words) {
		return db.sortMatches(ctx, f, words)
	}
	return db.listContacts(ctx, f, words, planIndex)
}

// onlyWords reports whether f is a plain search by name (what the search
// box asks as the user types): words of three letters or more, no other
// filter.
func onlyWords(f crm.Filter, words []string) bool {
	for _, w := range words {
		if utf8.RuneCountInString(w) < 3 {
			return false
		}
	}
	return f.Role == "" && f.Tag == "" && f.OwnerID == 0 && f.Kind == "" && f.CompanyID == 0 && f.City == "" &&
		f.ContactBefore == nil && f.ContactAfter == nil && len(f.IDs) == 0 && f.Sort != crm.SortNewest
}

// sortMatches is the index plan of a plain search on SQLite: it sorts the
// full-text matches by the (id, account_id, sort_key) index, then reads
// only the page's rows. A trigram phrase matches exactly the text that
// contains it, so no row needs checking again.
func (db *DB) sortMatches(ctx context.Context, f crm.Filter, words []string) ([]crm.Contact, error) {
	const op = "storage.ListContacts"
	acc, err := scope(ctx)
	if err != nil {
		return nil, err
	}
	var w conds
	w.add("c.account_id = ?", acc)
	var phrases []string
	for _, word := range words {
		phrases = append(phrases, ftsPhrase(word))
	}
	if f.AfterID != 0 {
		w.add("(c.sort_key, c.id) > (?, ?)", f.AfterKey, f.AfterID)
	}
	if f.HideArchived {
		w.add("c.archived_at IS NULL")
	}
	match := w.bind("?", strings.Join(phrases, " AND "))
	limit := w.bind("?", f.Limit)
	rows, err := db.reader(ctx).QueryContext(ctx, `SELECT `+contactColumns+` FROM contacts WHERE account_id = $1 AND id IN (
		SELECT c.id FROM (SELECT rowid AS fts_id FROM contacts_fts WHERE contacts_fts MATCH `+match+`) AS fts
		CROSS JOIN contacts AS c INDEXED BY contacts_id_sort ON c.id = fts.fts_id
		WHERE `+w.String()+` ORDER BY c.sort_key, c.id LIMIT `+limit+`)
		ORDER BY sort_key, id`, w.args...)
	if err != nil {
		return nil, dbErr(op, err)
	}
	return collect(rows, func(r *sql.Rows) (crm.Contact, error) { return scanContact(r) })
}

// searchWindow is how many contacts of the sorted list a search walks
// before it turns to the index: a word in one contact out of a hundred
// fills a page within it.
const searchWindow = 5000

// planIndex, as listContacts' window, reads the search's matches from the
// index instead of walking a window of the list.
const planIndex = 0

// listContacts runs one plan of ListContacts: window > 0 applies the
// search to that many contacts of the list, in its order; planIndex
// starts from the index's matches.
func (db *DB) listContacts(ctx context.Context, f crm.Filter, words []string, window int) ([]crm.Contact, error) {
	const op = "storage.ListContacts"
	acc, err := scope(ctx)
	if err != nil {
		return nil, err
	}
	var w conds
	w.add("account_id = ?", acc)
	from, match := "contacts", []string(nil)
	if window > 0 {
		match = db.windowWords(&w, words)
	} else {
		from = db.indexWords(&w, words)
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
		ids := make([]any, len(f.IDs))
		for i, id := range f.IDs {
			ids[i] = id
		}
		w.parts = append(w.parts, w.in("id", ids))
	}
	if f.Kind != "" {
		w.add("kind = ?", f.Kind)
	}
	if f.HideArchived {
		w.add("archived_at IS NULL")
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
	query := `SELECT ` + contactColumns + ` FROM ` + from + ` WHERE ` + w.String()
	if window > 0 {
		w.args = append(w.args, window)
		query = `SELECT ` + contactColumns + ` FROM (SELECT * FROM contacts WHERE ` + w.String() + ` ORDER BY ` + order +
			` LIMIT $` + strconv.Itoa(len(w.args)) + `) AS contacts WHERE ` + strings.Join(match, " AND ")
	} else if db.engine == Postgres && len(words) > 0 && f.Sort != crm.SortNewest {
		// Sorting by an expression the name index cannot give keeps
		// PostgreSQL from walking that index: it reads the trigram
		// index's matches and sorts them.
		order = "sort_key || '', id"
	}
	w.args = append(w.args, f.Limit)
	rows, err := db.reader(ctx).QueryContext(ctx, query+` ORDER BY `+order+` LIMIT $`+strconv.Itoa(len(w.args)), w.args...)
	if err != nil {
		return nil, dbErr(op, err)
	}
	return collect(rows, func(r *sql.Rows) (crm.Contact, error) { return scanContact(r) })
}

const likeWord = `search_text LIKE ? ESCAPE '\'`

// windowWords returns each word's condition, for the caller to apply to a
// window of the list.
func (db *DB) windowWords(w *conds, words []string) []string {
	match := make([]string, len(words))
	for i, word := range words {
		match[i] = w.bind(likeWord, "%"+escapeLike(word)+"%")
	}
	return match
}

// indexWords adds the words' conditions and returns the FROM clause that
// starts from the index's matches.
func (db *DB) indexWords(w *conds, words []string) string {
	from := "contacts"
	var phrases []string
	for _, word := range words {
		if utf8.RuneCountInString(word) >= 3 {
			phrases = append(phrases, ftsPhrase(word))
		}
	}
	if db.engine == SQLite && len(phrases) > 0 {
		// CROSS JOIN makes SQLite start from the matches: left to itself
		// it may walk the whole list, which for a word with no match at
		// all reads every contact.
		from = w.bind("(SELECT rowid AS fts_id FROM contacts_fts WHERE contacts_fts MATCH ?) AS fts CROSS JOIN contacts ON contacts.id = fts.fts_id",
			strings.Join(phrases, " AND "))
	}
	for _, word := range words {
		w.add(likeWord, "%"+escapeLike(word)+"%")
	}
	return from
}

// ftsPhrase quotes a word for an FTS5 query, where it matches as a
// substring through the trigram tokenizer.
func ftsPhrase(word string) string { return `"` + strings.ReplaceAll(word, `"`, `""`) + `"` }

// escapeLike makes a user's text match literally inside a LIKE pattern.
func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}
