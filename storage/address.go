package storage

import (
	"context"
	"database/sql"

	"github.com/comptoir/comptoir/crm"
)

const addressColumns = `id, contact_id, kind, label, line1, line2, postal_code, city, country, is_default, created_at, updated_at`

func scanAddress(row interface{ Scan(...any) error }) (crm.Address, error) {
	var a crm.Address
	err := row.Scan(&a.ID, &a.ContactID, &a.Kind, &a.Label, &a.Line1, &a.Line2, &a.PostalCode, &a.City, &a.Country,
		&a.IsDefault, utc(&a.CreatedAt), utc(&a.UpdatedAt))
	return a, err
}

// CreateAddress adds an extra address to a contact of the current account.
func (db *DB) CreateAddress(ctx context.Context, a *crm.Address) error {
	acc, err := scope(ctx)
	if err != nil {
		return err
	}
	if err := db.keepOneDefaultAddress(ctx, acc, *a); err != nil {
		return err
	}
	now := db.Now(ctx)
	a.CreatedAt, a.UpdatedAt = now, now
	err = db.writer(ctx).QueryRowContext(ctx, `
		INSERT INTO contact_addresses (account_id, contact_id, kind, label, line1, line2, postal_code, city, country,
			is_default, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11) RETURNING id`,
		acc, a.ContactID, a.Kind, a.Label, a.Line1, a.Line2, a.PostalCode, a.City, a.Country, a.IsDefault, now).Scan(&a.ID)
	return dbErr("storage.CreateAddress", err)
}

// Address returns one extra address of the current account.
func (db *DB) Address(ctx context.Context, id int64) (crm.Address, error) {
	acc, err := scope(ctx)
	if err != nil {
		return crm.Address{}, err
	}
	a, err := scanAddress(db.reader(ctx).QueryRowContext(ctx,
		`SELECT `+addressColumns+` FROM contact_addresses WHERE account_id = $1 AND id = $2`, acc, id))
	return a, dbErr("storage.Address", err)
}

// ContactAddresses returns a contact's extra addresses, by kind, defaults
// first.
func (db *DB) ContactAddresses(ctx context.Context, contactID int64) ([]crm.Address, error) {
	acc, err := scope(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := db.reader(ctx).QueryContext(ctx, `SELECT `+addressColumns+` FROM contact_addresses
		WHERE account_id = $1 AND contact_id = $2 ORDER BY kind, is_default DESC, id`, acc, contactID)
	if err != nil {
		return nil, dbErr("storage.ContactAddresses", err)
	}
	return collect(rows, func(r *sql.Rows) (crm.Address, error) { return scanAddress(r) })
}

// UpdateAddress saves an extra address of the current account; its contact
// does not change.
func (db *DB) UpdateAddress(ctx context.Context, a *crm.Address) error {
	acc, err := scope(ctx)
	if err != nil {
		return err
	}
	if err := db.keepOneDefaultAddress(ctx, acc, *a); err != nil {
		return err
	}
	a.UpdatedAt = db.Now(ctx)
	res, err := db.writer(ctx).ExecContext(ctx, `
		UPDATE contact_addresses SET kind = $3, label = $4, line1 = $5, line2 = $6, postal_code = $7, city = $8,
			country = $9, is_default = $10, updated_at = $11
		WHERE account_id = $1 AND id = $2`,
		acc, a.ID, a.Kind, a.Label, a.Line1, a.Line2, a.PostalCode, a.City, a.Country, a.IsDefault, a.UpdatedAt)
	return mustAffect("storage.UpdateAddress", res, err)
}

// DeleteAddress removes an extra address of the current account.
func (db *DB) DeleteAddress(ctx context.Context, id int64) error {
	acc, err := scope(ctx)
	if err != nil {
		return err
	}
	res, err := db.writer(ctx).ExecContext(ctx, `DELETE FROM contact_addresses WHERE account_id = $1 AND id = $2`, acc, id)
	return mustAffect("storage.DeleteAddress", res, err)
}

// keepOneDefaultAddress clears the default flag of the contact's other
// addresses of a's kind when a is the default, before a is written: the
// unique index allows one default per kind.
func (db *DB) keepOneDefaultAddress(ctx context.Context, acc int64, a crm.Address) error {
	if !a.IsDefault {
		return nil
	}
	_, err := db.writer(ctx).ExecContext(ctx, `UPDATE contact_addresses SET is_default = FALSE
		WHERE account_id = $1 AND contact_id = $2 AND kind = $3 AND id <> $4 AND is_default`, acc, a.ContactID, a.Kind, a.ID)
	return dbErr("storage.keepOneDefaultAddress", err)
}
