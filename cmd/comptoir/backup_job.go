package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"

	"filippo.io/age"

	"github.com/comptoir/comptoir/backup"
	"github.com/comptoir/comptoir/config"
	"github.com/comptoir/comptoir/service"
)

// backups runs the nightly backup at COMPTOIR_BACKUP_AT (the server's
// zone), checked every minute. Among instances sharing a database the one
// that takes the job's lease runs it; the runs recorded in the database
// say whether tonight's is done. With an identity configured the new
// backup is then verified in every destination.
func backups(ctx context.Context, in instance, log *slog.Logger) {
	svc, cfg := in.svc, in.cfg
	if len(svc.Backup.Destinations) == 0 {
		log.Warn("no backup destination configured (COMPTOIR_BACKUP_DESTINATIONS): this instance is not backed up")
		return
	}
	var ids []age.Identity
	if cfg.BackupIdentity != "" {
		var err error
		if ids, err = backup.ReadIdentities(cfg.BackupIdentity); err != nil {
			log.Error("backups will not be verified automatically", "err", err)
		}
	}
	holder := leaseHolder()
	hour, minute := -1, 0
	if cfg.BackupAt != "off" {
		hour, minute, _ = config.ClockTime(cfg.BackupAt) // validated with the configuration
	}
	due := func(ctx context.Context) (bool, error) { return svc.BackupDue(ctx, time.Now(), hour, minute) }
	run := func(due func(context.Context) (bool, error)) {
		out, err := svc.RunScheduledBackup(ctx, holder, ids, due)
		logScheduled(log, out, err)
	}
	if in.backupNow {
		run(nil)
	}
	if hour < 0 {
		return
	}
	t := time.NewTicker(time.Minute)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case now := <-t.C:
			ok, err := svc.BackupDue(ctx, now, hour, minute)
			if err != nil {
				log.Warn("backup schedule", "err", err)
				continue
			}
			if ok {
				run(due) // due again under the lease: another instance may have just run it
			}
		}
	}
}

func logScheduled(log *slog.Logger, out service.ScheduledBackup, err error) {
	switch {
	case err != nil:
		log.Error("backup", "err", err)
	case !out.Ran:
		log.Info("backup run by another instance")
	case out.Err != nil:
		log.Error("backup", "id", out.Backup.ID, "status", out.Backup.Status, "err", out.Err)
	default:
		log.Info("backup done", "id", out.Backup.ID, "status", out.Backup.Status, "bytes", out.Backup.Size,
			"seconds", fmt.Sprintf("%.1f", out.Backup.Seconds))
	}
	for _, v := range out.Verified {
		log.Info("backup verified", "id", v.ID, "destination", v.Destination, "seconds", fmt.Sprintf("%.1f", v.Seconds))
	}
	for _, e := range out.VerifyErrs {
		log.Error("backup verification", "err", e)
	}
}

// deadHolder reports whether a lease holder is a process of this machine
// that no longer runs.
func deadHolder(holder string) bool {
	host, _ := os.Hostname()
	parts := strings.Split(holder, "/")
	if len(parts) != 3 || parts[0] != host {
		return false
	}
	pid, err := strconv.Atoi(parts[1])
	if err != nil || pid <= 0 {
		return false
	}
	return errors.Is(syscall.Kill(pid, 0), syscall.ESRCH)
}

// leaseHolder names this process among the instances: host, pid and a
// random part, so that a restarted process is a new holder.
func leaseHolder() string {
	host, _ := os.Hostname()
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	return fmt.Sprintf("%s/%d/%s", host, os.Getpid(), hex.EncodeToString(b))
}
