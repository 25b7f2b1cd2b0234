package storage

import (
	"context"
	"database/sql"
	"time"

	"github.com/comptoir/comptoir/errs"
)

// ClosureCode is a pending request to close the current account: the
// hashed code e-mailed to the owner who asked.
type ClosureCode struct {
	UserID    int64
	CodeHash  string
	CreatedAt time.Time
	ExpiresAt time.Time
	Attempts  int
}

// SetClosureCode replaces the current account's pending closure code.
func (db *DB) SetClosureCode(ctx context.Context, c ClosureCode) error {
	acc, err := scope(ctx)
	if err != nil {
		return err
	}
	_, err = db.writer(ctx).ExecContext(ctx, `
		INSERT INTO account_closures (account_id, user_id, code_hash, created_at, expires_at, attempts)
		VALUES ($1, $2, $3, $4, $5, 0)
		ON CONFLICT (account_id) DO UPDATE SET user_id = $2, code_hash = $3, created_at = $4, expires_at = $5, attempts = 0`,
		acc, c.UserID, c.CodeHash, c.CreatedAt, c.ExpiresAt)
	return dbErr("storage.SetClosureCode", err)
}

// PendingClosureCode returns the current account's pending closure code.
func (db *DB) PendingClosureCode(ctx context.Context) (ClosureCode, error) {
	acc, err := scope(ctx)
	if err != nil {
		return ClosureCode{}, err
	}
	var c ClosureCode
	err = db.reader(ctx).QueryRowContext(ctx, `
		SELECT user_id, code_hash, created_at, expires_at, attempts FROM account_closures WHERE account_id = $1`, acc,
	).Scan(&c.UserID, &c.CodeHash, utc(&c.CreatedAt), utc(&c.ExpiresAt), &c.Attempts)
	return c, dbErr("storage.PendingClosureCode", err)
}

// AddClosureAttempt counts a wrong closure code.
func (db *DB) AddClosureAttempt(ctx context.Context) error {
	acc, err := scope(ctx)
	if err != nil {
		return err
	}
	_, err = db.writer(ctx).ExecContext(ctx, `UPDATE account_closures SET attempts = attempts + 1 WHERE account_id = $1`, acc)
	return dbErr("storage.AddClosureAttempt", err)
}

// DeleteClosureCode voids the current account's pending closure code.
func (db *DB) DeleteClosureCode(ctx context.Context) error {
	acc, err := scope(ctx)
	if err != nil {
		return err
	}
	_, err = db.writer(ctx).ExecContext(ctx, `DELETE FROM account_closures WHERE account_id = $1`, acc)
	return dbErr("storage.DeleteClosureCode", err)
}

// SetAccountClosing starts the grace period of the current account, which
// ends at closesAt; nil reopens it. Neither applies to an account whose
// data were already deleted, nor reopens an account that is not closing.
func (db *DB) SetAccountClosing(ctx context.Context, closesAt *time.Time) error {
	acc, err := scope(ctx)
	if err != nil {
		return err
	}
	q := `UPDATE accounts SET closes_at = $2, updated_at = $3 WHERE id = $1 AND closed_at IS NULL AND closes_at IS NULL`
	if closesAt == nil {
		q = `UPDATE accounts SET closes_at = $2, updated_at = $3 WHERE id = $1 AND closed_at IS NULL AND closes_at IS NOT NULL`
	}
	res, err := db.writer(ctx).ExecContext(ctx, q, acc, closesAt, db.Now(ctx))
	return mustAffect("storage.SetAccountClosing", res, err)
}

// AccountsToPurge lists the accounts whose grace period has ended at now
// and those already closed, whose archive may hold documents that left
// their legal hold. It is not scoped: only the daily job calls it.
func (db *DB) AccountsToPurge(ctx context.Context, now time.Time) ([]int64, error) {
	now = now.UTC() // SQLite compares times as text: one zone for all
	rows, err := db.reader(ctx).QueryContext(ctx, `
		SELECT id FROM accounts WHERE (closes_at IS NOT NULL AND closes_at <= $1) OR closed_at IS NOT NULL ORDER BY id`, now)
	if err != nil {
		return nil, dbErr("storage.AccountsToPurge", err)
	}
	return collect(rows, func(r *sql.Rows) (int64, error) {
		var id int64
		return id, r.Scan(&id)
	})
}

// PurgeResult says what a purge of a closed account left and removed.
type PurgeResult struct {
	Closed    bool     // the account's grace period ended now: this purge closed it
	Held      int      // accounting documents still under a legal hold
	Deleted   bool     // nothing was held any more: the account itself is gone
	Checksums []string // attachment files no record refers to any more
	Users     []int64  // members of the account, to delete when they belong to no other
}

// heldDocuments selects the current account's documents under a legal
// hold: issued invoices, deposit invoices, credit notes and recorded
// suppliers' bills dated after the cutoff ($2, an ISO date). A cancelled
// one stays too: an invoice cancelled by its credit note is still an
// accounting record, and the credit note points at it.
const heldDocuments = `SELECT id FROM documents WHERE account_id = $1
	AND kind IN ('invoice', 'deposit', 'credit', 'bill') AND status <> 'draft' AND issue_date > $2`

// PurgeAccount deletes the current account's data when its grace period
// has ended at now, or the account was already closed: everything but the
// accounting documents dated after holdCutoff (an ISO date: their legal
// hold has not ended) and what they need — their lines, the payments
// allocated to them and their allocations, their attachments, the
// minimised contacts they name, the account's legal identity, bank
// details and settings they print with. The account becomes closed and
// its members lose it. When no document is held any more, the account
// itself is deleted. Files are the caller's to delete after the commit.
func (db *DB) PurgeAccount(ctx context.Context, now time.Time, holdCutoff string) (PurgeResult, error) {
	const op = "storage.PurgeAccount"
	var out PurgeResult
	now = now.UTC() // SQLite compares times as text: one zone for all
	acc, err := scope(ctx)
	if err != nil {
		return out, err
	}
	err = db.WithTx(ctx, func(ctx context.Context) error {
		w := db.writer(ctx)
		res, err := w.ExecContext(ctx, `UPDATE accounts SET status = 'closed', closed_at = $2, updated_at = $2
			WHERE id = $1 AND closed_at IS NULL AND closes_at IS NOT NULL AND closes_at <= $2`, acc, now)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 1 {
			out.Closed = true
		} else {
			var closed bool
			err := db.reader(ctx).QueryRowContext(ctx, `SELECT closed_at IS NOT NULL FROM accounts WHERE id = $1`, acc).Scan(&closed)
			if err != nil {
				return err
			}
			if !closed {
				return errs.E(op, errs.Conflict, "the account is not closed")
			}
		}
		rows, err := db.reader(ctx).QueryContext(ctx, `SELECT DISTINCT checksum FROM attachments WHERE account_id = $1
			AND document_id NOT IN (`+heldDocuments+`)
			AND checksum NOT IN (SELECT checksum FROM attachments WHERE account_id = $1 AND document_id IN (`+heldDocuments+`))`, acc, holdCutoff)
		if err != nil {
			return err
		}
		if out.Checksums, err = collect(rows, func(r *sql.Rows) (string, error) {
			var c string
			return c, r.Scan(&c)
		}); err != nil {
			return err
		}
		rows, err = db.reader(ctx).QueryContext(ctx, `SELECT user_id FROM memberships WHERE account_id = $1 ORDER BY user_id`, acc)
		if err != nil {
			return err
		}
		if out.Users, err = collect(rows, func(r *sql.Rows) (int64, error) {
			var id int64
			return id, r.Scan(&id)
		}); err != nil {
			return err
		}
		steps := []struct {
			q    string
			args []any
		}{
			{`DELETE FROM dunning_reminders WHERE account_id = $1`, nil},
			{`DELETE FROM payment_allocations WHERE account_id = $1 AND document_id NOT IN (` + heldDocuments + `)`, []any{holdCutoff}},
			// A payment allocated to nothing (an advance, a credit) is an
			// accounting record of its own date.
			{`DELETE FROM payments WHERE account_id = $1 AND id NOT IN (SELECT payment_id FROM payment_allocations WHERE account_id = $1)
				AND date <= $2`, []any{holdCutoff}},
			{`DELETE FROM conversations WHERE account_id = $1`, nil},
			{`DELETE FROM cases WHERE account_id = $1`, nil},
			{`DELETE FROM contact_addresses WHERE account_id = $1`, nil},
			{`DELETE FROM contact_views WHERE account_id = $1`, nil},
			{`DELETE FROM product_suppliers WHERE account_id = $1`, nil},
			{`DELETE FROM attachments WHERE account_id = $1 AND document_id NOT IN (` + heldDocuments + `)`, []any{holdCutoff}},
			{`DELETE FROM document_lines WHERE account_id = $1 AND document_id NOT IN (` + heldDocuments + `)`, []any{holdCutoff}},
			{`DELETE FROM documents WHERE account_id = $1 AND id NOT IN (` + heldDocuments + `)`, []any{holdCutoff}},
			{`DELETE FROM products WHERE account_id = $1`, nil},
			{`UPDATE contacts SET company_id = NULL WHERE account_id = $1 AND company_id IS NOT NULL`, nil},
			{`DELETE FROM contacts WHERE account_id = $1
				AND id NOT IN (SELECT contact_id FROM documents WHERE account_id = $1)
				AND id NOT IN (SELECT contact_id FROM payments WHERE account_id = $1)`, nil},
			// What stays of a person is what the held documents print.
			{`UPDATE contacts SET email = '', phone = '', phone_key = '', birth_date = '', iban = '', bic = '',
				tags = ',', notes = '', source = '', marketing_consent = FALSE, consent_at = NULL, consent_proof = '',
				owner_id = NULL, erased_at = COALESCE(erased_at, $2) WHERE account_id = $1`, []any{now}},
			{`DELETE FROM mail_log WHERE account_id = $1`, nil},
			{`DELETE FROM idempotency_keys WHERE account_id = $1`, nil},
			{`DELETE FROM sessions WHERE account_id = $1`, nil},
			{`DELETE FROM api_tokens WHERE account_id = $1`, nil},
			{`DELETE FROM invitations WHERE account_id = $1`, nil},
			{`DELETE FROM support_grants WHERE account_id = $1`, nil},
			{`DELETE FROM memberships WHERE account_id = $1`, nil},
			{`DELETE FROM roles WHERE account_id = $1`, nil},
			{`DELETE FROM number_series WHERE account_id = $1`, nil},
			{`DELETE FROM breaches WHERE account_id = $1`, nil},
			{`DELETE FROM register_versions WHERE account_id = $1`, nil},
			{`DELETE FROM retention_policies WHERE account_id = $1`, nil},
			{`DELETE FROM retention_runs WHERE account_id = $1`, nil},
			{`DELETE FROM privacy_request_contacts WHERE account_id = $1`, nil},
			{`DELETE FROM privacy_requests WHERE account_id = $1`, nil},
			{`DELETE FROM account_closures WHERE account_id = $1`, nil},
			{`DELETE FROM activity WHERE account_id = $1`, nil},
			{`DELETE FROM activity_heads WHERE account_id = $1`, nil},
		}
		for _, st := range steps {
			if _, err := w.ExecContext(ctx, st.q, append([]any{acc}, st.args...)...); err != nil {
				return err
			}
		}
		if err := db.reader(ctx).QueryRowContext(ctx, `SELECT COUNT(*) FROM documents WHERE account_id = $1`, acc).Scan(&out.Held); err != nil {
			return err
		}
		var payments int
		if err := db.reader(ctx).QueryRowContext(ctx, `SELECT COUNT(*) FROM payments WHERE account_id = $1`, acc).Scan(&payments); err != nil {
			return err
		}
		if out.Held > 0 || payments > 0 {
			return nil
		}
		for _, q := range []string{
			`DELETE FROM payments WHERE account_id = $1`,
			`DELETE FROM contacts WHERE account_id = $1`,
			`DELETE FROM bank_accounts WHERE account_id = $1`,
			`DELETE FROM sales_settings WHERE account_id = $1`,
			`DELETE FROM accounts WHERE id = $1`,
		} {
			if _, err := w.ExecContext(ctx, q, acc); err != nil {
				return err
			}
		}
		out.Deleted = true
		return nil
	})
	return out, dbErr(op, err)
}

// DeleteOrphanUser deletes a user who belongs to no account any more and
// is no operator: a closed account's member loses their login with it. A
// user other accounts' activity logs still name keeps an emptied row (no
// e-mail, name or credentials), so those logs' hash chains, which hold
// the author's id, still verify. It reports whether the login went.
func (db *DB) DeleteOrphanUser(ctx context.Context, userID int64) (bool, error) {
	const orphan = `id = $1 AND NOT EXISTS (SELECT 1 FROM memberships WHERE user_id = $1)
		AND NOT EXISTS (SELECT 1 FROM operators WHERE user_id = $1)`
	res, err := db.writer(ctx).ExecContext(ctx, `DELETE FROM users WHERE `+orphan+`
		AND NOT EXISTS (SELECT 1 FROM activity WHERE user_id = $1)`, userID)
	if err != nil {
		return false, dbErr("storage.DeleteOrphanUser", err)
	}
	if n, _ := res.RowsAffected(); n == 1 {
		return true, nil
	}
	res, err = db.writer(ctx).ExecContext(ctx, `UPDATE users SET email = 'erased-' || id || '@invalid', name = '', password_hash = '',
		totp_secret = '', totp_pending_secret = '', disabled_at = COALESCE(disabled_at, updated_at) WHERE `+orphan, userID)
	if err != nil {
		return false, dbErr("storage.DeleteOrphanUser", err)
	}
	n, err := res.RowsAffected()
	return n == 1, dbErr("storage.DeleteOrphanUser", err)
}

// CountHeldDocuments counts the current account's documents still under a
// legal hold at the cutoff: what closing the account would keep.
func (db *DB) CountHeldDocuments(ctx context.Context, holdCutoff string) (int, error) {
	acc, err := scope(ctx)
	if err != nil {
		return 0, err
	}
	var n int
	err = db.reader(ctx).QueryRowContext(ctx, `SELECT COUNT(*) FROM (`+heldDocuments+`) held`, acc, holdCutoff).Scan(&n)
	return n, dbErr("storage.CountHeldDocuments", err)
}
