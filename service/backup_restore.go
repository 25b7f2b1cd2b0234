package service

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"filippo.io/age"

	"github.com/comptoir/comptoir/backup"
	"github.com/comptoir/comptoir/files"
	"github.com/comptoir/comptoir/storage"
)

// fetched is a backup downloaded, decrypted and unpacked into dir, every
// entry matching its checksum.
type fetched struct {
	dir      string
	listed   backup.Listed
	manifest backup.Manifest
	// downloadSeconds is the time to download, decrypt and unpack.
	downloadSeconds float64
}

// fetch downloads backup id (the newest when empty) from the destination
// raw and unpacks it into dir, checking the archive's checksum against its
// descriptor and every entry's against the manifest.
func fetch(ctx context.Context, identities []age.Identity, raw, id, dir string, retry backup.Retry) (fetched, error) {
	start := time.Now()
	var d backup.Destination
	err := retry.Do(ctx, func() error {
		var err error
		d, err = backup.Open(ctx, raw)
		return err
	})
	if err != nil {
		return fetched{}, err
	}
	defer func() { _ = d.Close() }()
	l, err := backup.Find(ctx, d, id)
	if err != nil {
		return fetched{}, err
	}
	// From here a failure still says which backup it was.
	rc, err := backup.OpenArchive(ctx, d, l)
	if err != nil {
		return fetched{listed: l}, err
	}
	defer func() { _ = rc.Close() }()
	m, err := backup.Extract(rc, identities, dir, nil)
	if err == nil {
		// Read to the end: the archive's own checksum is checked there.
		_, err = io.Copy(io.Discard, rc)
	}
	if errors.Is(err, backup.ErrWrongKey) && holdsRecipient(identities, l.Recipients) {
		// One of the keys is a recipient, yet age found no stanza it opens:
		// the header is damaged, not the key wrong.
		err = fmt.Errorf("%w: its header does not open with the identity given, though it is one of its recipients", backup.ErrDamaged)
	}
	if errors.Is(err, backup.ErrWrongKey) {
		return fetched{listed: l}, fmt.Errorf("backup %s: %w (recipients: %s)", l.ID, err, strings.Join(l.Recipients, ", "))
	}
	if err != nil {
		return fetched{listed: l}, fmt.Errorf("backup %s from %s: %w", l.ID, d, err)
	}
	if m.ID != l.ID {
		return fetched{listed: l}, fmt.Errorf("backup %s: %w: its manifest names backup %s", l.ID, backup.ErrDamaged, m.ID)
	}
	return fetched{dir: dir, listed: l, manifest: m, downloadSeconds: time.Since(start).Seconds()}, nil
}

// holdsRecipient reports whether one of identities is the private key of
// one of the recipients (age public keys) a backup was encrypted to.
func holdsRecipient(identities []age.Identity, recipients []string) bool {
	for _, id := range identities {
		if x, ok := id.(*age.X25519Identity); ok && slices.Contains(recipients, x.Recipient().String()) {
			return true
		}
	}
	return false
}

// openFetched opens the database of a fetched backup: the SQLite file as
// it is, or a logical dump loaded into a new SQLite database in scratch.
func openFetched(ctx context.Context, f fetched, scratch string) (*storage.DB, error) {
	dbDir := filepath.Join(f.dir, "database")
	if f.manifest.Layout == backup.LayoutSQLite {
		return storage.Open(ctx, storage.Options{DataDir: dbDir, MaxReaders: 2})
	}
	tables, err := readTables(dbDir)
	if err != nil {
		return nil, err
	}
	db, err := storage.Open(ctx, storage.Options{DataDir: scratch, MaxReaders: 2})
	if err != nil {
		return nil, err
	}
	// At the backup's own schema: the checks compare it with the manifest.
	if err := loadDumpAt(ctx, db, dbDir, tables, f.manifest.SchemaVersion); err != nil {
		_ = db.Close()
		return nil, err
	}
	return db, nil
}

// loadDumpAt migrates an empty db to the dump's schema and loads the dump.
func loadDumpAt(ctx context.Context, db *storage.DB, dir string, tables []storage.DumpTable, schema int64) error {
	if err := db.MigrateTo(ctx, schema, nil); err != nil {
		return fmt.Errorf("prepare the database at schema version %d: %w", schema, err)
	}
	return db.Load(ctx, dir, tables, storage.LoadOptions{})
}

// loadDump is loadDumpAt, then the migrations that came after the dump.
func loadDump(ctx context.Context, db *storage.DB, dir string, tables []storage.DumpTable, schema int64) error {
	if err := loadDumpAt(ctx, db, dir, tables, schema); err != nil {
		return err
	}
	_, err := db.Migrate(ctx, nil)
	return err
}

// checkRestored checks a restored database against the manifest of its
// backup: integrity, row counts table by table, every account's activity
// chain, and every attached file present with its checksum — but those
// the manifest lists as missing since the snapshot, which are warnings. It
// returns what it checked and those warnings, or an error listing every
// problem.
func checkRestored(ctx context.Context, db *storage.DB, m backup.Manifest) (checks, warnings []string, err error) {
	facts, err := factsOf(ctx, db)
	if err != nil {
		return nil, nil, err
	}
	problems := facts.problems
	if facts.schema < m.SchemaVersion {
		problems = append(problems, fmt.Sprintf("schema version %d, the backup's is %d", facts.schema, m.SchemaVersion))
	}
	for _, t := range m.Tables {
		got, ok := facts.counts[t.Name]
		switch {
		case !ok && t.Rows > 0:
			problems = append(problems, fmt.Sprintf("table %s is missing (%d rows in the backup)", t.Name, t.Rows))
		case ok && got != t.Rows:
			problems = append(problems, fmt.Sprintf("table %s has %d rows, the manifest says %d", t.Name, got, t.Rows))
		}
	}
	entries := map[string]backup.Entry{}
	for _, e := range m.Entries {
		entries[e.Name] = e
	}
	present := 0
	for _, f := range facts.files {
		name := fileEntry(f)
		e, ok := entries[name]
		switch {
		case ok && e.SHA256 == f.Checksum:
			present++
		case slices.Contains(m.MissingFiles, name):
			warnings = append(warnings, fmt.Sprintf("attached file %s of account %d was deleted before the backup read it: it is not restored", f.Checksum, f.Account))
		default:
			problems = append(problems, fmt.Sprintf("attached file %s of account %d is not in the backup", f.Checksum, f.Account))
		}
	}
	if len(problems) > 0 {
		return nil, nil, fmt.Errorf("%w: %s", errRestoreCheck, strings.Join(problems, "; "))
	}
	checks = append(facts.checks, fmt.Sprintf("row counts of %d tables match the manifest", len(m.Tables)),
		fmt.Sprintf("%d attached files present with their checksums", present))
	return checks, warnings, nil
}

var errRestoreCheck = errors.New("the restored database does not pass its checks")

// VerifyReport says what the verification of a backup found.
type VerifyReport struct {
	ID              string    `json:"id"`
	Destination     string    `json:"destination"`
	VerifiedAt      time.Time `json:"verified_at"`
	Seconds         float64   `json:"seconds"`
	DownloadSeconds float64   `json:"download_seconds"`
	Size            int64     `json:"size"`
	Accounts        int       `json:"accounts"`
	Rows            int64     `json:"rows"`
	Files           int       `json:"files"`
	Checks          []string  `json:"checks"`
	Warnings        []string  `json:"warnings,omitempty"`
}

// VerifyBackup downloads backup id (the newest when empty) from the
// destination raw, decrypts it with identities, checks every checksum,
// restores it into a temporary database, checks that database against the
// manifest, and records in the destination that this copy was verified.
func (s *Service) VerifyBackup(ctx context.Context, identities []age.Identity, raw, id string) (VerifyReport, error) {
	start := time.Now()
	rep := VerifyReport{Destination: backup.Redact(raw), ID: id}
	runID, err := s.db.StartBackupRun(ctx, "verify", id, s.Backup.Host)
	if err != nil {
		return rep, err
	}
	err = s.verify(ctx, identities, raw, id, start, &rep)
	rep.Seconds = time.Since(start).Seconds()
	status := BackupOK
	if err != nil {
		status = BackupFailed
	}
	s.finishRun(ctx, runID, rep.ID, status, rep, err)
	return rep, err
}

func (s *Service) verify(ctx context.Context, identities []age.Identity, raw, id string, start time.Time, rep *VerifyReport) error {
	work, err := s.stagingDir("verify-" + backup.NewID(time.Now()))
	if err != nil {
		return err
	}
	defer func() { _ = os.RemoveAll(work) }()
	return verifyIn(ctx, VerifyOptions{Identities: identities, From: raw, BackupID: id, Retry: s.Backup.Retry, Host: s.Backup.Host}, work, start, rep)
}

// VerifyOptions say which backup to verify, when no instance is at hand.
type VerifyOptions struct {
	Identities []age.Identity
	From       string // destination URL
	BackupID   string // empty: the newest
	Retry      backup.Retry
	Host       string
}

// Verify is VerifyBackup on a machine that has no instance database (the
// one that holds the key): nothing is recorded but the mark in the
// destination, which the instance's nightly job then records.
func Verify(ctx context.Context, opts VerifyOptions) (VerifyReport, error) {
	start := time.Now()
	rep := VerifyReport{Destination: backup.Redact(opts.From), ID: opts.BackupID}
	work, err := os.MkdirTemp("", "comptoir-verify-")
	if err != nil {
		return rep, err
	}
	defer func() { _ = os.RemoveAll(work) }()
	err = verifyIn(ctx, opts, work, start, &rep)
	rep.Seconds = time.Since(start).Seconds()
	return rep, err
}

func verifyIn(ctx context.Context, opts VerifyOptions, work string, start time.Time, rep *VerifyReport) error {
	f, err := fetch(ctx, opts.Identities, opts.From, opts.BackupID, filepath.Join(work, "archive"), opts.Retry)
	if f.listed.ID != "" {
		rep.ID = f.listed.ID // the newest, when none was named
	}
	if err != nil {
		return err
	}
	rep.ID, rep.DownloadSeconds, rep.Size = f.listed.ID, f.downloadSeconds, f.listed.Size
	rep.Accounts, rep.Files = len(f.manifest.Accounts), f.manifest.Files
	for _, t := range f.manifest.Tables {
		rep.Rows += t.Rows
	}
	db, err := openFetched(ctx, f, filepath.Join(work, "scratch"))
	if err != nil {
		return fmt.Errorf("backup %s: restore into a temporary database: %w", f.listed.ID, err)
	}
	checks, warnings, err := checkRestored(ctx, db, f.manifest)
	_ = db.Close()
	if err != nil {
		return fmt.Errorf("backup %s: %w", f.listed.ID, err)
	}
	rep.Warnings = warnings
	rep.Checks = append([]string{"archive checksum matches its descriptor", fmt.Sprintf("%d entries match their checksums", len(f.manifest.Entries))}, checks...)
	rep.VerifiedAt = time.Now().UTC()
	d, err := backup.Open(ctx, opts.From)
	if err != nil {
		return err
	}
	defer func() { _ = d.Close() }()
	return backup.MarkVerified(ctx, d, backup.Verification{ID: f.listed.ID, VerifiedAt: rep.VerifiedAt,
		Host: opts.Host, Seconds: time.Since(start).Seconds(), Checks: rep.Checks}, opts.Retry)
}

// RestoreOptions say what to restore and where.
type RestoreOptions struct {
	Identities []age.Identity
	From       string // destination URL
	BackupID   string // empty: the newest
	// Target is the database to restore into: it must hold no account and
	// no user. Its DataDir receives the attached files.
	Target storage.Options
	DryRun bool
	Retry  backup.Retry
	Log    *slog.Logger
}

// RestoreReport says what a restore did, and how long it took.
type RestoreReport struct {
	ID              string              `json:"id"`
	From            string              `json:"from"`
	DryRun          bool                `json:"dry_run"`
	SnapshotAt      time.Time           `json:"snapshot_at"`
	Accounts        []backup.AccountRef `json:"accounts"`
	Rows            int64               `json:"rows"`
	Files           int                 `json:"files"`
	Seconds         float64             `json:"seconds"`
	DownloadSeconds float64             `json:"download_seconds"`
	LoadSeconds     float64             `json:"load_seconds"`
	Checks          []string            `json:"checks"`
	// Warnings are what a dry run found that a real restore would refuse.
	Warnings []string `json:"warnings,omitempty"`
}

// Restore brings an instance back from a backup into an empty database and
// data directory: it downloads and decrypts the backup, checks it, puts
// the database and the attached files in place, applies the migrations
// that came after the backup, and checks the result against the manifest.
// With DryRun it does all of that in a scratch directory and leaves the
// target untouched.
func Restore(ctx context.Context, opts RestoreOptions) (rep RestoreReport, err error) {
	start := time.Now()
	rep = RestoreReport{From: backup.Redact(opts.From), DryRun: opts.DryRun}
	defer func() { rep.Seconds = time.Since(start).Seconds() }()
	dataDir := opts.Target.DataDir
	if dataDir == "" {
		dataDir = "comptoir-data"
	}
	if err := checkEmptyTarget(ctx, opts.Target, dataDir); err != nil {
		if !opts.DryRun {
			return rep, err
		}
		rep.Warnings = append(rep.Warnings, err.Error())
	}
	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		return rep, err
	}
	work, err := os.MkdirTemp(dataDir, ".restore-")
	if err != nil {
		return rep, fmt.Errorf("restore working directory: %w", err)
	}
	defer func() { _ = os.RemoveAll(work) }()
	f, err := fetch(ctx, opts.Identities, opts.From, opts.BackupID, filepath.Join(work, "archive"), opts.Retry)
	if err != nil {
		return rep, err
	}
	m := f.manifest
	rep.ID, rep.SnapshotAt, rep.Accounts, rep.Files, rep.DownloadSeconds = m.ID, m.SnapshotAt, m.Accounts, m.Files, f.downloadSeconds
	for _, t := range m.Tables {
		rep.Rows += t.Rows
	}
	if m.Kind != backup.KindInstance {
		return rep, fmt.Errorf("backup %s is one account's: restore it into a running instance with `comptoir restore account`", m.ID)
	}
	// The backup is checked where it was unpacked, before anything reaches
	// the target: one that fails its checks leaves the target as it was.
	t := time.Now()
	scratch := filepath.Join(work, "scratch")
	db, err := openFetched(ctx, f, scratch)
	if err != nil {
		return rep, err
	}
	checks, warnings, err := checkRestored(ctx, db, m)
	_ = db.Close()
	_ = os.RemoveAll(scratch)
	if err != nil {
		return rep, fmt.Errorf("backup %s: %w; the target is untouched", m.ID, err)
	}
	rep.Checks, rep.Warnings = checks, append(rep.Warnings, warnings...)
	if opts.DryRun {
		rep.LoadSeconds = time.Since(t).Seconds()
		return rep, nil
	}
	if err := placeAll(ctx, f, opts.Target, dataDir, work); err != nil {
		return rep, fmt.Errorf("backup %s: %w; the target now holds part of it: move it aside (or empty it) before trying again", m.ID, err)
	}
	rep.LoadSeconds = time.Since(t).Seconds()
	return rep, nil
}

// placeAll puts the database and the files of a checked backup into the
// target, brings the schema up to date, and leaves the instance as a new
// start: the backup run that took the snapshot (recorded as running) is
// marked interrupted and no job lease is held. The chains are verified
// again once in place.
func placeAll(ctx context.Context, f fetched, target storage.Options, dataDir, work string) error {
	db, err := placeDatabase(ctx, f, target, dataDir, work)
	if err != nil {
		return err
	}
	defer func() { _ = db.Close() }()
	if err := placeFiles(f.manifest, f.dir, files.Store{Dir: filepath.Join(dataDir, "files")}, 0); err != nil {
		return err
	}
	if _, err := db.InterruptBackupRuns(ctx, "", time.Now().Add(time.Hour),
		"under way when the backup was taken: the destinations hold its outcome"); err != nil {
		return err
	}
	if err := db.ClearLeases(ctx); err != nil {
		return err
	}
	facts, err := factsOf(ctx, db)
	if err != nil {
		return err
	}
	if len(facts.problems) > 0 {
		return fmt.Errorf("%w: %s", errRestoreCheck, strings.Join(facts.problems, "; "))
	}
	return nil
}

// checkEmptyTarget refuses a target that holds data: a restore never
// overwrites.
func checkEmptyTarget(ctx context.Context, target storage.Options, dataDir string) error {
	where := "the database at COMPTOIR_DATABASE_URL"
	if target.URL == "" {
		where = "the data directory " + dataDir
		if _, err := os.Stat(filepath.Join(dataDir, "comptoir.db")); errors.Is(err, os.ErrNotExist) {
			return checkNoFiles(dataDir)
		}
	}
	db, err := storage.Open(ctx, target)
	if err != nil {
		return err
	}
	defer func() { _ = db.Close() }()
	accounts, users, err := db.Holdings(ctx)
	if err != nil {
		return err
	}
	if accounts > 0 || users > 0 {
		return fmt.Errorf("%s is not empty (%d accounts, %d users): a restore never overwrites; restore into an empty one, or move this one aside", where, accounts, users)
	}
	return checkNoFiles(dataDir)
}

func checkNoFiles(dataDir string) error {
	entries, err := os.ReadDir(filepath.Join(dataDir, "files"))
	if err == nil && len(entries) > 0 {
		return fmt.Errorf("%s already holds attached files: restore into an empty data directory", filepath.Join(dataDir, "files"))
	}
	return nil
}

// placeDatabase puts the fetched database into the target and returns it
// open and migrated: the SQLite file moved into place when both are
// SQLite, else the logical dump loaded (made from the SQLite file first
// when the target is PostgreSQL).
func placeDatabase(ctx context.Context, f fetched, target storage.Options, dataDir, work string) (*storage.DB, error) {
	dbDir := filepath.Join(f.dir, "database")
	m := f.manifest
	if target.URL == "" && m.Layout == backup.LayoutSQLite {
		// An empty database the check left behind gives way.
		for _, suffix := range []string{"", "-wal", "-shm"} {
			_ = os.Remove(filepath.Join(dataDir, "comptoir.db"+suffix))
		}
		if err := os.Rename(filepath.Join(dbDir, "comptoir.db"), filepath.Join(dataDir, "comptoir.db")); err != nil {
			return nil, fmt.Errorf("put the database in place: %w", err)
		}
		db, err := storage.Open(ctx, target)
		if err != nil {
			return nil, err
		}
		if _, err := db.Migrate(ctx, nil); err != nil {
			_ = db.Close()
			return nil, err
		}
		return db, nil
	}
	tables, schema := []storage.DumpTable(nil), m.SchemaVersion
	if m.Layout == backup.LayoutSQLite {
		src, err := storage.Open(ctx, storage.Options{DataDir: dbDir, MaxReaders: 2})
		if err != nil {
			return nil, err
		}
		dumpDir := filepath.Join(work, "dump")
		if err := os.MkdirAll(dumpDir, 0o700); err != nil {
			_ = src.Close()
			return nil, err
		}
		tables, err = src.Dump(ctx, dumpDir, storage.DumpOptions{})
		_ = src.Close()
		if err != nil {
			return nil, fmt.Errorf("read the SQLite backup: %w", err)
		}
		dbDir = dumpDir
	} else {
		var err error
		if tables, err = readTables(dbDir); err != nil {
			return nil, err
		}
	}
	db, err := storage.Open(ctx, target)
	if err != nil {
		return nil, err
	}
	if err := loadDump(ctx, db, dbDir, tables, schema); err != nil {
		_ = db.Close()
		return nil, err
	}
	return db, nil
}

// placeFiles moves the attached files of a backup unpacked in dir into
// store. With only set, every file must be that account's.
func placeFiles(m backup.Manifest, dir string, store files.Store, only int64) error {
	for _, e := range m.Entries {
		rest, ok := strings.CutPrefix(e.Name, "files/")
		if !ok {
			continue
		}
		acc, sum, ok := strings.Cut(rest, "/")
		id, err := strconv.ParseInt(acc, 10, 64)
		if !ok || err != nil || sum != e.SHA256 {
			return fmt.Errorf("%w: entry %s is not an attached file", backup.ErrDamaged, e.Name)
		}
		if only != 0 && id != only {
			return fmt.Errorf("%w: entry %s is not a file of account %d", backup.ErrDamaged, e.Name, only)
		}
		if err := store.Place(id, sum, filepath.Join(dir, filepath.FromSlash(e.Name))); err != nil {
			return err
		}
	}
	return nil
}
