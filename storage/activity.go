package storage

import (
	"context"
	"database/sql"
	"encoding/json"

	"github.com/comptoir/comptoir/activity"
)

// AppendActivity writes an entry to the current account's activity log. It
// is called inside the write's own transaction.
func (db *DB) AppendActivity(ctx context.Context, e *activity.Entry) error {
	acc, err := scope(ctx)
	if err != nil {
		return err
	}
	e.At = db.Now(ctx)
	changes := e.Changes
	if changes == nil {
		changes = []activity.Change{}
	}
	js, err := json.Marshal(changes)
	if err != nil {
		return dbErr("storage.AppendActivity", err)
	}
	var user, record any
	if e.UserID != 0 {
		user = e.UserID
	}
	if e.RecordID != 0 {
		record = e.RecordID
	}
	err = db.writer(ctx).QueryRowContext(ctx, `
		INSERT INTO activity (account_id, at, user_id, module, action, record_type, record_id, summary, changes, ip, user_agent)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id`,
		acc, e.At, user, e.Module, e.Action, e.RecordType, record, e.Summary, string(js), e.IP, e.UserAgent,
	).Scan(&e.ID)
	return dbErr("storage.AppendActivity", err)
}

// ListActivity returns the current account's entries, newest first, with
// ids below beforeID (0: from the newest), at most limit.
func (db *DB) ListActivity(ctx context.Context, beforeID int64, limit int) ([]activity.Entry, error) {
	acc, err := scope(ctx)
	if err != nil {
		return nil, err
	}
	if beforeID <= 0 {
		beforeID = 1<<63 - 1
	}
	rows, err := db.reader(ctx).QueryContext(ctx, `
		SELECT a.id, a.at, COALESCE(a.user_id, 0), COALESCE(u.email, ''), a.module, a.action, a.record_type,
			COALESCE(a.record_id, 0), a.summary, a.changes, a.ip, a.user_agent
		FROM activity a LEFT JOIN users u ON u.id = a.user_id
		WHERE a.account_id = $1 AND a.id < $2
		ORDER BY a.id DESC LIMIT $3`, acc, beforeID, limit)
	if err != nil {
		return nil, dbErr("storage.ListActivity", err)
	}
	return collect(rows, func(r *sql.Rows) (activity.Entry, error) {
		var e activity.Entry
		var changes string
		if err := r.Scan(&e.ID, utc(&e.At), &e.UserID, &e.UserEmail, &e.Module, &e.Action, &e.RecordType,
			&e.RecordID, &e.Summary, &changes, &e.IP, &e.UserAgent); err != nil {
			return e, err
		}
		return e, json.Unmarshal([]byte(changes), &e.Changes)
	})
}
