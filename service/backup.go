package service

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"filippo.io/age"

	"github.com/comptoir/comptoir/account"
	"github.com/comptoir/comptoir/backup"
	"github.com/comptoir/comptoir/errs"
	"github.com/comptoir/comptoir/storage"
)

// BackupSettings is how the operator has the instance backed up.
type BackupSettings struct {
	// Destinations are URLs, credentials included (backup.Open).
	Destinations []string
	// Recipients are the age public keys archives are encrypted to; the
	// private keys stay off the server.
	Recipients string
	// Identity is the file of an age private key that can decrypt the
	// backups, for the daily automatic verification; empty when the
	// operator verifies elsewhere with `comptoir backup verify`.
	Identity string
	// DataDir holds the staging directory (and the SQLite database).
	DataDir string
	Policy  backup.Policy
	Retry   backup.Retry
	// Host and Version name this instance and program in manifests.
	Host, Version string
}

// Backup run statuses.
const (
	BackupRunning     = "running"
	BackupOK          = "ok"
	BackupPartial     = "partial" // some destinations failed, or the snapshot's checks did
	BackupFailed      = "failed"
	BackupInterrupted = "interrupted"
)

// DestinationResult is how one destination fared in a run.
type DestinationResult struct {
	Destination string   `json:"destination"` // without credentials
	OK          bool     `json:"ok"`
	Error       string   `json:"error,omitempty"`
	Seconds     float64  `json:"seconds"`
	Removed     []string `json:"removed,omitempty"` // rotated away
	RotateError string   `json:"rotate_error,omitempty"`
}

// BackupReport says what a backup run did.
type BackupReport struct {
	ID              string              `json:"id"`
	Status          string              `json:"status"`
	StartedAt       time.Time           `json:"started_at"`
	Seconds         float64             `json:"seconds"`
	SnapshotSeconds float64             `json:"snapshot_seconds"`
	ArchiveSeconds  float64             `json:"archive_seconds"`
	UploadSeconds   float64             `json:"upload_seconds"`
	Engine          string              `json:"engine"`
	Size            int64               `json:"size"`
	PlainBytes      int64               `json:"plain_bytes"`
	Rows            int64               `json:"rows"`
	Files           int                 `json:"files"`
	Accounts        int                 `json:"accounts"`
	Checks          []string            `json:"checks"`
	Warnings        []string            `json:"warnings,omitempty"`
	Destinations    []DestinationResult `json:"destinations"`
}

// snapshotFacts is what a snapshot holds and how it passed its checks.
type snapshotFacts struct {
	schema   int64
	counts   map[string]int64
	accounts []backup.AccountRef
	files    []storage.FileRef
	problems []string // integrity, broken chains
	checks   []string // what was checked and passed
}

// RunBackup takes a consistent snapshot of the whole instance while it
// keeps serving, archives it with the attached files, encrypts it to the
// recipients, uploads it to every destination (each retried, on its own)
// and rotates each destination's backups. The run is recorded; a
// destination that fails does not stop the others: the run is then
// partial, and the error says which.
func (s *Service) RunBackup(ctx context.Context) (BackupReport, error) {
	cfg := s.Backup
	start := time.Now()
	rep := BackupReport{ID: backup.NewID(start), StartedAt: start.UTC(), Engine: string(s.db.Engine())}
	if len(cfg.Destinations) == 0 {
		return rep, errs.E("service.RunBackup", errs.Invalid, "no backup destination is configured (COMPTOIR_BACKUP_DESTINATIONS)")
	}
	recipients, err := backup.ParseRecipients(cfg.Recipients)
	if err != nil {
		return rep, errs.E("service.RunBackup", errs.Invalid, err.Error())
	}
	runID, err := s.db.StartBackupRun(ctx, "backup", rep.ID, cfg.Host)
	if err != nil {
		return rep, err
	}
	err = s.runBackup(ctx, recipients, &rep)
	rep.Seconds = time.Since(start).Seconds()
	switch {
	case err != nil && rep.Status != BackupPartial: // partial: some destinations have it
		rep.Status = BackupFailed
	case len(rep.Warnings) > 0 && rep.Status == BackupOK:
		// Stored, but short of what it should hold: an error for cron and
		// the logs, not a success.
		rep.Status = BackupPartial
		err = fmt.Errorf("backup %s was stored, but: %s", rep.ID, strings.Join(rep.Warnings, "; "))
	}
	s.finishRun(ctx, runID, rep.ID, rep.Status, rep, err)
	return rep, err
}

func (s *Service) finishRun(ctx context.Context, runID int64, backupID, status string, rep any, err error) {
	data, _ := json.Marshal(rep)
	run := storage.BackupRun{ID: runID, BackupID: backupID, Status: status, Report: string(data)}
	if r, ok := rep.(BackupReport); ok {
		run.Size, run.PlainBytes, run.Rows, run.Files = r.Size, r.PlainBytes, r.Rows, int64(r.Files)
	}
	if err != nil {
		run.Error = err.Error()
	}
	// Recorded even when the run was cancelled: the status page must say so.
	if ferr := s.db.FinishBackupRun(context.WithoutCancel(ctx), run); ferr != nil {
		s.log.Error("record backup run", "err", ferr)
	}
}

func (s *Service) runBackup(ctx context.Context, recipients []age.Recipient, rep *BackupReport) error {
	s.sweepStaging()
	work, err := s.stagingDir(rep.ID)
	if err != nil {
		return err
	}
	defer func() { _ = os.RemoveAll(work) }()

	t := time.Now()
	db := filepath.Join(work, "database")
	if err := os.MkdirAll(db, 0o700); err != nil {
		return err
	}
	layout, tables, facts, err := s.snapshot(ctx, db)
	if err != nil {
		return err
	}
	rep.SnapshotSeconds = time.Since(t).Seconds()
	rep.Checks, rep.Warnings = facts.checks, facts.problems
	rep.Accounts = len(facts.accounts)
	for _, n := range facts.counts {
		rep.Rows += n
	}

	t = time.Now()
	m := backup.Manifest{ID: rep.ID, Kind: backup.KindInstance, Engine: rep.Engine, Layout: layout,
		SchemaVersion: facts.schema, Version: s.Backup.Version, Host: s.Backup.Host, StartedAt: rep.StartedAt,
		SnapshotAt: rep.StartedAt, Accounts: facts.accounts, Tables: tableList(facts.counts)}
	archive := filepath.Join(work, "archive")
	desc, m, err := s.writeArchive(archive, recipients, m, db, tables, facts.files)
	if err != nil {
		return err
	}
	rep.ArchiveSeconds = time.Since(t).Seconds()
	rep.Warnings = append(rep.Warnings, m.Warnings...)
	rep.Size, rep.PlainBytes, rep.Files = desc.Size, desc.PlainBytes, m.Files
	desc.Checked = len(facts.problems) == 0 && len(m.MissingFiles) == 0

	t = time.Now()
	rep.Destinations = s.uploadAll(ctx, archive, desc)
	rep.UploadSeconds = time.Since(t).Seconds()
	return uploadOutcome(rep)
}

// uploadOutcome sets the run's status from its destinations' results.
func uploadOutcome(rep *BackupReport) error {
	var failed []string
	for _, d := range rep.Destinations {
		if !d.OK {
			failed = append(failed, d.Destination+": "+d.Error)
		}
	}
	switch {
	case len(failed) == 0:
		rep.Status = BackupOK
		return nil
	case len(failed) < len(rep.Destinations):
		rep.Status = BackupPartial
		return fmt.Errorf("backup %s reached %d of %d destinations; failed: %s", rep.ID,
			len(rep.Destinations)-len(failed), len(rep.Destinations), strings.Join(failed, "; "))
	}
	return fmt.Errorf("backup %s reached no destination: %s", rep.ID, strings.Join(failed, "; "))
}

// stagingDir makes a working directory in the data directory.
func (s *Service) stagingDir(id string) (string, error) {
	root := filepath.Join(s.Backup.DataDir, "backup-staging")
	if err := os.MkdirAll(root, 0o700); err != nil {
		return "", fmt.Errorf("backup staging directory: %w", err)
	}
	dir := filepath.Join(root, id)
	if err := os.Mkdir(dir, 0o700); err != nil {
		return "", fmt.Errorf("backup staging directory: %w", err)
	}
	return dir, nil
}

// sweepStaging removes what runs killed earlier left in the staging
// directory. Only a backup run sweeps, holding the backup lease, so no
// other backup is under way; a verification or an account's backup that
// old is dead too.
func (s *Service) sweepStaging() {
	root := filepath.Join(s.Backup.DataDir, "backup-staging")
	entries, err := os.ReadDir(root)
	if err != nil {
		return
	}
	for _, e := range entries {
		if info, err := e.Info(); err == nil && time.Since(info.ModTime()) > 6*time.Hour {
			_ = os.RemoveAll(filepath.Join(root, e.Name()))
		}
	}
}

// snapshot writes a consistent copy of the database into dir and checks
// it: on SQLite a copy of the file (VACUUM INTO) opened and checked on its
// own; on PostgreSQL a logical dump whose facts are read in the same
// repeatable-read snapshot.
func (s *Service) snapshot(ctx context.Context, dir string) (string, []storage.DumpTable, snapshotFacts, error) {
	if s.db.Engine() == storage.SQLite {
		path := filepath.Join(dir, "comptoir.db")
		if err := s.db.SnapshotSQLite(ctx, path); err != nil {
			return "", nil, snapshotFacts{}, err
		}
		snap, err := storage.Open(ctx, storage.Options{DataDir: dir, MaxReaders: 2})
		if err != nil {
			return "", nil, snapshotFacts{}, fmt.Errorf("open the snapshot: %w", err)
		}
		facts, err := factsOf(ctx, snap)
		if cerr := snap.Close(); err == nil {
			err = cerr
		}
		return backup.LayoutSQLite, nil, facts, err
	}
	var tables []storage.DumpTable
	var facts snapshotFacts
	err := s.db.Snapshot(ctx, func(ctx context.Context) error {
		var err error
		if tables, err = s.db.Dump(ctx, dir, storage.DumpOptions{}); err != nil {
			return err
		}
		facts, err = factsOf(ctx, s.db)
		return err
	})
	if err != nil {
		return "", nil, facts, err
	}
	return backup.LayoutTables, tables, facts, writeTables(dir, tables)
}

// factsOf reads what a backup's manifest says of a database and checks it:
// integrity, and every account's activity-log chain.
func factsOf(ctx context.Context, db *storage.DB) (snapshotFacts, error) {
	var f snapshotFacts
	var err error
	if f.schema, err = db.SchemaVersion(ctx); err != nil {
		return f, err
	}
	if f.counts, err = db.TableCounts(ctx); err != nil {
		return f, err
	}
	problems, err := db.IntegrityCheck(ctx)
	if err != nil {
		return f, err
	}
	f.problems = append(f.problems, problems...)
	if db.Engine() == storage.SQLite && len(problems) == 0 {
		f.checks = append(f.checks, "SQLite integrity_check and foreign_key_check: ok")
	}
	accounts, err := db.ListAccounts(ctx)
	if err != nil {
		return f, err
	}
	var entries int64
	for _, a := range accounts {
		id := a.ID
		f.accounts = append(f.accounts, backup.AccountRef{ID: id, Name: a.Name})
		brk, checked, err := db.VerifyActivity(account.WithID(ctx, id))
		if err != nil {
			return f, err
		}
		entries += checked
		if brk != nil {
			f.problems = append(f.problems, fmt.Sprintf("account %d: the activity log's chain breaks at entry %d (%s)", id, brk.Seq, brk.Reason))
		}
	}
	if len(f.problems) == 0 {
		f.checks = append(f.checks, fmt.Sprintf("activity-log chains of %d accounts verified (%d entries)", len(accounts), entries))
	}
	f.files, err = db.AttachedFiles(ctx)
	return f, err
}

func tableList(counts map[string]int64) []backup.Table {
	out := make([]backup.Table, 0, len(counts))
	for name, n := range counts {
		out = append(out, backup.Table{Name: name, Rows: n})
	}
	slices.SortFunc(out, func(a, b backup.Table) int { return strings.Compare(a.Name, b.Name) })
	return out
}

// tablesFile lists a logical dump's tables with their columns' types.
const tablesFile = "tables.json"

func writeTables(dir string, tables []storage.DumpTable) error {
	data, err := json.MarshalIndent(tables, "", " ")
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, tablesFile), data, 0o600)
}

func readTables(dir string) ([]storage.DumpTable, error) {
	data, err := os.ReadFile(filepath.Join(dir, tablesFile))
	if err != nil {
		return nil, fmt.Errorf("%w: the dump has no %s", backup.ErrDamaged, tablesFile)
	}
	var tables []storage.DumpTable
	if err := json.Unmarshal(data, &tables); err != nil {
		return nil, fmt.Errorf("%w: %s: %v", backup.ErrDamaged, tablesFile, err)
	}
	return tables, nil
}

// writeArchive writes the encrypted archive of the snapshot in db (and the
// files it refers to) to path, and returns its descriptor.
func (s *Service) writeArchive(path string, recipients []age.Recipient, m backup.Manifest, db string,
	tables []storage.DumpTable, refs []storage.FileRef) (backup.Descriptor, backup.Manifest, error) {
	out, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return backup.Descriptor{}, m, err
	}
	defer func() { _ = out.Close() }()
	h := sha256.New()
	counter := &countingWriter{w: io.MultiWriter(out, h)}
	w, err := backup.NewWriter(counter, recipients)
	if err != nil {
		return backup.Descriptor{}, m, err
	}
	if err := addDatabase(w, db, m.Layout, tables); err != nil {
		w.Abort()
		return backup.Descriptor{}, m, err
	}
	for _, f := range refs {
		e, err := s.addFile(w, f)
		if errors.Is(err, errFileGone) {
			// Deleted since the snapshot: the manifest says so, and the
			// checks of a restore expect it.
			m.Warnings = append(m.Warnings, fmt.Sprintf("attached file %s of account %d could not be read: %v", f.Checksum, f.Account, err))
			m.MissingFiles = append(m.MissingFiles, fileEntry(f))
			continue
		}
		if err != nil {
			w.Abort()
			return backup.Descriptor{}, m, err // the archive itself failed: no backup
		}
		m.Files++
		m.FileBytes += e.Size
	}
	if m, err = w.Close(m); err != nil {
		return backup.Descriptor{}, m, err
	}
	if err := out.Sync(); err != nil {
		return backup.Descriptor{}, m, fmt.Errorf("write the archive: %w", err)
	}
	d := descriptorOf(m, recipientsText(s.Backup.Recipients))
	d.Size, d.SHA256, d.PlainBytes = counter.n, hex.EncodeToString(h.Sum(nil)), w.Plain()
	d.FinishedAt = time.Now().UTC()
	return d, m, nil
}

var errFileGone = errors.New("the file is gone")

// addFile adds an attached file to the archive. A file that cannot be
// opened is errFileGone, and the archive goes on; a failure once its entry
// has begun leaves the archive unusable, and is returned as it is.
func (s *Service) addFile(w *backup.Writer, f storage.FileRef) (backup.Entry, error) {
	p, err := s.Files.Path(f.Account, f.Checksum)
	if err != nil {
		return backup.Entry{}, fmt.Errorf("%w: %v", errFileGone, err)
	}
	file, err := os.Open(p)
	if err != nil {
		return backup.Entry{}, fmt.Errorf("%w: %v", errFileGone, err)
	}
	defer func() { _ = file.Close() }()
	info, err := file.Stat()
	if err != nil {
		return backup.Entry{}, fmt.Errorf("%w: %v", errFileGone, err)
	}
	return w.Add(fileEntry(f), info.Size(), info.ModTime(), file)
}

func fileEntry(f storage.FileRef) string {
	return "files/" + strconv.FormatInt(f.Account, 10) + "/" + f.Checksum
}

func addDatabase(w *backup.Writer, dir, layout string, tables []storage.DumpTable) error {
	if layout == backup.LayoutSQLite {
		_, err := w.AddFile("database/comptoir.db", filepath.Join(dir, "comptoir.db"))
		return err
	}
	if _, err := w.AddFile("database/"+tablesFile, filepath.Join(dir, tablesFile)); err != nil {
		return err
	}
	for _, t := range tables {
		if _, err := w.AddFile("database/"+t.Name+".jsonl", filepath.Join(dir, t.Name+".jsonl")); err != nil {
			return err
		}
	}
	return nil
}

func descriptorOf(m backup.Manifest, recipients []string) backup.Descriptor {
	d := backup.Descriptor{Format: backup.Format, ID: m.ID, Kind: m.Kind, Engine: m.Engine, Layout: m.Layout,
		SchemaVersion: m.SchemaVersion, Version: m.Version, Host: m.Host, StartedAt: m.StartedAt,
		SnapshotAt: m.SnapshotAt, Files: m.Files, Recipients: recipients}
	for _, a := range m.Accounts {
		d.Accounts = append(d.Accounts, a.ID)
	}
	for _, t := range m.Tables {
		d.Rows += t.Rows
	}
	return d
}

func recipientsText(list string) []string {
	return strings.FieldsFunc(list, func(r rune) bool { return r == ',' || r == ' ' || r == '\n' || r == '\t' })
}

// uploadAll uploads the archive to every destination at once, then
// rotates each destination that took it.
func (s *Service) uploadAll(ctx context.Context, archive string, desc backup.Descriptor) []DestinationResult {
	out := make([]DestinationResult, len(s.Backup.Destinations))
	var wg sync.WaitGroup
	for i, raw := range s.Backup.Destinations {
		wg.Go(func() {
			start := time.Now()
			r := DestinationResult{Destination: backup.Redact(raw)}
			err := s.uploadOne(ctx, raw, archive, desc, &r)
			r.Seconds = time.Since(start).Seconds()
			if err != nil {
				r.Error = err.Error()
				s.log.Warn("backup upload", "destination", r.Destination, "err", err)
			} else {
				r.OK = true
			}
			out[i] = r
		})
	}
	wg.Wait()
	return out
}

func (s *Service) uploadOne(ctx context.Context, raw, archive string, desc backup.Descriptor, r *DestinationResult) error {
	// Each attempt connects anew: a dropped connection is not retried on.
	once := backup.Retry{Attempts: 1}
	err := s.Backup.Retry.Do(ctx, func() error {
		d, err := backup.Open(ctx, raw)
		if err != nil {
			return err
		}
		defer func() { _ = d.Close() }()
		return backup.Upload(ctx, d, archive, desc, once)
	})
	if err != nil {
		return err
	}
	d, err := backup.Open(ctx, raw)
	if err == nil {
		defer func() { _ = d.Close() }()
		r.Removed, err = backup.Rotate(ctx, d, s.Backup.Policy, time.Now(), desc.ID)
	}
	if err != nil {
		r.RotateError = err.Error()
	}
	return nil
}
