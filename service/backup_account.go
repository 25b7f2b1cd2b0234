package service

import (
	"context"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"time"
	"unicode/utf8"

	"filippo.io/age"

	"github.com/comptoir/comptoir/access"
	"github.com/comptoir/comptoir/account"
	"github.com/comptoir/comptoir/activity"
	"github.com/comptoir/comptoir/backup"
	"github.com/comptoir/comptoir/errs"
	"github.com/comptoir/comptoir/storage"
)

// MinBackupPassphrase is the shortest passphrase an account backup is
// encrypted with: the file leaves the server, so the passphrase is all
// that protects it.
const MinBackupPassphrase = 12

// AccountBackupRecipient returns the age recipient of a passphrase for an
// account backup, after checking its length.
func AccountBackupRecipient(passphrase string) (age.Recipient, error) {
	if utf8.RuneCountInString(passphrase) < MinBackupPassphrase {
		return nil, &errs.Error{Op: "service.AccountBackupRecipient", Kind: errs.Invalid,
			Fields: []errs.FieldError{{Field: "passphrase", Code: "passphrase_too_short",
				Message: fmt.Sprintf("the passphrase must have at least %d characters", MinBackupPassphrase)}}}
	}
	r, err := age.NewScryptRecipient(passphrase)
	if err != nil {
		return nil, err
	}
	return r, nil
}

// ExportAccountBackup writes a restorable backup of the current account to
// w, encrypted to the recipients: every row of the account in one
// consistent snapshot, the users its rows name (without password hashes
// or second-factor secrets: restored members set a new password), and its
// attached files. Only the owner (or the operator, from the command line)
// makes one; it is in the activity log.
func (s *Service) ExportAccountBackup(ctx context.Context, w io.Writer, recipients []age.Recipient) (backup.Manifest, error) {
	const op = "service.ExportAccountBackup"
	var m backup.Manifest
	if err := access.Require(ctx, access.Privacy, access.Export); err != nil {
		return m, err
	}
	if err := requireOwner(ctx, op); err != nil {
		return m, err
	}
	a, err := s.db.Account(ctx)
	if err != nil {
		return m, errs.Wrap(op, err)
	}
	start := time.Now()
	m = backup.Manifest{ID: backup.NewID(start), Kind: backup.KindAccount, Engine: string(s.db.Engine()),
		Layout: backup.LayoutTables, Version: s.Backup.Version, Host: s.Backup.Host, StartedAt: start.UTC(),
		SnapshotAt: start.UTC(), Accounts: []backup.AccountRef{{ID: a.ID, Name: a.Name}}}
	if err := s.db.WithTx(ctx, func(ctx context.Context) error {
		return s.record(ctx, activity.Entry{Module: string(access.Privacy), Action: "backup", RecordType: "account",
			RecordID: a.ID, Summary: m.ID})
	}); err != nil {
		return m, errs.Wrap(op, err)
	}
	work, err := s.stagingDir("account-" + m.ID)
	if err != nil {
		return m, err
	}
	defer func() { _ = os.RemoveAll(work) }()
	var tables []storage.DumpTable
	var refs []storage.FileRef
	err = s.db.Snapshot(ctx, func(ctx context.Context) error {
		var err error
		if m.SchemaVersion, err = s.db.SchemaVersion(ctx); err != nil {
			return err
		}
		if tables, err = s.db.Dump(ctx, work, storage.DumpOptions{Account: a.ID}); err != nil {
			return err
		}
		sums, err := s.db.AttachmentChecksums(ctx) // this account's only
		for _, sum := range slices.Sorted(maps.Keys(sums)) {
			refs = append(refs, storage.FileRef{Account: a.ID, Checksum: sum})
		}
		return err
	})
	if err != nil {
		return m, errs.Wrap(op, err)
	}
	if err := writeTables(work, tables); err != nil {
		return m, err
	}
	for _, t := range tables {
		m.Tables = append(m.Tables, backup.Table{Name: t.Name, Rows: t.Rows})
	}
	aw, err := backup.NewWriter(w, recipients)
	if err != nil {
		return m, err
	}
	if err := addDatabase(aw, work, backup.LayoutTables, tables); err != nil {
		aw.Abort()
		return m, err
	}
	for _, f := range refs {
		p, err := s.Files.Path(f.Account, f.Checksum)
		if err != nil {
			return m, err
		}
		e, err := aw.AddFile(fileEntry(f), p)
		if err != nil {
			aw.Abort()
			return m, fmt.Errorf("attached file %s: %w", f.Checksum, err)
		}
		m.Files++
		m.FileBytes += e.Size
	}
	return aw.Close(m)
}

// RestoreAccount reads an account backup from r, decrypts it with
// identities and puts the account back into this instance beside the
// others, with its ids: refused, and nothing changed, when the account or
// any of its rows' ids already exist, or a user's e-mail belongs to
// another user. A backup made before later migrations is brought up to
// date on the way. The restored account's activity log verifies, and
// records the restore.
func (s *Service) RestoreAccount(ctx context.Context, r io.Reader, identities []age.Identity) (RestoreReport, error) {
	const op = "service.RestoreAccount"
	start := time.Now()
	var rep RestoreReport
	if !access.IsSystem(ctx) {
		return rep, errs.E(op, errs.Forbidden, "only the instance's operator restores an account")
	}
	work, err := s.stagingDir("restore-" + backup.NewID(start))
	if err != nil {
		return rep, err
	}
	defer func() { _ = os.RemoveAll(work) }()
	dir := filepath.Join(work, "archive")
	m, err := backup.Extract(r, identities, dir, nil)
	if err != nil {
		return rep, fmt.Errorf("account backup: %w", err)
	}
	rep.ID, rep.SnapshotAt, rep.Accounts, rep.Files, rep.DownloadSeconds = m.ID, m.SnapshotAt, m.Accounts, m.Files, time.Since(start).Seconds()
	if m.Kind != backup.KindAccount || len(m.Accounts) != 1 || m.Layout != backup.LayoutTables {
		return rep, fmt.Errorf("backup %s is not one account's backup (it is a %s backup): restore it with `comptoir restore`", m.ID, m.Kind)
	}
	id := m.Accounts[0].ID
	for _, t := range m.Tables {
		rep.Rows += t.Rows
	}
	dbDir := filepath.Join(dir, "database")
	tables, err := readTables(dbDir)
	if err != nil {
		return rep, err
	}
	if dbDir, tables, err = s.upgradeDump(ctx, m, dbDir, tables, filepath.Join(work, "upgrade")); err != nil {
		return rep, err
	}
	t := time.Now()
	// Files first: content-addressed, they harm nothing if the load is
	// refused (retention removes files no record refers to), while rows
	// committed without their files would be.
	if err := placeFiles(m, dir, s.Files, id); err != nil {
		return rep, err
	}
	if err := s.db.Load(ctx, dbDir, tables, storage.LoadOptions{Account: id}); err != nil {
		return rep, err
	}
	actx := account.WithID(ctx, id)
	if err := s.db.WithTx(actx, func(ctx context.Context) error {
		return s.record(ctx, activity.Entry{Module: string(access.Privacy), Action: "restore", RecordType: "account",
			RecordID: id, Summary: m.ID})
	}); err != nil {
		return rep, err
	}
	brk, n, err := s.db.VerifyActivity(actx)
	if err != nil {
		return rep, err
	}
	if brk != nil {
		return rep, fmt.Errorf("account %d restored, but its activity log's chain breaks at entry %d (%s)", id, brk.Seq, brk.Reason)
	}
	rep.Checks = []string{fmt.Sprintf("%d entries match their checksums", len(m.Entries)),
		fmt.Sprintf("activity-log chain verified (%d entries)", n)}
	rep.LoadSeconds, rep.Seconds = time.Since(t).Seconds(), time.Since(start).Seconds()
	return rep, nil
}

// upgradeDump brings a dump made at an older schema version up to this
// instance's: loaded into a scratch SQLite database at its version,
// migrated, and dumped again.
func (s *Service) upgradeDump(ctx context.Context, m backup.Manifest, dir string, tables []storage.DumpTable, scratch string) (string, []storage.DumpTable, error) {
	live, err := s.db.SchemaVersion(ctx)
	if err != nil {
		return "", nil, err
	}
	switch {
	case m.SchemaVersion == live:
		return dir, tables, nil
	case m.SchemaVersion > live:
		return "", nil, fmt.Errorf("backup %s was made at schema version %d, newer than this instance's %d: upgrade Comptoir first", m.ID, m.SchemaVersion, live)
	}
	db, err := storage.Open(ctx, storage.Options{DataDir: scratch, MaxReaders: 2})
	if err != nil {
		return "", nil, err
	}
	defer func() { _ = db.Close() }()
	if err := loadDump(ctx, db, dir, tables, m.SchemaVersion); err != nil {
		return "", nil, fmt.Errorf("bring backup %s up to date: %w", m.ID, err)
	}
	out := filepath.Join(scratch, "dump")
	if err := os.MkdirAll(out, 0o700); err != nil {
		return "", nil, err
	}
	tables, err = db.Dump(ctx, out, storage.DumpOptions{Account: m.Accounts[0].ID})
	return out, tables, err
}
