package service_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"filippo.io/age"

	"github.com/comptoir/comptoir/access"
	"github.com/comptoir/comptoir/account"
	"github.com/comptoir/comptoir/backup"
	"github.com/comptoir/comptoir/demo"
	"github.com/comptoir/comptoir/service"
	"github.com/comptoir/comptoir/storage"
)

// BenchmarkBackupRun measures a whole backup run of the demo business to
// two local destinations: snapshot, checks, archive, encryption, upload
// and rotation.
func BenchmarkBackupRun(b *testing.B) {
	ctx := context.Background()
	db, err := storage.Open(ctx, storage.Options{DataDir: b.TempDir()})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = db.Close() })
	if _, err := db.Migrate(ctx, nil); err != nil {
		b.Fatal(err)
	}
	s := newService(b, db)
	if _, err := demo.Seed(access.AsSystem(ctx), s); err != nil {
		b.Fatal(err)
	}
	benchBackupSettings(b, s)
	var rep service.BackupReport
	b.ReportAllocs()
	for b.Loop() {
		if rep, err = s.RunBackup(ctx); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(rep.Size), "archive-bytes")
	b.ReportMetric(float64(rep.PlainBytes), "plain-bytes")
}

func benchBackupSettings(tb testing.TB, s *service.Service) *age.X25519Identity {
	tb.Helper()
	key, err := age.GenerateX25519Identity()
	if err != nil {
		tb.Fatal(err)
	}
	s.Backup = service.BackupSettings{Destinations: []string{"file://" + tb.TempDir(), "file://" + tb.TempDir()},
		Recipients: key.Recipient().String(), DataDir: tb.TempDir(), Policy: backup.Policy{Daily: 1},
		Retry: backup.Retry{Attempts: 1}, Host: "bench", Version: "bench"}
	return key
}

// TestBackupOneGigabyte backs up, verifies and restores a SQLite database
// of at least 1 GiB and logs how long each step took and the peak memory
// of each, which must stay flat: every step streams. Set
// COMPTOIR_BACKUP_BENCH_GB=1 to run it (a few minutes, 6 GB of disk);
// COMPTOIR_BACKUP_BENCH_GB=2 builds 2 GiB, and so on.
func TestBackupOneGigabyte(t *testing.T) {
	gb, _ := strconv.Atoi(os.Getenv("COMPTOIR_BACKUP_BENCH_GB"))
	if gb <= 0 {
		t.Skip("set COMPTOIR_BACKUP_BENCH_GB=1 to back up, verify and restore a 1 GiB database")
	}
	ctx := context.Background()
	dataDir := t.TempDir()
	db, err := storage.Open(ctx, storage.Options{DataDir: dataDir})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	if _, err := db.Migrate(ctx, nil); err != nil {
		t.Fatal(err)
	}
	s := newService(t, db)
	key := benchBackupSettings(t, s)

	start := time.Now()
	contacts, notes := fillGigabytes(t, s, db, filepath.Join(dataDir, "comptoir.db"), int64(gb)<<30)
	info, err := os.Stat(filepath.Join(dataDir, "comptoir.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("memory before the backup: RSS %d MiB, anonymous %d MiB", procStatus("VmRSS")>>20, procStatus("RssAnon")>>20)
	t.Logf("built a database of %.2f GiB (%d contacts, %d notes) in %.1f s", float64(info.Size())/(1<<30), contacts, notes, time.Since(start).Seconds())
	t.Logf("machine: %d cores (GOMAXPROCS %d), %s", runtime.NumCPU(), runtime.GOMAXPROCS(0), runtime.Version())

	mem := watchMemory(t)
	rep, err := s.RunBackup(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("backup %s: %.1f s in all (snapshot and checks %.1f s, archive and encryption %.1f s, upload to 2 destinations %.1f s); "+
		"%.2f GiB archived, %.0f MiB encrypted; %s",
		rep.ID, rep.Seconds, rep.SnapshotSeconds, rep.ArchiveSeconds, rep.UploadSeconds,
		float64(rep.PlainBytes)/(1<<30), float64(rep.Size)/(1<<20), mem)

	mem = watchMemory(t)
	v, err := s.VerifyBackup(ctx, []age.Identity{key}, s.Backup.Destinations[0], rep.ID)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("verify: %.1f s in all (download, decryption and unpacking %.1f s, then the checks of the database); %s", v.Seconds, v.DownloadSeconds, mem)

	mem = watchMemory(t)
	target := storage.Options{DataDir: t.TempDir()}
	r, err := service.Restore(ctx, service.RestoreOptions{Identities: []age.Identity{key}, From: s.Backup.Destinations[1], Target: target})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("restore: %.1f s in all (download, decryption and unpacking %.1f s, database and files in place and migrated %.1f s, then the checks); %s",
		r.Seconds, r.DownloadSeconds, r.LoadSeconds, mem)
	if r.Rows != rep.Rows {
		t.Fatalf("restored %d rows, backed up %d", r.Rows, rep.Rows)
	}
}

// fillGigabytes fills db to size bytes with contacts and the notes of
// their timelines, in transactions of thousands of rows written directly:
// realistic text, made fast.
func fillGigabytes(t *testing.T, s *service.Service, db *storage.DB, path string, size int64) (contacts, notes int) {
	t.Helper()
	ctx := context.Background()
	var accounts []int64
	for i := range 3 {
		a, _, err := s.CreateAccount(ctx, service.NewAccount{Account: account.New(fmt.Sprintf("Commerce n° %d", i+1)),
			OwnerEmail: fmt.Sprintf("owner%d@example.fr", i+1), OwnerPassword: "pass1234word", OwnerVerified: true})
		if err != nil {
			t.Fatal(err)
		}
		accounts = append(accounts, a.ID)
	}
	w := db.Pools()["write"]
	words := strings.Fields("livraison commande facture relance devis farine levain seigle épeautre tournée marché client fidèle paiement " +
		"virement chèque acompte remise rendez-vous appel téléphone boutique vitrine saison fêtes galette brioche croissant " +
		"rappeler lundi matin prévoir palette supplémentaire confirmer prix quantité échantillon salon professionnel")
	cities := strings.Fields("Bayonne Anglet Biarritz Pau Dax Bordeaux Toulouse Lyon Nantes Orthez Hendaye Agen")
	r := rand.New(rand.NewPCG(7, 11))
	text := func(n int) string {
		var b strings.Builder
		for b.Len() < n {
			b.WriteString(words[r.IntN(len(words))])
			if r.IntN(12) == 0 {
				b.WriteString(". ")
			} else {
				b.WriteByte(' ')
			}
		}
		return b.String()
	}
	now := time.Now().UTC()
	for {
		info, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if info.Size() >= size {
			return contacts, notes
		}
		tx, err := w.BeginTx(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		contact, err := tx.PrepareContext(ctx, `INSERT INTO contacts (account_id, kind, last_name, first_name, email, phone, address_line1, postal_code, city,
			is_client, tags, notes, sort_key, search_text, created_at, updated_at) VALUES ($1, 'person', $2, $3, $4, $5, $6, '64100', $7, TRUE, ',fidèle,', $8, $9, $10, $11, $11)
			RETURNING id`)
		if err != nil {
			t.Fatal(err)
		}
		note, err := tx.PrepareContext(ctx, `INSERT INTO conversations (account_id, contact_id, kind, subject, body, at, created_at, updated_at)
			VALUES ($1, $2, 'note', $3, $4, $5, $5, $5)`)
		if err != nil {
			t.Fatal(err)
		}
		for range 5000 {
			acc := accounts[r.IntN(len(accounts))]
			last, first := "Client"+strconv.Itoa(contacts), words[r.IntN(len(words))]
			var id int64
			err := contact.QueryRowContext(ctx, acc, last, first, fmt.Sprintf("c%d@example.fr", contacts), fmt.Sprintf("05 59 %02d %02d %02d", r.IntN(100), r.IntN(100), r.IntN(100)),
				fmt.Sprintf("%d rue %s", 1+r.IntN(120), words[r.IntN(len(words))]), cities[r.IntN(len(cities))], text(300),
				strings.ToLower(last+" "+first), strings.ToLower(last+" "+first), now).Scan(&id)
			if err != nil {
				t.Fatal(err)
			}
			contacts++
			for range 1 + r.IntN(3) {
				if _, err := note.ExecContext(ctx, acc, id, text(40), text(200+r.IntN(1200)), now.Add(-time.Duration(r.IntN(1e6))*time.Minute)); err != nil {
					t.Fatal(err)
				}
				notes++
			}
		}
		_ = contact.Close()
		_ = note.Close()
		if err := tx.Commit(); err != nil {
			t.Fatal(err)
		}
	}
}

// memoryWatch samples the process's resident memory while a step runs:
// its peak in all (VmHWM), which counts the pages of the database SQLite
// maps into memory (mmap_size), and the peak of anonymous memory alone
// (RssAnon: the heap, buffers, SQLite's cache), which is what streaming
// keeps flat.
type memoryWatch struct {
	stop chan struct{}
	done chan int64
}

func watchMemory(t *testing.T) *memoryWatch {
	t.Helper()
	runtime.GC()
	if err := os.WriteFile("/proc/self/clear_refs", []byte("5"), 0); err != nil {
		t.Logf("cannot reset the peak memory: %v", err)
	}
	w := &memoryWatch{stop: make(chan struct{}), done: make(chan int64, 1)}
	go func() {
		var peak int64
		tick := time.NewTicker(10 * time.Millisecond)
		defer tick.Stop()
		for {
			peak = max(peak, procStatus("RssAnon"))
			select {
			case <-w.stop:
				w.done <- peak
				return
			case <-tick.C:
			}
		}
	}()
	return w
}

// String stops the watch and says what it saw.
func (w *memoryWatch) String() string {
	close(w.stop)
	anon := <-w.done
	return fmt.Sprintf("peak RSS %d MiB, of which anonymous memory at most %d MiB", procStatus("VmHWM")>>20, anon>>20)
}

// procStatus returns a memory figure of /proc/self/status in bytes.
func procStatus(field string) int64 {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for line := range strings.SplitSeq(string(data), "\n") {
		if rest, ok := strings.CutPrefix(line, field+":"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			return kb << 10
		}
	}
	return 0
}
