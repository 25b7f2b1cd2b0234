// Package service holds Comptoir's use cases: each exported method is one
// thing a user or a command does (create an account, log in, change the
// legal identity). A method validates with the domain packages, runs one
// storage transaction and writes the activity-log entry inside it, so that
// the web UI, the JSON API and the command line share the same rules.
//
// Dependency direction: web and cmd call service; service calls storage and
// the domain packages; nothing here knows about HTTP.
package service

import (
	"context"
	"log/slog"
	"strconv"
	"sync"
	"time"

	"github.com/comptoir/comptoir/access"
	"github.com/comptoir/comptoir/account"
	"github.com/comptoir/comptoir/activity"
	"github.com/comptoir/comptoir/errs"
	"github.com/comptoir/comptoir/files"
	"github.com/comptoir/comptoir/identity"
	"github.com/comptoir/comptoir/mail"
	"github.com/comptoir/comptoir/password"
	"github.com/comptoir/comptoir/storage"
)

// Service runs use cases against one database.
type Service struct {
	db  *storage.DB
	log *slog.Logger
	// Password is the argon2id cost; tests lower it.
	Password password.Params
	// Mailer sends e-mail; nil means no SMTP server is configured.
	Mailer mail.Sender
	// BaseURL is the public URL of the instance, for links in e-mails.
	BaseURL string
	// ReminderPDF renders the formal notice attached to a reminder sent as
	// a letter; nil sends the e-mail alone.
	ReminderPDF ReminderPDFFunc
	// Files keeps the files attached to documents.
	Files files.Store
	// Instance is what the configuration says about hosting, e-mail and
	// backups, for the register of processing activities.
	Instance InstanceFacts
	// Backup is how the instance is backed up (backup.go).
	Backup BackupSettings
	// ActivityRetentionDays is the activity-log retention policy's default
	// period in days (COMPTOIR_ACTIVITY_RETENTION_DAYS); below zero the log
	// is kept forever, zero keeps privacy.DefaultPolicies' period.
	ActivityRetentionDays int
	// dummyHash is verified when a login names no user, so that the answer
	// takes as long as for a real user and does not reveal who has an account.
	dummyMu   sync.Mutex
	dummyHash string
}

// New returns a Service on db.
func New(db *storage.DB, log *slog.Logger) *Service {
	s := &Service{db: db, log: log, Password: password.Default}
	s.ReminderPDF = s.ReminderLetter
	return s
}

// DB returns the database, for the commands that manage the instance.
func (s *Service) DB() *storage.DB { return s.db }

// Ping reports whether the database answers, for readiness probes.
func (s *Service) Ping(ctx context.Context) error { return s.db.Ping(ctx) }

// record appends an activity entry for the actor of ctx in the current
// account. Call it inside the write's transaction.
func (s *Service) record(ctx context.Context, e activity.Entry) error {
	_, err := s.recordEntry(ctx, e)
	return err
}

// recordEntry is record returning the entry's id.
func (s *Service) recordEntry(ctx context.Context, e activity.Entry) (int64, error) {
	a := identity.ActorFrom(ctx)
	e.UserID, e.IP, e.UserAgent, e.ViaSupport = a.UserID, a.IP, a.UserAgent, a.Support
	err := s.db.AppendActivity(ctx, &e)
	return e.ID, err
}

// Account returns the current account.
func (s *Service) Account(ctx context.Context) (account.Account, error) {
	return s.db.Account(ctx)
}

// AccountSettings returns the current account for its settings screen and
// API, to those whose role shows the settings.
func (s *Service) AccountSettings(ctx context.Context) (account.Account, error) {
	if err := access.Require(ctx, access.Settings, access.View); err != nil {
		return account.Account{}, err
	}
	return s.db.Account(ctx)
}

// Activity lists the current account's activity log, newest first.
func (s *Service) Activity(ctx context.Context, f activity.Filter) ([]activity.Entry, error) {
	if err := access.Require(ctx, access.Activity, access.View); err != nil {
		return nil, err
	}
	return s.db.ListActivity(ctx, f)
}

// RecordHistory lists the entries about one record, for its own page. It
// needs the right to view the record's module and the activity log.
func (s *Service) RecordHistory(ctx context.Context, m access.Module, recordType string, id int64) ([]activity.Entry, error) {
	if err := access.Require(ctx, m, access.View); err != nil {
		return nil, err
	}
	return s.Activity(ctx, activity.Filter{RecordType: recordType, RecordID: id, Limit: 100})
}

// ExportActivity returns every entry matching f, oldest first, for a CSV
// export, and records the export itself.
func (s *Service) ExportActivity(ctx context.Context, f activity.Filter) ([]activity.Entry, error) {
	if err := access.Require(ctx, access.Activity, access.Export); err != nil {
		return nil, err
	}
	var all []activity.Entry
	f.Limit = 1000
	for {
		page, err := s.db.ListActivity(ctx, f)
		if err != nil {
			return nil, err
		}
		all = append(all, page...)
		if len(page) < f.Limit {
			break
		}
		f.BeforeID = page[len(page)-1].ID
	}
	for i, j := 0, len(all)-1; i < j; i, j = i+1, j-1 {
		all[i], all[j] = all[j], all[i]
	}
	err := s.db.WithTx(ctx, func(ctx context.Context) error {
		return s.record(ctx, activity.Entry{Module: "activity", Action: "export", RecordType: "activity",
			Summary: strconv.Itoa(len(all))})
	})
	return all, err
}

// VerifyActivity checks the current account's hash chain; a nil Break means
// the log is intact. It also returns how many entries were checked.
func (s *Service) VerifyActivity(ctx context.Context) (*activity.Break, int64, error) {
	if err := access.Require(ctx, access.Activity, access.View); err != nil {
		return nil, 0, err
	}
	return s.db.VerifyActivity(ctx)
}

// PurgeActivity applies the activity log's retention: in every account,
// entries older than cutoff go, the chain still verifies from the rest.
// Only the system runs it (the daily job and the command line).
func (s *Service) PurgeActivity(ctx context.Context, cutoff time.Time) (int64, error) {
	if !access.IsSystem(ctx) {
		return 0, errs.E("service.PurgeActivity", errs.Forbidden, "retention runs as the system")
	}
	accounts, err := s.db.ListAccounts(ctx)
	if err != nil {
		return 0, err
	}
	var total int64
	for _, a := range accounts {
		n, err := s.db.PurgeActivity(account.WithID(ctx, a.ID), cutoff)
		if err != nil {
			return total, err
		}
		total += n
	}
	return total, nil
}

// saveChanges ends an update: when *after differs from before it saves it
// and records entry with the field-level changes, in the caller's
// transaction; when nothing changed, nothing is written or logged.
func saveChanges[T any](ctx context.Context, s *Service, before T, after *T, save func(context.Context, *T) error, entry activity.Entry) error {
	changes := activity.Diff(before, *after)
	if len(changes) == 0 {
		return nil
	}
	if err := save(ctx, after); err != nil {
		return err
	}
	entry.Changes = changes
	return s.record(ctx, entry)
}
