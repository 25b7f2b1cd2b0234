package service

import (
	"context"

	"github.com/comptoir/comptoir/access"
	"github.com/comptoir/comptoir/activity"
	"github.com/comptoir/comptoir/errs"
	"github.com/comptoir/comptoir/sales"
)

// SalesSettings returns the account's choices for its sales documents,
// the defaults if it never changed them.
func (s *Service) SalesSettings(ctx context.Context) (sales.Settings, error) {
	if err := access.Require(ctx, access.Settings, access.View); err != nil {
		return sales.Settings{}, err
	}
	st, err := s.db.SalesSettings(ctx)
	normalizeSettings(&st)
	return st, errs.Wrap("service.SalesSettings", err)
}

// UpdateSalesSettings replaces the account's sales settings with st, once
// valid, and logs the fields that changed; an unchanged save writes
// nothing.
func (s *Service) UpdateSalesSettings(ctx context.Context, st sales.Settings) (sales.Settings, error) {
	const op = "service.UpdateSalesSettings"
	if err := access.Require(ctx, access.Settings, access.Edit); err != nil {
		return st, err
	}
	normalizeSettings(&st)
	if err := st.Validate(); err != nil {
		return st, err
	}
	err := s.db.WithTx(ctx, func(ctx context.Context) error {
		before, err := s.db.SalesSettings(ctx)
		if err != nil {
			return err
		}
		normalizeSettings(&before)
		save := func(ctx context.Context, st *sales.Settings) error { return s.db.SaveSalesSettings(ctx, *st) }
		return saveChanges(ctx, s, before, &st, save, activity.Entry{Module: "account", Action: activity.Update,
			RecordType: "sales_settings", Summary: "sales settings"})
	})
	return st, errs.Wrap(op, err)
}

// normalizeSettings writes "none" one way, so that an absent list and an
// empty one are the same settings, in the log and in responses.
func normalizeSettings(st *sales.Settings) {
	if st.Patterns == nil {
		st.Patterns = map[string]string{}
	}
	if st.Dunning == nil {
		st.Dunning = []sales.Level{}
	}
}
