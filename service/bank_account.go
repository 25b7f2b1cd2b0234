package service

import (
	"context"

	"github.com/comptoir/comptoir/access"
	"github.com/comptoir/comptoir/account"
	"github.com/comptoir/comptoir/activity"
	"github.com/comptoir/comptoir/errs"
)

// requireBank checks a right on the business's bank accounts: the settings
// module, and bank details not hidden from the role.
func requireBank(ctx context.Context, a access.Action) error {
	if err := access.Require(ctx, access.Settings, a); err != nil {
		return err
	}
	if !access.From(ctx).Sees(access.Bank) {
		return errs.E("service.requireBank", errs.Forbidden, "bank details are hidden from your role")
	}
	return nil
}

// BankAccounts lists the current account's bank accounts after afterID.
func (s *Service) BankAccounts(ctx context.Context, afterID int64, limit int) ([]account.BankAccount, error) {
	if err := requireBank(ctx, access.View); err != nil {
		return nil, err
	}
	return s.db.ListBankAccounts(ctx, afterID, limit)
}

// BankAccount returns one of the current account's bank accounts.
func (s *Service) BankAccount(ctx context.Context, id int64) (account.BankAccount, error) {
	if err := requireBank(ctx, access.View); err != nil {
		return account.BankAccount{}, err
	}
	return s.db.BankAccount(ctx, id)
}

// CreateBankAccount adds a bank account to the current account.
func (s *Service) CreateBankAccount(ctx context.Context, in account.BankAccountInput) (account.BankAccount, error) {
	var b account.BankAccount
	if err := requireBank(ctx, access.Create); err != nil {
		return b, err
	}
	in.Apply(&b)
	if err := b.Validate(); err != nil {
		return b, err
	}
	err := s.db.WithTx(ctx, func(ctx context.Context) error {
		if err := s.db.CreateBankAccount(ctx, &b); err != nil {
			return err
		}
		return s.record(ctx, activity.Entry{Module: "account", Action: activity.Create,
			RecordType: "bank_account", RecordID: b.ID, Summary: b.Label,
			Changes: activity.Diff(account.BankAccount{}, b)})
	})
	return b, errs.Wrap("service.CreateBankAccount", err)
}

// UpdateBankAccount changes one of the current account's bank accounts.
func (s *Service) UpdateBankAccount(ctx context.Context, id int64, in account.BankAccountInput) (account.BankAccount, error) {
	var out account.BankAccount
	if err := requireBank(ctx, access.Edit); err != nil {
		return out, err
	}
	err := s.db.WithTx(ctx, func(ctx context.Context) error {
		before, err := s.db.BankAccount(ctx, id)
		if err != nil {
			return err
		}
		after := before
		in.Apply(&after)
		if err := after.Validate(); err != nil {
			return err
		}
		out = after
		return saveChanges(ctx, s, before, &out, s.db.UpdateBankAccount, activity.Entry{Module: "account", Action: activity.Update,
			RecordType: "bank_account", RecordID: id, Summary: out.Label})
	})
	return out, errs.Wrap("service.UpdateBankAccount", err)
}

// DeleteBankAccount removes one of the current account's bank accounts.
func (s *Service) DeleteBankAccount(ctx context.Context, id int64) error {
	if err := requireBank(ctx, access.Delete); err != nil {
		return err
	}
	err := s.db.WithTx(ctx, func(ctx context.Context) error {
		b, err := s.db.BankAccount(ctx, id)
		if err != nil {
			return err
		}
		if err := s.db.DeleteBankAccount(ctx, id); err != nil {
			return err
		}
		return s.record(ctx, activity.Entry{Module: "account", Action: activity.Delete,
			RecordType: "bank_account", RecordID: id, Summary: b.Label,
			Changes: activity.Diff(b, account.BankAccount{})})
	})
	return errs.Wrap("service.DeleteBankAccount", err)
}
