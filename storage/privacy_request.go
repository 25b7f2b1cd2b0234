package storage

import (
	"context"
	"database/sql"
	"encoding/json"

	"github.com/comptoir/comptoir/privacy"
)

const privacyRequestColumns = `id, kind, status, requester_name, requester_email, requester_phone, channel, details,
	received_on, due_on, extended_due_on, extension_reason, code_hash, code_expires_at, code_attempts, code_sent_at,
	codes_sent, verified_at, verified_by, verification_note, notes, answer, answered_at, closed_at, report,
	created_by, created_at, updated_at`

func scanPrivacyRequest(row interface{ Scan(...any) error }) (privacy.Request, error) {
	var r privacy.Request
	var report string
	err := row.Scan(&r.ID, &r.Kind, &r.Status, &r.Name, &r.Email, &r.Phone, &r.Channel, &r.Details,
		&r.ReceivedOn, &r.DueOn, &r.ExtendedDueOn, &r.ExtensionReason, &r.CodeHash, nullUTC(&r.CodeExpiresAt), &r.CodeAttempts,
		nullUTC(&r.CodeSentAt), &r.CodesSent, nullUTC(&r.VerifiedAt), &r.VerifiedBy, &r.VerifyNote, &r.Notes, &r.Answer,
		nullUTC(&r.AnsweredAt), nullUTC(&r.ClosedAt), &report, &r.CreatedBy, utc(&r.CreatedAt), utc(&r.UpdatedAt))
	if err == nil && report != "" {
		r.Report = &privacy.Report{}
		err = json.Unmarshal([]byte(report), r.Report)
	}
	return r, err
}

func reportJSON(r *privacy.Report) (string, error) {
	if r == nil {
		return "", nil
	}
	b, err := json.Marshal(r)
	return string(b), err
}

// CreatePrivacyRequest stores a new request in the current account.
func (db *DB) CreatePrivacyRequest(ctx context.Context, r *privacy.Request) error {
	acc, err := scope(ctx)
	if err != nil {
		return err
	}
	r.CreatedAt = db.Now(ctx)
	r.UpdatedAt = r.CreatedAt
	err = db.writer(ctx).QueryRowContext(ctx, `
		INSERT INTO privacy_requests (account_id, kind, status, requester_name, requester_email, requester_phone, channel,
			details, received_on, due_on, created_by, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id`,
		acc, r.Kind, r.Status, r.Name, r.Email, r.Phone, r.Channel, r.Details, r.ReceivedOn, r.DueOn,
		r.CreatedBy, r.CreatedAt, r.UpdatedAt).Scan(&r.ID)
	return dbErr("storage.CreatePrivacyRequest", err)
}

// PrivacyRequest returns one request of the current account with the
// contacts linked to it.
func (db *DB) PrivacyRequest(ctx context.Context, id int64) (privacy.Request, error) {
	const op = "storage.PrivacyRequest"
	acc, err := scope(ctx)
	if err != nil {
		return privacy.Request{}, err
	}
	r, err := scanPrivacyRequest(db.reader(ctx).QueryRowContext(ctx, `SELECT `+privacyRequestColumns+`
		FROM privacy_requests WHERE account_id = $1 AND id = $2`, acc, id))
	if err != nil {
		return r, dbErr(op, err)
	}
	rows, err := db.reader(ctx).QueryContext(ctx, `SELECT contact_id FROM privacy_request_contacts
		WHERE account_id = $1 AND request_id = $2 ORDER BY contact_id`, acc, id)
	if err != nil {
		return r, dbErr(op, err)
	}
	r.ContactIDs, err = collect(rows, func(r *sql.Rows) (int64, error) {
		var v int64
		return v, r.Scan(&v)
	})
	return r, err
}

// ListPrivacyRequests lists the current account's requests, newest first;
// the open ones by deadline when f.Open.
func (db *DB) ListPrivacyRequests(ctx context.Context, f privacy.RequestFilter) ([]privacy.Request, error) {
	acc, err := scope(ctx)
	if err != nil {
		return nil, err
	}
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 100
	}
	var w conds
	w.add("account_id = ?", acc)
	order := "id DESC"
	if f.Open {
		w.add("status = ?", privacy.RequestOpen)
		order = "CASE WHEN extended_due_on <> '' THEN extended_due_on ELSE due_on END, id"
	}
	if f.BeforeID > 0 {
		w.add("id < ?", f.BeforeID)
	}
	limit := w.bind("?", f.Limit)
	rows, err := db.reader(ctx).QueryContext(ctx, `SELECT `+privacyRequestColumns+` FROM privacy_requests
		WHERE `+w.String()+` ORDER BY `+order+` LIMIT `+limit, w.args...)
	if err != nil {
		return nil, dbErr("storage.ListPrivacyRequests", err)
	}
	return collect(rows, func(r *sql.Rows) (privacy.Request, error) { return scanPrivacyRequest(r) })
}

// SavePrivacyRequest writes every mutable field of r.
func (db *DB) SavePrivacyRequest(ctx context.Context, r *privacy.Request) error {
	acc, err := scope(ctx)
	if err != nil {
		return err
	}
	report, err := reportJSON(r.Report)
	if err != nil {
		return err
	}
	r.UpdatedAt = db.Now(ctx)
	res, err := db.writer(ctx).ExecContext(ctx, `UPDATE privacy_requests SET kind = $3, status = $4, requester_name = $5,
		requester_email = $6, requester_phone = $7, channel = $8, details = $9, received_on = $10, due_on = $11,
		extended_due_on = $12, extension_reason = $13, code_hash = $14, code_expires_at = $15, code_attempts = $16,
		code_sent_at = $17, codes_sent = $18, verified_at = $19, verified_by = $20, verification_note = $21, notes = $22,
		answer = $23, answered_at = $24, closed_at = $25, report = $26, updated_at = $27
		WHERE account_id = $1 AND id = $2`,
		acc, r.ID, r.Kind, r.Status, r.Name, r.Email, r.Phone, r.Channel, r.Details, r.ReceivedOn, r.DueOn,
		r.ExtendedDueOn, r.ExtensionReason, r.CodeHash, r.CodeExpiresAt, r.CodeAttempts, r.CodeSentAt, r.CodesSent,
		r.VerifiedAt, r.VerifiedBy, r.VerifyNote, r.Notes, r.Answer, r.AnsweredAt, r.ClosedAt, report, r.UpdatedAt)
	return mustAffect("storage.SavePrivacyRequest", res, err)
}

// AddPrivacyRequestAttempt counts one wrong identity code, committed apart
// from the refusal so that it always counts.
func (db *DB) AddPrivacyRequestAttempt(ctx context.Context, id int64) error {
	acc, err := scope(ctx)
	if err != nil {
		return err
	}
	res, err := db.writer(ctx).ExecContext(ctx, `UPDATE privacy_requests SET code_attempts = code_attempts + 1
		WHERE account_id = $1 AND id = $2`, acc, id)
	return mustAffect("storage.AddPrivacyRequestAttempt", res, err)
}

// LinkPrivacyRequestContact records that contact is the requester's;
// linking twice is harmless.
func (db *DB) LinkPrivacyRequestContact(ctx context.Context, requestID, contactID int64) error {
	acc, err := scope(ctx)
	if err != nil {
		return err
	}
	_, err = db.writer(ctx).ExecContext(ctx, `INSERT INTO privacy_request_contacts (account_id, request_id, contact_id)
		VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`, acc, requestID, contactID)
	return dbErr("storage.LinkPrivacyRequestContact", err)
}

// UnlinkPrivacyRequestContact removes a contact from a request.
func (db *DB) UnlinkPrivacyRequestContact(ctx context.Context, requestID, contactID int64) error {
	acc, err := scope(ctx)
	if err != nil {
		return err
	}
	res, err := db.writer(ctx).ExecContext(ctx, `DELETE FROM privacy_request_contacts
		WHERE account_id = $1 AND request_id = $2 AND contact_id = $3`, acc, requestID, contactID)
	return mustAffect("storage.UnlinkPrivacyRequestContact", res, err)
}
