package storage

import (
	"context"
	"database/sql"
	"encoding/json"

	"github.com/comptoir/comptoir/access"
)

func scanRole(row interface{ Scan(...any) error }) (access.CustomRole, error) {
	var r access.CustomRole
	var rights string
	if err := row.Scan(&r.ID, &r.Name, &rights); err != nil {
		return r, err
	}
	return r, json.Unmarshal([]byte(rights), &r.Rights)
}

// CreateRole stores a custom role of the current account.
func (db *DB) CreateRole(ctx context.Context, r *access.CustomRole) error {
	acc, err := scope(ctx)
	if err != nil {
		return err
	}
	js, err := json.Marshal(r.Rights)
	if err != nil {
		return dbErr("storage.CreateRole", err)
	}
	now := db.Now(ctx)
	err = db.writer(ctx).QueryRowContext(ctx, `
		INSERT INTO roles (account_id, name, rights, created_at, updated_at) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
		acc, r.Name, string(js), now, now).Scan(&r.ID)
	return dbErr("storage.CreateRole", err)
}

// UpdateRole saves a custom role of the current account.
func (db *DB) UpdateRole(ctx context.Context, r access.CustomRole) error {
	acc, err := scope(ctx)
	if err != nil {
		return err
	}
	js, err := json.Marshal(r.Rights)
	if err != nil {
		return dbErr("storage.UpdateRole", err)
	}
	res, err := db.writer(ctx).ExecContext(ctx,
		`UPDATE roles SET name = $3, rights = $4, updated_at = $5 WHERE account_id = $1 AND id = $2`,
		acc, r.ID, r.Name, string(js), db.Now(ctx))
	return mustAffect("storage.UpdateRole", res, err)
}

// Role returns a custom role of the current account.
func (db *DB) Role(ctx context.Context, id int64) (access.CustomRole, error) {
	acc, err := scope(ctx)
	if err != nil {
		return access.CustomRole{}, err
	}
	r, err := scanRole(db.reader(ctx).QueryRowContext(ctx,
		`SELECT id, name, rights FROM roles WHERE account_id = $1 AND id = $2`, acc, id))
	return r, dbErr("storage.Role", err)
}

// ListRoles returns the current account's custom roles by name.
func (db *DB) ListRoles(ctx context.Context) ([]access.CustomRole, error) {
	acc, err := scope(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := db.reader(ctx).QueryContext(ctx,
		`SELECT id, name, rights FROM roles WHERE account_id = $1 ORDER BY name`, acc)
	if err != nil {
		return nil, dbErr("storage.ListRoles", err)
	}
	return collect(rows, func(r *sql.Rows) (access.CustomRole, error) { return scanRole(r) })
}
