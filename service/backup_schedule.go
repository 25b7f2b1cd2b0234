package service

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"filippo.io/age"

	"github.com/comptoir/comptoir/backup"
	"github.com/comptoir/comptoir/errs"
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

// RunScheduledBackup runs the nightly backup if this instance gets the
// job's lease and the backup is still due then (another instance may have
// just taken it); then, when an identity is configured, verifies the new
// backup in every destination. The lease is renewed while it works.
func (s *Service) RunScheduledBackup(ctx context.Context, holder string, identities []age.Identity, due func(context.Context) (bool, error)) (ScheduledBackup, error) {
	var out ScheduledBackup
	got, err := s.withBackupLease(ctx, holder, func(ctx context.Context) error {
		if due != nil {
			if ok, err := due(ctx); err != nil || !ok {
				return err
			}
		}
		out.Ran = true
		out.Backup, out.Err = s.RunBackup(ctx)
		if len(identities) == 0 || out.Backup.Status == BackupFailed {
			return nil
		}
		// The results, not the settings: a run refused before its upload
		// has none.
		for i, d := range out.Backup.Destinations {
			if d.OK {
				rep, err := s.VerifyBackup(ctx, identities, s.Backup.Destinations[i], out.Backup.ID)
				out.Verified = append(out.Verified, rep)
				if err != nil {
					out.VerifyErrs = append(out.VerifyErrs, err)
				}
			}
		}
		return nil
	})
	if err == nil && got {
		s.recordVerifications(ctx)
	}
	return out, err
}

// RunBackupNow runs a backup at once, as `comptoir backup run` does, under
// the same lease as the nightly job: refused while another process takes
// one. dead, when given, tells a holder known to be gone (a process of
// this machine killed mid-run), whose lease is taken over at once.
func (s *Service) RunBackupNow(ctx context.Context, holder string, dead func(holder string) bool) (BackupReport, error) {
	var rep BackupReport
	var runErr error
	if dead != nil {
		if other, until, err := s.db.LeaseHolder(ctx, backupLease); err == nil && other != "" && other != holder &&
			until.After(time.Now()) && dead(other) {
			if _, err := s.db.TakeLeaseFrom(ctx, backupLease, other, holder, time.Now().Add(leaseTerm)); err != nil {
				return rep, err
			}
		}
	}
	got, err := s.withBackupLease(ctx, holder, func(ctx context.Context) error {
		rep, runErr = s.RunBackup(ctx)
		return nil
	})
	if err != nil {
		return rep, err
	}
	if !got {
		until, _ := s.db.LeaseUntil(ctx, backupLease)
		return rep, errs.E("service.RunBackupNow", errs.Conflict, fmt.Sprintf(
			"another process is taking a backup of this instance (its lease runs until %s unless renewed): try again later",
			until.Local().Format("15:04:05")))
	}
	s.recordVerifications(ctx)
	return rep, runErr
}

// withBackupLease runs fn holding the backup job's lease, renewed while fn
// works, and reports whether it got it. Holding it, no other backup run
// can be alive: runs left "running" by a killed process are marked
// interrupted first.
func (s *Service) withBackupLease(ctx context.Context, holder string, fn func(context.Context) error) (bool, error) {
	got, err := s.db.ClaimLease(ctx, backupLease, holder, time.Now().Add(leaseTerm))
	if err != nil || !got {
		return false, err
	}
	stop := s.keepLease(ctx, holder)
	defer func() {
		stop()
		if err := s.db.ReleaseLease(context.WithoutCancel(ctx), backupLease, holder); err != nil {
			s.log.Warn("release the backup lease", "err", err)
		}
	}()
	now := time.Now()
	if _, err := s.db.InterruptBackupRuns(ctx, "backup", now, "the process stopped during the run"); err != nil {
		return true, err
	}
	// A verification or an account's backup is not under the lease: one
	// still running after hours was stopped too.
	if _, err := s.db.InterruptBackupRuns(ctx, "", now.Add(-2*time.Hour), "the process stopped during the run"); err != nil {
		return true, err
	}
	return true, fn(ctx)
}

// recordVerifications records as verify runs the verifications found in
// the destinations that this instance has not recorded: those made with
// `comptoir backup verify` on the machine that holds the key, so that the
// operator's page and the metrics know of them.
func (s *Service) recordVerifications(ctx context.Context) {
	for _, raw := range s.Backup.Destinations {
		d, err := backup.Open(ctx, raw)
		if err != nil {
			continue
		}
		list, _, err := backup.List(ctx, d)
		_ = d.Close()
		if err != nil {
			continue
		}
		for _, l := range list {
			// This instance recorded its own verifications as it made them.
			v := l.Verified
			if v == nil || v.Host == s.Backup.Host {
				continue
			}
			at := v.VerifiedAt.Truncate(time.Microsecond) // what both engines keep
			if seen, err := s.db.HasBackupRun(ctx, "verify", v.ID, v.Host, at); err != nil || seen {
				continue
			}
			rep := VerifyReport{ID: v.ID, Destination: backup.Redact(raw), VerifiedAt: v.VerifiedAt, Seconds: v.Seconds,
				Size: l.Size, Accounts: len(l.Accounts), Rows: l.Rows, Files: l.Files, Checks: v.Checks}
			data, _ := json.Marshal(rep)
			if err := s.db.RecordBackupRun(ctx, storage.BackupRun{Kind: "verify", BackupID: v.ID, Host: v.Host,
				StartedAt: at, Status: BackupOK, Size: l.Size, Rows: l.Rows, Files: int64(l.Files), Report: string(data)}); err != nil {
				s.log.Warn("record a verification", "err", err)
			}
		}
	}
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
