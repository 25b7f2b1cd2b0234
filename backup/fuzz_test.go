package backup_test

import (
	"archive/tar"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"filippo.io/age"
	"github.com/klauspost/compress/zstd"

	"github.com/comptoir/comptoir/backup"
)

// fuzzKey is a key for fuzzing only: fixed, so that the seeds kept in
// testdata/fuzz stay archives this key opens.
const fuzzKey = "AGE-SECRET-KEY-1X4NYGQX8EGQK2MLLRR7A9JDTN2UA454QFK56AXCYVH7WRFV84CXQLGLA66"

// Layers of an archive a fuzz input stands for: the encrypted file as a
// destination holds it, or what is inside the encryption (the fuzzer could
// never get past age's authentication otherwise), or what is inside the
// compression.
const (
	layerAge = iota
	layerZstd
	layerTar
	layers
)

func fuzzIdentity(t testing.TB) *age.X25519Identity {
	t.Helper()
	id, err := age.ParseX25519Identity(fuzzKey)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// encoder is shared: making one per fuzz input costs more than the rest.
var encoder, _ = zstd.NewWriter(nil, zstd.WithEncoderConcurrency(1))

func compress(_ testing.TB, plain []byte) []byte {
	return encoder.EncodeAll(plain, nil)
}

func encrypt(t testing.TB, r age.Recipient, plain []byte) []byte {
	t.Helper()
	var out bytes.Buffer
	w, err := age.Encrypt(&out, r)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Write(plain); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

func FuzzExtract(f *testing.F) {
	key := fuzzIdentity(f)
	var tarred bytes.Buffer
	tw := tar.NewWriter(&tarred)
	db := []byte("SQLite format 3\x00 a very small database")
	arcFile(f, tw, "database/comptoir.db", db)
	arcFile(f, tw, "files/1/"+strings.Repeat("a", 64), []byte("%PDF-1.4\n%%EOF\n"))
	arcManifest(f, tw, arcID, []backup.Entry{entryOf("database/comptoir.db", db),
		entryOf("files/1/"+strings.Repeat("a", 64), []byte("%PDF-1.4\n%%EOF\n"))})
	if err := tw.Close(); err != nil {
		f.Fatal(err)
	}
	compressed := compress(f, tarred.Bytes())
	f.Add(uint8(layerTar), tarred.Bytes())
	f.Add(uint8(layerZstd), compressed)
	f.Add(uint8(layerAge), encrypt(f, key.Recipient(), compressed))
	written, _ := arcWrite(f, []age.Recipient{key.Recipient()}, arcID, []arcEntry{{"database/comptoir.db", db}})
	f.Add(uint8(layerAge), written)
	for _, seed := range [][]byte{written, encrypt(f, key.Recipient(), compressed)} {
		if _, err := backup.Extract(bytes.NewReader(seed), []age.Identity{key}, f.TempDir(), nil); err != nil {
			f.Fatalf("a sound seed is refused: %v", err)
		}
	}
	f.Add(uint8(layerAge), []byte("age-encryption.org/v1\n-> X25519 \n--- \n"))
	f.Add(uint8(layerTar), []byte{})

	f.Fuzz(func(t *testing.T, layer uint8, data []byte) {
		if len(data) > 1<<16 {
			return // a small input of zstd can stand for gigabytes
		}
		switch layer % layers {
		case layerTar:
			data = encrypt(t, key.Recipient(), compress(t, data))
		case layerZstd:
			data = encrypt(t, key.Recipient(), data)
		}
		parent := t.TempDir()
		dir := filepath.Join(parent, "out")
		if err := os.Mkdir(dir, 0o700); err != nil {
			t.Fatal(err)
		}
		type result struct {
			m   backup.Manifest
			err error
		}
		done := make(chan result, 1)
		go func() {
			m, err := backup.Extract(bytes.NewReader(data), []age.Identity{key}, dir, nil)
			done <- result{m, err}
		}()
		var m backup.Manifest
		var err error
		select {
		case r := <-done:
			m, err = r.m, r.err
		case <-time.After(20 * time.Second):
			// A small input must not stand for unbounded work.
			t.Fatalf("Extract of %d bytes still running after 20 s", len(data))
		}

		// Whatever the input, nothing is written beside the target.
		var total int64
		err2 := filepath.WalkDir(parent, func(p string, d os.DirEntry, err error) error {
			if err != nil {
				return err
			}
			rel, _ := filepath.Rel(parent, p)
			if rel != "." && rel != "out" && !strings.HasPrefix(rel, "out"+string(filepath.Separator)) {
				t.Errorf("%s written outside the target directory", rel)
			}
			if d.Type()&os.ModeSymlink != 0 {
				t.Errorf("%s: a symbolic link was created", rel)
			}
			if info, err := d.Info(); err == nil && d.Type().IsRegular() {
				total += info.Size()
			}
			return nil
		})
		if err2 != nil {
			t.Fatal(err2)
		}
		if err != nil {
			return
		}
		// Accepted: then every entry of the manifest is there, with its
		// size and checksum, and nothing else.
		var want int64
		for _, e := range m.Entries {
			data, rerr := os.ReadFile(filepath.Join(dir, filepath.FromSlash(e.Name)))
			sum := sha256.Sum256(data)
			if rerr != nil || int64(len(data)) != e.Size || hex.EncodeToString(sum[:]) != e.SHA256 {
				t.Fatalf("accepted archive: entry %s does not match its manifest (%v)", e.Name, rerr)
			}
			want += e.Size
		}
		if total != want || m.Format != backup.Format {
			t.Fatalf("accepted archive: %d bytes extracted, the manifest lists %d (format %d)", total, want, m.Format)
		}
	})
}

// FuzzDescriptor feeds arbitrary bytes as a destination's descriptor and
// verification record, which anyone with access to the destination can
// write: listing, finding and rotating must never panic, and a descriptor
// is only ever taken for the backup it is named after.
func FuzzDescriptor(f *testing.F) {
	id := "20260301T023000Z-0001"
	good, _ := json.Marshal(backup.Descriptor{Format: backup.Format, ID: id, Size: 7, SHA256: strings.Repeat("0", 64), Accounts: []int64{1}})
	f.Add(good, []byte(`{"id": "`+id+`", "verified_at": "2026-03-01T03:00:00Z"}`))
	f.Add([]byte(`{}`), []byte(`null`))
	f.Add([]byte(`null`), []byte(`[]`))
	f.Add([]byte(`{"id": "`+id+`", "size": -1, "started_at": "not a time"}`), []byte(`{"id": 1}`))
	f.Add([]byte(strings.Repeat("[", 10_000)), []byte(strings.Repeat(`{"a":`, 1000)))
	f.Add([]byte(`{"id": "`+id+`"}`+"\x00garbage"), []byte{0xff, 0xfe})

	f.Fuzz(func(t *testing.T, desc, verified []byte) {
		ctx := context.Background()
		d, dir := openTestDir(t)
		for name, data := range map[string][]byte{
			backup.DescriptorName(id):   desc,
			backup.VerificationName(id): verified,
			backup.ArchiveName(id):      []byte("archive"),
		} {
			if err := os.WriteFile(filepath.Join(dir, name), data, 0o600); err != nil {
				t.Fatal(err)
			}
		}
		list, incomplete, err := backup.List(ctx, d)
		if err != nil {
			t.Fatal(err)
		}
		if len(list) == 0 {
			// An unreadable descriptor is set aside, saying why and where.
			if len(incomplete) != 1 || incomplete[0].ID != id || !strings.Contains(incomplete[0].Unreadable, dir) {
				t.Fatalf("a descriptor neither listed nor set aside as unreadable: %+v", incomplete)
			}
			return
		}
		if len(list) != 1 || list[0].ID != id {
			t.Fatalf("listed %+v, want backup %s alone", list, id)
		}
		if v := list[0].Verified; v != nil && v.ID != id {
			t.Fatalf("a verification of %s taken for %s", v.ID, id)
		}
		if keep := backup.DefaultPolicy.Keep(list); !keep[id] {
			t.Fatal("the only backup is not kept")
		}
		if _, err := backup.Find(ctx, d, ""); err != nil {
			t.Fatal(err)
		}
		// Reading the archive with whatever size and checksum the
		// descriptor claims ends in an error or the archive's true bytes.
		rc, err := backup.OpenArchive(ctx, d, list[0])
		if err != nil {
			t.Fatal(err)
		}
		got, err := io.ReadAll(rc)
		_ = rc.Close()
		if err == nil && string(got) != "archive" {
			t.Fatalf("read %q", got)
		}
	})
}
