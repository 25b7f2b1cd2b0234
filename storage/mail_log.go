package storage

import (
	"context"
	"database/sql"
	"time"
)

// MailLogEntry is one e-mail Comptoir tried to send.
type MailLogEntry struct {
	ID        int64
	AccountID int64 // 0 for instance mail, such as password reset codes
	At        time.Time
	To        string
	Template  string
	Subject   string
	Status    string // "sent", "logged" (no SMTP server: written to the server log) or "failed"
	Error     string
}

// LogMail records a delivery attempt.
func (db *DB) LogMail(ctx context.Context, e *MailLogEntry) error {
	e.At = db.Now(ctx)
	err := db.writer(ctx).QueryRowContext(ctx, `
		INSERT INTO mail_log (account_id, at, to_address, template, subject, status, error)
		VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
		e.AccountID, e.At, e.To, e.Template, e.Subject, e.Status, e.Error).Scan(&e.ID)
	return dbErr("storage.LogMail", err)
}

// ListMailLog returns the current account's deliveries, newest first.
func (db *DB) ListMailLog(ctx context.Context, limit int) ([]MailLogEntry, error) {
	accountID, err := scope(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := db.reader(ctx).QueryContext(ctx, `
		SELECT id, account_id, at, to_address, template, subject, status, error FROM mail_log
		WHERE account_id = $1 ORDER BY id DESC LIMIT $2`, accountID, limit)
	if err != nil {
		return nil, dbErr("storage.ListMailLog", err)
	}
	return collect(rows, func(r *sql.Rows) (MailLogEntry, error) {
		var e MailLogEntry
		return e, r.Scan(&e.ID, &e.AccountID, utc(&e.At), &e.To, &e.Template, &e.Subject, &e.Status, &e.Error)
	})
}
