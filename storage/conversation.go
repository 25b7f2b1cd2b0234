package storage

import (
	"context"
	"database/sql"
	"time"

	"github.com/comptoir/comptoir/crm"
)

const conversationColumns = `v.id, v.contact_id, v.kind, v.subject, v.body, v.at, v.duration_min, v.place, v.due_at, v.done_at,
	COALESCE(v.assignee_id, 0), COALESCE(v.author_id, 0), COALESCE(v.case_id, 0), v.created_at, v.updated_at, v.remind_at, v.reminded_at,
	COALESCE(v.document_id, 0)`

func scanConversation(row interface{ Scan(...any) error }, extra ...any) (crm.Conversation, error) {
	var c crm.Conversation
	targets := append([]any{&c.ID, &c.ContactID, &c.Kind, &c.Subject, &c.Body, utc(&c.At), &c.DurationMin, &c.Place,
		nullUTC(&c.DueAt), nullUTC(&c.DoneAt), &c.AssigneeID, &c.AuthorID, &c.CaseID, utc(&c.CreatedAt), utc(&c.UpdatedAt), nullUTC(&c.RemindAt), nullUTC(&c.RemindedAt), &c.DocumentID}, extra...)
	return c, row.Scan(targets...)
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// CreateConversation adds an entry to a contact's timeline in the current
// account; the contact's last contact date moves to now.
func (db *DB) CreateConversation(ctx context.Context, c *crm.Conversation) error {
	acc, err := scope(ctx)
	if err != nil {
		return err
	}
	now := db.Now(ctx)
	c.CreatedAt, c.UpdatedAt = now, now
	err = db.writer(ctx).QueryRowContext(ctx, `
		INSERT INTO conversations (account_id, contact_id, kind, subject, body, at, duration_min, place, due_at, done_at,
			assignee_id, author_id, created_at, updated_at, case_id, remind_at, document_id)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13, $14, $15, $16) RETURNING id`,
		acc, c.ContactID, c.Kind, c.Subject, c.Body, c.At, c.DurationMin, c.Place, c.DueAt, c.DoneAt,
		nullID(c.AssigneeID), nullID(c.AuthorID), now, nullID(c.CaseID), c.RemindAt, nullID(c.DocumentID)).Scan(&c.ID)
	if err != nil {
		return dbErr("storage.CreateConversation", err)
	}
	_, err = db.writer(ctx).ExecContext(ctx,
		`UPDATE contacts SET last_contact_at = $3 WHERE account_id = $1 AND id = $2`, acc, c.ContactID, now)
	return dbErr("storage.CreateConversation", err)
}

// Conversation returns one entry of the current account.
func (db *DB) Conversation(ctx context.Context, id int64) (crm.Conversation, error) {
	acc, err := scope(ctx)
	if err != nil {
		return crm.Conversation{}, err
	}
	c, err := scanConversation(db.reader(ctx).QueryRowContext(ctx,
		`SELECT `+conversationColumns+` FROM conversations v WHERE v.account_id = $1 AND v.id = $2`, acc, id))
	return c, dbErr("storage.Conversation", err)
}

// UpdateConversation saves an entry of the current account.
func (db *DB) UpdateConversation(ctx context.Context, c *crm.Conversation) error {
	acc, err := scope(ctx)
	if err != nil {
		return err
	}
	c.UpdatedAt = db.Now(ctx)
	res, err := db.writer(ctx).ExecContext(ctx, `
		UPDATE conversations SET kind = $3, subject = $4, body = $5, at = $6, duration_min = $7, place = $8, due_at = $9,
			done_at = $10, assignee_id = $11, updated_at = $12, remind_at = $13, reminded_at = $14
		WHERE account_id = $1 AND id = $2`,
		acc, c.ID, c.Kind, c.Subject, c.Body, c.At, c.DurationMin, c.Place, c.DueAt, c.DoneAt, nullID(c.AssigneeID), c.UpdatedAt,
		c.RemindAt, c.RemindedAt)
	return mustAffect("storage.UpdateConversation", res, err)
}

// ContactConversations returns a contact's timeline, newest first.
func (db *DB) ContactConversations(ctx context.Context, contactID int64, limit int) ([]crm.Conversation, error) {
	acc, err := scope(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := db.reader(ctx).QueryContext(ctx, `SELECT `+conversationColumns+` FROM conversations v
		WHERE v.account_id = $1 AND v.contact_id = $2 ORDER BY v.at DESC, v.id DESC LIMIT $3`, acc, contactID, limit)
	if err != nil {
		return nil, dbErr("storage.ContactConversations", err)
	}
	return collect(rows, func(r *sql.Rows) (crm.Conversation, error) { return scanConversation(r) })
}

// Agenda returns a user's open tasks due before until (or undated) and
// their appointments between from and until, with the contact's name.
func (db *DB) Agenda(ctx context.Context, userID int64, from, until time.Time) ([]crm.Conversation, error) {
	acc, err := scope(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := db.reader(ctx).QueryContext(ctx, `SELECT `+conversationColumns+`,
			CASE WHEN c.kind = 'company' THEN c.company_name ELSE TRIM(c.first_name || ' ' || c.last_name) END
		FROM conversations v JOIN contacts c ON c.account_id = v.account_id AND c.id = v.contact_id
		WHERE v.account_id = $1 AND (v.assignee_id = $2 OR (v.assignee_id IS NULL AND v.author_id = $2))
			AND ((v.kind = 'task' AND v.done_at IS NULL AND (v.due_at IS NULL OR v.due_at < $4))
				OR (v.kind = 'appointment' AND v.at >= $3 AND v.at < $4))
		ORDER BY COALESCE(v.due_at, v.at), v.id LIMIT 500`, acc, userID, from.UTC(), until.UTC())
	if err != nil {
		return nil, dbErr("storage.Agenda", err)
	}
	return collect(rows, func(r *sql.Rows) (crm.Conversation, error) {
		var name string
		c, err := scanConversation(r, &name)
		c.ContactName = name
		return c, err
	})
}

// Reminder is a task whose reminder is due, with whom to remind.
type Reminder struct {
	Task        crm.Conversation
	ContactName string
	Email       string // the assignee's, or the author's when unassigned
	Locale      string
}

// ClaimReminders marks the current account's open tasks whose reminder
// time has passed as reminded at now and returns them. Claiming and
// marking are one statement, so two instances never both send a reminder;
// call it in the transaction that records the sending.
func (db *DB) ClaimReminders(ctx context.Context, now time.Time, limit int) ([]Reminder, error) {
	acc, err := scope(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := db.writer(ctx).QueryContext(ctx, `
		UPDATE conversations SET reminded_at = $2
		WHERE account_id = $1 AND id IN (SELECT id FROM conversations WHERE account_id = $1 AND kind = 'task'
			AND done_at IS NULL AND reminded_at IS NULL AND remind_at <= $2 ORDER BY remind_at, id LIMIT $3)
			AND reminded_at IS NULL
		RETURNING id`, acc, now.UTC(), limit)
	if err != nil {
		return nil, dbErr("storage.ClaimReminders", err)
	}
	ids, err := collect(rows, func(r *sql.Rows) (int64, error) {
		var id int64
		return id, r.Scan(&id)
	})
	if err != nil {
		return nil, err
	}
	out := make([]Reminder, 0, len(ids))
	for _, id := range ids {
		var rm Reminder
		rm.Task, err = scanConversation(db.writer(ctx).QueryRowContext(ctx, `SELECT `+conversationColumns+`,
				CASE WHEN c.kind = 'company' THEN c.company_name ELSE TRIM(c.first_name || ' ' || c.last_name) END,
				COALESCE(u.email, ''), COALESCE(u.locale, '')
			FROM conversations v JOIN contacts c ON c.account_id = v.account_id AND c.id = v.contact_id
				LEFT JOIN memberships m ON m.account_id = v.account_id AND m.user_id = COALESCE(v.assignee_id, v.author_id)
					AND m.disabled_at IS NULL
				LEFT JOIN users u ON u.id = m.user_id
			WHERE v.account_id = $1 AND v.id = $2`, acc, id), &rm.ContactName, &rm.Email, &rm.Locale)
		if err != nil {
			return nil, dbErr("storage.ClaimReminders", err)
		}
		out = append(out, rm)
	}
	return out, nil
}

// Calendar returns the appointments starting and the tasks due between
// from and until, of one user (assigned to them, or theirs when
// unassigned) or of everyone when userID is 0, with the contact's name.
func (db *DB) Calendar(ctx context.Context, userID int64, from, until time.Time) ([]crm.Conversation, error) {
	acc, err := scope(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := db.reader(ctx).QueryContext(ctx, `SELECT `+conversationColumns+`,
			CASE WHEN c.kind = 'company' THEN c.company_name ELSE TRIM(c.first_name || ' ' || c.last_name) END
		FROM conversations v JOIN contacts c ON c.account_id = v.account_id AND c.id = v.contact_id
		WHERE v.account_id = $1 AND (CAST($2 AS BIGINT) = 0 OR v.assignee_id = $2 OR (v.assignee_id IS NULL AND v.author_id = $2))
			AND ((v.kind = 'appointment' AND v.at >= $3 AND v.at < $4) OR (v.kind = 'task' AND v.due_at >= $3 AND v.due_at < $4))
		ORDER BY COALESCE(v.due_at, v.at), v.id LIMIT 1000`, acc, userID, from.UTC(), until.UTC())
	if err != nil {
		return nil, dbErr("storage.Calendar", err)
	}
	return collect(rows, func(r *sql.Rows) (crm.Conversation, error) {
		var name string
		c, err := scanConversation(r, &name)
		c.ContactName = name
		return c, err
	})
}
