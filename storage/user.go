package storage

import (
	"context"
	"database/sql"

	"github.com/comptoir/comptoir/identity"
)

// Users are not tenant rows: one person may belong to several accounts.
// What a user may reach is decided by memberships, which are scoped.

const userColumns = `id, email, name, password_hash, locale, created_at, updated_at, disabled_at, email_verified_at,
	totp_secret, totp_enabled_at, totp_last_step, totp_pending_secret`

func userTargets(u *identity.User) []any {
	return []any{&u.ID, &u.Email, &u.Name, &u.PasswordHash, &u.Locale, utc(&u.CreatedAt), utc(&u.UpdatedAt), nullUTC(&u.DisabledAt), nullUTC(&u.EmailVerifiedAt),
		&u.TOTPSecret, nullUTC(&u.TOTPEnabledAt), &u.TOTPLastStep, &u.TOTPPending}
}

func scanUser(row interface{ Scan(...any) error }) (identity.User, error) {
	var u identity.User
	err := row.Scan(userTargets(&u)...)
	return u, err
}

// CreateUser inserts a user; the e-mail must be normalized and unused.
func (db *DB) CreateUser(ctx context.Context, u *identity.User) error {
	now := db.Now(ctx)
	u.CreatedAt, u.UpdatedAt = now, now
	err := db.writer(ctx).QueryRowContext(ctx, `
		INSERT INTO users (email, name, password_hash, locale, created_at, updated_at, email_verified_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
		u.Email, u.Name, u.PasswordHash, u.Locale, now, now, u.EmailVerifiedAt).Scan(&u.ID)
	return dbErr("storage.CreateUser", err)
}

// UserByEmail finds a user by normalized e-mail, for login.
func (db *DB) UserByEmail(ctx context.Context, email string) (identity.User, error) {
	u, err := scanUser(db.reader(ctx).QueryRowContext(ctx,
		`SELECT `+userColumns+` FROM users WHERE email = $1`, email))
	return u, dbErr("storage.UserByEmail", err)
}

// UserByID finds a user by id.
func (db *DB) UserByID(ctx context.Context, id int64) (identity.User, error) {
	u, err := scanUser(db.reader(ctx).QueryRowContext(ctx,
		`SELECT `+userColumns+` FROM users WHERE id = $1`, id))
	return u, dbErr("storage.UserByID", err)
}

// SetPasswordHash replaces a user's password hash.
func (db *DB) SetPasswordHash(ctx context.Context, userID int64, hash string) error {
	res, err := db.writer(ctx).ExecContext(ctx,
		`UPDATE users SET password_hash = $2, updated_at = $3 WHERE id = $1`, userID, hash, db.Now(ctx))
	return mustAffect("storage.SetPasswordHash", res, err)
}

// AddMember makes a user a member of the current account with a role.
func (db *DB) AddMember(ctx context.Context, userID int64, role string) error {
	acc, err := scope(ctx)
	if err != nil {
		return err
	}
	_, err = db.writer(ctx).ExecContext(ctx,
		`INSERT INTO memberships (account_id, user_id, role, created_at) VALUES ($1, $2, $3, $4)`,
		acc, userID, role, db.Now(ctx))
	return dbErr("storage.AddMember", err)
}

// Membership returns a user's membership in the current account; NotFound
// if the user is not a member.
func (db *DB) Membership(ctx context.Context, userID int64) (identity.Membership, error) {
	acc, err := scope(ctx)
	if err != nil {
		return identity.Membership{}, err
	}
	var m identity.Membership
	err = db.reader(ctx).QueryRowContext(ctx, `
		SELECT m.account_id, a.name, m.user_id, m.role
		FROM memberships m JOIN accounts a ON a.id = m.account_id
		WHERE m.account_id = $1 AND m.user_id = $2 AND a.status = 'active' AND m.disabled_at IS NULL`, acc, userID,
	).Scan(&m.AccountID, &m.AccountName, &m.UserID, &m.Role)
	return m, dbErr("storage.Membership", err)
}

// Memberships lists the active accounts a user belongs to, for choosing one
// at login. It reads the user's own rows only.
func (db *DB) Memberships(ctx context.Context, userID int64) ([]identity.Membership, error) {
	rows, err := db.reader(ctx).QueryContext(ctx, `
		SELECT m.account_id, a.name, m.user_id, m.role
		FROM memberships m JOIN accounts a ON a.id = m.account_id
		WHERE m.user_id = $1 AND a.status = 'active' AND m.disabled_at IS NULL ORDER BY a.name, a.id`, userID)
	if err != nil {
		return nil, dbErr("storage.Memberships", err)
	}
	return collect(rows, func(r *sql.Rows) (identity.Membership, error) {
		var m identity.Membership
		return m, r.Scan(&m.AccountID, &m.AccountName, &m.UserID, &m.Role)
	})
}
