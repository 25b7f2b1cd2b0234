package storage

import (
	"context"
	"database/sql"

	"github.com/comptoir/comptoir/crm"
)

// Saved views are personal: every query names the user beside the account,
// so that another member's view is simply not found.

const contactViewColumns = `id, user_id, name, query, created_at`

func scanContactView(row interface{ Scan(...any) error }) (crm.SavedView, error) {
	var v crm.SavedView
	err := row.Scan(&v.ID, &v.UserID, &v.Name, &v.Query, utc(&v.CreatedAt))
	return v, err
}

// CreateContactView stores a user's new view in the current account.
func (db *DB) CreateContactView(ctx context.Context, v *crm.SavedView) error {
	acc, err := scope(ctx)
	if err != nil {
		return err
	}
	v.CreatedAt = db.Now(ctx)
	err = db.writer(ctx).QueryRowContext(ctx, `
		INSERT INTO contact_views (account_id, user_id, name, query, created_at)
		VALUES ($1, $2, $3, $4, $5) RETURNING id`,
		acc, v.UserID, v.Name, v.Query, v.CreatedAt).Scan(&v.ID)
	return dbErr("storage.CreateContactView", err)
}

// ContactView returns one of a user's views.
func (db *DB) ContactView(ctx context.Context, userID, id int64) (crm.SavedView, error) {
	acc, err := scope(ctx)
	if err != nil {
		return crm.SavedView{}, err
	}
	v, err := scanContactView(db.reader(ctx).QueryRowContext(ctx, `SELECT `+contactViewColumns+` FROM contact_views
		WHERE account_id = $1 AND user_id = $2 AND id = $3`, acc, userID, id))
	return v, dbErr("storage.ContactView", err)
}

// ContactViewByName returns the user's view of that name.
func (db *DB) ContactViewByName(ctx context.Context, userID int64, name string) (crm.SavedView, error) {
	acc, err := scope(ctx)
	if err != nil {
		return crm.SavedView{}, err
	}
	v, err := scanContactView(db.reader(ctx).QueryRowContext(ctx, `SELECT `+contactViewColumns+` FROM contact_views
		WHERE account_id = $1 AND user_id = $2 AND name = $3`, acc, userID, name))
	return v, dbErr("storage.ContactViewByName", err)
}

// ContactViews lists a user's views by name.
func (db *DB) ContactViews(ctx context.Context, userID int64) ([]crm.SavedView, error) {
	acc, err := scope(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := db.reader(ctx).QueryContext(ctx, `SELECT `+contactViewColumns+` FROM contact_views
		WHERE account_id = $1 AND user_id = $2 ORDER BY name, id`, acc, userID)
	if err != nil {
		return nil, dbErr("storage.ContactViews", err)
	}
	return collect(rows, func(r *sql.Rows) (crm.SavedView, error) { return scanContactView(r) })
}

// UpdateContactViewQuery changes the filters of one of a user's views.
func (db *DB) UpdateContactViewQuery(ctx context.Context, v crm.SavedView) error {
	acc, err := scope(ctx)
	if err != nil {
		return err
	}
	res, err := db.writer(ctx).ExecContext(ctx, `UPDATE contact_views SET query = $4
		WHERE account_id = $1 AND user_id = $2 AND id = $3`, acc, v.UserID, v.ID, v.Query)
	return mustAffect("storage.UpdateContactViewQuery", res, err)
}

// DeleteContactView removes one of a user's views.
func (db *DB) DeleteContactView(ctx context.Context, userID, id int64) error {
	acc, err := scope(ctx)
	if err != nil {
		return err
	}
	res, err := db.writer(ctx).ExecContext(ctx, `DELETE FROM contact_views
		WHERE account_id = $1 AND user_id = $2 AND id = $3`, acc, userID, id)
	return mustAffect("storage.DeleteContactView", res, err)
}
