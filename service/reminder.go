package service

import (
	"context"
	"strconv"
	"time"

	"github.com/comptoir/comptoir/access"
	"github.com/comptoir/comptoir/account"
	"github.com/comptoir/comptoir/activity"
	"github.com/comptoir/comptoir/errs"
	"github.com/comptoir/comptoir/mail"
	"github.com/comptoir/comptoir/storage"
)

// remindersPerRun bounds the reminders one account sends per run; the
// rest go on the next run, a minute later.
const remindersPerRun = 200

// SendTaskReminders e-mails, in every account, the assignee (or the author
// of an unassigned task) of each open task whose reminder time is before
// now, once. Only the system runs it, every minute. It returns how many
// reminders were sent.
func (s *Service) SendTaskReminders(ctx context.Context, now time.Time) (int, error) {
	const op = "service.SendTaskReminders"
	if !access.IsSystem(ctx) {
		return 0, errs.E(op, errs.Forbidden, "runs as the system")
	}
	accounts, err := s.db.ListAccounts(ctx)
	if err != nil {
		return 0, errs.Wrap(op, err)
	}
	sent := 0
	for _, a := range accounts {
		n, err := s.remindAccount(account.WithID(ctx, a.ID), now)
		sent += n
		if err != nil {
			return sent, errs.Wrap(op, err)
		}
	}
	return sent, nil
}

// remindAccount claims the due reminders of the account in ctx, records
// them, and sends them once the claim is committed.
func (s *Service) remindAccount(ctx context.Context, now time.Time) (int, error) {
	var due []storage.Reminder
	var acc account.Account
	err := s.db.WithTx(ctx, func(ctx context.Context) error {
		var err error
		if due, err = s.db.ClaimReminders(ctx, now, remindersPerRun); err != nil || len(due) == 0 {
			return err
		}
		if acc, err = s.db.Account(ctx); err != nil {
			return err
		}
		for _, r := range due {
			if err := s.record(ctx, activity.Entry{Module: "contacts", Action: "remind_task", RecordType: "contact",
				RecordID: r.Task.ContactID, Summary: r.ContactName + " · " + r.Task.Subject}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	sent := 0
	for _, r := range due {
		if r.Email == "" {
			s.log.Warn("task reminder without a recipient", "account", acc.ID, "task", r.Task.ID)
			continue
		}
		dueText := ""
		if r.Task.DueAt != nil {
			dueText = mail.LongTime(r.Task.DueAt.In(acc.Location()), r.Locale)
		}
		data := map[string]any{"Subject": r.Task.Subject, "Contact": r.ContactName, "Due": dueText,
			"URL": s.BaseURL + "/contacts/" + strconv.FormatInt(r.Task.ContactID, 10) + "#timeline"}
		if s.sendMail(ctx, acc.ID, r.Email, "task_reminder", r.Locale, data) == nil {
			sent++
		}
	}
	return sent, nil
}
