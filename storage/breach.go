package storage

import (
	"context"
	"database/sql"
	"strings"

	"github.com/comptoir/comptoir/privacy"
)

const breachColumns = `id, discovered_at, reported_by, nature, categories, subjects, people_count, records_count,
	consequences, measures, risk, authority_notified_at, authority_reference, late_reason, people_notified_at,
	no_notice_reason, status, created_by, created_at, updated_at`

func scanBreach(row interface{ Scan(...any) error }) (privacy.Breach, error) {
	var b privacy.Breach
	var cats, subjects string
	err := row.Scan(&b.ID, utc(&b.DiscoveredAt), &b.ReportedBy, &b.Nature, &cats, &subjects, &b.PeopleCount,
		&b.RecordsCount, &b.Consequences, &b.Measures, &b.Risk, nullUTC(&b.AuthorityNotifiedAt), &b.AuthorityReference,
		&b.LateReason, nullUTC(&b.PeopleNotifiedAt), &b.NoNoticeReason, &b.Status, &b.CreatedBy,
		utc(&b.CreatedAt), utc(&b.UpdatedAt))
	b.Categories = splitList[privacy.Category](cats)
	b.Subjects = splitList[privacy.Subject](subjects)
	return b, err
}

// splitList reads a comma-separated list of codes; "" is an empty list.
func splitList[T ~string](s string) []T {
	out := []T{}
	for _, v := range strings.Split(s, ",") {
		if v != "" {
			out = append(out, T(v))
		}
	}
	return out
}

func joinList[T ~string](list []T) string {
	parts := make([]string, len(list))
	for i, v := range list {
		parts[i] = string(v)
	}
	return strings.Join(parts, ",")
}

// CreateBreach records a breach in the current account's register.
func (db *DB) CreateBreach(ctx context.Context, b *privacy.Breach) error {
	acc, err := scope(ctx)
	if err != nil {
		return err
	}
	now := db.Now(ctx)
	b.CreatedAt, b.UpdatedAt = now, now
	err = db.writer(ctx).QueryRowContext(ctx, `
		INSERT INTO breaches (account_id, discovered_at, reported_by, nature, categories, subjects, people_count,
			records_count, consequences, measures, risk, authority_notified_at, authority_reference, late_reason,
			people_notified_at, no_notice_reason, status, created_by, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $19)
		RETURNING id`,
		acc, b.DiscoveredAt, b.ReportedBy, b.Nature, joinList(b.Categories), joinList(b.Subjects), b.PeopleCount,
		b.RecordsCount, b.Consequences, b.Measures, b.Risk, b.AuthorityNotifiedAt, b.AuthorityReference, b.LateReason,
		b.PeopleNotifiedAt, b.NoNoticeReason, b.Status, b.CreatedBy, now).Scan(&b.ID)
	return dbErr("storage.CreateBreach", err)
}

// UpdateBreach saves a corrected breach of the current account.
func (db *DB) UpdateBreach(ctx context.Context, b *privacy.Breach) error {
	acc, err := scope(ctx)
	if err != nil {
		return err
	}
	b.UpdatedAt = db.Now(ctx)
	res, err := db.writer(ctx).ExecContext(ctx, `
		UPDATE breaches SET discovered_at = $3, reported_by = $4, nature = $5, categories = $6, subjects = $7,
			people_count = $8, records_count = $9, consequences = $10, measures = $11, risk = $12,
			authority_notified_at = $13, authority_reference = $14, late_reason = $15, people_notified_at = $16,
			no_notice_reason = $17, status = $18, updated_at = $19
		WHERE account_id = $1 AND id = $2`,
		acc, b.ID, b.DiscoveredAt, b.ReportedBy, b.Nature, joinList(b.Categories), joinList(b.Subjects),
		b.PeopleCount, b.RecordsCount, b.Consequences, b.Measures, b.Risk, b.AuthorityNotifiedAt,
		b.AuthorityReference, b.LateReason, b.PeopleNotifiedAt, b.NoNoticeReason, b.Status, b.UpdatedAt)
	return mustAffect("storage.UpdateBreach", res, err)
}

// Breach returns one breach of the current account.
func (db *DB) Breach(ctx context.Context, id int64) (privacy.Breach, error) {
	acc, err := scope(ctx)
	if err != nil {
		return privacy.Breach{}, err
	}
	b, err := scanBreach(db.reader(ctx).QueryRowContext(ctx,
		`SELECT `+breachColumns+` FROM breaches WHERE account_id = $1 AND id = $2`, acc, id))
	return b, dbErr("storage.Breach", err)
}

// ListBreaches lists the current account's register, the latest discovered
// first, a page of limit after the breach with id after (0: the first page).
func (db *DB) ListBreaches(ctx context.Context, after int64, limit int) ([]privacy.Breach, error) {
	acc, err := scope(ctx)
	if err != nil {
		return nil, err
	}
	q := `SELECT ` + breachColumns + ` FROM breaches WHERE account_id = $1 ORDER BY discovered_at DESC, id DESC LIMIT $2`
	args := []any{acc, limit}
	if after > 0 {
		q = `SELECT ` + breachColumns + ` FROM breaches WHERE account_id = $1 AND (discovered_at, id) <
			(SELECT discovered_at, id FROM breaches WHERE account_id = $1 AND id = $3)
			ORDER BY discovered_at DESC, id DESC LIMIT $2`
		args = append(args, after)
	}
	rows, err := db.reader(ctx).QueryContext(ctx, q, args...)
	if err != nil {
		return nil, dbErr("storage.ListBreaches", err)
	}
	return collect(rows, func(r *sql.Rows) (privacy.Breach, error) { return scanBreach(r) })
}
