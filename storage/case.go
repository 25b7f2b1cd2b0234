package storage

import (
	"context"
	"database/sql"
	"strconv"
	"strings"

	"github.com/comptoir/comptoir/crm"
)

const caseColumns = `k.id, k.contact_id, k.subject, k.status, k.priority, COALESCE(k.assignee_id, 0), k.opened_at,
	k.first_answer_at, k.solved_at, k.updated_at,
	CASE WHEN c.kind = 'company' THEN c.company_name ELSE TRIM(c.first_name || ' ' || c.last_name) END,
	COALESCE(NULLIF(u.name, ''), u.email, '')`

const caseFrom = ` FROM cases k JOIN contacts c ON c.account_id = k.account_id AND c.id = k.contact_id
	LEFT JOIN users u ON u.id = k.assignee_id`

func scanCase(row interface{ Scan(...any) error }) (crm.Case, error) {
	var k crm.Case
	err := row.Scan(&k.ID, &k.ContactID, &k.Subject, &k.Status, &k.Priority, &k.AssigneeID, utc(&k.OpenedAt),
		nullUTC(&k.FirstAnswerAt), nullUTC(&k.SolvedAt), utc(&k.UpdatedAt), &k.ContactName, &k.AssigneeName)
	return k, err
}

// CreateCase opens a customer-service case in the current account.
func (db *DB) CreateCase(ctx context.Context, k *crm.Case) error {
	acc, err := scope(ctx)
	if err != nil {
		return err
	}
	now := db.Now(ctx)
	k.OpenedAt, k.UpdatedAt = now, now
	err = db.writer(ctx).QueryRowContext(ctx, `
		INSERT INTO cases (account_id, contact_id, subject, status, priority, assignee_id, opened_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING id`,
		acc, k.ContactID, k.Subject, k.Status, k.Priority, nullID(k.AssigneeID), now).Scan(&k.ID)
	return dbErr("storage.CreateCase", err)
}

// Case returns one case of the current account.
func (db *DB) Case(ctx context.Context, id int64) (crm.Case, error) {
	acc, err := scope(ctx)
	if err != nil {
		return crm.Case{}, err
	}
	k, err := scanCase(db.reader(ctx).QueryRowContext(ctx, `SELECT `+caseColumns+caseFrom+` WHERE k.account_id = $1 AND k.id = $2`, acc, id))
	return k, dbErr("storage.Case", err)
}

// UpdateCase saves a case of the current account.
func (db *DB) UpdateCase(ctx context.Context, k *crm.Case) error {
	acc, err := scope(ctx)
	if err != nil {
		return err
	}
	k.UpdatedAt = db.Now(ctx)
	res, err := db.writer(ctx).ExecContext(ctx, `UPDATE cases SET subject = $3, status = $4, priority = $5, assignee_id = $6,
		first_answer_at = $7, solved_at = $8, updated_at = $9 WHERE account_id = $1 AND id = $2`,
		acc, k.ID, k.Subject, k.Status, k.Priority, nullID(k.AssigneeID), k.FirstAnswerAt, k.SolvedAt, k.UpdatedAt)
	return mustAffect("storage.UpdateCase", res, err)
}

// ListCases returns the current account's cases with one of statuses (all
// if none), most pressing and oldest first; contactID limits to a client,
// assigneeID to the cases of one member.
func (db *DB) ListCases(ctx context.Context, statuses []string, contactID, assigneeID int64, limit int) ([]crm.Case, error) {
	acc, err := scope(ctx)
	if err != nil {
		return nil, err
	}
	where := []string{"k.account_id = $1"}
	args := []any{acc}
	if len(statuses) > 0 {
		var ph []string
		for _, s := range statuses {
			args = append(args, s)
			ph = append(ph, "$"+strconv.Itoa(len(args)))
		}
		where = append(where, "k.status IN ("+strings.Join(ph, ", ")+")")
	}
	if contactID != 0 {
		args = append(args, contactID)
		where = append(where, "k.contact_id = $"+strconv.Itoa(len(args)))
	}
	if assigneeID != 0 {
		args = append(args, assigneeID)
		where = append(where, "k.assignee_id = $"+strconv.Itoa(len(args)))
	}
	args = append(args, limit)
	rows, err := db.reader(ctx).QueryContext(ctx, `SELECT `+caseColumns+caseFrom+` WHERE `+strings.Join(where, " AND ")+`
		ORDER BY CASE k.priority WHEN 'urgent' THEN 0 WHEN 'high' THEN 1 WHEN 'normal' THEN 2 ELSE 3 END, k.opened_at, k.id
		LIMIT $`+strconv.Itoa(len(args)), args...)
	if err != nil {
		return nil, dbErr("storage.ListCases", err)
	}
	return collect(rows, func(r *sql.Rows) (crm.Case, error) { return scanCase(r) })
}

// CaseThread returns the conversation entries of a case, oldest first.
func (db *DB) CaseThread(ctx context.Context, caseID int64) ([]crm.Conversation, error) {
	acc, err := scope(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := db.reader(ctx).QueryContext(ctx, `SELECT `+conversationColumns+` FROM conversations v
		WHERE v.account_id = $1 AND v.case_id = $2 ORDER BY v.at, v.id`, acc, caseID)
	if err != nil {
		return nil, dbErr("storage.CaseThread", err)
	}
	return collect(rows, func(r *sql.Rows) (crm.Conversation, error) { return scanConversation(r) })
}
