package storage

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"slices"
	"strconv"
	"strings"

	"github.com/comptoir/comptoir/account"
	"github.com/comptoir/comptoir/errs"
	"github.com/comptoir/comptoir/sales"
)

const documentColumns = `d.id, d.kind, d.status, d.number, d.contact_id, d.buyer, d.delivery_address, COALESCE(d.origin_id, 0),
	d.title, d.issue_date, d.delivery_date, d.due_date, d.valid_until, d.payment_terms, d.discount, d.exemption,
	d.operation, d.vat_on_debits, d.notes, d.locale, d.currency, d.net_total, d.vat_total, d.gross_total, d.paid,
	d.credited, d.dunning_paused, d.dunning_level, d.created_by, d.created_at, d.updated_at, d.issued_at, d.sent_at,
	d.sent_to, d.mail_status, d.supplier_number, d.restricted`

func scanDocument(row interface{ Scan(...any) error }) (sales.Document, error) {
	var d sales.Document
	var buyer string
	var delivery sql.NullString
	err := row.Scan(&d.ID, &d.Kind, &d.Status, &d.Number, &d.ContactID, &buyer, &delivery, &d.OriginID,
		&d.Title, &d.IssueDate, &d.DeliveryDate, &d.DueDate, &d.ValidUntil, &d.PaymentTerms, &d.Discount, &d.Exemption,
		&d.Operation, &d.VATOnDebits, &d.Notes, &d.Locale, &d.Currency, &d.NetTotal, &d.VATTotal, &d.GrossTotal, &d.Paid,
		&d.Credited, &d.DunningPaused, &d.DunningLevel, &d.CreatedBy, utc(&d.CreatedAt), utc(&d.UpdatedAt),
		nullUTC(&d.IssuedAt), nullUTC(&d.SentAt), &d.SentTo, &d.MailStatus, &d.SupplierNumber, &d.Restricted)
	if err != nil {
		return d, err
	}
	if err := json.Unmarshal([]byte(buyer), &d.Buyer); err != nil {
		return d, err
	}
	if delivery.Valid {
		d.DeliveryAddress = new(account.Address)
		if err := json.Unmarshal([]byte(delivery.String), d.DeliveryAddress); err != nil {
			return d, err
		}
	}
	return d, nil
}

// documentArgs are the stored fields a draft's edit may change, in the
// order of the INSERT and UPDATE below ($3 on).
func documentArgs(d *sales.Document) ([]any, error) {
	buyer, err := json.Marshal(d.Buyer)
	if err != nil {
		return nil, err
	}
	var delivery any
	if d.DeliveryAddress != nil {
		b, err := json.Marshal(d.DeliveryAddress)
		if err != nil {
			return nil, err
		}
		delivery = string(b)
	}
	return []any{d.ContactID, string(buyer), delivery, nullID(d.OriginID), d.Title, d.IssueDate, d.DeliveryDate,
		d.DueDate, d.ValidUntil, d.PaymentTerms, d.Discount, string(d.Exemption), d.Operation, d.VATOnDebits, d.Notes,
		d.Locale, d.Currency, d.NetTotal, d.VATTotal, d.GrossTotal, d.SupplierNumber}, nil
}

// CreateDocument saves a new document and its lines in the current account.
func (db *DB) CreateDocument(ctx context.Context, d *sales.Document) error {
	const op = "storage.CreateDocument"
	acc, err := scope(ctx)
	if err != nil {
		return err
	}
	args, err := documentArgs(d)
	if err != nil {
		return errs.Wrap(op, err)
	}
	now := db.Now(ctx)
	d.CreatedAt, d.UpdatedAt = now, now
	args = append([]any{acc, d.Kind}, args...)
	args = append(args, sales.Series(d.Kind), d.Status, d.CreatedBy, now)
	err = db.writer(ctx).QueryRowContext(ctx, `INSERT INTO documents (account_id, kind, contact_id, buyer, delivery_address,
		origin_id, title, issue_date, delivery_date, due_date, valid_until, payment_terms, discount, exemption, operation,
		vat_on_debits, notes, locale, currency, net_total, vat_total, gross_total, supplier_number, series, status, created_by,
		created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25, $26, $27, $27)
		RETURNING id`, args...).Scan(&d.ID)
	if err != nil {
		return dbErr(op, err)
	}
	return db.insertLines(ctx, acc, d)
}

// UpdateDraft saves a draft's fields and replaces its lines. An issued
// document is not a draft and is not found here: issued documents are
// never edited.
func (db *DB) UpdateDraft(ctx context.Context, d *sales.Document) error {
	const op = "storage.UpdateDraft"
	acc, err := scope(ctx)
	if err != nil {
		return err
	}
	args, err := documentArgs(d)
	if err != nil {
		return errs.Wrap(op, err)
	}
	d.UpdatedAt = db.Now(ctx)
	args = append([]any{acc, d.ID}, args...)
	args = append(args, d.UpdatedAt)
	res, err := db.writer(ctx).ExecContext(ctx, `UPDATE documents SET contact_id = $3, buyer = $4, delivery_address = $5,
		origin_id = $6, title = $7, issue_date = $8, delivery_date = $9, due_date = $10, valid_until = $11,
		payment_terms = $12, discount = $13, exemption = $14, operation = $15, vat_on_debits = $16, notes = $17,
		locale = $18, currency = $19, net_total = $20, vat_total = $21, gross_total = $22, supplier_number = $23, updated_at = $24
		WHERE account_id = $1 AND id = $2 AND status = 'draft'`, args...)
	if err := mustAffect(op, res, err); err != nil {
		return err
	}
	if _, err := db.writer(ctx).ExecContext(ctx, `DELETE FROM document_lines WHERE account_id = $1 AND document_id = $2`, acc, d.ID); err != nil {
		return dbErr(op, err)
	}
	return db.insertLines(ctx, acc, d)
}

func (db *DB) insertLines(ctx context.Context, acc int64, d *sales.Document) error {
	if len(d.Lines) == 0 {
		return nil
	}
	// One multi-row INSERT: a document is written in a fixed number of
	// statements whatever its length (up to 1,000 lines, 14,000 parameters).
	var b strings.Builder
	b.WriteString(`INSERT INTO document_lines (account_id, document_id, position, kind, product_id, reference, description,
		quantity, unit, unit_price, discount, vat_rate, origin_line_id, net, deposit_id) VALUES `)
	args := make([]any, 0, len(d.Lines)*15)
	for i, l := range d.Lines {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteByte('(')
		for j := range 15 {
			if j > 0 {
				b.WriteString(", ")
			}
			b.WriteString("$" + strconv.Itoa(len(args)+j+1))
		}
		b.WriteByte(')')
		args = append(args, acc, d.ID, i, l.Kind, nullID(l.ProductID), l.Reference, l.Description, l.Quantity, l.Unit,
			l.UnitPrice, l.Discount, l.VATRate, nullID(l.OriginLineID), l.Net, nullID(l.DepositID))
	}
	b.WriteString(" RETURNING id")
	rows, err := db.writer(ctx).QueryContext(ctx, b.String(), args...)
	if err != nil {
		return dbErr("storage.insertLines", err)
	}
	defer rows.Close()
	// Both engines return the ids of a multi-row INSERT in the order of
	// its VALUES.
	for i := 0; rows.Next(); i++ {
		if err := rows.Scan(&d.Lines[i].ID); err != nil {
			return dbErr("storage.insertLines", err)
		}
	}
	return dbErr("storage.insertLines", rows.Err())
}

// Document returns a document of the current account with its lines.
func (db *DB) Document(ctx context.Context, id int64) (sales.Document, error) {
	const op = "storage.Document"
	acc, err := scope(ctx)
	if err != nil {
		return sales.Document{}, err
	}
	d, err := scanDocument(db.reader(ctx).QueryRowContext(ctx, `SELECT `+documentColumns+`
		FROM documents d WHERE d.account_id = $1 AND d.id = $2`, acc, id))
	if err != nil {
		return d, dbErr(op, err)
	}
	lines, err := db.documentLines(ctx, acc, []int64{id})
	d.Lines = lines[id]
	return d, err
}

// DocumentHead is Document without its lines.
func (db *DB) DocumentHead(ctx context.Context, id int64) (sales.Document, error) {
	acc, err := scope(ctx)
	if err != nil {
		return sales.Document{}, err
	}
	d, err := scanDocument(db.reader(ctx).QueryRowContext(ctx, `SELECT `+documentColumns+`
		FROM documents d WHERE d.account_id = $1 AND d.id = $2`, acc, id))
	return d, dbErr("storage.DocumentHead", err)
}

// DocumentForUpdate is Document inside a write transaction; on PostgreSQL
// the row is locked until the transaction ends, so two payments or two
// credit notes on one invoice are applied one after the other.
func (db *DB) DocumentForUpdate(ctx context.Context, id int64) (sales.Document, error) {
	acc, err := scope(ctx)
	if err != nil {
		return sales.Document{}, err
	}
	lock := ""
	if db.engine == Postgres {
		lock = " FOR UPDATE"
	}
	d, err := scanDocument(db.writer(ctx).QueryRowContext(ctx, `SELECT `+documentColumns+`
		FROM documents d WHERE d.account_id = $1 AND d.id = $2`+lock, acc, id))
	if err != nil {
		return d, dbErr("storage.DocumentForUpdate", err)
	}
	lines, err := db.documentLines(ctx, acc, []int64{id})
	d.Lines = lines[id]
	return d, err
}

func (db *DB) documentLines(ctx context.Context, acc int64, ids []int64) (map[int64][]sales.Line, error) {
	out := map[int64][]sales.Line{}
	if len(ids) == 0 {
		return out, nil
	}
	c := conds{args: []any{acc}}
	c.add(c.in("l.document_id", anys(ids)))
	rows, err := db.reader(ctx).QueryContext(ctx, `SELECT l.document_id, l.id, l.kind, COALESCE(l.product_id, 0), l.reference,
		l.description, l.quantity, l.unit, l.unit_price, l.discount, l.vat_rate, COALESCE(l.origin_line_id, 0), l.net,
		COALESCE(l.deposit_id, 0)
		FROM document_lines l WHERE l.account_id = $1 AND `+c.String()+` ORDER BY l.document_id, l.position`, c.args...)
	if err != nil {
		return nil, dbErr("storage.documentLines", err)
	}
	defer rows.Close()
	for rows.Next() {
		var doc int64
		var l sales.Line
		if err := rows.Scan(&doc, &l.ID, &l.Kind, &l.ProductID, &l.Reference, &l.Description, &l.Quantity, &l.Unit,
			&l.UnitPrice, &l.Discount, &l.VATRate, &l.OriginLineID, &l.Net, &l.DepositID); err != nil {
			return nil, dbErr("storage.documentLines", err)
		}
		out[doc] = append(out[doc], l)
	}
	return out, dbErr("storage.documentLines", rows.Err())
}

// SaveState saves what changes after a document is issued: status, number,
// dates, the frozen buyer and category of operation, payments and credits, reminders, sending, the
// supplier's confirmation number. The
// lines and amounts of an issued document are never rewritten.
func (db *DB) SaveState(ctx context.Context, d *sales.Document) error {
	const op = "storage.SaveState"
	acc, err := scope(ctx)
	if err != nil {
		return err
	}
	buyer, err := json.Marshal(d.Buyer)
	if err != nil {
		return errs.Wrap(op, err)
	}
	d.UpdatedAt = db.Now(ctx)
	res, err := db.writer(ctx).ExecContext(ctx, `UPDATE documents SET status = $3, number = $4, buyer = $5, issue_date = $6,
		delivery_date = $7, due_date = $8, paid = $9, credited = $10, dunning_paused = $11, dunning_level = $12,
		issued_at = $13, sent_at = $14, updated_at = $15, operation = $16, supplier_number = $17 WHERE account_id = $1 AND id = $2`,
		acc, d.ID, d.Status, d.Number, string(buyer), d.IssueDate, d.DeliveryDate, d.DueDate, d.Paid, d.Credited,
		d.DunningPaused, d.DunningLevel, d.IssuedAt, d.SentAt, d.UpdatedAt, d.Operation, d.SupplierNumber)
	return mustAffect(op, res, err)
}

// DeductedBy returns the number of the issued invoice that deducts a
// deposit invoice, or "" when none does.
func (db *DB) DeductedBy(ctx context.Context, depositID int64) (string, error) {
	acc, err := scope(ctx)
	if err != nil {
		return "", err
	}
	var number string
	err = db.reader(ctx).QueryRowContext(ctx, `SELECT d.number FROM document_lines l
		JOIN documents d ON d.account_id = l.account_id AND d.id = l.document_id
		WHERE l.account_id = $1 AND l.deposit_id = $2 AND d.kind = 'invoice' AND d.status <> 'draft' LIMIT 1`, acc, depositID).Scan(&number)
	if err == sql.ErrNoRows {
		return "", nil
	}
	return number, dbErr("storage.DeductedBy", err)
}

// SetMailStatus records where a document was e-mailed and how the
// delivery went; it runs after the commit that recorded the sending.
func (db *DB) SetMailStatus(ctx context.Context, id int64, to, status string) error {
	acc, err := scope(ctx)
	if err != nil {
		return err
	}
	res, err := db.writer(ctx).ExecContext(ctx, `UPDATE documents SET sent_to = $3, mail_status = $4 WHERE account_id = $1 AND id = $2`,
		acc, id, to, status)
	return mustAffect("storage.SetMailStatus", res, err)
}

// DeleteDraft deletes a draft; issued documents are never deleted.
func (db *DB) DeleteDraft(ctx context.Context, id int64) error {
	acc, err := scope(ctx)
	if err != nil {
		return err
	}
	res, err := db.writer(ctx).ExecContext(ctx, `DELETE FROM documents WHERE account_id = $1 AND id = $2 AND status = 'draft'`, acc, id)
	return mustAffect("storage.DeleteDraft", res, err)
}

// NextNumber takes the next number of a series and period, starting at 1.
// It must run in the transaction that issues the document: the counter's
// row is locked until commit (PostgreSQL) or the database is (SQLite), and
// a rollback gives the number back, so numbers have no gap and no
// duplicate however many issue at once.
func (db *DB) NextNumber(ctx context.Context, series, period string) (int64, error) {
	acc, err := scope(ctx)
	if err != nil {
		return 0, err
	}
	var n int64
	err = db.writer(ctx).QueryRowContext(ctx, `INSERT INTO number_series (account_id, series, period, next) VALUES ($1, $2, $3, 1)
		ON CONFLICT (account_id, series, period) DO UPDATE SET next = number_series.next + 1 RETURNING next`,
		acc, series, period).Scan(&n)
	return n, dbErr("storage.NextNumber", err)
}

func anys[T any](vs []T) []any {
	out := make([]any, len(vs))
	for i, v := range vs {
		out[i] = v
	}
	return out
}

// ListDocuments returns the current account's documents matching f,
// newest first, after the keyset f.AfterID, without their lines.
func (db *DB) ListDocuments(ctx context.Context, f sales.Filter) ([]sales.Document, error) {
	acc, err := scope(ctx)
	if err != nil {
		return nil, err
	}
	if f.Limit <= 0 {
		f.Limit = 50
	}
	c := conds{}
	c.add("d.account_id = ?", acc)
	if len(f.Kinds) > 0 {
		c.add(c.in("d.kind", anys(f.Kinds)))
	}
	switch f.Status {
	case "":
	case sales.Overdue:
		c.add("d.status IN ('issued', 'partially_paid') AND d.due_date <> '' AND d.due_date < ? AND d.gross_total - d.credited - d.paid > 0", f.Today)
	case "unpaid":
		c.add("d.status IN ('issued', 'partially_paid')")
	case sales.Expired:
		c.add("d.status = 'issued' AND d.valid_until <> '' AND d.valid_until < ?", f.Today)
	default:
		c.add("d.status = ?", f.Status)
	}
	if !f.Restricted {
		c.add("NOT d.restricted")
	}
	if f.ContactID != 0 {
		c.add("d.contact_id = ?", f.ContactID)
	}
	if f.OriginID != 0 {
		c.add("d.origin_id = ?", f.OriginID)
	}
	if f.CreatedBy != 0 {
		c.add("d.created_by = ?", f.CreatedBy)
	}
	if q := strings.TrimSpace(f.Query); looksLikeNumber(q) {
		ids, err := db.numberMatches(ctx, acc, q)
		if err != nil || len(ids) == 0 {
			return nil, err
		}
		c.add(c.in("d.id", anys(ids)))
	} else if q != "" {
		like := "%" + escapeLike(q) + "%"
		c.add(`(d.title LIKE ? ESCAPE '\' OR d.buyer LIKE ? ESCAPE '\' OR d.supplier_number LIKE ? ESCAPE '\')`, like, like, like)
	}
	if f.AfterID != 0 && !f.ByDueDate {
		c.add("d.id < ?", f.AfterID)
	}
	order := "d.id DESC"
	if f.ByDueDate {
		order = "d.due_date, d.id"
	}
	rows, err := db.reader(ctx).QueryContext(ctx, `SELECT `+documentColumns+` FROM documents d WHERE `+c.String()+`
		ORDER BY `+order+` LIMIT `+strconv.Itoa(f.Limit), c.args...)
	if err != nil {
		return nil, dbErr("storage.ListDocuments", err)
	}
	return collect(rows, func(r *sql.Rows) (sales.Document, error) { return scanDocument(r) })
}

// Children returns the documents made from origin, with their lines,
// oldest first.
func (db *DB) Children(ctx context.Context, origin int64) ([]sales.Document, error) {
	return db.documentsWhere(ctx, "storage.Children", "d.origin_id", []int64{origin})
}

// ChildrenOfMany is Children of several origins at once: a list that
// matches many bills reads their orders' receipts and bills in one go.
func (db *DB) ChildrenOfMany(ctx context.Context, origins []int64) ([]sales.Document, error) {
	return db.documentsWhere(ctx, "storage.ChildrenOfMany", "d.origin_id", origins)
}

// DocumentsByID returns documents of the current account with their
// lines, by id; ids not found are left out.
func (db *DB) DocumentsByID(ctx context.Context, ids []int64) ([]sales.Document, error) {
	return db.documentsWhere(ctx, "storage.DocumentsByID", "d.id", ids)
}

// documentsWhere reads the documents whose column is one of ids, with
// their lines, oldest first.
func (db *DB) documentsWhere(ctx context.Context, op, column string, ids []int64) ([]sales.Document, error) {
	acc, err := scope(ctx)
	if err != nil || len(ids) == 0 {
		return nil, err
	}
	c := conds{}
	c.add("d.account_id = ?", acc)
	c.add(c.in(column, anys(ids)))
	rows, err := db.reader(ctx).QueryContext(ctx, `SELECT `+documentColumns+` FROM documents d WHERE `+c.String()+` ORDER BY d.id`, c.args...)
	if err != nil {
		return nil, dbErr(op, err)
	}
	docs, err := collect(rows, func(r *sql.Rows) (sales.Document, error) { return scanDocument(r) })
	if err != nil || len(docs) == 0 {
		return docs, err
	}
	found := make([]int64, len(docs))
	for i, d := range docs {
		found[i] = d.ID
	}
	lines, err := db.documentLines(ctx, acc, found)
	for i := range docs {
		docs[i].Lines = lines[docs[i].ID]
	}
	return docs, err
}

// SalesSettings returns the current account's sales settings, the
// defaults if it never saved any.
func (db *DB) SalesSettings(ctx context.Context) (sales.Settings, error) {
	acc, err := scope(ctx)
	if err != nil {
		return sales.Settings{}, err
	}
	var data string
	err = db.reader(ctx).QueryRowContext(ctx, `SELECT data FROM sales_settings WHERE account_id = $1`, acc).Scan(&data)
	if err == sql.ErrNoRows {
		return sales.DefaultSettings(), nil
	}
	if err != nil {
		return sales.Settings{}, dbErr("storage.SalesSettings", err)
	}
	s := sales.DefaultSettings()
	return s, errs.Wrap("storage.SalesSettings", json.Unmarshal([]byte(data), &s))
}

// SellerAndSettings returns the current account and its sales settings in
// one query, for the use cases that need both on every document.
func (db *DB) SellerAndSettings(ctx context.Context) (account.Account, sales.Settings, error) {
	const op = "storage.SellerAndSettings"
	acc, err := scope(ctx)
	if err != nil {
		return account.Account{}, sales.Settings{}, err
	}
	var a account.Account
	var data sql.NullString
	err = db.reader(ctx).QueryRowContext(ctx, `SELECT `+qualify("a", accountColumns)+`, s.data
		FROM accounts a LEFT JOIN sales_settings s ON s.account_id = a.id WHERE a.id = $1`, acc).
		Scan(append(accountTargets(&a), &data)...)
	if err != nil {
		return a, sales.Settings{}, dbErr(op, err)
	}
	st := sales.DefaultSettings()
	if data.Valid {
		err = json.Unmarshal([]byte(data.String), &st)
	}
	return a, st, errs.Wrap(op, err)
}

// SaveSalesSettings stores the current account's sales settings.
func (db *DB) SaveSalesSettings(ctx context.Context, s sales.Settings) error {
	acc, err := scope(ctx)
	if err != nil {
		return err
	}
	data, err := json.Marshal(s)
	if err != nil {
		return errs.Wrap("storage.SaveSalesSettings", err)
	}
	_, err = db.writer(ctx).ExecContext(ctx, `INSERT INTO sales_settings (account_id, data, updated_at) VALUES ($1, $2, $3)
		ON CONFLICT (account_id) DO UPDATE SET data = excluded.data, updated_at = excluded.updated_at`, acc, string(data), db.Now(ctx))
	return dbErr("storage.SaveSalesSettings", err)
}

// numberMatches returns the ids of the documents whose number begins with
// q — a range over documents_by_number, in byte order (PostgreSQL's index
// is COLLATE "C" so that the range and the order use it whatever the
// database's collation), the highest 1,000 numbers — and, for digits
// only ("0002", a counter quoted without its series), whose number ends
// with q among the account's latest 20,000 documents, as no index serves
// a suffix. Looked up apart, the matches leave the list a plain lookup of
// at most 2,000 ids, where a subquery in the list's WHERE could be run
// once per document.
func (db *DB) numberMatches(ctx context.Context, acc int64, q string) ([]int64, error) {
	upper := strings.ToUpper(q)
	col, supplierCol := "number", "supplier_number"
	if db.engine == Postgres {
		col, supplierCol = `number COLLATE "C"`, `supplier_number COLLATE "C"`
	}
	type query struct {
		sql  string
		args []any
	}
	queries := []query{{`SELECT id FROM documents WHERE account_id = $1 AND ` + col + ` >= $2 AND ` + col + ` < $3
		ORDER BY ` + col + ` DESC LIMIT 1000`, []any{acc, upper, upper + "\U0010FFFF"}}}
	// A supplier's own number, as printed on their bill or quote: as typed,
	// and in capitals.
	for _, p := range slices.Compact([]string{q, upper}) {
		queries = append(queries, query{`SELECT id FROM documents WHERE account_id = $1 AND supplier_number <> '' AND ` + supplierCol + ` >= $2
		AND ` + supplierCol + ` < $3 ORDER BY id DESC LIMIT 1000`, []any{acc, p, p + "\U0010FFFF"}})
	}
	if strings.Trim(upper, "0123456789") == "" {
		queries = append(queries, query{`SELECT n.id FROM (SELECT id, number FROM documents WHERE account_id = $1 ORDER BY id DESC LIMIT 20000) n
			WHERE n.number LIKE $2`, []any{acc, "%" + upper}})
	}
	var ids []int64
	for _, qr := range queries {
		rows, err := db.reader(ctx).QueryContext(ctx, qr.sql, qr.args...)
		if err != nil {
			return nil, dbErr("storage.numberMatches", err)
		}
		found, err := collect(rows, func(r *sql.Rows) (int64, error) {
			var id int64
			return id, r.Scan(&id)
		})
		if err != nil {
			return nil, err
		}
		ids = append(ids, found...)
	}
	return ids, nil
}

// looksLikeNumber reports whether a search is the beginning of a document
// number: it has a digit and no space ("F-2026-00", "2026").
func looksLikeNumber(q string) bool {
	return q != "" && strings.ContainsAny(q, "0123456789") && !strings.ContainsAny(q, " \t")
}

// SupplierNumberTaken returns the number of another document of kind from
// the same supplier, not cancelled, that carries supplierNumber (a bill
// recorded twice), or "" when there is none. A draft has no number of its
// own: "draft" is returned then.
func (db *DB) SupplierNumberTaken(ctx context.Context, contactID int64, kind, supplierNumber string, except int64) (string, error) {
	acc, err := scope(ctx)
	if err != nil {
		return "", err
	}
	var number string
	err = db.writer(ctx).QueryRowContext(ctx, `SELECT number FROM documents WHERE account_id = $1 AND contact_id = $2
		AND UPPER(supplier_number) = UPPER($3) AND kind = $4 AND id <> $5 AND status <> 'cancelled' ORDER BY id LIMIT 1`,
		acc, contactID, supplierNumber, kind, except).Scan(&number)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err == nil && number == "" {
		number = "draft"
	}
	return number, dbErr("storage.SupplierNumberTaken", err)
}
