package storage

import (
	"context"
	"database/sql"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/comptoir/comptoir/crm"
	"github.com/comptoir/comptoir/errs"
	"github.com/comptoir/comptoir/privacy"
)

// Erasure is what EraseContact did, for the service to finish: the report,
// the attachment files no record refers to any more (removed from disk
// after the commit), and the activity entries that still name the person,
// to redact once the erasure's own entry pins their hashes.
type Erasure struct {
	Report privacy.Report
	Files  []string
	Log    []LogEntry
}

// LogEntry is an activity entry's place in its chain.
type LogEntry struct {
	ID   int64
	Seq  int64
	Hash string
}

// EraseContact erases contact id of the current account as the personal
// data declaration says: drafts, the documents that are not accounting
// records and every exchange go; issued accounting documents, the
// documents they came from and the payments stay under their legal hold,
// restricted; the contact row goes, or stays emptied when held records
// still name it. It runs in the caller's transaction.
func (db *DB) EraseContact(ctx context.Context, id int64) (Erasure, error) {
	acc, err := scope(ctx)
	if err != nil {
		return Erasure{}, err
	}
	var out Erasure
	err = db.WithTx(ctx, func(ctx context.Context) error {
		e := eraser{db: db, ctx: ctx, acc: acc, id: id}
		c, err := db.Contact(ctx, id)
		if err != nil {
			return err
		}
		if c.ErasedAt != nil {
			return errs.E("storage.EraseContact", errs.Conflict, "this contact was already erased")
		}
		e.report.ContactID, e.report.At = id, db.Now(ctx)
		steps := []func(crm.Contact) error{e.mailLog, e.documents, e.payments, e.exchanges, e.logs, e.contactRow}
		for _, step := range steps {
			if err := step(c); err != nil {
				return err
			}
		}
		out = Erasure{Report: e.report, Files: e.files, Log: e.log}
		return nil
	})
	return out, err
}

type eraser struct {
	db     *DB
	ctx    context.Context
	acc    int64
	id     int64
	report privacy.Report
	files  []string
	log    []LogEntry
	// records whose activity entries are redacted, by record type
	records map[string][]int64
	held    bool // something under a legal hold still names the contact
}

func (e *eraser) exec(op, query string, args ...any) (int, error) {
	res, err := e.db.writer(e.ctx).ExecContext(e.ctx, query, append([]any{e.acc}, args...)...)
	if err != nil {
		return 0, dbErr(op, err)
	}
	n, _ := res.RowsAffected()
	return int(n), nil
}

func (e *eraser) ids(op, query string, args ...any) ([]int64, error) {
	rows, err := e.db.writer(e.ctx).QueryContext(e.ctx, query, append([]any{e.acc}, args...)...)
	if err != nil {
		return nil, dbErr(op, err)
	}
	return collect(rows, func(r *sql.Rows) (int64, error) {
		var v int64
		return v, r.Scan(&v)
	})
}

func (e *eraser) touch(recordType string, ids ...int64) {
	if len(ids) == 0 {
		return
	}
	if e.records == nil {
		e.records = map[string][]int64{}
	}
	e.records[recordType] = append(e.records[recordType], ids...)
}

type heldDoc struct {
	id            int64
	kind, number  string
	issue, status string
	origin        int64
}

// documents keeps the issued accounting records and the chain they came
// from, restricted, and deletes the rest.
func (e *eraser) documents(crm.Contact) error {
	const op = "storage.EraseContact"
	rows, err := e.db.writer(e.ctx).QueryContext(e.ctx, `SELECT id, kind, number, issue_date, status, COALESCE(origin_id, 0)
		FROM documents WHERE account_id = $1 AND contact_id = $2`, e.acc, e.id)
	if err != nil {
		return dbErr(op, err)
	}
	docs, err := collect(rows, func(r *sql.Rows) (heldDoc, error) {
		var d heldDoc
		return d, r.Scan(&d.id, &d.kind, &d.number, &d.issue, &d.status, &d.origin)
	})
	if err != nil {
		return err
	}
	byID := map[int64]heldDoc{}
	keep := map[int64]string{} // id → reason
	for _, d := range docs {
		byID[d.id] = d
		e.touch(d.kind, d.id)
		if d.status != "draft" && privacy.Held(d.kind) {
			keep[d.id] = privacy.ReasonHold
		}
	}
	// The origins of what is kept are kept with it.
	for changed := true; changed; {
		changed = false
		for id := range keep {
			if o, ok := byID[byID[id].origin]; ok && keep[o.id] == "" && o.status != "draft" {
				keep[o.id], changed = privacy.ReasonChain, true
			}
		}
	}
	var gone []any
	for _, d := range docs {
		if reason, ok := keep[d.id]; ok {
			until := ""
			if t, err := time.Parse(time.DateOnly, d.issue); err == nil {
				until = privacy.HoldUntil(t).Format(time.DateOnly)
			}
			e.report.Add(privacy.Line{Table: "documents", Record: d.number, Count: 1, Outcome: privacy.Kept, Reason: reason, Until: until})
			continue
		}
		gone = append(gone, d.id)
	}
	if len(keep) > 0 {
		e.held = true
		if _, err := e.exec(op, `UPDATE documents SET restricted = TRUE WHERE account_id = $1 AND contact_id = $2 AND id IN (`+
			idList(keys(keep))+`)`, e.id); err != nil {
			return err
		}
	}
	if len(gone) == 0 {
		return nil
	}
	var w conds
	w.add("account_id = ?", e.acc)
	in := w.in("document_id", gone)
	rows, err = e.db.writer(e.ctx).QueryContext(e.ctx, `SELECT DISTINCT checksum FROM attachments WHERE `+w.String()+` AND `+in, w.args...)
	if err != nil {
		return dbErr(op, err)
	}
	sums, err := collect(rows, func(r *sql.Rows) (string, error) {
		var s string
		return s, r.Scan(&s)
	})
	if err != nil {
		return err
	}
	e.files = sums
	for _, q := range []string{
		`UPDATE conversations SET document_id = NULL WHERE account_id = $1 AND document_id IN (` + idList(gone) + `)`,
		`UPDATE documents SET origin_id = NULL WHERE account_id = $1 AND origin_id IN (` + idList(gone) + `)`,
	} {
		if _, err := e.exec(op, q); err != nil {
			return err
		}
	}
	n, err := e.exec(op, `DELETE FROM documents WHERE account_id = $1 AND id IN (`+idList(gone)+`)`)
	if err != nil {
		return err
	}
	e.report.Add(privacy.Line{Table: "documents", Count: n, Outcome: privacy.Deleted, Reason: privacy.ReasonErased})
	return nil
}

// payments are accounting records: kept, and their log entries redacted.
func (e *eraser) payments(crm.Contact) error {
	ids, err := e.ids("storage.EraseContact", `SELECT id FROM payments WHERE account_id = $1 AND contact_id = $2`, e.id)
	if err != nil {
		return err
	}
	if len(ids) > 0 {
		e.held = true
		e.touch("payment", ids...)
		e.report.Add(privacy.Line{Table: "payments", Count: len(ids), Outcome: privacy.Kept, Reason: privacy.ReasonPayment})
	}
	return nil
}

// exchanges deletes every row the declaration deletes with the person:
// addresses, conversations, cases, the supplier's catalogue references.
func (e *eraser) exchanges(crm.Contact) error {
	const op = "storage.EraseContact"
	cases, err := e.ids(op, `SELECT id FROM cases WHERE account_id = $1 AND contact_id = $2`, e.id)
	if err != nil {
		return err
	}
	e.touch("case", cases...)
	for _, t := range []struct{ table, where string }{
		{"conversations", "contact_id = $2"},
		{"cases", "contact_id = $2"},
		{"contact_addresses", "contact_id = $2"},
		{"product_suppliers", "contact_id = $2"},
	} {
		n, err := e.exec(op, `DELETE FROM `+t.table+` WHERE account_id = $1 AND `+t.where, e.id)
		if err != nil {
			return err
		}
		e.report.Add(privacy.Line{Table: t.table, Count: n, Outcome: privacy.Deleted, Reason: privacy.ReasonErased})
	}
	// People who worked for an erased company stay, unattached.
	_, err = e.exec(op, `UPDATE contacts SET company_id = NULL WHERE account_id = $1 AND company_id = $2`, e.id)
	return err
}

// mailLog empties the e-mail log's lines to the person's address or to
// an address one of their documents was sent to: recipient, subject and
// the server's error, which often quotes the recipient.
func (e *eraser) mailLog(c crm.Contact) error {
	const op = "storage.EraseContact"
	rows, err := e.db.writer(e.ctx).QueryContext(e.ctx, `SELECT DISTINCT lower(sent_to) FROM documents
		WHERE account_id = $1 AND contact_id = $2 AND sent_to <> ''`, e.acc, e.id)
	if err != nil {
		return dbErr(op, err)
	}
	addrs, err := collect(rows, func(r *sql.Rows) (string, error) {
		var a string
		return a, r.Scan(&a)
	})
	if err != nil {
		return err
	}
	if c.Email != "" && !slices.Contains(addrs, c.Email) {
		addrs = append(addrs, c.Email)
	}
	n := 0
	for _, a := range addrs {
		k, err := e.exec(op, `UPDATE mail_log SET to_address = '', subject = '', error = '' WHERE account_id = $1 AND lower(to_address) = $2`, a)
		if err != nil {
			return err
		}
		n += k
	}
	e.report.Add(privacy.Line{Table: "mail_log", Count: n, Outcome: privacy.Redacted, Reason: privacy.ReasonMailLog})
	return nil
}

// likeEscape escapes LIKE's wildcards in s, for ESCAPE '\'.
func likeEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, "%", `\%`, "_", `\_`).Replace(s)
}

// lower folds s as the engine's lower() folds the text it compares with:
// PostgreSQL folds every letter, SQLite only A to Z.
func (db *DB) lower(s string) string {
	if db.engine == Postgres {
		return strings.ToLower(s)
	}
	return strings.Map(func(r rune) rune {
		if r >= 'A' && r <= 'Z' {
			return r + 'a' - 'A'
		}
		return r
	}, s)
}

// logs removes the person from the e-mail log, cached API answers and
// saved searches, and lists the activity entries to redact.
func (e *eraser) logs(c crm.Contact) error {
	const op = "storage.EraseContact"
	names := privacy.Identifiers(c.Email, c.Phone, strings.TrimSpace(c.FirstName+" "+c.LastName),
		strings.TrimSpace(c.LastName+" "+c.FirstName), c.IBAN, c.SIRET)
	if c.Kind == crm.Company {
		// A company's name is the company's; a person's employer is not
		// theirs, and its records are not erased with them.
		names = append(names, privacy.Identifiers(c.CompanyName, c.ShopName)...)
	}
	mentions := func(names []string, cols ...string) (string, []any) {
		var ors []string
		var args []any
		for _, name := range names {
			args = append(args, "%"+likeEscape(e.db.lower(name))+"%")
			for _, col := range cols {
				ors = append(ors, "lower("+col+") LIKE $"+strconv.Itoa(len(args)+1)+` ESCAPE '\'`)
			}
		}
		if len(ors) == 0 {
			return "FALSE", nil
		}
		return "(" + strings.Join(ors, " OR ") + ")", args
	}
	// Cached answers are bytes: the names are looked for as stored.
	var ors []string
	var args []any
	for _, name := range names {
		args = append(args, name)
		ph := "$" + strconv.Itoa(len(args)+1)
		if e.db.engine == Postgres {
			ors = append(ors, "position(convert_to("+ph+", 'UTF8') in body) > 0")
		} else {
			ors = append(ors, "instr(body, CAST("+ph+" AS BLOB)) > 0")
		}
	}
	// A cached answer about one of the person's records names them by id
	// even when no name is in it (an exchange logged through the API).
	for _, tail := range []string{",", "}"} {
		args = append(args, `"contact_id":`+strconv.FormatInt(e.id, 10)+tail)
		ph := "$" + strconv.Itoa(len(args)+1)
		if e.db.engine == Postgres {
			ors = append(ors, "position(convert_to("+ph+", 'UTF8') in body) > 0")
		} else {
			ors = append(ors, "instr(body, CAST("+ph+" AS BLOB)) > 0")
		}
	}
	if len(ors) > 0 {
		n, err := e.exec(op, `DELETE FROM idempotency_keys WHERE account_id = $1 AND (`+strings.Join(ors, " OR ")+`)`, args...)
		if err != nil {
			return err
		}
		e.report.Add(privacy.Line{Table: "idempotency_keys", Count: n, Outcome: privacy.Deleted, Reason: privacy.ReasonReplayCache})
	}
	// A saved search names a person by what the search box takes: a last
	// or first name alone, folded as the list's query keeps it.
	searched := append(slices.Clone(names), privacy.Identifiers(c.LastName, c.FirstName, crm.SearchKey(c.LastName), crm.SearchKey(c.FirstName))...)
	cond, args := mentions(searched, "query", "name")
	views, err := e.ids(op, `SELECT id FROM contact_views WHERE account_id = $1 AND `+cond, args...)
	if err != nil {
		return err
	}
	n := 0
	if len(views) > 0 {
		if n, err = e.exec(op, `DELETE FROM contact_views WHERE account_id = $1 AND id IN (`+idList(anys(views))+`)`); err != nil {
			return err
		}
		e.touch("contact_view", views...)
	}
	e.report.Add(privacy.Line{Table: "contact_views", Count: n, Outcome: privacy.Deleted, Reason: privacy.ReasonSavedView})
	e.touch("contact", e.id)
	cond, args = mentions(names, "summary", "changes")
	ors = nil
	for typ, ids := range e.records {
		args = append(args, typ)
		ors = append(ors, "(record_type = $"+strconv.Itoa(len(args)+1)+" AND record_id IN ("+idList(anys(ids))+"))")
	}
	rows, err := e.db.writer(e.ctx).QueryContext(e.ctx, `SELECT id, seq, hash FROM activity
		WHERE account_id = $1 AND redacted_by IS NULL AND record_type <> 'erasure' AND (`+cond+` OR `+strings.Join(ors, " OR ")+`) ORDER BY seq`,
		append([]any{e.acc}, args...)...)
	if err != nil {
		return dbErr(op, err)
	}
	e.log, err = collect(rows, func(r *sql.Rows) (LogEntry, error) {
		var l LogEntry
		return l, r.Scan(&l.ID, &l.Seq, &l.Hash)
	})
	if err != nil {
		return err
	}
	e.report.Add(privacy.Line{Table: "activity", Count: len(e.log), Outcome: privacy.Redacted, Reason: privacy.ReasonLog})
	return nil
}

// contactRow deletes the contact, or empties every declared field when
// held records still name it.
func (e *eraser) contactRow(crm.Contact) error {
	const op = "storage.EraseContact"
	if !e.held {
		n, err := e.exec(op, `DELETE FROM contacts WHERE account_id = $1 AND id = $2`, e.id)
		e.report.Add(privacy.Line{Table: "contacts", Record: "#" + strconv.FormatInt(e.id, 10), Count: n, Outcome: privacy.Deleted, Reason: privacy.ReasonErased})
		return err
	}
	var sets []string
	for _, f := range privacy.FieldsOf("contacts") {
		if f.Erase == privacy.Blank {
			sets = append(sets, f.Column+" = "+blankOf(f.Column))
		}
	}
	now := e.db.Now(e.ctx)
	query := strings.Replace(`UPDATE contacts SET erased_at = $3, archived_at = COALESCE(archived_at, $3), updated_at = $3, {blanks}
		WHERE account_id = $1 AND id = $2`, "{blanks}", strings.Join(sets, ", "), 1)
	n, err := e.exec(op, query, e.id, now)
	e.report.Add(privacy.Line{Table: "contacts", Record: "#" + strconv.FormatInt(e.id, 10), Count: n, Outcome: privacy.Anonymised, Reason: privacy.ReasonMinimised})
	return err
}

// blankOf is the emptied value of a contacts column.
func blankOf(column string) string {
	switch {
	case strings.HasSuffix(column, "_at"):
		return "NULL"
	case column == "marketing_consent":
		return "FALSE"
	case column == "tags":
		return "','"
	}
	return "''"
}

// RedactActivity empties the summary and changes of the given entries of
// the current account and marks them redacted by entry by, whose own
// changes hold privacy.RedactionDigest of their sequence numbers and hashes.
func (db *DB) RedactActivity(ctx context.Context, entries []LogEntry, by int64) error {
	acc, err := scope(ctx)
	if err != nil {
		return err
	}
	for chunk := range chunks(entries, 500) {
		ids := make([]int64, len(chunk))
		for i, l := range chunk {
			ids[i] = l.ID
		}
		in, list := db.inIDs("id", 3, ids)
		if _, err := db.writer(ctx).ExecContext(ctx, `UPDATE activity SET summary = '', changes = '[]', redacted_by = $2
			WHERE account_id = $1 AND `+in, acc, by, list); err != nil {
			return dbErr("storage.RedactActivity", err)
		}
	}
	return nil
}

func chunks[T any](s []T, n int) func(func([]T) bool) {
	return func(yield func([]T) bool) {
		for len(s) > 0 {
			k := min(n, len(s))
			if !yield(s[:k]) {
				return
			}
			s = s[k:]
		}
	}
}

// idList writes ids as a SQL list; they are integers from the database.
func idList(ids []any) string {
	parts := make([]string, len(ids))
	for i, id := range ids {
		parts[i] = strconv.FormatInt(id.(int64), 10)
	}
	return strings.Join(parts, ", ")
}

func keys(m map[int64]string) []any {
	out := make([]any, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}
