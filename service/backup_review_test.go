package service_test

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/comptoir/comptoir/backup"
	"github.com/comptoir/comptoir/errs"
	"github.com/comptoir/comptoir/service"
	"github.com/comptoir/comptoir/storage"
	"github.com/comptoir/comptoir/storage/storagetest"
)

// TestBackupOfAFileDeletedMeanwhile: an attached file gone between the
// snapshot and the archive (an erasure) makes the run partial and an error,
// its descriptor unchecked; the backup still verifies and restores, with a
// warning naming the file, instead of failing every restore.
func TestBackupOfAFileDeletedMeanwhile(t *testing.T) {
	backupEngines(t, func(t *testing.T, e storagetest.Engine, db *storage.DB) {
		ctx := context.Background()
		env := newBackupEnv(t, db, 1, false)
		refs, err := db.AttachedFiles(ctx)
		if err != nil || len(refs) == 0 {
			t.Fatalf("attached files: %v %v", refs, err)
		}
		gone := refs[0]
		p, _ := env.s.Files.Path(gone.Account, gone.Checksum)
		if err := os.Remove(p); err != nil {
			t.Fatal(err)
		}
		rep, err := env.s.RunBackup(ctx)
		if err == nil || rep.Status != service.BackupPartial || !strings.Contains(err.Error(), gone.Checksum) {
			t.Fatalf("run: %s, %v", rep.Status, err)
		}
		list, _ := listed(t, env.dirs[0])
		if len(list) != 1 || list[0].Checked {
			t.Fatalf("the backup should be stored, and not marked checked: %+v", list)
		}
		v, err := env.s.VerifyBackup(ctx, env.ids(), "file://"+env.dirs[0], "")
		if err != nil || len(v.Warnings) != 1 || !strings.Contains(v.Warnings[0], gone.Checksum) {
			t.Fatalf("verify: %v, warnings %v", err, v.Warnings)
		}
		target := restoreTarget(t, e)
		r, err := service.Restore(ctx, service.RestoreOptions{Identities: env.ids(), From: "file://" + env.dirs[0], Target: target})
		if err != nil || len(r.Warnings) != 1 || r.Seconds <= 0 {
			t.Fatalf("restore: %v, warnings %v, %.3f s", err, r.Warnings, r.Seconds)
		}
	})
}

// TestRestoredInstanceStartsClean: the backup's own run, recorded as
// running in the snapshot, is no longer running once restored, and no job
// lease is held, so the restored instance backs up as usual.
func TestRestoredInstanceStartsClean(t *testing.T) {
	backupEngines(t, func(t *testing.T, e storagetest.Engine, db *storage.DB) {
		ctx := context.Background()
		env := newBackupEnv(t, db, 1, false)
		if _, err := env.s.RunBackupNow(ctx, "srv/1/aa", nil); err != nil {
			t.Fatal(err)
		}
		target := restoreTarget(t, e)
		if _, err := service.Restore(ctx, service.RestoreOptions{Identities: env.ids(), From: "file://" + env.dirs[0], Target: target}); err != nil {
			t.Fatal(err)
		}
		restored := openRestored(t, target)
		runs, err := restored.BackupRuns(ctx, "", 10)
		if err != nil || len(runs) != 1 || runs[0].Status != service.BackupInterrupted {
			t.Fatalf("runs after restore: %+v %v", runs, err)
		}
		if until, err := restored.LeaseUntil(ctx, "backup"); err != nil || !until.IsZero() {
			t.Fatalf("a lease came back with the restore: %v %v", until, err)
		}
	})
}

// TestBackupCommandTakesTheLease: a backup asked for while another process
// holds the backup lease is refused as a conflict, and runs once it is free.
func TestBackupCommandTakesTheLease(t *testing.T) {
	ctx := context.Background()
	db := storagetest.Open(t, storagetest.Engines()[0])
	env := newBackupEnv(t, db, 1, false)
	if ok, err := db.ClaimLease(ctx, "backup", "other/1/bb", time.Now().Add(time.Minute)); err != nil || !ok {
		t.Fatal(ok, err)
	}
	if _, err := env.s.RunBackupNow(ctx, "cli/2/cc", nil); !errs.Is(err, errs.Conflict) || !strings.Contains(err.Error(), "another process") {
		t.Fatalf("a backup under another's lease: %v", err)
	}
	if err := db.ReleaseLease(ctx, "backup", "other/1/bb"); err != nil {
		t.Fatal(err)
	}
	if rep, err := env.s.RunBackupNow(ctx, "cli/2/cc", nil); err != nil || rep.Status != service.BackupOK {
		t.Fatalf("once free: %s %v", rep.Status, err)
	}
}

// TestVerificationElsewhereIsRecorded: a verification made on the machine
// that holds the key (no instance database) is marked in the destination,
// and the instance records it once at its next backup.
func TestVerificationElsewhereIsRecorded(t *testing.T) {
	backupEngines(t, func(t *testing.T, e storagetest.Engine, db *storage.DB) {
		ctx := context.Background()
		env := newBackupEnv(t, db, 1, false)
		rep, err := env.s.RunBackupNow(ctx, "srv/1/aa", nil)
		if err != nil {
			t.Fatal(err)
		}
		v, err := service.Verify(ctx, service.VerifyOptions{Identities: env.ids(), From: "file://" + env.dirs[0], Host: "laptop"})
		if err != nil || v.ID != rep.ID {
			t.Fatalf("verify elsewhere: %+v %v", v, err)
		}
		if _, ok, _ := db.LastBackupRun(ctx, "verify", service.BackupOK); ok {
			t.Fatal("a verification without the instance's database was recorded in it")
		}
		for range 2 { // twice: recorded once
			if _, err := env.s.RunBackupNow(ctx, "srv/1/aa", nil); err != nil {
				t.Fatal(err)
			}
		}
		runs, err := db.BackupRuns(ctx, "verify", 10)
		if err != nil || len(runs) != 1 || runs[0].Host != "laptop" || runs[0].BackupID != rep.ID || runs[0].Status != service.BackupOK {
			t.Fatalf("verify runs: %+v %v", runs, err)
		}
		if _, err := backup.TimeOf(runs[0].BackupID); err != nil {
			t.Fatal(err)
		}
	})
}
