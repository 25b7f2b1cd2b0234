package service_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"maps"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"filippo.io/age"

	"github.com/comptoir/comptoir/access"
	"github.com/comptoir/comptoir/account"
	"github.com/comptoir/comptoir/backup"
	"github.com/comptoir/comptoir/crm"
	"github.com/comptoir/comptoir/demo"
	"github.com/comptoir/comptoir/files"
	"github.com/comptoir/comptoir/sales"
	"github.com/comptoir/comptoir/service"
	"github.com/comptoir/comptoir/storage"
	"github.com/comptoir/comptoir/storage/storagetest"
)

// backupEngines runs fn on a fresh database of every engine. The
// PostgreSQL backup is a logical dump: until storage has it, the
// PostgreSQL runs are skipped, saying so.
func backupEngines(t *testing.T, fn func(t *testing.T, e storagetest.Engine, db *storage.DB)) {
	t.Helper()
	for _, e := range storagetest.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			db := storagetest.Open(t, e)
			if db.Engine() == storage.Postgres {
				if _, err := db.Dump(context.Background(), t.TempDir(), storage.DumpOptions{}); err != nil && err.Error() == "pending" {
					t.Skip("logical dump pending")
				}
			}
			fn(t, e, db)
		})
	}
}

// owner is a login of a seeded account.
type owner struct {
	account  int64
	email    string
	password string
	ctx      context.Context
	bill     sales.Document
	client   crm.Contact // with what an invoice needs
}

// backupEnv is an instance with realistic accounts and attached files,
// backed up to file destinations.
type backupEnv struct {
	s      *service.Service
	db     *storage.DB
	key    *age.X25519Identity
	dirs   []string // the destinations' directories
	owners []owner
}

// newBackupEnv seeds two accounts with documents, payments, conversations
// and attached files (one of them multi-megabyte), the demo business when
// withDemo, and configures backups to n file destinations.
func newBackupEnv(t *testing.T, db *storage.DB, n int, withDemo bool) *backupEnv {
	t.Helper()
	s := newService(t, db)
	env := &backupEnv{s: s, db: db}
	for i, name := range []string{"Boulangerie Alpha", "Librairie Bêta"} {
		email := fmt.Sprintf("owner%d@example.fr", i+1)
		f := newClosureFixture(t, s, db, name, email)
		env.owners = append(env.owners, owner{account: f.acc.ID, email: email, password: "pass1234word", ctx: f.ctx, bill: f.bill, client: f.client})
	}
	db.SetClock(time.Now)
	// A scanned bill of a few megabytes: incompressible, as a JPEG is.
	big := append([]byte("%PDF-1.4\n"), randomBytes(1, 3<<20)...)
	if _, err := s.AttachFile(env.owners[0].ctx, env.owners[0].bill.ID, "scan.pdf", bytes.NewReader(big)); err != nil {
		t.Fatal(err)
	}
	if withDemo {
		login, err := demo.Seed(access.AsSystem(context.Background()), s)
		if err != nil {
			t.Fatal(err)
		}
		id, err := s.AccountIDByOwner(context.Background(), demo.Email)
		if err != nil {
			t.Fatal(err)
		}
		env.owners = append(env.owners, owner{account: id, email: login.Email, password: login.Password})
	}
	key, err := age.GenerateX25519Identity()
	if err != nil {
		t.Fatal(err)
	}
	env.key = key
	var urls []string
	for range n {
		dir := t.TempDir()
		env.dirs = append(env.dirs, dir)
		urls = append(urls, "file://"+dir)
	}
	s.Backup = service.BackupSettings{Destinations: urls, Recipients: key.Recipient().String(), DataDir: t.TempDir(),
		Policy: backup.DefaultPolicy, Retry: backup.Retry{Attempts: 2, Wait: 10 * time.Millisecond}, Host: "srv-test", Version: "test"}
	return env
}

func randomBytes(seed uint64, n int) []byte {
	r := rand.NewChaCha8([32]byte{byte(seed)})
	b := make([]byte, n)
	_, _ = r.Read(b)
	return b
}

func (env *backupEnv) ids() []age.Identity { return []age.Identity{env.key} }

// listed returns the complete backups of the destination directory dir.
func listed(t *testing.T, dir string) ([]backup.Listed, []backup.Incomplete) {
	t.Helper()
	d, err := backup.OpenDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	list, incomplete, err := backup.List(context.Background(), d)
	if err != nil {
		t.Fatal(err)
	}
	return list, incomplete
}

// counts returns the rows of every table of db.
func counts(t *testing.T, db *storage.DB) map[string]int64 {
	t.Helper()
	c, err := db.TableCounts(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func diffCounts(want, got map[string]int64) []string {
	var out []string
	for _, name := range slices.Sorted(maps.Keys(want)) {
		if got[name] != want[name] {
			out = append(out, fmt.Sprintf("%s: %d, want %d", name, got[name], want[name]))
		}
	}
	for name := range got {
		if _, ok := want[name]; !ok {
			out = append(out, "unexpected table "+name)
		}
	}
	return out
}

// lastRun returns the newest recorded run of kind.
func lastRun(t *testing.T, db *storage.DB, kind string) storage.BackupRun {
	t.Helper()
	r, ok, err := db.LastBackupRun(context.Background(), kind)
	if err != nil || !ok {
		t.Fatalf("no %s run recorded: %v", kind, err)
	}
	return r
}

// restoreTarget returns storage options for an empty instance of engine e.
func restoreTarget(t *testing.T, e storagetest.Engine) storage.Options {
	opts := e.Options(t)
	if opts.DataDir == "" {
		opts.DataDir = t.TempDir() // the attached files go there
	}
	return opts
}

func openRestored(t *testing.T, opts storage.Options) *storage.DB {
	t.Helper()
	db, err := storage.Open(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	return db
}

// TestBackupRunVerifyRestore: a backup reaches both destinations, is
// verified, and brings the whole instance back into an empty one: every
// table, every attached file, the activity chains, the logins.
func TestBackupRunVerifyRestore(t *testing.T) {
	backupEngines(t, func(t *testing.T, e storagetest.Engine, db *storage.DB) {
		ctx := context.Background()
		env := newBackupEnv(t, db, 2, true)
		s := env.s

		rep, err := s.RunBackup(ctx)
		if err != nil {
			t.Fatal(err)
		}
		want := counts(t, db) // the run's own row is in the snapshot, as "running"
		if rep.Status != service.BackupOK || rep.Accounts != 3 || rep.Files != 6 || rep.Rows == 0 || rep.Size == 0 ||
			rep.PlainBytes <= 3<<20 || len(rep.Destinations) != 2 || len(rep.Warnings) != 0 {
			t.Fatalf("report = %+v", rep)
		}
		if !backup.ValidID(rep.ID) || rep.Engine != string(db.Engine()) {
			t.Fatalf("id %q, engine %q", rep.ID, rep.Engine)
		}
		if e.Name == "sqlite" && !slices.ContainsFunc(rep.Checks, func(c string) bool { return strings.Contains(c, "integrity_check") }) {
			t.Errorf("checks = %v", rep.Checks)
		}
		if !slices.ContainsFunc(rep.Checks, func(c string) bool { return strings.Contains(c, "activity-log chains of 3 accounts verified") }) {
			t.Errorf("checks = %v", rep.Checks)
		}
		for i, dir := range env.dirs {
			list, incomplete := listed(t, dir)
			if len(list) != 1 || list[0].ID != rep.ID || list[0].Size != rep.Size || !list[0].Checked || list[0].Files != 6 ||
				len(list[0].Accounts) != 3 || len(incomplete) != 0 {
				t.Fatalf("destination %d: %+v, incomplete %v", i, list, incomplete)
			}
			if !rep.Destinations[i].OK || rep.Destinations[i].Destination != "file://"+dir {
				t.Errorf("destination %d reported %+v", i, rep.Destinations[i])
			}
			data, err := os.ReadFile(filepath.Join(dir, backup.ArchiveName(rep.ID)))
			if err != nil || bytes.Contains(data, []byte("Boulangerie")) || bytes.Contains(data, []byte("owner1@example.fr")) {
				t.Fatalf("the archive is missing or readable in clear (%v)", err)
			}
		}
		if run := lastRun(t, db, "backup"); run.Status != service.BackupOK || run.BackupID != rep.ID || run.Size != rep.Size ||
			run.Files != 6 || run.FinishedAt == nil || run.Error != "" {
			t.Fatalf("recorded run = %+v", run)
		}
		if entries, _ := os.ReadDir(filepath.Join(s.Backup.DataDir, "backup-staging")); len(entries) != 0 {
			t.Fatalf("staging left behind: %v", entries)
		}

		// Verification: of the first copy only; it is marked there.
		v, err := s.VerifyBackup(ctx, env.ids(), s.Backup.Destinations[0], "")
		if err != nil {
			t.Fatal(err)
		}
		if v.ID != rep.ID || v.Accounts != 3 || v.Files != 6 || v.Rows != rep.Rows || len(v.Checks) < 4 {
			t.Fatalf("verify report = %+v", v)
		}
		if list, _ := listed(t, env.dirs[0]); list[0].Verified == nil || list[0].Verified.Host != "srv-test" {
			t.Fatalf("first copy not marked verified: %+v", list[0].Verified)
		}
		if list, _ := listed(t, env.dirs[1]); list[0].Verified != nil {
			t.Fatal("the copy not verified is marked verified")
		}
		if run := lastRun(t, db, "verify"); run.Status != service.BackupOK || run.BackupID != rep.ID {
			t.Fatalf("verify run = %+v", run)
		}

		// A dry run checks everything and leaves the target as it was.
		dry := restoreTarget(t, e)
		drep, err := service.Restore(ctx, service.RestoreOptions{Identities: env.ids(), From: s.Backup.Destinations[1], Target: dry, DryRun: true})
		if err != nil || !drep.DryRun || drep.ID != rep.ID || len(drep.Checks) == 0 {
			t.Fatalf("dry run: %+v, %v", drep, err)
		}
		if left, _ := os.ReadDir(dry.DataDir); len(left) != 0 && e.Name == "sqlite" {
			t.Fatalf("a dry run left %v in the target", left)
		}

		// The restore, from the second destination.
		target := restoreTarget(t, e)
		rrep, err := service.Restore(ctx, service.RestoreOptions{Identities: env.ids(), From: s.Backup.Destinations[1], Target: target})
		if err != nil {
			t.Fatal(err)
		}
		if rrep.ID != rep.ID || len(rrep.Accounts) != 3 || rrep.Files != 6 || rrep.Rows != rep.Rows || rrep.Seconds <= 0 {
			t.Fatalf("restore report = %+v", rrep)
		}
		restored := openRestored(t, target)
		if diff := diffCounts(want, counts(t, restored)); len(diff) > 0 {
			t.Fatalf("restored row counts differ:\n%s", strings.Join(diff, "\n"))
		}
		refs, err := db.AttachedFiles(ctx)
		if err != nil || len(refs) != 6 {
			t.Fatalf("%d attached files, %v", len(refs), err)
		}
		dst := files.Store{Dir: filepath.Join(target.DataDir, "files")}
		for _, f := range refs {
			orig, err := s.Files.Get(f.Account, f.Checksum)
			if err != nil {
				t.Fatal(err)
			}
			back, err := dst.Get(f.Account, f.Checksum) // checked against its checksum
			if err != nil || !bytes.Equal(orig, back) {
				t.Fatalf("file %s of account %d: %v", f.Checksum, f.Account, err)
			}
		}
		r := newService(t, restored)
		r.Files = dst
		for _, o := range env.owners {
			brk, checked, err := restored.VerifyActivity(account.WithID(ctx, o.account))
			if err != nil || brk != nil || checked == 0 {
				t.Fatalf("account %d: chain %+v after %d entries, %v", o.account, brk, checked, err)
			}
			if _, sess, err := r.Login(ctx, o.email, o.password, 0); err != nil || sess.AccountID != o.account {
				t.Fatalf("login of %s on the restored instance: %+v, %v", o.email, sess, err)
			}
		}
		// Through the use case: the bill's files open, checked.
		o := env.owners[0]
		atts, err := r.Attachments(o.ctx, o.bill.ID)
		if err != nil || len(atts) != 2 {
			t.Fatalf("attachments of the restored bill: %d, %v", len(atts), err)
		}
		for _, a := range atts {
			if _, data, err := r.OpenAttachment(o.ctx, o.bill.ID, a.ID); err != nil || int64(len(data)) != a.Size {
				t.Fatalf("open %s: %v", a.Name, err)
			}
		}
		// And it keeps working: a new contact is written and logged.
		if _, err := r.CreateContact(o.ctx, crm.Input{Kind: ptr(crm.Person), LastName: ptr("Après-restauration")}); err != nil {
			t.Fatal(err)
		}
		if brk, _, err := restored.VerifyActivity(account.WithID(ctx, o.account)); err != nil || brk != nil {
			t.Fatalf("chain after a new write: %+v, %v", brk, err)
		}
	})
}

// TestBackupDestinationFaults: a destination that cannot be reached does
// not stop the others; the run says which failed.
func TestBackupDestinationFaults(t *testing.T) {
	backupEngines(t, func(t *testing.T, e storagetest.Engine, db *storage.DB) {
		ctx := context.Background()
		env := newBackupEnv(t, db, 1, false)
		s := env.s
		// A directory under a regular file: it can never be made.
		blocker := filepath.Join(t.TempDir(), "not-a-directory")
		if err := os.WriteFile(blocker, []byte("x"), 0o600); err != nil {
			t.Fatal(err)
		}
		bad := "file://" + filepath.Join(blocker, "backups")
		s.Backup.Destinations = append(s.Backup.Destinations, bad)

		rep, err := s.RunBackup(ctx)
		if err == nil || rep.Status != service.BackupPartial {
			t.Fatalf("one destination unreachable: %s, %v", rep.Status, err)
		}
		if !strings.Contains(err.Error(), bad) || !strings.Contains(err.Error(), "not a directory") || !strings.Contains(err.Error(), "reached 1 of 2") {
			t.Fatalf("the error does not name the bad destination and why: %v", err)
		}
		if rep.Destinations[0].OK != true || rep.Destinations[1].OK || rep.Destinations[1].Destination != bad {
			t.Fatalf("destinations = %+v", rep.Destinations)
		}
		list, _ := listed(t, env.dirs[0])
		if len(list) != 1 || list[0].ID != rep.ID {
			t.Fatalf("the good destination holds %v", list)
		}
		if _, err := s.VerifyBackup(ctx, env.ids(), s.Backup.Destinations[0], rep.ID); err != nil {
			t.Fatalf("the copy that reached the good destination: %v", err)
		}
		if run := lastRun(t, db, "backup"); run.Status != service.BackupPartial || !strings.Contains(run.Error, bad) {
			t.Fatalf("recorded = %+v", run)
		}

		// Nothing reachable: failed.
		s.Backup.Destinations = []string{bad, "file://" + filepath.Join(blocker, "other")}
		rep, err = s.RunBackup(ctx)
		if err == nil || rep.Status != service.BackupFailed || !strings.Contains(err.Error(), "reached no destination") {
			t.Fatalf("no destination reachable: %s, %v", rep.Status, err)
		}
		if run := lastRun(t, db, "backup"); run.Status != service.BackupFailed || run.BackupID != rep.ID {
			t.Fatalf("recorded = %+v", run)
		}

		// Nothing configured: refused before anything is recorded.
		s.Backup.Destinations = nil
		if _, err := s.RunBackup(ctx); err == nil || !strings.Contains(err.Error(), "COMPTOIR_BACKUP_DESTINATIONS") {
			t.Fatalf("no destination: %v", err)
		}
		s.Backup.Destinations, s.Backup.Recipients = []string{"file://" + env.dirs[0]}, "age1nope"
		if _, err := s.RunBackup(ctx); err == nil || !strings.Contains(err.Error(), "not an age public key") {
			t.Fatalf("bad recipient: %v", err)
		}
		if runs, _ := db.BackupRuns(ctx, "backup", 10); len(runs) != 2 {
			t.Fatalf("%d runs recorded, want the two that ran", len(runs))
		}
	})
}

// TestBackupDamageIsCaught: a copy damaged in its destination fails its
// verification with what is wrong, and is never restored.
func TestBackupDamageIsCaught(t *testing.T) {
	backupEngines(t, func(t *testing.T, e storagetest.Engine, db *storage.DB) {
		ctx := context.Background()
		env := newBackupEnv(t, db, 1, false)
		s := env.s
		rep, err := s.RunBackup(ctx)
		if err != nil {
			t.Fatal(err)
		}
		archive := filepath.Join(env.dirs[0], backup.ArchiveName(rep.ID))
		sound, err := os.ReadFile(archive)
		if err != nil {
			t.Fatal(err)
		}
		stanza := bytes.Index(sound, []byte("\n-> X25519 ")) + len("\n-> X25519 ") + 4
		other, _ := age.GenerateX25519Identity()
		tests := []struct {
			name  string
			data  []byte
			ids   []age.Identity
			wants []string
		}{
			{"flipped byte in the middle", flip(sound, len(sound)/2), env.ids(), []string{"damaged", rep.ID, "authenticate"}},
			{"flipped byte in the header", flip(sound, stanza), env.ids(), []string{"damaged", rep.ID}},
			{"flipped last byte", flip(sound, len(sound)-1), env.ids(), []string{"damaged", rep.ID}},
			{"truncated", sound[:len(sound)*2/3], env.ids(), []string{"damaged", rep.ID, "truncated"}},
			{"wrong key", sound, []age.Identity{other}, []string{"none of the given keys", rep.ID, env.key.Recipient().String()}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				if err := os.WriteFile(archive, tt.data, 0o600); err != nil {
					t.Fatal(err)
				}
				v, err := s.VerifyBackup(ctx, tt.ids, s.Backup.Destinations[0], "")
				if v.ID != rep.ID {
					t.Errorf("the failed verification's report names backup %q, want %s", v.ID, rep.ID)
				}
				for _, w := range tt.wants {
					if err == nil || !strings.Contains(err.Error(), w) {
						t.Fatalf("verify: %v, want it to say %q", err, w)
					}
				}
				if tt.name != "wrong key" && !errors.Is(err, backup.ErrDamaged) {
					t.Errorf("%v: not ErrDamaged", err)
				}
				if run := lastRun(t, db, "verify"); run.Status != service.BackupFailed || run.Error != err.Error() || run.BackupID != rep.ID {
					t.Fatalf("verify run = %+v", run)
				}
				if list, _ := listed(t, env.dirs[0]); list[0].Verified != nil {
					t.Fatal("a damaged copy was marked verified")
				}
				target := restoreTarget(t, e)
				_, err = service.Restore(ctx, service.RestoreOptions{Identities: tt.ids, From: s.Backup.Destinations[0], Target: target})
				if err == nil || !strings.Contains(err.Error(), tt.wants[0]) {
					t.Fatalf("restore: %v, want a refusal saying %q", err, tt.wants[0])
				}
				assertEmptyTarget(t, target)
				if entries, _ := os.ReadDir(filepath.Join(s.Backup.DataDir, "backup-staging")); len(entries) != 0 {
					t.Fatalf("verification left %v in staging", entries)
				}
			})
		}
	})
}

func flip(data []byte, at int) []byte {
	out := bytes.Clone(data)
	switch {
	case out[at] == 'A':
		out[at] = 'B' // still base64, if it is in the header
	case out[at] >= 'A' && out[at] <= 'Z':
		out[at] = 'A'
	default:
		out[at] ^= 0x01
	}
	return out
}

// assertEmptyTarget fails if a restore left a database with data, or
// files, in target.
func assertEmptyTarget(t *testing.T, target storage.Options) {
	t.Helper()
	var left []string
	_ = filepath.WalkDir(target.DataDir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			left = append(left, p)
		}
		return nil
	})
	if target.URL == "" && len(left) > 0 {
		t.Fatalf("the refused restore left %v", left)
	}
	if target.URL != "" {
		db := openRestored(t, target)
		if accounts, users, err := db.Holdings(context.Background()); err != nil || accounts+users > 0 {
			t.Fatalf("the refused restore left %d accounts, %d users (%v)", accounts, users, err)
		}
	}
}

// TestRestoreRefusesNonEmptyTarget: a restore never overwrites: a target
// with an account, or with attached files, is refused and left as it was.
func TestRestoreRefusesNonEmptyTarget(t *testing.T) {
	backupEngines(t, func(t *testing.T, e storagetest.Engine, db *storage.DB) {
		ctx := context.Background()
		env := newBackupEnv(t, db, 1, false)
		if _, err := env.s.RunBackup(ctx); err != nil {
			t.Fatal(err)
		}
		from := env.s.Backup.Destinations[0]

		// A live instance with one account.
		target := restoreTarget(t, e)
		live := openRestored(t, target)
		if _, err := live.Migrate(ctx, nil); err != nil {
			t.Fatal(err)
		}
		ls := newService(t, live)
		mustCreate(t, ls, "Déjà là", "deja@example.fr")
		before := counts(t, live)
		_, err := service.Restore(ctx, service.RestoreOptions{Identities: env.ids(), From: from, Target: target})
		if err == nil || !strings.Contains(err.Error(), "is not empty (1 accounts, 1 users)") || !strings.Contains(err.Error(), "never overwrites") {
			t.Fatalf("restore into a live instance: %v", err)
		}
		if diff := diffCounts(before, counts(t, live)); len(diff) > 0 {
			t.Fatalf("the refused restore changed the target: %v", diff)
		}
		if _, _, err := ls.Login(ctx, "deja@example.fr", "pass1234word", 0); err != nil {
			t.Fatalf("the target's login after the refusal: %v", err)
		}

		// An empty database, but attached files already in the data
		// directory.
		target = restoreTarget(t, e)
		stray := filepath.Join(target.DataDir, "files", "1", "ab", strings.Repeat("ab", 32))
		if err := os.MkdirAll(filepath.Dir(stray), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(stray, []byte("%PDF-1.4 stray"), 0o600); err != nil {
			t.Fatal(err)
		}
		_, err = service.Restore(ctx, service.RestoreOptions{Identities: env.ids(), From: from, Target: target})
		if err == nil || !strings.Contains(err.Error(), "already holds attached files") {
			t.Fatalf("restore over attached files: %v", err)
		}
		if data, err := os.ReadFile(stray); err != nil || string(data) != "%PDF-1.4 stray" {
			t.Fatalf("the stray file: %q, %v", data, err)
		}
	})
}

// TestBackupDiskFull: the staging directory on a full disk. The run fails
// cleanly, leaves nothing in staging, nothing in the destination, and the
// database as it was. A tiny tmpfs needs root (CI runs as root).
func TestBackupDiskFull(t *testing.T) {
	ctx := context.Background()
	db := storagetest.Open(t, storagetest.Engines()[0])
	env := newBackupEnv(t, db, 1, false)
	s := env.s
	// More incompressible attached files than the staging disk holds.
	for i := range 3 {
		data := append([]byte("%PDF-1.4\n"), randomBytes(uint64(10+i), 2<<20)...)
		if _, err := s.AttachFile(env.owners[1].ctx, env.owners[1].bill.ID, fmt.Sprintf("scan%d.pdf", i), bytes.NewReader(data)); err != nil {
			t.Fatal(err)
		}
	}
	probe := filepath.Join(t.TempDir(), "probe.db")
	if err := db.SnapshotSQLite(ctx, probe); err != nil {
		t.Fatal(err)
	}
	info, err := os.Stat(probe)
	if err != nil {
		t.Fatal(err)
	}
	snapshot := info.Size()

	for _, tt := range []struct {
		name string
		size int64 // of the staging disk
		says string
	}{
		{"while the database is copied", snapshot / 2, "database or disk is full"},
		{"while the archive is written", snapshot + 1<<20, "no space left on device"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			staging := filepath.Join(t.TempDir(), "data")
			s.Backup.DataDir = staging
			mountTmpfs(t, filepath.Join(staging, "backup-staging"), tt.size)
			before := counts(t, db)
			runs := len(mustRuns(t, db))

			rep, err := s.RunBackup(ctx)
			if err == nil || rep.Status != service.BackupFailed || !strings.Contains(err.Error(), tt.says) || !strings.Contains(err.Error(), staging) {
				t.Fatalf("disk full: %s, %v; want an error saying %q and where", rep.Status, err, tt.says)
			}
			t.Logf("disk of %d KiB: %v", tt.size>>10, err)
			if entries, _ := os.ReadDir(filepath.Join(staging, "backup-staging")); len(entries) != 0 {
				t.Fatalf("staging left: %v", entries)
			}
			after := counts(t, db)
			delete(after, "backup_runs")
			delete(before, "backup_runs")
			if diff := diffCounts(before, after); len(diff) > 0 {
				t.Fatalf("the database changed: %v", diff)
			}
			if got := mustRuns(t, db); len(got) != runs+1 || got[0].Status != service.BackupFailed || !strings.Contains(got[0].Error, tt.says) {
				t.Fatalf("runs = %+v", got)
			}
			if list, incomplete := listed(t, env.dirs[0]); len(list) != 0 || len(incomplete) != 0 {
				t.Fatalf("a failed run left %v, %v in the destination", list, incomplete)
			}
			if problems, err := db.IntegrityCheck(ctx); err != nil || len(problems) > 0 {
				t.Fatalf("integrity after the failed run: %v, %v", problems, err)
			}
		})
	}
	// With room again, the same instance backs up.
	s.Backup.DataDir = t.TempDir()
	if rep, err := s.RunBackup(ctx); err != nil || rep.Files != 8 {
		t.Fatalf("after the disk was freed: %+v, %v", rep, err)
	}
}

func mustRuns(t *testing.T, db *storage.DB) []storage.BackupRun {
	t.Helper()
	runs, err := db.BackupRuns(context.Background(), "backup", 100)
	if err != nil {
		t.Fatal(err)
	}
	return runs
}

// mountTmpfs mounts a file system of size bytes at dir for the test.
func mountTmpfs(t *testing.T, dir string, size int64) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	size = (size + 4095) / 4096 * 4096
	out, err := exec.Command("mount", "-t", "tmpfs", "-o", fmt.Sprintf("size=%d,mode=0700", size), "tmpfs", dir).CombinedOutput()
	if err != nil {
		storagetest.Skip(t, fmt.Sprintf("a full disk is a tmpfs, which needs root: mount: %v %s", err, out))
	}
	t.Cleanup(func() {
		if out, err := exec.Command("umount", dir).CombinedOutput(); err != nil {
			t.Errorf("umount %s: %v %s", dir, err, out)
		}
	})
}

// TestBackupWhileWriting: a backup taken while contacts and invoices are
// written without pause restores to a consistent state: exactly the writes
// acknowledged up to one instant, nothing half done.
func TestBackupWhileWriting(t *testing.T) {
	backupEngines(t, func(t *testing.T, e storagetest.Engine, db *storage.DB) {
		ctx := context.Background()
		env := newBackupEnv(t, db, 1, false)
		s := env.s
		o := env.owners[0]
		client := o.client
		// A database large enough for the backup to take a moment.
		generateContacts(t, s, o.ctx, 3000)

		type op struct {
			kind string // contact, invoice, issue
			id   int64
		}
		var (
			mu    sync.Mutex
			acked []op
		)
		ack := func(kind string, id int64) {
			mu.Lock()
			acked = append(acked, op{kind, id})
			mu.Unlock()
		}
		snapshotOf := func() int {
			mu.Lock()
			defer mu.Unlock()
			return len(acked)
		}
		stop := make(chan struct{})
		writerErr := make(chan error, 1)
		go func() {
			defer close(writerErr)
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				c, err := s.CreateContact(o.ctx, crm.Input{Kind: ptr(crm.Person), LastName: ptr(fmt.Sprintf("Écrit-pendant %d", i))})
				if err != nil {
					writerErr <- err
					return
				}
				ack("contact", c.ID)
				if i%3 != 0 {
					continue
				}
				d, err := s.CreateDocument(o.ctx, sales.Input{Kind: ptr(sales.Invoice), ContactID: &client.ID, Lines: lines(item("Pain", 1000, 250, 550))})
				if err != nil {
					writerErr <- err
					return
				}
				ack("invoice", d.ID)
				if _, err := s.Issue(o.ctx, d.ID); err != nil {
					writerErr <- err
					return
				}
				ack("issue", d.ID)
			}
		}()
		time.Sleep(100 * time.Millisecond)
		start := snapshotOf()
		rep, err := s.RunBackup(ctx)
		end := snapshotOf()
		close(stop)
		if werr := <-writerErr; werr != nil {
			t.Fatal(werr)
		}
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%d writes acknowledged during the backup of %.2f s (snapshot %.2f s)", end-start, rep.Seconds, rep.SnapshotSeconds)
		if end-start < 20 {
			t.Fatalf("only %d writes during the backup: the test proves little", end-start)
		}

		target := restoreTarget(t, e)
		if _, err := service.Restore(ctx, service.RestoreOptions{Identities: env.ids(), From: s.Backup.Destinations[0], Target: target}); err != nil {
			t.Fatal(err)
		}
		restored := openRestored(t, target)
		if problems, err := restored.IntegrityCheck(ctx); err != nil || len(problems) > 0 {
			t.Fatalf("integrity: %v, %v", problems, err)
		}
		if brk, _, err := restored.VerifyActivity(account.WithID(ctx, o.account)); err != nil || brk != nil {
			t.Fatalf("chain: %+v, %v", brk, err)
		}
		r := newService(t, restored)
		mu.Lock()
		ops := slices.Clone(acked[:end])
		mu.Unlock()
		// Which acknowledged writes the restored instance has: they must
		// be the first k, for one k between the start and the end.
		present := make([]bool, len(ops))
		for i, w := range ops {
			switch w.kind {
			case "contact":
				_, err := r.Contact(o.ctx, w.id)
				present[i] = err == nil
			case "invoice", "issue":
				d, err := r.Document(o.ctx, w.id)
				present[i] = err == nil && (w.kind == "invoice" || d.Document.Status != sales.Draft)
			}
		}
		k := 0
		for k < len(present) && present[k] {
			k++
		}
		for i := k; i < len(present); i++ {
			if present[i] {
				t.Fatalf("write %d (%+v) restored while write %d (%+v) is not: not a snapshot", i, ops[i], k, ops[k])
			}
		}
		if k < start || k > end {
			t.Fatalf("restored the first %d writes; %d were acknowledged before the backup began, %d when it ended", k, start, end)
		}
		t.Logf("the snapshot holds the first %d writes (%d before the run, %d at its end)", k, start, end)
		// Nothing written after the end, nothing unknown: the contacts
		// restored are those acknowledged and those from before.
		all, err := r.Contacts(o.ctx, crm.Filter{Limit: 100_000})
		if err != nil {
			t.Fatal(err)
		}
		all = slices.DeleteFunc(all, func(c crm.Contact) bool { return !strings.HasPrefix(c.LastName, "Écrit-pendant ") })
		contacts := 0
		for _, w := range ops[:k] {
			if w.kind == "contact" {
				contacts++
			}
		}
		if len(all) != contacts {
			t.Fatalf("%d contacts written during the run restored, %d expected", len(all), contacts)
		}
	})
}

// generateContacts imports n generated contacts into the account of ctx.
func generateContacts(t *testing.T, s *service.Service, ctx context.Context, n int) {
	t.Helper()
	var csv bytes.Buffer
	if err := demo.WriteContacts(&csv, 42, n); err != nil {
		t.Fatal(err)
	}
	rep, err := s.ImportContacts(ctx, &csv, service.ImportOptions{SkipBad: true})
	if err != nil || len(rep.Errors) > 0 {
		t.Fatalf("import: %+v, %v", rep.Errors, err)
	}
}

// TestBackupDue: the nightly slot, what ran since, and failures retried
// after an hour.
func TestBackupDue(t *testing.T) {
	today := func(h, m int) time.Time { return time.Date(2026, 3, 15, h, m, 0, 0, time.UTC) }
	type run struct {
		at     time.Time
		status string
	}
	cet := time.FixedZone("CET", 3600)
	tests := []struct {
		name string
		now  time.Time
		runs []run
		want bool
	}{
		{"before the slot", today(1, 0), nil, false},
		{"just before the slot", today(2, 29), nil, false},
		{"at the slot, never run", today(2, 30), nil, true},
		{"after the slot, never run", today(9, 0), nil, true},
		{"ran tonight", today(3, 0), []run{{today(2, 30), service.BackupOK}}, false},
		{"ran partially tonight", today(3, 0), []run{{today(2, 30), service.BackupPartial}}, false},
		{"running now", today(2, 35), []run{{today(2, 30), service.BackupRunning}}, false},
		{"ran last night only", today(3, 0), []run{{today(2, 30).AddDate(0, 0, -1), service.BackupOK}}, true},
		{"ran by hand before the slot", today(3, 0), []run{{today(1, 0), service.BackupOK}}, true},
		{"failed 30 minutes ago", today(3, 0), []run{{today(2, 30), service.BackupFailed}}, false},
		{"failed 2 hours ago", today(4, 31), []run{{today(2, 30), service.BackupFailed}}, true},
		{"interrupted 30 minutes ago", today(3, 0), []run{{today(2, 30), service.BackupInterrupted}}, false},
		{"interrupted 2 hours ago", today(4, 31), []run{{today(2, 30), service.BackupInterrupted}}, true},
		{"failed, then ran", today(5, 0), []run{{today(2, 30), service.BackupFailed}, {today(3, 31), service.BackupOK}}, false},
		{"failed yesterday, not run today", today(2, 40), []run{{today(2, 30).AddDate(0, 0, -1), service.BackupFailed}}, true},
		// The slot is in now's zone: 02:30 in CET is 01:30 UTC.
		{"ran tonight, zone ahead of UTC", time.Date(2026, 3, 15, 3, 0, 0, 0, cet), []run{{today(1, 45), service.BackupOK}}, false},
		{"ran before the slot, zone ahead of UTC", time.Date(2026, 3, 15, 3, 0, 0, 0, cet), []run{{today(1, 15), service.BackupOK}}, true},
	}
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		// One database for every case: each case's runs are in a day of
		// its own (the case's index, in years), so the cases do not see
		// one another's runs.
		s := newService(t, db)
		ctx := context.Background()
		for i, tt := range tests {
			shift := func(at time.Time) time.Time { return at.AddDate(i, 0, 0) }
			for _, r := range tt.runs {
				at := shift(r.at)
				db.SetClock(func() time.Time { return at })
				id, err := db.StartBackupRun(ctx, "backup", backup.NewID(at), "srv")
				if err != nil {
					t.Fatal(err)
				}
				if r.status != service.BackupRunning {
					if err := db.FinishBackupRun(ctx, storage.BackupRun{ID: id, Status: r.status}); err != nil {
						t.Fatal(err)
					}
				}
			}
			got, err := s.BackupDue(ctx, shift(tt.now), 2, 30)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("%s: due = %v, want %v", tt.name, got, tt.want)
			}
		}
	})
}

// TestBackupDueAfterAKilledRun: a run left "running" by a process killed
// in the middle holds tonight's slot only while its lease lives; once the
// lease has expired, the run is retried as an interrupted one would be.
func TestBackupDueAfterAKilledRun(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		s := newService(t, db)
		slot := time.Date(2026, 3, 15, 2, 30, 0, 0, time.UTC)
		db.SetClock(func() time.Time { return slot })
		if _, err := db.StartBackupRun(ctx, "backup", backup.NewID(slot), "srv"); err != nil {
			t.Fatal(err)
		}
		// The holder renews its lease while it works.
		for _, tt := range []struct {
			name  string
			now   time.Time
			lease time.Time // until when the run's holder has renewed it
			want  bool
		}{
			{"alive for two hours", slot.Add(2 * time.Hour), slot.Add(2*time.Hour + 4*time.Minute), false},
			{"killed a moment ago", slot.Add(20 * time.Minute), slot.Add(10 * time.Minute), false},
			{"killed, two hours ago", slot.Add(2 * time.Hour), slot.Add(10 * time.Minute), true},
		} {
			db.SetClock(func() time.Time { return tt.now })
			if _, err := db.ClaimLease(ctx, "backup", "srv/1/dead", tt.lease); err != nil {
				t.Fatal(err)
			}
			got, err := s.BackupDue(ctx, tt.now, 2, 30)
			if err != nil || got != tt.want {
				t.Errorf("%s: due = %v, %v; want %v", tt.name, got, err, tt.want)
			}
		}
	})
}

// TestRunScheduledBackup: among instances sharing a database one runs the
// nightly backup; runs left "running" by a killed process are marked
// interrupted; an expired lease is taken over; the new backup is verified
// in each destination it reached.
func TestRunScheduledBackup(t *testing.T) {
	backupEngines(t, func(t *testing.T, e storagetest.Engine, db *storage.DB) {
		ctx := context.Background()
		env := newBackupEnv(t, db, 2, false)
		s := env.s

		// A run killed three hours ago, and a verification with it.
		db.SetClock(func() time.Time { return time.Now().Add(-3 * time.Hour) })
		dead, err := db.StartBackupRun(ctx, "backup", backup.NewID(time.Now().Add(-3*time.Hour)), "old-host")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.StartBackupRun(ctx, "verify", "", "old-host"); err != nil {
			t.Fatal(err)
		}
		db.SetClock(time.Now)

		// The lease of a live holder: nobody else runs.
		if _, err := db.ClaimLease(ctx, "backup", "other/7/live", time.Now().Add(5*time.Minute)); err != nil {
			t.Fatal(err)
		}
		out, err := s.RunScheduledBackup(ctx, "this/1/aa", env.ids(), nil)
		if err != nil || out.Ran {
			t.Fatalf("under another's live lease: ran %v, %v", out.Ran, err)
		}
		if runs := mustRuns(t, db); len(runs) != 1 || runs[0].Status != service.BackupRunning {
			t.Fatalf("runs = %+v", runs)
		}
		// Its holder died: its lease runs out, and is taken over.
		if _, err := db.ClaimLease(ctx, "backup", "other/7/live", time.Now().Add(-time.Second)); err != nil {
			t.Fatal(err)
		}
		out, err = s.RunScheduledBackup(ctx, "this/1/aa", env.ids(), nil)
		if err != nil || !out.Ran || out.Err != nil || out.Backup.Status != service.BackupOK {
			t.Fatalf("after the lease expired: %+v, %v", out, err)
		}
		if len(out.Verified) != 2 || len(out.VerifyErrs) != 0 {
			t.Fatalf("verified %d, errors %v", len(out.Verified), out.VerifyErrs)
		}
		for _, dir := range env.dirs {
			if list, _ := listed(t, dir); len(list) != 1 || list[0].Verified == nil || list[0].ID != out.Backup.ID {
				t.Fatalf("%s: %+v", dir, list)
			}
		}
		runs, err := db.BackupRuns(ctx, "", 10)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range runs {
			switch {
			case r.ID == dead || r.Host == "old-host":
				if r.Status != service.BackupInterrupted || r.FinishedAt == nil || !strings.Contains(r.Error, "stopped during the run") {
					t.Errorf("the killed %s run: %+v", r.Kind, r)
				}
			case r.Status != service.BackupOK:
				t.Errorf("run %+v", r)
			}
		}
		if len(runs) != 5 { // the two killed, the backup, two verifications
			t.Fatalf("%d runs: %+v", len(runs), runs)
		}
		// Released when done: the next holder gets it at once.
		if until, err := db.LeaseUntil(ctx, "backup"); err != nil || until.After(time.Now()) {
			t.Fatalf("the lease runs until %v after the run, %v", until, err)
		}
	})
}

// TestRunScheduledBackupOneAtATime: two instances at the same instant: one
// runs, the other sees the lease taken.
func TestRunScheduledBackupOneAtATime(t *testing.T) {
	backupEngines(t, func(t *testing.T, e storagetest.Engine, db *storage.DB) {
		ctx := context.Background()
		env := newBackupEnv(t, db, 1, false)
		s := env.s
		// An unreachable destination retried makes the run last a second,
		// so that both calls overlap for sure.
		blocker := filepath.Join(t.TempDir(), "file")
		if err := os.WriteFile(blocker, nil, 0o600); err != nil {
			t.Fatal(err)
		}
		s.Backup.Destinations = append(s.Backup.Destinations, "file://"+blocker+"/backups")
		s.Backup.Retry = backup.Retry{Attempts: 3, Wait: 300 * time.Millisecond}

		var wg sync.WaitGroup
		start := make(chan struct{})
		outs := make([]service.ScheduledBackup, 2)
		errs := make([]error, 2)
		for i, holder := range []string{"host-a/10/aa", "host-b/20/bb"} {
			wg.Go(func() {
				<-start
				outs[i], errs[i] = s.RunScheduledBackup(ctx, holder, env.ids(), nil)
			})
		}
		close(start)
		wg.Wait()
		if errs[0] != nil || errs[1] != nil || outs[0].Ran == outs[1].Ran {
			t.Fatalf("ran: %v and %v (%v, %v); want exactly one", outs[0].Ran, outs[1].Ran, errs[0], errs[1])
		}
		ran := outs[0]
		if outs[1].Ran {
			ran = outs[1]
		}
		// Partial: verified where it arrived.
		if ran.Backup.Status != service.BackupPartial || len(ran.Verified) != 1 || len(ran.VerifyErrs) != 0 {
			t.Fatalf("the run: %s, %d verified, %v", ran.Backup.Status, len(ran.Verified), ran.VerifyErrs)
		}
		if runs := mustRuns(t, db); len(runs) != 1 {
			t.Fatalf("%d backup runs recorded", len(runs))
		}
	})
}

// TestBackupRunRotates: each run rotates the destinations it reached: old
// backups beyond the policy go, the newest verified stays, and so do the
// leftovers of an upload that may still be under way.
func TestBackupRunRotates(t *testing.T) {
	backupEngines(t, func(t *testing.T, e storagetest.Engine, db *storage.DB) {
		ctx := context.Background()
		env := newBackupEnv(t, db, 1, false)
		s := env.s
		s.Backup.Policy = backup.Policy{Daily: 3}
		d, err := backup.OpenDir(env.dirs[0])
		if err != nil {
			t.Fatal(err)
		}
		archive := filepath.Join(t.TempDir(), "archive")
		if err := os.WriteFile(archive, []byte("an older backup"), 0o600); err != nil {
			t.Fatal(err)
		}
		now := time.Now()
		var old []string // newest first: yesterday, the day before…
		for i := 1; i <= 10; i++ {
			id := backup.NewID(now.AddDate(0, 0, -i))
			old = append(old, id)
			desc := backup.Descriptor{Format: backup.Format, ID: id, Kind: backup.KindInstance, Size: 15, SHA256: strings.Repeat("0", 64), Checked: true}
			if err := backup.Upload(ctx, d, archive, desc, backup.Retry{}); err != nil {
				t.Fatal(err)
			}
		}
		if err := backup.MarkVerified(ctx, d, backup.Verification{ID: old[6]}, backup.Retry{}); err != nil {
			t.Fatal(err)
		}
		stale, underway := backup.NewID(now.AddDate(0, 0, -3)), backup.NewID(now.Add(-time.Hour))
		for _, id := range []string{stale, underway} {
			if err := d.Put(ctx, backup.ArchiveName(id), strings.NewReader("cut"), 3); err != nil {
				t.Fatal(err)
			}
		}
		long := now.AddDate(0, 0, -3)
		if err := os.Chtimes(filepath.Join(env.dirs[0], backup.ArchiveName(stale)), long, long); err != nil {
			t.Fatal(err)
		}

		rep, err := s.RunBackup(ctx)
		if err != nil {
			t.Fatal(err)
		}
		removed := slices.Sorted(slices.Values(rep.Destinations[0].Removed))
		want := slices.Sorted(slices.Values([]string{old[2], old[3], old[4], old[5], old[7], old[8], old[9]}))
		if !slices.Equal(removed, want) || rep.Destinations[0].RotateError != "" {
			t.Fatalf("rotated away %v (%s), want %v", removed, rep.Destinations[0].RotateError, want)
		}
		list, incomplete := listed(t, env.dirs[0])
		var kept []string
		for _, l := range list {
			kept = append(kept, l.ID)
		}
		if want := []string{rep.ID, old[0], old[1], old[6]}; !slices.Equal(kept, want) {
			t.Fatalf("kept %v, want %v (the newest three days and the newest verified)", kept, want)
		}
		if len(incomplete) != 1 || incomplete[0].ID != underway {
			t.Fatalf("incomplete left: %+v, want the recent one only", incomplete)
		}
	})
}

// TestRunScheduledBackupRefusedEarly: a run refused before it starts (a
// recipient that is not an age key, which the configuration's check lets
// through) is an error of the run, with nothing to verify: never a crash
// of the server that schedules it.
func TestRunScheduledBackupRefusedEarly(t *testing.T) {
	db := storagetest.Open(t, storagetest.Engines()[0])
	s := newService(t, db)
	key, _ := age.GenerateX25519Identity()
	s.Backup = service.BackupSettings{Destinations: []string{"file://" + t.TempDir()}, Recipients: "age1typo", DataDir: t.TempDir(),
		Retry: backup.Retry{Attempts: 1}}
	out, err := s.RunScheduledBackup(context.Background(), "srv/1/aa", []age.Identity{key}, nil)
	if err != nil || !out.Ran || out.Err == nil || !strings.Contains(out.Err.Error(), "not an age public key") || len(out.Verified) != 0 {
		t.Fatalf("refused run: %+v, %v", out, err)
	}
}

// TestBackupCancelled: a run whose context ends (the server stopping)
// stops waiting on a destination's retries, records how it ended, and
// leaves no staging behind.
func TestBackupCancelled(t *testing.T) {
	db := storagetest.Open(t, storagetest.Engines()[0])
	env := newBackupEnv(t, db, 1, false)
	s := env.s
	blocker := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(blocker, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	s.Backup.Destinations = append(s.Backup.Destinations, "file://"+blocker+"/backups")
	s.Backup.Retry = backup.Retry{Attempts: 5, Wait: 10 * time.Second}
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(500*time.Millisecond, cancel)
	start := time.Now()
	rep, err := s.RunBackup(ctx)
	if took := time.Since(start); took > 5*time.Second {
		t.Fatalf("the cancelled run took %v", took)
	}
	if err == nil || !strings.Contains(err.Error(), "context canceled") || rep.Status == service.BackupOK {
		t.Fatalf("cancelled run: %s, %v", rep.Status, err)
	}
	if run := lastRun(t, db, "backup"); run.Status == service.BackupRunning || run.FinishedAt == nil || run.Error == "" {
		t.Fatalf("recorded = %+v", run)
	}
	if entries, _ := os.ReadDir(filepath.Join(s.Backup.DataDir, "backup-staging")); len(entries) != 0 {
		t.Fatalf("staging left: %v", entries)
	}
}
