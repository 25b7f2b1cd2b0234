package storage

import (
	"context"
	"database/sql"
	"strings"

	"github.com/comptoir/comptoir/account"
)

const accountColumns = `id, name, legal_form, siren, siret, vat_number, address_line1, address_line2,
	postal_code, city, country, share_capital, rcs_city, email, phone, website, currency, locale,
	time_zone, logo IS NOT NULL, require_2fa, status, created_at, updated_at, closes_at, closed_at`

// accountTargets are the scan targets of accountColumns, in order.
func accountTargets(a *account.Account) []any {
	return []any{&a.ID, &a.Name, &a.LegalForm, &a.SIREN, &a.SIRET, &a.VATNumber,
		&a.Address.Line1, &a.Address.Line2, &a.Address.PostalCode, &a.Address.City, &a.Address.Country,
		&a.ShareCapital, &a.RCSCity, &a.Email, &a.Phone, &a.Website, &a.Currency, &a.Locale,
		&a.TimeZone, &a.HasLogo, &a.Require2FA, &a.Status, utc(&a.CreatedAt), utc(&a.UpdatedAt),
		nullUTC(&a.ClosesAt), nullUTC(&a.ClosedAt)}
}

func scanAccount(row interface{ Scan(...any) error }) (account.Account, error) {
	var a account.Account
	err := row.Scan(accountTargets(&a)...)
	return a, err
}

// qualify prefixes each column of a column list with a table alias, for joins.
func qualify(alias, columns string) string {
	parts := strings.Split(columns, ",")
	for i, p := range parts {
		parts[i] = alias + "." + strings.TrimSpace(p)
	}
	return strings.Join(parts, ", ")
}

// CreateAccount inserts a new account and sets its id and dates. Creating
// an account is not scoped: it is how a tenant comes to exist.
func (db *DB) CreateAccount(ctx context.Context, a *account.Account) error {
	now := db.Now(ctx)
	a.CreatedAt, a.UpdatedAt = now, now
	err := db.writer(ctx).QueryRowContext(ctx, `
		INSERT INTO accounts (name, legal_form, siren, siret, vat_number, address_line1, address_line2,
			postal_code, city, country, share_capital, rcs_city, email, phone, website, currency,
			locale, time_zone, status, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21)
		RETURNING id`,
		a.Name, a.LegalForm, a.SIREN, a.SIRET, a.VATNumber, a.Address.Line1, a.Address.Line2,
		a.Address.PostalCode, a.Address.City, a.Address.Country, a.ShareCapital, a.RCSCity, a.Email,
		a.Phone, a.Website, a.Currency, a.Locale, a.TimeZone, a.Status, now, now,
	).Scan(&a.ID)
	return dbErr("storage.CreateAccount", err)
}

// Account returns the current account.
func (db *DB) Account(ctx context.Context) (account.Account, error) {
	id, err := scope(ctx)
	if err != nil {
		return account.Account{}, err
	}
	row := db.reader(ctx).QueryRowContext(ctx, `SELECT `+accountColumns+` FROM accounts WHERE id = $1`, id)
	a, err := scanAccount(row)
	return a, dbErr("storage.Account", err)
}

// UpdateAccount saves the legal identity and settings of the current account.
func (db *DB) UpdateAccount(ctx context.Context, a *account.Account) error {
	id, err := scope(ctx)
	if err != nil {
		return err
	}
	a.ID, a.UpdatedAt = id, db.Now(ctx)
	res, err := db.writer(ctx).ExecContext(ctx, `
		UPDATE accounts SET name = $2, legal_form = $3, siren = $4, siret = $5, vat_number = $6,
			address_line1 = $7, address_line2 = $8, postal_code = $9, city = $10, country = $11,
			share_capital = $12, rcs_city = $13, email = $14, phone = $15, website = $16,
			locale = $17, time_zone = $18, updated_at = $19
		WHERE id = $1`,
		id, a.Name, a.LegalForm, a.SIREN, a.SIRET, a.VATNumber, a.Address.Line1, a.Address.Line2,
		a.Address.PostalCode, a.Address.City, a.Address.Country, a.ShareCapital, a.RCSCity,
		a.Email, a.Phone, a.Website, a.Locale, a.TimeZone, a.UpdatedAt)
	return mustAffect("storage.UpdateAccount", res, err)
}

// AccountLogo returns the current account's logo and its media type.
func (db *DB) AccountLogo(ctx context.Context) ([]byte, string, error) {
	id, err := scope(ctx)
	if err != nil {
		return nil, "", err
	}
	var logo []byte
	var typ string
	err = db.reader(ctx).QueryRowContext(ctx,
		`SELECT logo, logo_type FROM accounts WHERE id = $1 AND logo IS NOT NULL`, id).Scan(&logo, &typ)
	return logo, typ, dbErr("storage.AccountLogo", err)
}

// SetAccountLogo replaces the current account's logo; nil removes it.
func (db *DB) SetAccountLogo(ctx context.Context, logo []byte, mediaType string) error {
	id, err := scope(ctx)
	if err != nil {
		return err
	}
	var v any = logo
	if logo == nil {
		v, mediaType = nil, ""
	}
	res, err := db.writer(ctx).ExecContext(ctx,
		`UPDATE accounts SET logo = $2, logo_type = $3, updated_at = $4 WHERE id = $1`, id, v, mediaType, db.Now(ctx))
	return mustAffect("storage.SetAccountLogo", res, err)
}

// AccountSummary is one line of the instance's list of accounts.
type AccountSummary struct {
	ID     int64
	Name   string
	Status string
}

// ListAccounts lists every account of the instance by id. It is not scoped:
// only operator commands call it, and it returns names, not business data.
func (db *DB) ListAccounts(ctx context.Context) ([]AccountSummary, error) {
	rows, err := db.reader(ctx).QueryContext(ctx, `SELECT id, name, status FROM accounts ORDER BY id`)
	if err != nil {
		return nil, dbErr("storage.ListAccounts", err)
	}
	return collect(rows, func(r *sql.Rows) (AccountSummary, error) {
		var s AccountSummary
		return s, r.Scan(&s.ID, &s.Name, &s.Status)
	})
}

// collect scans every row with scan and closes rows.
func collect[T any](rows *sql.Rows, scan func(*sql.Rows) (T, error)) ([]T, error) {
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, dbErr("storage.scan", err)
		}
		out = append(out, v)
	}
	return out, dbErr("storage.rows", rows.Err())
}
