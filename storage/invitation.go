package storage

import (
	"context"
	"database/sql"

	"github.com/comptoir/comptoir/identity"
)

const invitationColumns = `id, account_id, email, role, token_hash, COALESCE(invited_by, 0), created_at, expires_at, accepted_at`

func scanInvitation(row interface{ Scan(...any) error }) (identity.Invitation, error) {
	var i identity.Invitation
	err := row.Scan(&i.ID, &i.AccountID, &i.Email, &i.Role, &i.TokenHash, &i.InvitedBy, utc(&i.CreatedAt), utc(&i.ExpiresAt), nullUTC(&i.AcceptedAt))
	return i, err
}

// CreateInvitation stores an invitation to the current account.
func (db *DB) CreateInvitation(ctx context.Context, inv *identity.Invitation) error {
	acc, err := scope(ctx)
	if err != nil {
		return err
	}
	inv.AccountID, inv.CreatedAt = acc, db.Now(ctx)
	inv.ExpiresAt = inv.CreatedAt.Add(identity.InvitationLifetime)
	var by any
	if inv.InvitedBy != 0 {
		by = inv.InvitedBy
	}
	err = db.writer(ctx).QueryRowContext(ctx, `
		INSERT INTO invitations (account_id, email, role, token_hash, invited_by, created_at, expires_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
		acc, inv.Email, inv.Role, inv.TokenHash, by, inv.CreatedAt, inv.ExpiresAt).Scan(&inv.ID)
	return dbErr("storage.CreateInvitation", err)
}

// InvitationByToken finds an invitation by its token's hash. The token is
// how an invitee learns the account, so this lookup cannot be scoped.
func (db *DB) InvitationByToken(ctx context.Context, hash string) (identity.Invitation, error) {
	i, err := scanInvitation(db.writer(ctx).QueryRowContext(ctx,
		`SELECT `+invitationColumns+` FROM invitations WHERE token_hash = $1`, hash))
	return i, dbErr("storage.InvitationByToken", err)
}

// ListInvitations returns the current account's pending invitations.
func (db *DB) ListInvitations(ctx context.Context) ([]identity.Invitation, error) {
	acc, err := scope(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := db.reader(ctx).QueryContext(ctx, `SELECT `+invitationColumns+` FROM invitations
		WHERE account_id = $1 AND accepted_at IS NULL AND expires_at > $2 ORDER BY id DESC`, acc, db.Now(ctx))
	if err != nil {
		return nil, dbErr("storage.ListInvitations", err)
	}
	return collect(rows, func(r *sql.Rows) (identity.Invitation, error) { return scanInvitation(r) })
}

// AcceptInvitation marks an invitation of the current account accepted.
func (db *DB) AcceptInvitation(ctx context.Context, id int64) error {
	acc, err := scope(ctx)
	if err != nil {
		return err
	}
	res, err := db.writer(ctx).ExecContext(ctx, `UPDATE invitations SET accepted_at = $3
		WHERE account_id = $1 AND id = $2 AND accepted_at IS NULL`, acc, id, db.Now(ctx))
	return mustAffect("storage.AcceptInvitation", res, err)
}

// DeleteInvitation withdraws an invitation of the current account.
func (db *DB) DeleteInvitation(ctx context.Context, id int64) error {
	acc, err := scope(ctx)
	if err != nil {
		return err
	}
	res, err := db.writer(ctx).ExecContext(ctx, `DELETE FROM invitations WHERE account_id = $1 AND id = $2`, acc, id)
	return mustAffect("storage.DeleteInvitation", res, err)
}
