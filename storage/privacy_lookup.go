package storage

import (
	"context"
	"database/sql"
	"encoding/json"
	"slices"
	"strings"
	"time"

	"github.com/comptoir/comptoir/crm"
	"github.com/comptoir/comptoir/privacy"
	"github.com/comptoir/comptoir/sales"
)

// A person's records are found through indexes only: every query below
// starts from the contact's id (or e-mail) with the account, so a lookup
// costs the same in an account of a thousand contacts or a million.

// ContactsByPhoneKey returns the contacts with that phone (crm PhoneKey).
// The redundant non-empty condition lets the planner use the partial index
// contacts_phone, whose condition a bound parameter cannot imply.
func (db *DB) ContactsByPhoneKey(ctx context.Context, key string, limit int) ([]crm.Contact, error) {
	acc, err := scope(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := db.reader(ctx).QueryContext(ctx, `SELECT `+contactColumns+` FROM contacts
		WHERE account_id = $1 AND phone_key = $2 AND phone_key <> '' ORDER BY id LIMIT $3`, acc, key, limit)
	if err != nil {
		return nil, dbErr("storage.ContactsByPhoneKey", err)
	}
	return collect(rows, func(r *sql.Rows) (crm.Contact, error) { return scanContact(r) })
}

// ContactsByEmail returns the contacts with that e-mail address.
func (db *DB) ContactsByEmail(ctx context.Context, email string, limit int) ([]crm.Contact, error) {
	acc, err := scope(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := db.reader(ctx).QueryContext(ctx, `SELECT `+contactColumns+` FROM contacts
		WHERE account_id = $1 AND email = $2 ORDER BY id LIMIT $3`, acc, strings.ToLower(email), limit)
	if err != nil {
		return nil, dbErr("storage.ContactsByEmail", err)
	}
	return collect(rows, func(r *sql.Rows) (crm.Contact, error) { return scanContact(r) })
}

// MembersByEmail returns the account's members whose login is email.
func (db *DB) MembersByEmail(ctx context.Context, email string) ([]privacy.MemberMatch, error) {
	acc, err := scope(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := db.reader(ctx).QueryContext(ctx, `SELECT u.id, u.name, u.email, m.role
		FROM users u JOIN memberships m ON m.user_id = u.id AND m.account_id = $1 WHERE u.email = $2`,
		acc, strings.ToLower(email))
	if err != nil {
		return nil, dbErr("storage.MembersByEmail", err)
	}
	return collect(rows, func(r *sql.Rows) (privacy.MemberMatch, error) {
		var m privacy.MemberMatch
		return m, r.Scan(&m.UserID, &m.Name, &m.Email, &m.Role)
	})
}

// MailLogCount counts the e-mails of the current account sent to address.
func (db *DB) MailLogCount(ctx context.Context, address string) (int, error) {
	acc, err := scope(ctx)
	if err != nil {
		return 0, err
	}
	var n int
	err = db.reader(ctx).QueryRowContext(ctx, `SELECT COUNT(*) FROM mail_log WHERE account_id = $1 AND lower(to_address) = $2`,
		acc, strings.ToLower(address)).Scan(&n)
	return n, dbErr("storage.MailLogCount", err)
}

// ContactHoldings counts what each module of the current account holds on
// contact c, and lists its documents and payments.
func (db *DB) ContactHoldings(ctx context.Context, c crm.Contact) ([]privacy.Holding, error) {
	const op = "storage.ContactHoldings"
	acc, err := scope(ctx)
	if err != nil {
		return nil, err
	}
	q := db.reader(ctx)
	out := []privacy.Holding{{Table: "contacts", Module: "contacts", Count: 1}}
	counts := []struct{ table, module, query string }{
		{"contact_addresses", "contacts", `SELECT COUNT(*) FROM contact_addresses WHERE account_id = $1 AND contact_id = $2`},
		{"conversations", "contacts", `SELECT COUNT(*) FROM conversations WHERE account_id = $1 AND contact_id = $2`},
		{"cases", "support", `SELECT COUNT(*) FROM cases WHERE account_id = $1 AND contact_id = $2`},
		{"document_lines", "sales", `SELECT COUNT(*) FROM document_lines l JOIN documents d ON d.account_id = l.account_id AND d.id = l.document_id
			WHERE d.account_id = $1 AND d.contact_id = $2`},
		{"attachments", "purchases", `SELECT COUNT(*) FROM attachments a JOIN documents d ON d.account_id = a.account_id AND d.id = a.document_id
			WHERE d.account_id = $1 AND d.contact_id = $2`},
		{"dunning_reminders", "sales", `SELECT COUNT(*) FROM dunning_reminders r JOIN documents d ON d.account_id = r.account_id AND d.id = r.document_id
			WHERE d.account_id = $1 AND d.contact_id = $2`},
		{"product_suppliers", "purchases", `SELECT COUNT(*) FROM product_suppliers WHERE account_id = $1 AND contact_id = $2`},
		{"activity", "activity", `SELECT COUNT(*) FROM activity WHERE account_id = $1 AND record_type = 'contact' AND record_id = $2`},
		{"privacy_requests", "privacy", `SELECT COUNT(*) FROM privacy_request_contacts WHERE account_id = $1 AND contact_id = $2`},
	}
	for _, k := range counts {
		var n int
		if err := q.QueryRowContext(ctx, k.query, acc, c.ID).Scan(&n); err != nil {
			return nil, dbErr(op, err)
		}
		out = append(out, privacy.Holding{Table: k.table, Module: k.module, Count: n})
	}
	rows, err := q.QueryContext(ctx, `SELECT id, kind, number, status, issue_date, restricted FROM documents
		WHERE account_id = $1 AND contact_id = $2 ORDER BY id`, acc, c.ID)
	if err != nil {
		return nil, dbErr(op, err)
	}
	docs, err := collect(rows, func(r *sql.Rows) (privacy.HeldItem, error) {
		var it privacy.HeldItem
		return it, r.Scan(&it.ID, &it.Kind, &it.Label, &it.Status, &it.Date, &it.Restricted)
	})
	if err != nil {
		return nil, err
	}
	out = append(out, privacy.Holding{Table: "documents", Module: "sales", Count: len(docs), Items: docs})
	rows, err = q.QueryContext(ctx, `SELECT id, direction, reference, date FROM payments
		WHERE account_id = $1 AND contact_id = $2 ORDER BY date, id`, acc, c.ID)
	if err != nil {
		return nil, dbErr(op, err)
	}
	pays, err := collect(rows, func(r *sql.Rows) (privacy.HeldItem, error) {
		var it privacy.HeldItem
		return it, r.Scan(&it.ID, &it.Kind, &it.Label, &it.Date)
	})
	if err != nil {
		return nil, err
	}
	out = append(out, privacy.Holding{Table: "payments", Module: "sales", Count: len(pays), Items: pays})
	if c.Email != "" {
		n, err := db.MailLogCount(ctx, c.Email)
		if err != nil {
			return nil, err
		}
		out = append(out, privacy.Holding{Table: "mail_log", Module: "mail", Count: n})
	}
	return out, nil
}

// personTables says how each table's rows are tied to a person: the
// condition after "account_id = $1", where $2 is the contact's id (its
// e-mail address for the e-mail log).
var personTables = []struct{ table, where string }{
	{"contacts", "id = $2"},
	{"contact_addresses", "contact_id = $2"},
	{"conversations", "contact_id = $2"},
	{"cases", "contact_id = $2"},
	{"documents", "contact_id = $2"},
	{"document_lines", "document_id IN (SELECT id FROM documents WHERE account_id = $1 AND contact_id = $2)"},
	{"attachments", "document_id IN (SELECT id FROM documents WHERE account_id = $1 AND contact_id = $2)"},
	{"dunning_reminders", "document_id IN (SELECT id FROM documents WHERE account_id = $1 AND contact_id = $2)"},
	{"payments", "contact_id = $2"},
	{"product_suppliers", "contact_id = $2"},
	{"mail_log", "lower(to_address) = $2"},
	{"activity", "record_type = 'contact' AND record_id = $2"},
	{"privacy_requests", "id IN (SELECT request_id FROM privacy_request_contacts WHERE account_id = $1 AND contact_id = $2)"},
}

// hiddenColumns are never exported, even to the person: keys of the
// tenant, secrets and the hash chain.
var hiddenColumns = []string{"account_id", "code_hash", "hash", "search_text", "sort_key", "phone_key"}

// PersonData reads every row tied to contact c, table by table, with the
// columns the personal data declaration lists (personal or not), for the
// person's own copy: a map from table to rows, each row a map from column
// to value. JSON held in a column is kept as JSON.
func (db *DB) PersonData(ctx context.Context, c crm.Contact) (map[string][]map[string]any, error) {
	const op = "storage.PersonData"
	acc, err := scope(ctx)
	if err != nil {
		return nil, err
	}
	out := map[string][]map[string]any{}
	for _, t := range personTables {
		cols := declaredColumns(t.table)
		if len(cols) == 0 {
			continue
		}
		args := []any{acc, c.ID}
		if t.table == "mail_log" {
			if c.Email == "" {
				continue
			}
			args[1] = strings.ToLower(c.Email)
		}
		rows, err := db.reader(ctx).QueryContext(ctx, `SELECT `+strings.Join(cols, ", ")+` FROM `+t.table+
			` WHERE account_id = $1 AND `+t.where+` ORDER BY 1`, args...)
		if err != nil {
			return nil, dbErr(op, err)
		}
		list, err := collect(rows, func(r *sql.Rows) (map[string]any, error) { return scanMap(r, cols) })
		if err != nil {
			return nil, err
		}
		out[t.table] = list
	}
	return out, nil
}

// staffColumns are the connection data of the members who wrote the log
// about the person: theirs, not the person's, and not in the person's copy
// (GDPR Article 15(4)).
var staffColumns = map[string][]string{"activity": {"ip", "user_agent", "user_id"}}

// declaredColumns lists a table's columns from the declaration, keys first.
func declaredColumns(table string) []string {
	var cols []string
	hidden := append(slices.Clone(hiddenColumns), staffColumns[table]...)
	for _, c := range privacy.NotPersonal[table] {
		if !slices.Contains(hidden, c) {
			cols = append(cols, c)
		}
	}
	for _, f := range privacy.FieldsOf(table) {
		if !slices.Contains(hidden, f.Column) && f.Category != privacy.Credentials {
			cols = append(cols, f.Column)
		}
	}
	if len(cols) > 0 && cols[0] != "id" && slices.Contains(cols, "id") {
		i := slices.Index(cols, "id")
		cols[0], cols[i] = cols[i], cols[0]
	}
	return cols
}

func scanMap(r *sql.Rows, cols []string) (map[string]any, error) {
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	if err := r.Scan(ptrs...); err != nil {
		return nil, err
	}
	m := make(map[string]any, len(cols))
	for i, c := range cols {
		switch v := vals[i].(type) {
		case []byte:
			m[c] = jsonOrText(string(v))
		case string:
			m[c] = jsonOrText(v)
		case time.Time:
			m[c] = v.UTC().Format(time.RFC3339)
		default:
			m[c] = v
		}
	}
	return m, nil
}

// jsonOrText keeps a JSON object or list held in a text column as JSON.
func jsonOrText(s string) any {
	if t := strings.TrimSpace(s); (strings.HasPrefix(t, "{") || strings.HasPrefix(t, "[")) && json.Valid([]byte(t)) {
		return json.RawMessage(t)
	}
	return s
}

// PersonAttachments lists the files attached to contact's documents.
func (db *DB) PersonAttachments(ctx context.Context, contactID int64) ([]sales.Attachment, error) {
	acc, err := scope(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := db.reader(ctx).QueryContext(ctx, `SELECT a.id, a.document_id, a.name, a.media_type, a.size, a.checksum, a.created_by, a.created_at
		FROM attachments a JOIN documents d ON d.account_id = a.account_id AND d.id = a.document_id
		WHERE d.account_id = $1 AND d.contact_id = $2 ORDER BY a.id`, acc, contactID)
	if err != nil {
		return nil, dbErr("storage.PersonAttachments", err)
	}
	return collect(rows, func(r *sql.Rows) (sales.Attachment, error) {
		var a sales.Attachment
		return a, r.Scan(&a.ID, &a.DocumentID, &a.Name, &a.MediaType, &a.Size, &a.Checksum, &a.CreatedBy, utc(&a.CreatedAt))
	})
}

// PersonDocuments returns contact's documents with their lines.
func (db *DB) PersonDocuments(ctx context.Context, contactID int64) ([]sales.Document, error) {
	return db.documentsWhere(ctx, "storage.PersonDocuments", "d.contact_id", []int64{contactID})
}
