package storage

import (
	"context"
	"database/sql"
	"sort"
	"strconv"

	"github.com/comptoir/comptoir/errs"
	"github.com/comptoir/comptoir/money"
	"github.com/comptoir/comptoir/sales"
)

const paymentColumns = `p.id, p.contact_id, p.date, p.amount, p.method, p.reference, p.note, p.allocated, p.created_at, p.direction`

func scanPayment(row interface{ Scan(...any) error }) (sales.Payment, error) {
	var p sales.Payment
	err := row.Scan(&p.ID, &p.ContactID, &p.Date, &p.Amount, &p.Method, &p.Reference, &p.Note, &p.Allocated, utc(&p.CreatedAt), &p.Direction)
	return p, err
}

// CreatePayment saves a payment received from a client, or made to a
// supplier, of the current account, not yet allocated to any document.
func (db *DB) CreatePayment(ctx context.Context, p *sales.Payment, createdBy int64) error {
	acc, err := scope(ctx)
	if err != nil {
		return err
	}
	p.CreatedAt, p.Allocated = db.Now(ctx), 0
	if p.Direction == "" {
		p.Direction = sales.In
	}
	err = db.writer(ctx).QueryRowContext(ctx, `INSERT INTO payments (account_id, contact_id, date, amount, method, reference,
		note, allocated, created_by, created_at, direction) VALUES ($1, $2, $3, $4, $5, $6, $7, 0, $8, $9, $10) RETURNING id`,
		acc, p.ContactID, p.Date, p.Amount, p.Method, p.Reference, p.Note, createdBy, p.CreatedAt, p.Direction).Scan(&p.ID)
	return dbErr("storage.CreatePayment", err)
}

// Payment returns one payment of the current account.
func (db *DB) Payment(ctx context.Context, id int64) (sales.Payment, error) {
	acc, err := scope(ctx)
	if err != nil {
		return sales.Payment{}, err
	}
	p, err := scanPayment(db.reader(ctx).QueryRowContext(ctx, `SELECT `+paymentColumns+` FROM payments p
		WHERE p.account_id = $1 AND p.id = $2`, acc, id))
	return p, dbErr("storage.Payment", err)
}

// PaymentForUpdate returns one payment of the current account and, on
// PostgreSQL, locks its row until the transaction ends (SQLite's one
// writer already serialises writers): whoever deletes it or allocates
// from it takes this lock first, then the documents', by id. createdBy,
// when not 0, finds only a payment that user recorded.
func (db *DB) PaymentForUpdate(ctx context.Context, id, createdBy int64) (sales.Payment, error) {
	acc, err := scope(ctx)
	if err != nil {
		return sales.Payment{}, err
	}
	cond, args := byCreator([]any{acc, id}, createdBy)
	p, err := scanPayment(db.writer(ctx).QueryRowContext(ctx, `SELECT `+paymentColumns+` FROM payments p
		WHERE p.account_id = $1 AND p.id = $2`+cond+db.forUpdate(), args...))
	return p, dbErr("storage.PaymentForUpdate", err)
}

// byCreator adds to a query's arguments the condition that the payment
// was recorded by createdBy, unless createdBy is 0.
func byCreator(args []any, createdBy int64) (string, []any) {
	if createdBy == 0 {
		return "", args
	}
	args = append(args, createdBy)
	return " AND p.created_by = $" + strconv.Itoa(len(args)), args
}

// forUpdate is the row lock a SELECT takes on PostgreSQL; nothing on
// SQLite, whose transactions take the write lock when they begin.
func (db *DB) forUpdate() string {
	if db.engine == Postgres {
		return " FOR UPDATE"
	}
	return ""
}

// PaymentsOf returns the payments received from a client (direction in)
// or made to a supplier (out), oldest first. createdBy, when not 0, keeps
// only those that user recorded.
func (db *DB) PaymentsOf(ctx context.Context, contactID int64, direction string, createdBy int64) ([]sales.Payment, error) {
	acc, err := scope(ctx)
	if err != nil {
		return nil, err
	}
	cond, args := byCreator([]any{acc, contactID, direction}, createdBy)
	rows, err := db.reader(ctx).QueryContext(ctx, `SELECT `+paymentColumns+` FROM payments p
		WHERE p.account_id = $1 AND p.contact_id = $2 AND p.direction = $3`+cond+` ORDER BY p.date, p.id`, args...)
	if err != nil {
		return nil, dbErr("storage.PaymentsOf", err)
	}
	return collect(rows, func(r *sql.Rows) (sales.Payment, error) { return scanPayment(r) })
}

// CreditsForUpdate returns a client's payments (or, direction out, the
// payments made to a supplier) that have something left to allocate,
// oldest first, and on PostgreSQL locks their rows, in id order, until the
// transaction ends. createdBy, when not 0, keeps only those that user
// recorded.
func (db *DB) CreditsForUpdate(ctx context.Context, contactID int64, direction string, createdBy int64) ([]sales.Payment, error) {
	acc, err := scope(ctx)
	if err != nil {
		return nil, err
	}
	cond, args := byCreator([]any{acc, contactID, direction}, createdBy)
	rows, err := db.writer(ctx).QueryContext(ctx, `SELECT `+paymentColumns+` FROM payments p
		WHERE p.account_id = $1 AND p.contact_id = $2 AND p.direction = $3 AND p.allocated < p.amount`+cond+` ORDER BY p.id`+db.forUpdate(), args...)
	if err != nil {
		return nil, dbErr("storage.CreditsForUpdate", err)
	}
	list, err := collect(rows, func(r *sql.Rows) (sales.Payment, error) { return scanPayment(r) })
	sort.SliceStable(list, func(i, j int) bool { return list[i].Date < list[j].Date })
	return list, err
}

// Allocate settles amount of a payment on a document: it records the
// allocation, raises the payment's allocated amount and the document's
// paid amount. It refuses to allocate more than the payment has left
// (a conflict), so two allocations racing on one payment cannot spend its
// credit twice. Run it in the transaction that locked the payment (or
// created it), then the document: payments before documents, as
// DeletePayment does.
func (db *DB) Allocate(ctx context.Context, paymentID, documentID int64, amount money.Amount) error {
	const op = "storage.Allocate"
	acc, err := scope(ctx)
	if err != nil {
		return err
	}
	if amount <= 0 {
		return errs.E(op, errs.Invalid, "an allocation is above zero")
	}
	w := db.writer(ctx)
	res, err := w.ExecContext(ctx, `UPDATE payments SET allocated = allocated + $3
		WHERE account_id = $1 AND id = $2 AND allocated + $3 <= amount`, acc, paymentID, amount)
	if err != nil {
		return dbErr(op, err)
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		if _, gerr := db.Payment(ctx, paymentID); gerr != nil {
			return gerr
		}
		return errs.E(op, errs.Conflict, "the payment has not that much left to allocate")
	}
	res, err = w.ExecContext(ctx, `UPDATE documents SET paid = paid + $3, updated_at = $4 WHERE account_id = $1 AND id = $2`,
		acc, documentID, amount, db.Now(ctx))
	if err := mustAffect(op, res, err); err != nil {
		return err
	}
	_, err = w.ExecContext(ctx, `INSERT INTO payment_allocations (account_id, payment_id, document_id, amount, created_at)
		VALUES ($1, $2, $3, $4, $5)`, acc, paymentID, documentID, amount, db.Now(ctx))
	return dbErr(op, err)
}

const allocationSelect = `SELECT a.id, a.payment_id, a.document_id, a.amount, a.created_at, p.date, p.method, p.reference
	FROM payment_allocations a JOIN payments p ON p.account_id = a.account_id AND p.id = a.payment_id
	WHERE a.account_id = $1 AND `

func (db *DB) allocations(ctx context.Context, op, where string, id int64) ([]sales.Allocation, error) {
	acc, err := scope(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := db.reader(ctx).QueryContext(ctx, allocationSelect+where+` ORDER BY p.date, a.id`, acc, id)
	if err != nil {
		return nil, dbErr(op, err)
	}
	return collect(rows, func(r *sql.Rows) (sales.Allocation, error) {
		var a sales.Allocation
		return a, r.Scan(&a.ID, &a.PaymentID, &a.DocumentID, &a.Amount, utc(&a.CreatedAt), &a.Date, &a.Method, &a.Reference)
	})
}

// AllocationsOf returns the payments settled on a document, with each
// payment's date, method and reference, oldest first.
func (db *DB) AllocationsOf(ctx context.Context, documentID int64) ([]sales.Allocation, error) {
	return db.allocations(ctx, "storage.AllocationsOf", "a.document_id = $2", documentID)
}

// PaymentAllocations returns where a payment was allocated.
func (db *DB) PaymentAllocations(ctx context.Context, paymentID int64) ([]sales.Allocation, error) {
	return db.allocations(ctx, "storage.PaymentAllocations", "a.payment_id = $2", paymentID)
}

// DeletePayment deletes a payment and its allocations, lowering the paid
// amount of the documents it settled. Run it in the transaction that
// locked the payment (PaymentForUpdate), then those documents, by id: it
// locks the payment itself before reading its allocations, so that none
// can be added behind its back and go with the cascade.
func (db *DB) DeletePayment(ctx context.Context, id int64) error {
	const op = "storage.DeletePayment"
	acc, err := scope(ctx)
	if err != nil {
		return err
	}
	if _, err := db.PaymentForUpdate(ctx, id, 0); err != nil {
		return err
	}
	allocs, err := db.PaymentAllocations(ctx, id)
	if err != nil {
		return err
	}
	w := db.writer(ctx)
	for _, a := range allocs {
		res, err := w.ExecContext(ctx, `UPDATE documents SET paid = paid - $3, updated_at = $4 WHERE account_id = $1 AND id = $2`,
			acc, a.DocumentID, a.Amount, db.Now(ctx))
		if err := mustAffect(op, res, err); err != nil {
			return err
		}
	}
	if _, err := w.ExecContext(ctx, `DELETE FROM payment_allocations WHERE account_id = $1 AND payment_id = $2`, acc, id); err != nil {
		return dbErr(op, err)
	}
	res, err := w.ExecContext(ctx, `DELETE FROM payments WHERE account_id = $1 AND id = $2`, acc, id)
	return mustAffect(op, res, err)
}

// BillingDocumentsOf returns a contact's issued documents of kinds (a
// client's invoices, deposit invoices and credit notes; a supplier's
// bills), without their lines, by issue date.
func (db *DB) BillingDocumentsOf(ctx context.Context, contactID int64, kinds []string) ([]sales.Document, error) {
	acc, err := scope(ctx)
	if err != nil {
		return nil, err
	}
	c := conds{}
	c.add("d.account_id = ?", acc)
	c.add("d.contact_id = ?", contactID)
	c.add(c.in("d.kind", anys(kinds)))
	rows, err := db.reader(ctx).QueryContext(ctx, `SELECT `+documentColumns+` FROM documents d
		WHERE `+c.String()+` AND d.status <> 'draft' ORDER BY d.issue_date, d.id`, c.args...)
	if err != nil {
		return nil, dbErr("storage.BillingDocumentsOf", err)
	}
	return collect(rows, func(r *sql.Rows) (sales.Document, error) { return scanDocument(r) })
}
