package service

import (
	"context"
	"slices"

	"github.com/comptoir/comptoir/access"
	"github.com/comptoir/comptoir/activity"
	"github.com/comptoir/comptoir/errs"
	"github.com/comptoir/comptoir/identity"
	"github.com/comptoir/comptoir/privacy"
)

// Breaches lists the current account's register of personal-data breaches,
// the latest discovered first: a page of limit after the breach with id
// after.
func (s *Service) Breaches(ctx context.Context, after int64, limit int) ([]privacy.Breach, error) {
	if err := access.Require(ctx, access.Privacy, access.View); err != nil {
		return nil, err
	}
	if limit <= 0 || limit > 500 {
		limit = 50
	}
	return s.db.ListBreaches(ctx, after, limit)
}

// Breach returns one breach of the register.
func (s *Service) Breach(ctx context.Context, id int64) (privacy.Breach, error) {
	if err := access.Require(ctx, access.Privacy, access.View); err != nil {
		return privacy.Breach{}, err
	}
	return s.db.Breach(ctx, id)
}

// RecordBreach writes a new breach in the register (Article 33(5)). The
// 72-hour clock of the notification to the CNIL runs from its discovery.
func (s *Service) RecordBreach(ctx context.Context, in privacy.BreachInput) (privacy.Breach, error) {
	const op = "service.RecordBreach"
	b := privacy.Breach{Risk: privacy.RiskPresent, Status: privacy.BreachOpen, Categories: []privacy.Category{}, Subjects: []privacy.Subject{}}
	if err := access.Require(ctx, access.Privacy, access.Create); err != nil {
		return b, err
	}
	in.Apply(&b)
	if b.ReportedBy == "" {
		b.ReportedBy = identity.ActorFrom(ctx).Email
	}
	if err := b.Validate(s.db.Now(ctx)); err != nil {
		return b, errs.Wrap(op, err)
	}
	b.CreatedBy = identity.ActorFrom(ctx).UserID
	err := s.db.WithTx(ctx, func(ctx context.Context) error {
		if err := s.db.CreateBreach(ctx, &b); err != nil {
			return err
		}
		return s.record(ctx, activity.Entry{Module: string(access.Privacy), Action: activity.Create,
			RecordType: "breach", RecordID: b.ID, Summary: breachSummary(b),
			Changes: activity.Diff(privacy.Breach{}, b)})
	})
	return b, errs.Wrap(op, err)
}

// UpdateBreach corrects or completes a breach of the register: every
// change is in the activity log with its before and after. A breach is
// never deleted.
func (s *Service) UpdateBreach(ctx context.Context, id int64, in privacy.BreachInput) (privacy.Breach, error) {
	const op = "service.UpdateBreach"
	var out privacy.Breach
	if err := access.Require(ctx, access.Privacy, access.Edit); err != nil {
		return out, err
	}
	err := s.db.WithTx(ctx, func(ctx context.Context) error {
		before, err := s.db.Breach(ctx, id)
		if err != nil {
			return err
		}
		after := before
		after.Categories, after.Subjects = slices.Clone(before.Categories), slices.Clone(before.Subjects)
		in.Apply(&after)
		if err := after.Validate(s.db.Now(ctx)); err != nil {
			return err
		}
		out = after
		return saveChanges(ctx, s, before, &out, s.db.UpdateBreach, activity.Entry{Module: string(access.Privacy),
			Action: activity.Update, RecordType: "breach", RecordID: id, Summary: breachSummary(after)})
	})
	return out, errs.Wrap(op, err)
}

// breachSummary is the line the activity log shows for a breach.
func breachSummary(b privacy.Breach) string {
	s := b.Nature
	if r := []rune(s); len(r) > 80 {
		s = string(r[:80]) + "…"
	}
	return s
}
