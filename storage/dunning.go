package storage

import (
	"context"
	"database/sql"
	"time"

	"github.com/comptoir/comptoir/sales"
)

// Overdue is an unpaid invoice past its due date, with its client's
// e-mail address for when the document's buyer has none.
type Overdue struct {
	Document     sales.Document
	ContactEmail string
}

// OverdueInvoices returns the current account's invoices and deposit
// invoices, issued or partly paid, due before today (YYYY-MM-DD) with
// something left to pay, whose reminders are paused neither on the
// invoice nor on the client, and whose person was not erased (a document
// kept under a legal hold is not a claim to chase them with); oldest due
// first, without their lines.
func (db *DB) OverdueInvoices(ctx context.Context, today string) ([]Overdue, error) {
	acc, err := scope(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := db.reader(ctx).QueryContext(ctx, `SELECT `+documentColumns+`, c.email FROM documents d
		JOIN contacts c ON c.account_id = d.account_id AND c.id = d.contact_id
		WHERE d.account_id = $1 AND d.kind IN ('invoice', 'deposit') AND d.status IN ('issued', 'partially_paid')
		AND d.due_date <> '' AND d.due_date < $2 AND d.gross_total - d.credited - d.paid > 0
		AND NOT d.dunning_paused AND NOT c.dunning_paused AND NOT d.restricted AND c.erased_at IS NULL
		ORDER BY d.due_date, d.id`, acc, today)
	if err != nil {
		return nil, dbErr("storage.OverdueInvoices", err)
	}
	return collect(rows, func(r *sql.Rows) (Overdue, error) {
		var o Overdue
		d, err := scanDocument(scanTail{r, []any{&o.ContactEmail}})
		o.Document = d
		return o, err
	})
}

// scanTail scans a row whose last columns follow those scanDocument reads.
type scanTail struct {
	row  interface{ Scan(...any) error }
	tail []any
}

func (s scanTail) Scan(dest ...any) error { return s.row.Scan(append(dest, s.tail...)...) }

// LastReminder returns when the last reminder of a document went, nil if
// none did.
func (db *DB) LastReminder(ctx context.Context, documentID int64) (*time.Time, error) {
	acc, err := scope(ctx)
	if err != nil {
		return nil, err
	}
	var at *time.Time
	// The column itself, not MAX(): SQLite's driver knows a column's
	// type, not an aggregate's.
	err = db.reader(ctx).QueryRowContext(ctx, `SELECT sent_at FROM dunning_reminders WHERE account_id = $1 AND document_id = $2
		ORDER BY sent_at DESC LIMIT 1`, acc, documentID).Scan(nullUTC(&at))
	if err == sql.ErrNoRows {
		return nil, nil
	}
	return at, dbErr("storage.LastReminder", err)
}

// ClaimReminder records a reminder level of a document and raises the
// document's dunning level to it, in the caller's transaction. It returns
// false, writing nothing, when that level was already recorded: however
// many instances send reminders at once, a level is claimed once.
func (db *DB) ClaimReminder(ctx context.Context, r *sales.Reminder) (bool, error) {
	const op = "storage.ClaimReminder"
	acc, err := scope(ctx)
	if err != nil {
		return false, err
	}
	r.SentAt = db.Now(ctx)
	err = db.writer(ctx).QueryRowContext(ctx, `INSERT INTO dunning_reminders (account_id, document_id, level, channel, tone,
		balance, penalties, indemnity, sent_at, sent_by, mail_status) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
		ON CONFLICT (account_id, document_id, level) DO NOTHING RETURNING id`,
		acc, r.DocumentID, r.Level, r.Channel, r.Tone, r.Balance, r.Penalties, r.Indemnity, r.SentAt, r.SentBy, r.MailStatus).Scan(&r.ID)
	if err == sql.ErrNoRows {
		return false, nil
	}
	if err != nil {
		return false, dbErr(op, err)
	}
	_, err = db.writer(ctx).ExecContext(ctx, `UPDATE documents SET dunning_level = $3
		WHERE account_id = $1 AND id = $2 AND dunning_level < $3`, acc, r.DocumentID, r.Level)
	if err != nil {
		return false, dbErr(op, err)
	}
	return true, nil
}

// SetReminderMailStatus records how a reminder's e-mail went.
func (db *DB) SetReminderMailStatus(ctx context.Context, id int64, status string) error {
	acc, err := scope(ctx)
	if err != nil {
		return err
	}
	res, err := db.writer(ctx).ExecContext(ctx, `UPDATE dunning_reminders SET mail_status = $3 WHERE account_id = $1 AND id = $2`,
		acc, id, status)
	return mustAffect("storage.SetReminderMailStatus", res, err)
}

// RemindersOf returns the reminders recorded for a document, by level.
func (db *DB) RemindersOf(ctx context.Context, documentID int64) ([]sales.Reminder, error) {
	acc, err := scope(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := db.reader(ctx).QueryContext(ctx, `SELECT r.id, r.document_id, r.level, r.channel, r.tone, r.balance,
		r.penalties, r.indemnity, r.sent_at, r.sent_by, r.mail_status, d.number
		FROM dunning_reminders r JOIN documents d ON d.account_id = r.account_id AND d.id = r.document_id
		WHERE r.account_id = $1 AND r.document_id = $2 ORDER BY r.level`, acc, documentID)
	if err != nil {
		return nil, dbErr("storage.RemindersOf", err)
	}
	return collect(rows, func(r *sql.Rows) (sales.Reminder, error) {
		var m sales.Reminder
		return m, r.Scan(&m.ID, &m.DocumentID, &m.Level, &m.Channel, &m.Tone, &m.Balance, &m.Penalties, &m.Indemnity,
			utc(&m.SentAt), &m.SentBy, &m.MailStatus, &m.Number)
	})
}

// SetContactDunningPaused pauses or resumes the reminders of every
// invoice of a client.
func (db *DB) SetContactDunningPaused(ctx context.Context, contactID int64, paused bool) error {
	acc, err := scope(ctx)
	if err != nil {
		return err
	}
	res, err := db.writer(ctx).ExecContext(ctx, `UPDATE contacts SET dunning_paused = $3 WHERE account_id = $1 AND id = $2`,
		acc, contactID, paused)
	return mustAffect("storage.SetContactDunningPaused", res, err)
}

// ContactDunningPaused reports whether a client's reminders are paused.
func (db *DB) ContactDunningPaused(ctx context.Context, contactID int64) (bool, error) {
	acc, err := scope(ctx)
	if err != nil {
		return false, err
	}
	var paused bool
	err = db.reader(ctx).QueryRowContext(ctx, `SELECT dunning_paused FROM contacts WHERE account_id = $1 AND id = $2`,
		acc, contactID).Scan(&paused)
	return paused, dbErr("storage.ContactDunningPaused", err)
}
