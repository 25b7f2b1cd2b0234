package service

import (
	"context"

	"github.com/comptoir/comptoir/access"
	"github.com/comptoir/comptoir/activity"
	"github.com/comptoir/comptoir/errs"
	"github.com/comptoir/comptoir/sales"
)

// SalesSettings returns the account's settings of sales documents:
// numbering, default terms, legal rates, layout and reminders.
func (s *Service) SalesSettings(ctx context.Context) (sales.Settings, error) {
	if err := access.Require(ctx, access.Settings, access.View); err != nil {
		return sales.Settings{}, err
	}
	st, err := s.db.SalesSettings(ctx)
	return st, errs.Wrap("service.SalesSettings", err)
}

// UpdateSalesSettings replaces the account's sales settings after checking
// them, with the changed fields in the activity log.
func (s *Service) UpdateSalesSettings(ctx context.Context, in sales.Settings) (sales.Settings, error) {
	const op = "service.UpdateSalesSettings"
	if err := access.Require(ctx, access.Settings, access.Edit); err != nil {
		return sales.Settings{}, err
	}
	if err := in.Validate(); err != nil {
		return sales.Settings{}, errs.Wrap(op, err)
	}
	err := s.db.WithTx(ctx, func(ctx context.Context) error {
		before, err := s.db.SalesSettings(ctx)
		if err != nil {
			return err
		}
		save := func(ctx context.Context, st *sales.Settings) error { return s.db.SaveSalesSettings(ctx, *st) }
		return saveChanges(ctx, s, before, &in, save, activity.Entry{Module: string(access.Settings), Action: activity.Update,
			RecordType: "sales_settings", Summary: "sales settings"})
	})
	return in, errs.Wrap(op, err)
}
