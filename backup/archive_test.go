package backup_test

import (
	"archive/tar"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"filippo.io/age"
	"github.com/klauspost/compress/zstd"

	"github.com/comptoir/comptoir/backup"
)

// arcKey returns a fresh age key pair for one test.
func arcKey(t testing.TB) *age.X25519Identity {
	t.Helper()
	id, err := age.GenerateX25519Identity()
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// arcEntry is a file put in a test archive.
type arcEntry struct {
	name string
	data []byte
}

// arcBytes returns n bytes of text-like content, compressible but not
// trivially so, the same for the same seed.
func arcBytes(seed uint64, n int) []byte {
	r := rand.New(rand.NewPCG(seed, 7))
	words := []string{"facture ", "client ", "Bayonne ", "épicerie ", "livraison ", "42 ", "€ ", "TVA\n", "devis ", "Pau "}
	var b bytes.Buffer
	for b.Len() < n {
		if r.IntN(8) == 0 {
			b.WriteByte(byte(r.IntN(256)))
			continue
		}
		b.WriteString(words[r.IntN(len(words))])
	}
	return b.Bytes()[:n]
}

// arcWrite writes an archive of entries with the package's Writer and
// returns its bytes and the manifest Close completed.
func arcWrite(t testing.TB, recipients []age.Recipient, id string, entries []arcEntry) ([]byte, backup.Manifest) {
	t.Helper()
	var out bytes.Buffer
	w, err := backup.NewWriter(&out, recipients)
	if err != nil {
		t.Fatal(err)
	}
	mod := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	for _, e := range entries {
		got, err := w.Add(e.name, int64(len(e.data)), mod, bytes.NewReader(e.data))
		if err != nil {
			t.Fatalf("Add %s: %v", e.name, err)
		}
		if sum := sha256.Sum256(e.data); got.SHA256 != hex.EncodeToString(sum[:]) || got.Size != int64(len(e.data)) {
			t.Fatalf("Add %s returned %+v", e.name, got)
		}
	}
	m, err := w.Close(backup.Manifest{ID: id, Kind: backup.KindInstance, Engine: "sqlite", Layout: backup.LayoutSQLite,
		SchemaVersion: 32, Accounts: []backup.AccountRef{{ID: 1, Name: "L'Épicerie du Bocal"}}, Tables: []backup.Table{{Name: "contacts", Rows: 3}}})
	if err != nil {
		t.Fatal(err)
	}
	return out.Bytes(), m
}

// arcSeal compresses and encrypts a tar stream built by fill, as the
// Writer would, so that a test can craft what the Writer refuses to write.
func arcSeal(t testing.TB, recipient age.Recipient, fill func(tw *tar.Writer)) []byte {
	t.Helper()
	var out bytes.Buffer
	enc, err := age.Encrypt(&out, recipient)
	if err != nil {
		t.Fatal(err)
	}
	z, err := zstd.NewWriter(enc)
	if err != nil {
		t.Fatal(err)
	}
	tw := tar.NewWriter(z)
	fill(tw)
	for _, c := range []io.Closer{tw, z, enc} {
		if err := c.Close(); err != nil {
			t.Fatal(err)
		}
	}
	return out.Bytes()
}

// arcFile adds one regular file to a crafted tar stream.
func arcFile(t testing.TB, tw *tar.Writer, name string, data []byte) {
	t.Helper()
	if err := tw.WriteHeader(&tar.Header{Name: name, Size: int64(len(data)), Mode: 0o600, Typeflag: tar.TypeReg, Format: tar.FormatPAX}); err != nil {
		t.Fatal(err)
	}
	if _, err := tw.Write(data); err != nil {
		t.Fatal(err)
	}
}

// paxBlocks returns a PAX extended header with records, applying to the
// entry that follows it, as other tar writers write them: Go's writer
// leaves some records out, so it writes a regular entry whose type is
// then changed.
func paxBlocks(t testing.TB, records map[string]string) []byte {
	t.Helper()
	var body bytes.Buffer
	for _, k := range slices.Sorted(maps.Keys(records)) {
		rec := " " + k + "=" + records[k] + "\n"
		n := len(rec) + 1
		for len(strconv.Itoa(n))+len(rec) != n {
			n++
		}
		body.WriteString(strconv.Itoa(n) + rec)
	}
	var raw bytes.Buffer
	w := tar.NewWriter(&raw)
	if err := w.WriteHeader(&tar.Header{Name: "PaxHeaders/x", Size: int64(body.Len()), Mode: 0o600, Typeflag: tar.TypeReg, Format: tar.FormatUSTAR}); err != nil {
		t.Fatal(err)
	}
	if _, err := w.Write(body.Bytes()); err != nil {
		t.Fatal(err)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	block := raw.Bytes()
	block[156] = tar.TypeXHeader
	copy(block[148:156], "        ")
	sum := 0
	for _, b := range block[:512] {
		sum += int(b)
	}
	copy(block[148:156], fmt.Sprintf("%06o\x00 ", sum))
	return block
}

// arcManifest adds a manifest listing entries (with their true checksums
// unless a test says otherwise).
func arcManifest(t testing.TB, tw *tar.Writer, id string, entries []backup.Entry) {
	t.Helper()
	data, err := json.Marshal(backup.Manifest{Format: backup.Format, ID: id, Kind: backup.KindInstance, Entries: entries})
	if err != nil {
		t.Fatal(err)
	}
	arcFile(t, tw, backup.ManifestName, data)
}

func entryOf(name string, data []byte) backup.Entry {
	sum := sha256.Sum256(data)
	return backup.Entry{Name: name, Size: int64(len(data)), SHA256: hex.EncodeToString(sum[:])}
}

// arcTree lists every file under dir, relative, with its content.
func arcTree(t testing.TB, dir string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		out[filepath.ToSlash(rel)] = data
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

const arcID = "20260302T100000Z-ab12"

func arcSample() []arcEntry {
	return []arcEntry{
		{"database/comptoir.db", arcBytes(1, 3<<20+17)},
		{"files/1/" + strings.Repeat("0", 64), nil},
		{"files/1/" + strings.Repeat("a", 64), []byte("%PDF-1.4\n% scan\n%%EOF\n")},
		{"files/2/" + strings.Repeat("b", 64), arcBytes(2, 5<<20)},
	}
}

func TestArchiveRoundTrip(t *testing.T) {
	key := arcKey(t)
	entries := arcSample()
	data, m := arcWrite(t, []age.Recipient{key.Recipient()}, arcID, entries)
	if len(m.Entries) != len(entries) || m.Format != backup.Format {
		t.Fatalf("Close gave %d entries, format %d", len(m.Entries), m.Format)
	}

	dir := t.TempDir()
	got, err := backup.Extract(bytes.NewReader(data), []age.Identity{key}, dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got.ID != arcID || got.Layout != backup.LayoutSQLite || got.SchemaVersion != 32 || len(got.Accounts) != 1 ||
		got.Accounts[0].Name != "L'Épicerie du Bocal" || !slices.Equal(got.Entries, m.Entries) {
		t.Fatalf("manifest read back = %+v, want %+v", got, m)
	}
	if rows, ok := got.Rows("contacts"); !ok || rows != 3 {
		t.Fatalf("Rows(contacts) = %d, %v", rows, ok)
	}
	if _, ok := got.Rows("nope"); ok {
		t.Fatal("Rows names a table the manifest does not have")
	}
	tree := arcTree(t, dir)
	if len(tree) != len(entries) {
		t.Fatalf("%d files extracted, want %d: %v", len(tree), len(entries), slices.Collect(maps.Keys(tree)))
	}
	for _, e := range entries {
		if !bytes.Equal(tree[e.name], e.data) {
			t.Errorf("%s: %d bytes extracted, want %d identical", e.name, len(tree[e.name]), len(e.data))
		}
	}
	// Compressed, then encrypted: smaller than its text-like content, and
	// not readable as such.
	if plain := 8<<20 + 17; len(data) >= plain || bytes.Contains(data, []byte("épicerie")) {
		t.Fatalf("archive of %d bytes for %d plain bytes, or readable", len(data), plain)
	}
}

func TestExtractKeepFilter(t *testing.T) {
	key := arcKey(t)
	entries := arcSample()
	data, m := arcWrite(t, []age.Recipient{key.Recipient()}, arcID, entries)
	dir := t.TempDir()
	var asked []string
	got, err := backup.Extract(bytes.NewReader(data), []age.Identity{key}, dir, func(name string) bool {
		asked = append(asked, name)
		return strings.HasPrefix(name, "database/")
	})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got.Entries, m.Entries) {
		t.Fatal("the manifest of a filtered extraction differs")
	}
	if len(asked) != len(entries) {
		t.Fatalf("keep asked about %v, want every entry but the manifest", asked)
	}
	tree := arcTree(t, dir)
	if len(tree) != 1 || !bytes.Equal(tree["database/comptoir.db"], entries[0].data) {
		t.Fatalf("extracted %v, want the database only", slices.Collect(maps.Keys(tree)))
	}

	// Entries left out are still checked: one whose bytes differ from the
	// manifest fails even when it is not kept.
	bad := arcSeal(t, key.Recipient(), func(tw *tar.Writer) {
		arcFile(t, tw, "database/comptoir.db", []byte("db"))
		arcFile(t, tw, "files/1/x", []byte("altered"))
		arcManifest(t, tw, arcID, []backup.Entry{entryOf("database/comptoir.db", []byte("db")), entryOf("files/1/x", []byte("original"))})
	})
	_, err = backup.Extract(bytes.NewReader(bad), []age.Identity{key}, t.TempDir(), func(name string) bool { return name == "database/comptoir.db" })
	if !errors.Is(err, backup.ErrDamaged) || !strings.Contains(err.Error(), "files/1/x") {
		t.Fatalf("an entry not kept but altered: %v", err)
	}
}

func TestExtractWrongKey(t *testing.T) {
	key, other, third := arcKey(t), arcKey(t), arcKey(t)
	data, _ := arcWrite(t, []age.Recipient{key.Recipient(), third.Recipient()}, arcID, arcSample()[:2])
	dir := t.TempDir()
	_, err := backup.Extract(bytes.NewReader(data), []age.Identity{other}, dir, nil)
	if !errors.Is(err, backup.ErrWrongKey) || errors.Is(err, backup.ErrDamaged) {
		t.Fatalf("wrong identity: %v, want ErrWrongKey", err)
	}
	if tree := arcTree(t, dir); len(tree) != 0 {
		t.Fatalf("a wrong key wrote %v", slices.Collect(maps.Keys(tree)))
	}
	// Any one of several recipients opens it; a list of identities works
	// as long as one of them matches.
	if _, err := backup.Extract(bytes.NewReader(data), []age.Identity{other, third}, t.TempDir(), nil); err != nil {
		t.Fatalf("second recipient's key: %v", err)
	}
}

// ageHeaderEnd returns the offset of the first byte after an age header
// ("--- MAC\n"), and the offsets of its stanza and MAC lines.
func ageHeaderEnd(t testing.TB, data []byte) (end, stanza, mac int) {
	t.Helper()
	stanza = bytes.Index(data, []byte("\n-> X25519 ")) + 1
	mac = bytes.Index(data, []byte("\n--- ")) + 1
	nl := bytes.IndexByte(data[mac:], '\n')
	if stanza <= 0 || mac <= 0 || nl < 0 {
		t.Fatalf("not an age file: %q", data[:min(len(data), 200)])
	}
	return mac + nl + 1, stanza, mac
}

func TestExtractFlippedByte(t *testing.T) {
	key := arcKey(t)
	data, _ := arcWrite(t, []age.Recipient{key.Recipient()}, arcID, arcSample())
	end, stanza, mac := ageHeaderEnd(t, data)
	tests := []struct {
		name string
		at   int
		want error
	}{
		{"version line", 3, backup.ErrDamaged},
		{"header MAC", mac + 6, backup.ErrDamaged},
		{"payload nonce", end + 3, backup.ErrDamaged},
		{"first chunk", end + 16 + 100, backup.ErrDamaged},
		{"middle", len(data) / 2, backup.ErrDamaged},
		{"chunk tag before the last chunk", end + 16 + 64<<10 + 5, backup.ErrDamaged},
		{"last byte", len(data) - 1, backup.ErrDamaged},
		// The recipient's stanza damaged is, for age, a stanza this key
		// does not open: the archive alone cannot tell it from a foreign
		// key. The service tells them apart with the descriptor's
		// recipients (see service's fetch).
		// Its text stays valid base64, else the header fails to parse.
		{"recipient stanza", stanza + len("-> X25519 ") + 4, backup.ErrWrongKey},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			bad := bytes.Clone(data)
			switch {
			case tt.want == backup.ErrWrongKey && bad[tt.at] == 'A':
				bad[tt.at] = 'B'
			case tt.want == backup.ErrWrongKey:
				bad[tt.at] = 'A'
			default:
				bad[tt.at] ^= 0x01
			}
			dir := t.TempDir()
			_, err := backup.Extract(bytes.NewReader(bad), []age.Identity{key}, dir, nil)
			if !errors.Is(err, tt.want) {
				t.Fatalf("byte %d of %d flipped: %v, want %v", tt.at, len(data), err, tt.want)
			}
		})
	}
}

func TestExtractTruncated(t *testing.T) {
	key := arcKey(t)
	data, _ := arcWrite(t, []age.Recipient{key.Recipient()}, arcID, arcSample())
	end, _, _ := ageHeaderEnd(t, data)
	const chunk = 64<<10 + 16 // an age payload chunk and its tag
	for _, n := range []int{0, 1, end - 1, end, end + 16, end + 16 + chunk, end + 16 + 2*chunk, len(data) / 2, len(data) - 17, len(data) - 1} {
		_, err := backup.Extract(bytes.NewReader(data[:n]), []age.Identity{key}, t.TempDir(), nil)
		if !errors.Is(err, backup.ErrDamaged) {
			t.Errorf("cut at %d of %d bytes: %v, want ErrDamaged", n, len(data), err)
		}
	}
	// Bytes appended after a complete archive are damage too.
	long := append(bytes.Clone(data), "trailing"...)
	if _, err := backup.Extract(bytes.NewReader(long), []age.Identity{key}, t.TempDir(), nil); !errors.Is(err, backup.ErrDamaged) {
		t.Errorf("trailing bytes: %v, want ErrDamaged", err)
	}
}

func TestExtractRefusesBadEntries(t *testing.T) {
	key := arcKey(t)
	db := []byte("database")
	ok := entryOf("database/comptoir.db", db)
	tests := []struct {
		name string
		fill func(t *testing.T, tw *tar.Writer)
		want string
	}{
		{"parent directory", func(t *testing.T, tw *tar.Writer) {
			arcFile(t, tw, "../evil", []byte("x"))
			arcManifest(t, tw, arcID, []backup.Entry{entryOf("../evil", []byte("x"))})
		}, "bad entry name"},
		{"parent inside a path", func(t *testing.T, tw *tar.Writer) {
			arcFile(t, tw, "files/../../evil", []byte("x"))
			arcManifest(t, tw, arcID, nil)
		}, "bad entry name"},
		{"absolute path", func(t *testing.T, tw *tar.Writer) {
			arcFile(t, tw, "/tmp/evil", []byte("x"))
			arcManifest(t, tw, arcID, nil)
		}, "bad entry name"},
		{"backslash", func(t *testing.T, tw *tar.Writer) {
			arcFile(t, tw, `..\evil`, []byte("x"))
			arcManifest(t, tw, arcID, nil)
		}, "bad entry name"},
		{"the directory itself", func(t *testing.T, tw *tar.Writer) {
			arcFile(t, tw, ".", []byte("x"))
			arcManifest(t, tw, arcID, nil)
		}, "bad entry name"},
		{"duplicate", func(t *testing.T, tw *tar.Writer) {
			arcFile(t, tw, "database/comptoir.db", db)
			arcFile(t, tw, "database/comptoir.db", db)
			arcManifest(t, tw, arcID, []backup.Entry{ok})
		}, "twice"},
		{"entry after the manifest", func(t *testing.T, tw *tar.Writer) {
			arcFile(t, tw, "database/comptoir.db", db)
			arcManifest(t, tw, arcID, []backup.Entry{ok})
			arcFile(t, tw, "files/1/late", []byte("late"))
		}, "follows the manifest"},
		{"two manifests", func(t *testing.T, tw *tar.Writer) {
			arcFile(t, tw, "database/comptoir.db", db)
			arcManifest(t, tw, arcID, []backup.Entry{ok})
			arcManifest(t, tw, arcID, []backup.Entry{ok})
		}, "follows the manifest"},
		{"symbolic link", func(t *testing.T, tw *tar.Writer) {
			if err := tw.WriteHeader(&tar.Header{Name: "database/comptoir.db", Linkname: "/etc/passwd", Typeflag: tar.TypeSymlink}); err != nil {
				t.Fatal(err)
			}
			arcManifest(t, tw, arcID, nil)
		}, "not a regular file"},
		{"directory", func(t *testing.T, tw *tar.Writer) {
			if err := tw.WriteHeader(&tar.Header{Name: "files/", Typeflag: tar.TypeDir, Mode: 0o700}); err != nil {
				t.Fatal(err)
			}
			arcManifest(t, tw, arcID, nil)
		}, "not a regular file"},
		{"no manifest", func(t *testing.T, tw *tar.Writer) {
			arcFile(t, tw, "database/comptoir.db", db)
		}, "no manifest"},
		{"manifest that is not JSON", func(t *testing.T, tw *tar.Writer) {
			arcFile(t, tw, "database/comptoir.db", db)
			arcFile(t, tw, backup.ManifestName, []byte("{nope"))
		}, "manifest"},
		{"wrong checksum in the manifest", func(t *testing.T, tw *tar.Writer) {
			arcFile(t, tw, "database/comptoir.db", db)
			wrong := ok
			wrong.SHA256 = strings.Repeat("0", 64)
			arcManifest(t, tw, arcID, []backup.Entry{wrong})
		}, "does not match its checksum"},
		{"wrong size in the manifest", func(t *testing.T, tw *tar.Writer) {
			arcFile(t, tw, "database/comptoir.db", db)
			wrong := ok
			wrong.Size++
			arcManifest(t, tw, arcID, []backup.Entry{wrong})
		}, "does not match its checksum"},
		{"entry missing", func(t *testing.T, tw *tar.Writer) {
			arcFile(t, tw, "database/comptoir.db", db)
			arcManifest(t, tw, arcID, []backup.Entry{ok, entryOf("files/1/gone", []byte("gone"))})
		}, "files/1/gone is missing"},
		{"entry not in the manifest", func(t *testing.T, tw *tar.Writer) {
			arcFile(t, tw, "database/comptoir.db", db)
			arcFile(t, tw, "files/1/extra", []byte("extra"))
			arcManifest(t, tw, arcID, []backup.Entry{ok})
		}, "files/1/extra is not in the manifest"},
		{"unknown format", func(t *testing.T, tw *tar.Writer) {
			arcFile(t, tw, "database/comptoir.db", db)
			data, _ := json.Marshal(backup.Manifest{Format: backup.Format + 1, ID: arcID, Entries: []backup.Entry{ok}})
			arcFile(t, tw, backup.ManifestName, data)
		}, "archive format 2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := arcSeal(t, key.Recipient(), func(tw *tar.Writer) { tt.fill(t, tw) })
			parent := t.TempDir()
			dir := filepath.Join(parent, "out")
			if err := os.Mkdir(dir, 0o700); err != nil {
				t.Fatal(err)
			}
			done := make(chan error, 1)
			go func() {
				_, err := backup.Extract(bytes.NewReader(data), []age.Identity{key}, dir, nil)
				done <- err
			}()
			var err error
			select {
			case err = <-done:
			case <-time.After(30 * time.Second):
				t.Fatal("Extract still running after 30 s")
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Extract = %v, want an error saying %q", err, tt.want)
			}
			if !errors.Is(err, backup.ErrDamaged) {
				t.Errorf("%v: not ErrDamaged", err)
			}
			// Nothing lands beside the target directory.
			for name := range arcTree(t, parent) {
				if !strings.HasPrefix(name, "out/") {
					t.Errorf("%s written outside the target directory", name)
				}
			}
		})
	}
}

// TestExtractRefusesSparseFiles: in GNU's sparse format a few bytes stand
// for a file of any size, which the tar reader produces as zeros: an
// archive crafted with the public key would fill the disk, or hash zeros
// for ever. The Writer never writes one.
func TestExtractRefusesSparseFiles(t *testing.T) {
	key := arcKey(t)
	for _, records := range []map[string]string{
		{"GNU.sparse.major": "1", "GNU.sparse.minor": "0", "GNU.sparse.name": "database/comptoir.db", "GNU.sparse.realsize": "1099511627776"},
		{"GNU.sparse.major": "0", "GNU.sparse.minor": "1", "GNU.sparse.name": "database/comptoir.db", "GNU.sparse.size": "1099511627776", "GNU.sparse.numblocks": "0", "GNU.sparse.map": ""},
	} {
		var buf bytes.Buffer
		buf.Write(paxBlocks(t, records))
		tw := tar.NewWriter(&buf)
		sparseMap := []byte("0\n")
		if records["GNU.sparse.major"] == "1" {
			sparseMap = append(sparseMap, make([]byte, 510)...) // in a block of its own
		} else {
			sparseMap = nil
		}
		arcFile(t, tw, "database/sparse", sparseMap)
		arcManifest(t, tw, arcID, nil)
		if err := tw.Close(); err != nil {
			t.Fatal(err)
		}
		data := encrypt(t, key.Recipient(), compress(t, buf.Bytes()))
		done := make(chan error, 1)
		go func() {
			_, err := backup.Extract(bytes.NewReader(data), []age.Identity{key}, t.TempDir(), nil)
			done <- err
		}()
		select {
		case err := <-done:
			if !errors.Is(err, backup.ErrDamaged) || !strings.Contains(err.Error(), "sparse") {
				t.Fatalf("sparse %s.%s: %v, want ErrDamaged", records["GNU.sparse.major"], records["GNU.sparse.minor"], err)
			}
		case <-time.After(20 * time.Second):
			t.Fatalf("sparse %s.%s: Extract still running after 20 s", records["GNU.sparse.major"], records["GNU.sparse.minor"])
		}
	}
}

func TestWriterRefuses(t *testing.T) {
	key := arcKey(t)
	if _, err := backup.NewWriter(io.Discard, nil); err == nil || !strings.Contains(err.Error(), "COMPTOIR_BACKUP_RECIPIENTS") {
		t.Fatalf("no recipient: %v", err)
	}
	w, err := backup.NewWriter(io.Discard, []age.Recipient{key.Recipient()})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Abort()
	for _, name := range []string{"", "/abs", "../up", "..", ".", "a/../b", "a//b", "a/", `a\b`, backup.ManifestName} {
		if _, err := w.Add(name, 1, time.Now(), strings.NewReader("x")); err == nil || !strings.Contains(err.Error(), "bad entry name") {
			t.Errorf("Add(%q) = %v, want a refusal", name, err)
		}
	}
	// A file shorter than announced changed while it was read.
	if _, err := w.Add("database/comptoir.db", 10, time.Now(), strings.NewReader("short")); err == nil || !strings.Contains(err.Error(), "changed while it was read") {
		t.Fatalf("short read: %v", err)
	}
}

func TestAddFileAndPlain(t *testing.T) {
	key := arcKey(t)
	p := filepath.Join(t.TempDir(), "comptoir.db")
	content := arcBytes(9, 100_000)
	if err := os.WriteFile(p, content, 0o600); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	w, err := backup.NewWriter(&out, []age.Recipient{key.Recipient()})
	if err != nil {
		t.Fatal(err)
	}
	e, err := w.AddFile("database/comptoir.db", p)
	if err != nil || e != entryOf("database/comptoir.db", content) {
		t.Fatalf("AddFile = %+v, %v", e, err)
	}
	if _, err := w.AddFile("files/1/missing", filepath.Join(t.TempDir(), "missing")); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("missing file: %v", err)
	}
	if w.Plain() != int64(len(content)) {
		t.Fatalf("Plain = %d before the manifest", w.Plain())
	}
	m, err := w.Close(backup.Manifest{ID: arcID})
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Entries) != 1 || w.Plain() <= int64(len(content)) {
		t.Fatalf("after Close: %d entries, %d plain bytes", len(m.Entries), w.Plain())
	}
	got, err := backup.Extract(&out, []age.Identity{key}, t.TempDir(), nil)
	if err != nil || got.ID != arcID {
		t.Fatalf("Extract = %+v, %v", got, err)
	}
}

func TestParseRecipientsAndIdentities(t *testing.T) {
	a, b := arcKey(t), arcKey(t)
	list := a.Recipient().String() + ",\n " + b.Recipient().String() + "\t"
	rs, err := backup.ParseRecipients(list)
	if err != nil || len(rs) != 2 {
		t.Fatalf("ParseRecipients = %d, %v", len(rs), err)
	}
	for _, bad := range []struct{ list, want string }{
		{"", "no age public key"},
		{" , \n", "no age public key"},
		{a.Recipient().String() + ",age1nope", "backup recipient 2"},
		{a.String(), "backup recipient 1 (AGE-SECRET-K…): not an age public key"},
	} {
		if _, err := backup.ParseRecipients(bad.list); err == nil || !strings.Contains(err.Error(), bad.want) {
			t.Errorf("ParseRecipients(%.20q) = %v, want %q", bad.list, err, bad.want)
		}
	}
	// The refusal shows only the start of what was given: never a whole
	// private key pasted in the wrong place.
	if _, err := backup.ParseRecipients(a.String()); strings.Contains(err.Error(), a.String()) {
		t.Fatal("the error repeats the private key")
	}

	dir := t.TempDir()
	p := filepath.Join(dir, "key.txt")
	if err := os.WriteFile(p, []byte("# created: now\n"+a.String()+"\n"+b.String()+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	ids, err := backup.ReadIdentities(p)
	if err != nil || len(ids) != 2 {
		t.Fatalf("ReadIdentities = %d, %v", len(ids), err)
	}
	if _, err := backup.ReadIdentities(filepath.Join(dir, "none")); err == nil || !strings.Contains(err.Error(), "identity file") {
		t.Fatalf("missing identity file: %v", err)
	}
	junk := filepath.Join(dir, "junk.txt")
	_ = os.WriteFile(junk, []byte("not a key\n"), 0o600)
	if _, err := backup.ReadIdentities(junk); err == nil || !strings.Contains(err.Error(), junk) {
		t.Fatalf("junk identity file: %v", err)
	}
}
