package service

import (
	"context"
	"encoding/json"
	"time"

	"filippo.io/age"

	"github.com/comptoir/comptoir/backup"
	"github.com/comptoir/comptoir/storage"
)

// backupLease is the job lease of the nightly backup: among instances that
// share a database, only its holder runs the backup.
const backupLease = "backup"

// leaseTerm is how long a lease lasts unless renewed; the holder renews it
// every leaseTerm/5 while it works, so a killed holder is replaced soon.
const leaseTerm = 5 * time.Minute

// BackupDue reports whether the nightly backup is due at now: past the
// time of day at (in now's zone) and not yet run since, or failed, or
// killed while it ran, more than an hour ago.
func (s *Service) BackupDue(ctx context.Context, now time.Time, hour, minute int) (bool, error) {
	slot := time.Date(now.Year(), now.Month(), now.Day(), hour, minute, 0, 0, now.Location())
	if now.Before(slot) {
		return false, nil
	}
	last, ok, err := s.db.LastBackupRun(ctx, "backup", BackupOK, BackupPartial, BackupRunning)
	if err != nil {
		return false, err
	}
	if ok && !last.StartedAt.Before(slot) {
		if last.Status != BackupRunning {
			return false, nil
		}
		// Still "running" once its holder's lease has expired, the run was
		// killed: retried as an interrupted one (RunScheduledBackup marks
		// it so), not left to hold tonight's slot.
		until, err := s.db.LeaseUntil(ctx, backupLease)
		if err != nil || until.After(now) {
			return false, err
		}
		return now.Sub(last.StartedAt) > time.Hour, nil
	}
	failed, ok, err := s.db.LastBackupRun(ctx, "backup", BackupFailed, BackupInterrupted)
	if err != nil {
		return false, err
	}
	return !ok || now.Sub(failed.StartedAt) > time.Hour, nil
}

// ScheduledBackup is what one scheduled run did.
type ScheduledBackup struct {
	Ran      bool // false: another instance holds the lease
	Backup   BackupReport
	Err      error
	Verified []VerifyReport
	// VerifyErrs holds each destination's verification failure.
	VerifyErrs []error
}

// RunScheduledBackup runs the backup as the instance holder if it gets
// the job's lease, renewing it while it works; then, when an identity is
// configured, verifies the new backup in every destination. Runs left
// "running" by a killed process are marked interrupted first.
func (s *Service) RunScheduledBackup(ctx context.Context, holder string, identities []age.Identity) (ScheduledBackup, error) {
	var out ScheduledBackup
	got, err := s.db.ClaimLease(ctx, backupLease, holder, time.Now().Add(leaseTerm))
	if err != nil || !got {
		return out, err
	}
	out.Ran = true
	stop := s.keepLease(ctx, holder)
	defer func() {
		stop()
		if err := s.db.ReleaseLease(context.WithoutCancel(ctx), backupLease, holder); err != nil {
			s.log.Warn("release the backup lease", "err", err)
		}
	}()
	// Holding the lease, no other run can be alive.
	if _, err := s.db.InterruptBackupRuns(ctx, time.Now()); err != nil {
		return out, err
	}
	out.Backup, out.Err = s.RunBackup(ctx)
	if len(identities) == 0 || out.Backup.Status == BackupFailed {
		return out, nil
	}
	// The results, not the settings: a run refused before its upload has
	// none.
	for i, d := range out.Backup.Destinations {
		if d.OK {
			rep, err := s.VerifyBackup(ctx, identities, s.Backup.Destinations[i], out.Backup.ID)
			out.Verified = append(out.Verified, rep)
			if err != nil {
				out.VerifyErrs = append(out.VerifyErrs, err)
			}
		}
	}
	return out, nil
}

// keepLease renews holder's backup lease until the returned stop is called.
func (s *Service) keepLease(ctx context.Context, holder string) (stop func()) {
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(leaseTerm / 5)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				if _, err := s.db.ClaimLease(ctx, backupLease, holder, time.Now().Add(leaseTerm)); err != nil && ctx.Err() == nil {
					s.log.Warn("renew the backup lease", "err", err)
				}
			}
		}
	}()
	return func() { cancel(); <-done }
}

// BackupStatus is what the operator's page and the metrics show.
type BackupStatus struct {
	Configured   bool
	Destinations []string // without credentials
	Schedule     string
	AutoVerify   bool
	LastRun      *BackupRunView
	LastSuccess  *BackupRunView
	LastVerify   *BackupRunView
	Runs         []BackupRunView
}

// BackupRunView is a recorded run with its report decoded.
type BackupRunView struct {
	ID         int64
	Kind       string
	BackupID   string
	Host       string
	StartedAt  time.Time
	FinishedAt *time.Time
	Status     string
	Size       int64
	PlainBytes int64
	Rows       int64
	Files      int64
	Seconds    float64
	Error      string
	Backup     *BackupReport // kind backup
	Verify     *VerifyReport // kind verify
}

// destinationsOf redacts the configured destinations.
func destinationsOf(list []string) []string {
	out := make([]string, len(list))
	for i, d := range list {
		out[i] = backup.Redact(d)
	}
	return out
}

// BackupStatus returns the backup configuration and the latest runs, for
// the operator's page and the metrics.
func (s *Service) BackupStatus(ctx context.Context, schedule string) (BackupStatus, error) {
	st := BackupStatus{Configured: len(s.Backup.Destinations) > 0 && s.Backup.Recipients != "",
		Destinations: destinationsOf(s.Backup.Destinations), Schedule: schedule, AutoVerify: s.Backup.Identity != ""}
	runs, err := s.db.BackupRuns(ctx, "", 30)
	if err != nil {
		return st, err
	}
	for _, r := range runs {
		st.Runs = append(st.Runs, viewRun(r))
	}
	last := func(kind string, statuses ...string) (*BackupRunView, error) {
		r, ok, err := s.db.LastBackupRun(ctx, kind, statuses...)
		if !ok || err != nil {
			return nil, err
		}
		v := viewRun(r)
		return &v, nil
	}
	if st.LastRun, err = last("backup"); err != nil {
		return st, err
	}
	if st.LastSuccess, err = last("backup", BackupOK); err != nil {
		return st, err
	}
	st.LastVerify, err = last("verify", BackupOK)
	return st, err
}

func viewRun(r storage.BackupRun) BackupRunView {
	v := BackupRunView{ID: r.ID, Kind: r.Kind, BackupID: r.BackupID, Host: r.Host, StartedAt: r.StartedAt,
		FinishedAt: r.FinishedAt, Status: r.Status, Size: r.Size, PlainBytes: r.PlainBytes, Rows: r.Rows,
		Files: r.Files, Error: r.Error}
	if r.FinishedAt != nil {
		v.Seconds = r.FinishedAt.Sub(r.StartedAt).Seconds()
	}
	switch r.Kind {
	case "backup":
		var b BackupReport
		if json.Unmarshal([]byte(r.Report), &b) == nil && b.ID != "" {
			v.Backup = &b
		}
	case "verify":
		var b VerifyReport
		if json.Unmarshal([]byte(r.Report), &b) == nil && b.ID != "" {
			v.Verify = &b
		}
	}
	return v
}
