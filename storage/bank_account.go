package storage

import (
	"context"
	"database/sql"

	"github.com/comptoir/comptoir/account"
)

const bankAccountColumns = `id, label, holder, iban, bic, is_default, created_at, updated_at`

func scanBankAccount(row interface{ Scan(...any) error }) (account.BankAccount, error) {
	var b account.BankAccount
	err := row.Scan(&b.ID, &b.Label, &b.Holder, &b.IBAN, &b.BIC, &b.IsDefault, utc(&b.CreatedAt), utc(&b.UpdatedAt))
	return b, err
}

// CreateBankAccount adds a bank account to the current account.
func (db *DB) CreateBankAccount(ctx context.Context, b *account.BankAccount) error {
	acc, err := scope(ctx)
	if err != nil {
		return err
	}
	now := db.Now(ctx)
	b.CreatedAt, b.UpdatedAt = now, now
	err = db.writer(ctx).QueryRowContext(ctx, `
		INSERT INTO bank_accounts (account_id, label, holder, iban, bic, is_default, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
		acc, b.Label, b.Holder, b.IBAN, b.BIC, b.IsDefault, now, now).Scan(&b.ID)
	if err != nil {
		return dbErr("storage.CreateBankAccount", err)
	}
	return db.keepOneDefault(ctx, acc, *b)
}

// BankAccount returns one bank account of the current account.
func (db *DB) BankAccount(ctx context.Context, id int64) (account.BankAccount, error) {
	acc, err := scope(ctx)
	if err != nil {
		return account.BankAccount{}, err
	}
	b, err := scanBankAccount(db.reader(ctx).QueryRowContext(ctx,
		`SELECT `+bankAccountColumns+` FROM bank_accounts WHERE account_id = $1 AND id = $2`, acc, id))
	return b, dbErr("storage.BankAccount", err)
}

// ListBankAccounts returns the current account's bank accounts by id, after
// afterID, at most limit.
func (db *DB) ListBankAccounts(ctx context.Context, afterID int64, limit int) ([]account.BankAccount, error) {
	acc, err := scope(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := db.reader(ctx).QueryContext(ctx, `SELECT `+bankAccountColumns+` FROM bank_accounts
		WHERE account_id = $1 AND id > $2 ORDER BY id LIMIT $3`, acc, afterID, limit)
	if err != nil {
		return nil, dbErr("storage.ListBankAccounts", err)
	}
	return collect(rows, func(r *sql.Rows) (account.BankAccount, error) { return scanBankAccount(r) })
}

// UpdateBankAccount saves a bank account of the current account.
func (db *DB) UpdateBankAccount(ctx context.Context, b *account.BankAccount) error {
	acc, err := scope(ctx)
	if err != nil {
		return err
	}
	b.UpdatedAt = db.Now(ctx)
	res, err := db.writer(ctx).ExecContext(ctx, `
		UPDATE bank_accounts SET label = $3, holder = $4, iban = $5, bic = $6, is_default = $7, updated_at = $8
		WHERE account_id = $1 AND id = $2`,
		acc, b.ID, b.Label, b.Holder, b.IBAN, b.BIC, b.IsDefault, b.UpdatedAt)
	if err := mustAffect("storage.UpdateBankAccount", res, err); err != nil {
		return err
	}
	return db.keepOneDefault(ctx, acc, *b)
}

// DeleteBankAccount removes a bank account of the current account.
func (db *DB) DeleteBankAccount(ctx context.Context, id int64) error {
	acc, err := scope(ctx)
	if err != nil {
		return err
	}
	res, err := db.writer(ctx).ExecContext(ctx,
		`DELETE FROM bank_accounts WHERE account_id = $1 AND id = $2`, acc, id)
	return mustAffect("storage.DeleteBankAccount", res, err)
}

// keepOneDefault clears the default flag of the account's other bank
// accounts when b has become the default.
func (db *DB) keepOneDefault(ctx context.Context, acc int64, b account.BankAccount) error {
	if !b.IsDefault {
		return nil
	}
	_, err := db.writer(ctx).ExecContext(ctx,
		`UPDATE bank_accounts SET is_default = FALSE WHERE account_id = $1 AND id <> $2 AND is_default`, acc, b.ID)
	return dbErr("storage.keepOneDefault", err)
}
