// Package files keeps the files users attach to records (a supplier's
// invoice as a PDF, a photo of a receipt) outside the database: each is
// stored once per account under the SHA-256 of its content, written to a
// temporary file and renamed into place so that a crash never leaves half
// a file, and checked against its checksum when read back.
//
// Only PDF, PNG and JPEG files are accepted, recognised by their content,
// never by the name or type the browser claims. The server never parses
// them: a malformed PDF is stored and served as it came. Names given by
// users are only labels; paths are made of the account and the checksum.
package files

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
	"unicode"
	"unicode/utf8"
)

// Errors a caller maps to messages.
var (
	ErrTooLarge    = errors.New("too_large")
	ErrUnsupported = errors.New("unsupported_type")
	ErrEmpty       = errors.New("empty_file")
	ErrCorrupted   = errors.New("checksum_mismatch")
	ErrNotFound    = errors.New("not_found")
)

// Media types accepted.
const (
	PDF  = "application/pdf"
	PNG  = "image/png"
	JPEG = "image/jpeg"
)

// Sniff returns the media type of a file from its first bytes, or "" when
// it is none of the accepted types.
func Sniff(head []byte) string {
	switch {
	case bytes.HasPrefix(head, []byte("%PDF-")):
		return PDF
	case bytes.HasPrefix(head, []byte("\x89PNG\r\n\x1a\n")):
		return PNG
	case bytes.HasPrefix(head, []byte("\xff\xd8\xff")):
		return JPEG
	}
	return ""
}

// Stored describes a file once kept.
type Stored struct {
	Checksum  string // SHA-256, hex
	Size      int64
	MediaType string
}

// Store keeps files under Dir.
type Store struct {
	Dir string
}

func (s Store) path(account int64, checksum string) (string, error) {
	if len(checksum) != 64 {
		return "", ErrNotFound
	}
	if _, err := hex.DecodeString(checksum); err != nil {
		return "", ErrNotFound
	}
	return filepath.Join(s.Dir, strconv.FormatInt(account, 10), checksum[:2], checksum), nil
}

// Put reads r up to max bytes and keeps it for account. A file larger
// than max, empty, or of another type is refused and nothing is kept.
// The same content twice is kept once.
func (s Store) Put(account int64, r io.Reader, max int64) (Stored, error) {
	if account <= 0 {
		return Stored{}, errors.New("files: no account")
	}
	dir := filepath.Join(s.Dir, strconv.FormatInt(account, 10))
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return Stored{}, fmt.Errorf("files: %w", err)
	}
	tmp, err := os.CreateTemp(dir, ".upload-*")
	if err != nil {
		return Stored{}, fmt.Errorf("files: %w", err)
	}
	defer func() {
		_ = tmp.Close()
		_ = os.Remove(tmp.Name()) // gone once renamed; removed on any failure
	}()
	h := sha256.New()
	head := &headBuffer{}
	n, err := io.Copy(io.MultiWriter(tmp, h, head), io.LimitReader(r, max+1))
	if err != nil {
		return Stored{}, fmt.Errorf("files: %w", err)
	}
	switch {
	case n == 0:
		return Stored{}, ErrEmpty
	case n > max:
		return Stored{}, ErrTooLarge
	}
	st := Stored{Checksum: hex.EncodeToString(h.Sum(nil)), Size: n, MediaType: Sniff(head.b)}
	if st.MediaType == "" {
		return Stored{}, ErrUnsupported
	}
	if err := tmp.Sync(); err != nil {
		return Stored{}, fmt.Errorf("files: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return Stored{}, fmt.Errorf("files: %w", err)
	}
	final, _ := s.path(account, st.Checksum)
	if err := os.MkdirAll(filepath.Dir(final), 0o700); err != nil {
		return Stored{}, fmt.Errorf("files: %w", err)
	}
	if err := os.Rename(tmp.Name(), final); err != nil {
		return Stored{}, fmt.Errorf("files: %w", err)
	}
	return st, nil
}

// Get returns the content of account's file with checksum, after checking
// that it still has that checksum.
func (s Store) Get(account int64, checksum string) ([]byte, error) {
	p, err := s.path(account, checksum)
	if err != nil {
		return nil, err
	}
	data, err := os.ReadFile(p)
	if errors.Is(err, os.ErrNotExist) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("files: %w", err)
	}
	sum := sha256.Sum256(data)
	if hex.EncodeToString(sum[:]) != checksum {
		return nil, ErrCorrupted
	}
	return data, nil
}

// Delete removes account's file with checksum; a missing file is not an
// error. The caller deletes a file only when no record refers to it.
func (s Store) Delete(account int64, checksum string) error {
	p, err := s.path(account, checksum)
	if err != nil {
		return nil
	}
	if err := os.Remove(p); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("files: %w", err)
	}
	return nil
}

// headBuffer keeps the first bytes written to it, for sniffing.
type headBuffer struct{ b []byte }

func (h *headBuffer) Write(p []byte) (int, error) {
	if room := 16 - len(h.b); room > 0 {
		h.b = append(h.b, p[:min(room, len(p))]...)
	}
	return len(p), nil
}

// DisplayName makes a user's file name safe to show and to put in a
// Content-Disposition header: the base name only, no control characters,
// quotes, slashes or backslashes, at most 100 characters, with the
// extension of its real type.
func DisplayName(name, mediaType string) string {
	name = strings.ReplaceAll(name, "\\", "/")
	name = filepath.Base("/" + name)
	name = strings.Map(func(r rune) rune {
		switch {
		case r == utf8.RuneError, unicode.IsControl(r), r == '"', r == '/', r == ';':
			return -1
		}
		return r
	}, name)
	ext := map[string]string{PDF: ".pdf", PNG: ".png", JPEG: ".jpg"}[mediaType]
	base := strings.TrimSpace(strings.TrimSuffix(name, filepath.Ext(name)))
	if base == "" || base == "." || base == ".." {
		base = "document"
	}
	if utf8.RuneCountInString(base) > 100 {
		base = string([]rune(base)[:100])
	}
	return base + ext
}

// DeleteAccount removes every file of account: the account itself is gone.
func (s Store) DeleteAccount(account int64) error {
	if s.Dir == "" || account <= 0 {
		return nil
	}
	if err := os.RemoveAll(filepath.Join(s.Dir, strconv.FormatInt(account, 10))); err != nil {
		return fmt.Errorf("files: %w", err)
	}
	return nil
}

// Kept is a file the store keeps for an account.
type Kept struct {
	Checksum string
	ModTime  time.Time
}

// List returns the files kept for account, for the retention sweep of the
// contents no record refers to any more. Temporary uploads are left out.
func (s Store) List(account int64) ([]Kept, error) {
	root := filepath.Join(s.Dir, strconv.FormatInt(account, 10))
	var out []Kept
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil
			}
			return err
		}
		if d.IsDir() {
			return nil
		}
		name := d.Name()
		if _, err := s.path(account, name); err != nil {
			return nil // not a kept file (a temporary upload)
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		out = append(out, Kept{Checksum: name, ModTime: info.ModTime().UTC()})
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("files: %w", err)
	}
	return out, nil
}

// Path returns where account's file with checksum is kept, for a backup to
// read it as a stream.
func (s Store) Path(account int64, checksum string) (string, error) {
	return s.path(account, checksum)
}

// Place moves the file at src, whose content has the given checksum, into
// the store for account: how a restore puts files back. The caller has
// checked the checksum; src must be on the store's file system.
func (s Store) Place(account int64, checksum, src string) error {
	final, err := s.path(account, checksum)
	if err != nil {
		return fmt.Errorf("files: bad checksum %q", checksum)
	}
	if err := os.MkdirAll(filepath.Dir(final), 0o700); err != nil {
		return fmt.Errorf("files: %w", err)
	}
	if err := os.Rename(src, final); err == nil {
		return nil
	} else if !errors.Is(err, syscall.EXDEV) {
		return fmt.Errorf("files: %w", err)
	}
	// The store is on another file system (a shared mount): copy, sync,
	// then rename within the store.
	return s.copyIn(account, src, final)
}

func (s Store) copyIn(account int64, src, final string) error {
	in, err := os.Open(src)
	if err != nil {
		return fmt.Errorf("files: %w", err)
	}
	defer func() { _ = in.Close() }()
	tmp, err := os.CreateTemp(filepath.Join(s.Dir, strconv.FormatInt(account, 10)), ".upload-*")
	if err != nil {
		return fmt.Errorf("files: %w", err)
	}
	defer func() {
		_ = tmp.Close()
		_ = os.Remove(tmp.Name()) // gone once renamed
	}()
	if _, err := io.Copy(tmp, in); err != nil {
		return fmt.Errorf("files: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		return fmt.Errorf("files: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("files: %w", err)
	}
	if err := os.Rename(tmp.Name(), final); err != nil {
		return fmt.Errorf("files: %w", err)
	}
	return nil
}
