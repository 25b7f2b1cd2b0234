package backup_test

import (
	"bytes"
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
	"strings"
	"sync"
	"testing"
	"time"

	"filippo.io/age"

	"github.com/comptoir/comptoir/backup"
)

// watchedDest is a destination that records what is asked of it and
// fails on demand, wrapped around a real one.
type watchedDest struct {
	backup.Destination
	mu sync.Mutex
	// failPut makes Put fail for a name, that many times (-1: always).
	failPut map[string]int
	// failDelete makes Delete fail for these names.
	failDelete map[string]bool
	calls      []string // "put NAME", "delete NAME"
}

func watch(d backup.Destination) *watchedDest {
	return &watchedDest{Destination: d, failPut: map[string]int{}, failDelete: map[string]bool{}}
}

func (w *watchedDest) Put(ctx context.Context, name string, r io.Reader, size int64) error {
	w.mu.Lock()
	w.calls = append(w.calls, "put "+name)
	n := w.failPut[name]
	if n > 0 {
		w.failPut[name] = n - 1
	}
	w.mu.Unlock()
	if n != 0 {
		return fmt.Errorf("%s: put %s: connection reset by peer", w, name)
	}
	return w.Destination.Put(ctx, name, r, size)
}

func (w *watchedDest) Delete(ctx context.Context, name string) error {
	w.mu.Lock()
	w.calls = append(w.calls, "delete "+name)
	fail := w.failDelete[name]
	w.mu.Unlock()
	if fail {
		return fmt.Errorf("%s: delete %s: permission denied", w, name)
	}
	return w.Destination.Delete(ctx, name)
}

func (w *watchedDest) seen() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return slices.Clone(w.calls)
}

func openTestDir(t testing.TB) (backup.Destination, string) {
	t.Helper()
	p := t.TempDir()
	d, err := backup.OpenDir(p)
	if err != nil {
		t.Fatal(err)
	}
	return d, p
}

// stagedArchive writes data as an archive file and returns its path and
// the descriptor that goes with it.
func stagedArchive(t testing.TB, id string, data []byte) (string, backup.Descriptor) {
	t.Helper()
	p := filepath.Join(t.TempDir(), "archive")
	if err := os.WriteFile(p, data, 0o600); err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(data)
	return p, backup.Descriptor{Format: backup.Format, ID: id, Kind: backup.KindInstance, Engine: "sqlite",
		Layout: backup.LayoutSQLite, Size: int64(len(data)), SHA256: hex.EncodeToString(sum[:]),
		Accounts: []int64{1, 2}, Rows: 1234, Recipients: []string{"age1example"}, Checked: true}
}

var quick = backup.Retry{Attempts: 3, Wait: time.Millisecond}

func TestUploadThenList(t *testing.T) {
	ctx := context.Background()
	d, dir := openTestDir(t)
	ids := []string{"20260301T023000Z-0001", "20260303T023000Z-0003", "20260302T023000Z-0002"}
	for i, id := range ids {
		p, desc := stagedArchive(t, id, arcBytes(uint64(i), 50_000+i))
		if err := backup.Upload(ctx, d, p, desc, quick); err != nil {
			t.Fatal(err)
		}
	}
	if err := backup.MarkVerified(ctx, d, backup.Verification{ID: ids[0], VerifiedAt: time.Date(2026, 3, 1, 3, 0, 0, 0, time.UTC),
		Host: "srv", Checks: []string{"row counts"}}, quick); err != nil {
		t.Fatal(err)
	}
	// What is not a backup's object is left alone: an upload under way (a
	// hidden file), a note, a name that only looks like one.
	for _, name := range []string{".partial-comptoir-20260304T023000Z-0004.tar.zst.age-123", "LISEZMOI.txt", "comptoir-latest.json",
		"comptoir-20260304T023000Z-000g.json"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte("{}"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	// An archive whose descriptor never came: incomplete.
	if err := d.Put(ctx, backup.ArchiveName("20260304T023000Z-0004"), strings.NewReader("cut"), 3); err != nil {
		t.Fatal(err)
	}

	list, incomplete, err := backup.List(ctx, d)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, l := range list {
		got = append(got, l.ID)
	}
	if want := []string{ids[1], ids[2], ids[0]}; !slices.Equal(got, want) {
		t.Fatalf("List = %v, want newest first %v", got, want)
	}
	if l := list[2]; l.Verified == nil || l.Verified.Host != "srv" || l.Rows != 1234 || !l.Checked || len(l.Accounts) != 2 {
		t.Fatalf("oldest listed = %+v, verified %+v", l.Descriptor, l.Verified)
	}
	if list[0].Verified != nil {
		t.Fatal("an unverified backup is listed as verified")
	}
	if len(incomplete) != 1 || incomplete[0].ID != "20260304T023000Z-0004" || incomplete[0].Object.Size != 3 {
		t.Fatalf("incomplete = %+v", incomplete)
	}

	newest, err := backup.Find(ctx, d, "")
	if err != nil || newest.ID != ids[1] {
		t.Fatalf("Find newest = %s, %v", newest.ID, err)
	}
	if l, err := backup.Find(ctx, d, ids[0]); err != nil || l.ID != ids[0] || l.Verified == nil {
		t.Fatalf("Find %s = %+v, %v", ids[0], l, err)
	}
	if _, err := backup.Find(ctx, d, "20260304T023000Z-0004"); err == nil || !strings.Contains(err.Error(), "has no backup 20260304T023000Z-0004") ||
		!strings.Contains(err.Error(), dir) {
		t.Fatalf("Find of an incomplete backup: %v", err)
	}
	empty, _ := openTestDir(t)
	if _, err := backup.Find(ctx, empty, ""); err == nil || !strings.Contains(err.Error(), "holds no complete backup") {
		t.Fatalf("Find in an empty destination: %v", err)
	}
}

// TestListSetsAsideBadDescriptors: a descriptor that cannot be read is
// reported as unreadable, naming the problem, and hides no other backup.
func TestListSetsAsideBadDescriptors(t *testing.T) {
	ctx := context.Background()
	id := "20260301T023000Z-0001"
	tests := []struct {
		name, content, want string
	}{
		{"not JSON", "{\"id\": ", backup.DescriptorName(id)},
		{"another backup's", `{"id": "20260302T023000Z-0002"}`, `describes backup "20260302T023000Z-0002"`},
		{"no id", `{}`, `describes backup ""`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, dir := openTestDir(t)
			if err := os.WriteFile(filepath.Join(dir, backup.DescriptorName(id)), []byte(tt.content), 0o600); err != nil {
				t.Fatal(err)
			}
			good := backup.Descriptor{ID: "20260228T023000Z-0000"}
			data, _ := json.Marshal(good)
			if err := os.WriteFile(filepath.Join(dir, backup.DescriptorName(good.ID)), data, 0o600); err != nil {
				t.Fatal(err)
			}
			list, incomplete, err := backup.List(ctx, d)
			if err != nil || len(list) != 1 || list[0].ID != good.ID {
				t.Fatalf("List = %v, %v: the good backup must stay listed", list, err)
			}
			if len(incomplete) != 1 || incomplete[0].ID != id || !strings.Contains(incomplete[0].Unreadable, tt.want) ||
				!strings.Contains(incomplete[0].Unreadable, dir) {
				t.Fatalf("incomplete = %+v, want it unreadable, naming %q and the destination", incomplete, tt.want)
			}
		})
	}
	// A damaged verification record only loses the mark: the backup is
	// still listed, as not verified.
	d, dir := openTestDir(t)
	p, desc := stagedArchive(t, id, []byte("archive"))
	if err := backup.Upload(ctx, d, p, desc, quick); err != nil {
		t.Fatal(err)
	}
	for _, content := range []string{"{", `{"id": "20260302T023000Z-0002"}`} {
		_ = os.WriteFile(filepath.Join(dir, backup.VerificationName(id)), []byte(content), 0o600)
		list, _, err := backup.List(ctx, d)
		if err != nil || len(list) != 1 || list[0].Verified != nil {
			t.Fatalf("verification %q: %+v, %v", content, list, err)
		}
	}
}

func TestUploadRetriesAndOrder(t *testing.T) {
	ctx := context.Background()
	id := "20260301T023000Z-0001"
	data := arcBytes(3, 10_000)

	base, _ := openTestDir(t)
	d := watch(base)
	d.failPut[backup.ArchiveName(id)] = 2
	p, desc := stagedArchive(t, id, data)
	if err := backup.Upload(ctx, d, p, desc, quick); err != nil {
		t.Fatalf("two failures then a success: %v", err)
	}
	want := []string{"put " + backup.ArchiveName(id), "put " + backup.ArchiveName(id), "put " + backup.ArchiveName(id), "put " + backup.DescriptorName(id)}
	if got := d.seen(); !slices.Equal(got, want) {
		t.Fatalf("calls = %v, want %v (the archive retried, the descriptor last)", got, want)
	}
	rc, err := base.Get(ctx, backup.ArchiveName(id))
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(rc)
	_ = rc.Close()
	if !bytes.Equal(got, data) {
		t.Fatal("the archive uploaded after retries differs")
	}

	// The archive never gets there: no descriptor is written, nothing is
	// listed.
	base, _ = openTestDir(t)
	d = watch(base)
	d.failPut[backup.ArchiveName(id)] = -1
	err = backup.Upload(ctx, d, p, desc, quick)
	if err == nil || !strings.Contains(err.Error(), "connection reset") {
		t.Fatalf("archive never stored: %v", err)
	}
	if slices.Contains(d.seen(), "put "+backup.DescriptorName(id)) || len(d.seen()) != 3 {
		t.Fatalf("calls = %v, want three tries of the archive and no descriptor", d.seen())
	}
	if list, _, _ := backup.List(ctx, base); len(list) != 0 {
		t.Fatalf("listed %v", list)
	}

	// The descriptor never gets there: the archive is an incomplete backup.
	base, _ = openTestDir(t)
	d = watch(base)
	d.failPut[backup.DescriptorName(id)] = -1
	if err := backup.Upload(ctx, d, p, desc, quick); err == nil {
		t.Fatal("a descriptor never stored is no error")
	}
	list, incomplete, err := backup.List(ctx, base)
	if err != nil || len(list) != 0 || len(incomplete) != 1 {
		t.Fatalf("after a lost descriptor: %d complete, %v incomplete, %v", len(list), incomplete, err)
	}

	// A file shorter than its descriptor says is refused by the
	// destination, and leaves nothing.
	base, _ = openTestDir(t)
	short := desc
	short.Size++
	if err := backup.Upload(ctx, base, p, short, quick); err == nil || !strings.Contains(err.Error(), "bytes instead of") {
		t.Fatalf("size mismatch: %v", err)
	}
	if objects, _ := base.List(ctx); len(objects) != 0 {
		t.Fatalf("a refused upload left %v", objects)
	}
}

func TestOpenArchiveChecks(t *testing.T) {
	ctx := context.Background()
	key := arcKey(t)
	id := "20260301T023000Z-0001"
	data, _ := arcWrite(t, []age.Recipient{key.Recipient()}, id, arcSample()[:3])
	d, _ := openTestDir(t)
	p, desc := stagedArchive(t, id, data)
	if err := backup.Upload(ctx, d, p, desc, quick); err != nil {
		t.Fatal(err)
	}
	l, err := backup.Find(ctx, d, id)
	if err != nil {
		t.Fatal(err)
	}
	readAll := func(l backup.Listed) ([]byte, error) {
		rc, err := backup.OpenArchive(ctx, d, l)
		if err != nil {
			return nil, err
		}
		defer func() { _ = rc.Close() }()
		return io.ReadAll(rc)
	}
	if got, err := readAll(l); err != nil || !bytes.Equal(got, data) {
		t.Fatalf("sound archive: %d bytes, %v", len(got), err)
	}
	// Extract through the checked reader: the whole chain works.
	rc, _ := backup.OpenArchive(ctx, d, l)
	if _, err := backup.Extract(rc, []age.Identity{key}, t.TempDir(), nil); err != nil {
		t.Fatal(err)
	}
	_ = rc.Close()

	tests := []struct {
		name string
		edit func(*backup.Listed)
		want string
	}{
		{"descriptor says shorter", func(l *backup.Listed) { l.Size -= 10 }, "longer than its descriptor says"},
		{"descriptor says longer", func(l *backup.Listed) { l.Size += 10 }, "truncated"},
		{"another checksum", func(l *backup.Listed) { l.SHA256 = strings.Repeat("0", 64) }, "SHA-256"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			bad := l
			tt.edit(&bad)
			_, err := readAll(bad)
			if !errors.Is(err, backup.ErrDamaged) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("%v, want ErrDamaged saying %q", err, tt.want)
			}
		})
	}

	// Decrypted through the checked reader, the damage is said once.
	bad := l
	bad.SHA256 = strings.Repeat("0", 64)
	rc, _ = backup.OpenArchive(ctx, d, bad)
	_, err = backup.Extract(rc, []age.Identity{key}, t.TempDir(), nil)
	_ = rc.Close()
	if !errors.Is(err, backup.ErrDamaged) || strings.Count(err.Error(), "damaged") != 1 {
		t.Fatalf("Extract through a checked reader: %v", err)
	}

	gone := l
	gone.ID = "20260302T023000Z-0002"
	if _, err := backup.OpenArchive(ctx, d, gone); !errors.Is(err, backup.ErrNotExist) {
		t.Fatalf("missing archive: %v", err)
	}
}

// TestCheckedReaderCatchesSilentDamage: a copy altered in the destination
// (a flipped byte, a cut) is caught by the descriptor's checksum even when
// it is read without being decrypted.
func TestCheckedReaderCatchesSilentDamage(t *testing.T) {
	ctx := context.Background()
	id := "20260301T023000Z-0001"
	data := arcBytes(5, 200_000)
	for _, tt := range []struct {
		name string
		edit func([]byte) []byte
		want string
	}{
		{"flipped byte", func(b []byte) []byte { b[len(b)/3] ^= 0x80; return b }, "SHA-256"},
		{"cut", func(b []byte) []byte { return b[:len(b)-1] }, "truncated"},
		{"grown", func(b []byte) []byte { return append(b, 0) }, "longer"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			d, dir := openTestDir(t)
			p, desc := stagedArchive(t, id, data)
			if err := backup.Upload(ctx, d, p, desc, quick); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, backup.ArchiveName(id)), tt.edit(bytes.Clone(data)), 0o600); err != nil {
				t.Fatal(err)
			}
			l, err := backup.Find(ctx, d, id)
			if err != nil {
				t.Fatal(err)
			}
			rc, err := backup.OpenArchive(ctx, d, l)
			if err != nil {
				t.Fatal(err)
			}
			defer func() { _ = rc.Close() }()
			if _, err := io.Copy(io.Discard, rc); !errors.Is(err, backup.ErrDamaged) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("%v, want ErrDamaged saying %q", err, tt.want)
			}
		})
	}
}

func TestIDs(t *testing.T) {
	at := time.Date(2026, 11, 25, 2, 30, 0, 0, time.FixedZone("CET", 3600))
	id := backup.NewID(at)
	if !backup.ValidID(id) || !strings.HasPrefix(id, "20261125T013000Z-") {
		t.Fatalf("NewID = %q", id)
	}
	if got, err := backup.TimeOf(id); err != nil || !got.Equal(at) {
		t.Fatalf("TimeOf(%s) = %v, %v", id, got, err)
	}
	if other := backup.NewID(at); other == id {
		t.Fatal("two ids of the same second are equal")
	}
	for _, bad := range []string{"", "20261125T013000Z", "20261125T013000Z-3FA2", "20261125T013000Z-3fa2.json", "../20261125T013000Z-3fa2", "2026112XT013000Z-3fa2"} {
		if backup.ValidID(bad) {
			t.Errorf("ValidID(%q)", bad)
		}
		if _, err := backup.TimeOf(bad); err == nil || !strings.Contains(err.Error(), "not a backup id") {
			t.Errorf("TimeOf(%q) = %v", bad, err)
		}
	}
	if backup.ArchiveName(id) != "comptoir-"+id+".tar.zst.age" || backup.DescriptorName(id) != "comptoir-"+id+".json" ||
		backup.VerificationName(id) != "comptoir-"+id+".verified.json" {
		t.Fatal("object names changed: existing destinations would no longer be read")
	}
}

// TestUploadSweepsStalePartials: the temporary file of an upload cut short
// by a killed process goes once it is a day old; one under way stays.
func TestUploadSweepsStalePartials(t *testing.T) {
	ctx := context.Background()
	d, dir := openTestDir(t)
	old, recent := filepath.Join(dir, ".partial-comptoir-20260301T023000Z-0001.tar.zst.age-123"), filepath.Join(dir, ".partial-comptoir-20260302T023000Z-0002.tar.zst.age-456")
	other := filepath.Join(dir, ".keep")
	for _, p := range []string{old, recent, other} {
		if err := os.WriteFile(p, []byte("cut short"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	long := time.Now().Add(-backup.StaleAfter - time.Minute)
	for _, p := range []string{old, other} {
		if err := os.Chtimes(p, long, long); err != nil {
			t.Fatal(err)
		}
	}
	p, desc := stagedArchive(t, "20260303T023000Z-0003", []byte("archive"))
	if err := backup.Upload(ctx, d, p, desc, quick); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(old); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a day-old partial upload is still there: %v", err)
	}
	for _, p := range []string{recent, other} {
		if _, err := os.Stat(p); err != nil {
			t.Errorf("%s: %v", filepath.Base(p), err)
		}
	}
}
