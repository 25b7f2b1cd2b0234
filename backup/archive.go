package backup

import (
	"archive/tar"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"strings"
	"time"

	"filippo.io/age"
	"github.com/klauspost/compress/zstd"
)

// ManifestName is the archive's last entry.
const ManifestName = "manifest.json"

// Writer writes an archive: tar, compressed with zstd, encrypted with age.
// Memory stays flat whatever the size: entries are streamed.
type Writer struct {
	age     io.WriteCloser
	zstd    *zstd.Encoder
	tar     *tar.Writer
	entries []Entry
	plain   int64
}

// NewWriter starts an archive written to w, readable only by the holders
// of the recipients' private keys.
func NewWriter(w io.Writer, recipients []age.Recipient) (*Writer, error) {
	if len(recipients) == 0 {
		return nil, errors.New("backup: no recipient to encrypt to (COMPTOIR_BACKUP_RECIPIENTS)")
	}
	enc, err := age.Encrypt(w, recipients...)
	if err != nil {
		return nil, fmt.Errorf("backup: encrypt: %w", err)
	}
	z, err := zstd.NewWriter(enc, zstd.WithEncoderLevel(zstd.SpeedDefault), zstd.WithEncoderConcurrency(2))
	if err != nil {
		return nil, fmt.Errorf("backup: compress: %w", err)
	}
	return &Writer{age: enc, zstd: z, tar: tar.NewWriter(z)}, nil
}

// Add writes size bytes of r as the entry name and returns it with its
// checksum.
func (w *Writer) Add(name string, size int64, modTime time.Time, r io.Reader) (Entry, error) {
	if err := checkEntryName(name); err != nil {
		return Entry{}, err
	}
	hdr := &tar.Header{Name: name, Size: size, Mode: 0o600, ModTime: modTime.UTC(), Typeflag: tar.TypeReg, Format: tar.FormatPAX}
	if err := w.tar.WriteHeader(hdr); err != nil {
		return Entry{}, fmt.Errorf("backup: archive %s: %w", name, err)
	}
	h := sha256.New()
	n, err := io.Copy(w.tar, io.TeeReader(io.LimitReader(r, size), h))
	if err != nil {
		return Entry{}, fmt.Errorf("backup: archive %s: %w", name, err)
	}
	if n != size {
		return Entry{}, fmt.Errorf("backup: archive %s: %d bytes read, %d expected (the file changed while it was read)", name, n, size)
	}
	w.plain += size
	e := Entry{Name: name, Size: size, SHA256: hex.EncodeToString(h.Sum(nil))}
	w.entries = append(w.entries, e)
	return e, nil
}

// AddFile adds the file at p as the entry name.
func (w *Writer) AddFile(name, p string) (Entry, error) {
	f, err := os.Open(p)
	if err != nil {
		return Entry{}, fmt.Errorf("backup: %w", err)
	}
	defer func() { _ = f.Close() }()
	info, err := f.Stat()
	if err != nil {
		return Entry{}, fmt.Errorf("backup: %w", err)
	}
	return w.Add(name, info.Size(), info.ModTime(), f)
}

// Plain returns the number of bytes archived so far, before compression.
func (w *Writer) Plain() int64 { return w.plain }

// Close writes the manifest, completed with the entries, as the last entry
// and ends the stream. The archive is complete only once Close returned
// nil.
func (w *Writer) Close(m Manifest) (Manifest, error) {
	m.Format = Format
	m.Entries = w.entries
	data, err := json.MarshalIndent(m, "", " ")
	if err != nil {
		return m, err
	}
	hdr := &tar.Header{Name: ManifestName, Size: int64(len(data)), Mode: 0o600, ModTime: time.Now().UTC(), Typeflag: tar.TypeReg, Format: tar.FormatPAX}
	if err := w.tar.WriteHeader(hdr); err != nil {
		return m, fmt.Errorf("backup: archive manifest: %w", err)
	}
	if _, err := w.tar.Write(data); err != nil {
		return m, fmt.Errorf("backup: archive manifest: %w", err)
	}
	w.plain += int64(len(data))
	if err := w.tar.Close(); err != nil {
		return m, fmt.Errorf("backup: archive: %w", err)
	}
	if err := w.zstd.Close(); err != nil {
		return m, fmt.Errorf("backup: compress: %w", err)
	}
	if err := w.age.Close(); err != nil {
		return m, fmt.Errorf("backup: encrypt: %w", err)
	}
	return m, nil
}

// Abort releases the writer's resources without completing the archive.
func (w *Writer) Abort() { w.zstd.Reset(io.Discard) }

func checkEntryName(name string) error {
	// "." is the target directory itself: clean, but no file's name.
	if name == "" || name == "." || name == ManifestName || strings.HasPrefix(name, "/") || strings.Contains(name, `\`) ||
		path.Clean(name) != name || strings.HasPrefix(name, "../") || name == ".." {
		return fmt.Errorf("backup: bad entry name %q", name)
	}
	return nil
}

// ErrWrongKey says that none of the identities given can decrypt a backup.
var ErrWrongKey = errors.New("none of the given keys (or the passphrase) can decrypt this backup: it was encrypted to other keys, or the passphrase is wrong")

// ErrDamaged says that an archive is truncated, corrupted or does not
// match its manifest.
var ErrDamaged = errors.New("the backup archive is damaged")

// Extract decrypts and reads the archive from r, writes into dir the
// entries keep accepts (all when keep is nil), and returns the manifest
// once every entry, kept or not, matched its size and checksum.
func Extract(r io.Reader, identities []age.Identity, dir string, keep func(name string) bool) (Manifest, error) {
	var m Manifest
	dec, err := age.Decrypt(r, identities...)
	if err != nil {
		var nomatch *age.NoIdentityMatchError
		if errors.As(err, &nomatch) {
			return m, ErrWrongKey
		}
		return m, damaged(err)
	}
	z, err := zstd.NewReader(dec, zstd.WithDecoderConcurrency(2), zstd.WithDecoderMaxMemory(1<<30))
	if err != nil {
		return m, damaged(err)
	}
	defer z.Close()
	tr := tar.NewReader(z)
	seen := map[string]Entry{}
	haveManifest := false
	for {
		hdr, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return m, damaged(err)
		}
		if haveManifest {
			return m, fmt.Errorf("%w: an entry %q follows the manifest", ErrDamaged, hdr.Name)
		}
		if hdr.Typeflag != tar.TypeReg {
			return m, fmt.Errorf("%w: entry %q is not a regular file", ErrDamaged, hdr.Name)
		}
		// A sparse entry's few bytes stand for a file of any size, which
		// tar reads as zeros: never written by this package, refused
		// before it fills the disk.
		for k := range hdr.PAXRecords {
			if strings.HasPrefix(k, "GNU.sparse.") {
				return m, fmt.Errorf("%w: entry %q is a sparse file", ErrDamaged, hdr.Name)
			}
		}
		if hdr.Name == ManifestName {
			if err := json.NewDecoder(io.LimitReader(tr, 64<<20)).Decode(&m); err != nil {
				return m, fmt.Errorf("%w: manifest: %v", ErrDamaged, err)
			}
			haveManifest = true
			continue
		}
		if err := checkEntryName(hdr.Name); err != nil {
			return m, damaged(err)
		}
		if _, dup := seen[hdr.Name]; dup {
			return m, fmt.Errorf("%w: entry %q twice", ErrDamaged, hdr.Name)
		}
		e, err := extractEntry(tr, hdr, dir, keep == nil || keep(hdr.Name))
		if err != nil {
			return m, err
		}
		seen[hdr.Name] = e
	}
	// The age stream must end cleanly too: a cut file fails here at the latest.
	if _, err := io.Copy(io.Discard, z); err != nil {
		return m, damaged(err)
	}
	if !haveManifest {
		return m, fmt.Errorf("%w: no manifest (the archive is truncated)", ErrDamaged)
	}
	return m, checkEntries(m, seen)
}

func extractEntry(tr *tar.Reader, hdr *tar.Header, dir string, keep bool) (Entry, error) {
	h := sha256.New()
	var out io.Writer = h
	var f *os.File
	if keep {
		p := filepath.Join(dir, filepath.FromSlash(hdr.Name))
		if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
			return Entry{}, err
		}
		var err error
		if f, err = os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600); err != nil {
			return Entry{}, fmt.Errorf("backup: extract %s: %w", hdr.Name, err)
		}
		out = io.MultiWriter(f, h)
	}
	n, err := io.Copy(out, tr)
	if f != nil {
		if cerr := f.Close(); err == nil && cerr != nil {
			return Entry{}, fmt.Errorf("backup: extract %s: %w", hdr.Name, cerr)
		}
	}
	if err != nil {
		var pe *os.PathError
		if errors.As(err, &pe) {
			return Entry{}, fmt.Errorf("backup: extract %s: %w", hdr.Name, err)
		}
		return Entry{}, fmt.Errorf("entry %s: %w", hdr.Name, damaged(err))
	}
	return Entry{Name: hdr.Name, Size: n, SHA256: hex.EncodeToString(h.Sum(nil))}, nil
}

// damaged marks err as ErrDamaged, once: the checked reader of
// OpenArchive already says so.
func damaged(err error) error {
	if errors.Is(err, ErrDamaged) {
		return err
	}
	return fmt.Errorf("%w: %v", ErrDamaged, err)
}

func checkEntries(m Manifest, seen map[string]Entry) error {
	if m.Format != Format {
		return fmt.Errorf("%w: archive format %d, this version reads %d", ErrDamaged, m.Format, Format)
	}
	for _, want := range m.Entries {
		got, ok := seen[want.Name]
		if !ok {
			return fmt.Errorf("%w: entry %s is missing", ErrDamaged, want.Name)
		}
		if got != want {
			return fmt.Errorf("%w: entry %s does not match its checksum", ErrDamaged, want.Name)
		}
		delete(seen, want.Name)
	}
	for name := range seen {
		return fmt.Errorf("%w: entry %s is not in the manifest", ErrDamaged, name)
	}
	return nil
}

// ParseRecipients reads age public keys, separated by commas, spaces or
// new lines.
func ParseRecipients(list string) ([]age.Recipient, error) {
	fields := strings.FieldsFunc(list, func(r rune) bool { return r == ',' || r == ' ' || r == '\n' || r == '\t' })
	if len(fields) == 0 {
		return nil, errors.New("no age public key given (COMPTOIR_BACKUP_RECIPIENTS, such as age1…)")
	}
	out := make([]age.Recipient, 0, len(fields))
	for i, f := range fields {
		r, err := age.ParseX25519Recipient(f)
		if err != nil {
			// age's error quotes what it was given: a private key pasted
			// here by mistake must not end up in logs.
			why := strings.ReplaceAll(err.Error(), f, "…")
			return nil, fmt.Errorf("backup recipient %d (%.12s…): not an age public key: %s", i+1, f, why)
		}
		out = append(out, r)
	}
	return out, nil
}

// ReadIdentities reads the age private keys of the file at p.
func ReadIdentities(p string) ([]age.Identity, error) {
	f, err := os.Open(p)
	if err != nil {
		return nil, fmt.Errorf("identity file: %w", err)
	}
	defer func() { _ = f.Close() }()
	ids, err := age.ParseIdentities(f)
	if err != nil {
		return nil, fmt.Errorf("identity file %s: %v", p, err)
	}
	return ids, nil
}
