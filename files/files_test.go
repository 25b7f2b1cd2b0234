package files

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode"
)

var pdf = []byte("%PDF-1.7\n1 0 obj <<>> endobj\n%%EOF\n")

func entries(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	_ = filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			out = append(out, p)
		}
		return nil
	})
	return out
}

func TestPutGet(t *testing.T) {
	s := Store{Dir: t.TempDir()}
	st, err := s.Put(7, bytes.NewReader(pdf), 1000)
	if err != nil || st.MediaType != PDF || st.Size != int64(len(pdf)) || len(st.Checksum) != 64 {
		t.Fatalf("Put = %+v, %v", st, err)
	}
	again, err := s.Put(7, bytes.NewReader(pdf), 1000)
	if err != nil || again != st || len(entries(t, s.Dir)) != 1 {
		t.Errorf("the same content twice: %+v, %v, files %v", again, err, entries(t, s.Dir))
	}
	got, err := s.Get(7, st.Checksum)
	if err != nil || !bytes.Equal(got, pdf) {
		t.Fatalf("Get = %q, %v", got, err)
	}
	if _, err := s.Get(8, st.Checksum); !errors.Is(err, ErrNotFound) {
		t.Errorf("another account reads the file: %v", err)
	}
	for _, bad := range []string{"../../etc/passwd", strings.Repeat("z", 64), ""} {
		if _, err := s.Get(7, bad); !errors.Is(err, ErrNotFound) {
			t.Errorf("Get(%q): %v", bad, err)
		}
	}
	// A file changed on disk is refused, not served.
	path := entries(t, s.Dir)[0]
	if err := os.WriteFile(path, append([]byte{}, append(pdf, 'x')...), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Get(7, st.Checksum); !errors.Is(err, ErrCorrupted) {
		t.Errorf("a tampered file: %v", err)
	}
	if err := s.Delete(7, st.Checksum); err != nil || len(entries(t, s.Dir)) != 0 {
		t.Errorf("Delete: %v, left %v", err, entries(t, s.Dir))
	}
}

func TestPutRefuses(t *testing.T) {
	tests := []struct {
		name string
		data []byte
		max  int64
		err  error
	}{
		{"empty", nil, 100, ErrEmpty},
		{"too large", pdf, int64(len(pdf) - 1), ErrTooLarge},
		{"html named pdf", []byte("<html><script>alert(1)</script>"), 100, ErrUnsupported},
		{"executable", []byte("\x7fELF\x02\x01\x01"), 100, ErrUnsupported},
		{"zip", []byte("PK\x03\x04"), 100, ErrUnsupported},
	}
	for _, tt := range tests {
		s := Store{Dir: t.TempDir()}
		if _, err := s.Put(1, bytes.NewReader(tt.data), tt.max); !errors.Is(err, tt.err) {
			t.Errorf("%s: %v, want %v", tt.name, err, tt.err)
		}
		if left := entries(t, s.Dir); len(left) != 0 {
			t.Errorf("%s: files left behind: %v", tt.name, left)
		}
	}
}

func TestSniff(t *testing.T) {
	for head, want := range map[string]string{
		"%PDF-1.4": PDF, "\x89PNG\r\n\x1a\nIHDR": PNG, "\xff\xd8\xff\xe0": JPEG, "GIF89a": "", "%PD": "", "": "",
	} {
		if got := Sniff([]byte(head)); got != want {
			t.Errorf("Sniff(%q) = %q, want %q", head, got, want)
		}
	}
}

func TestDisplayName(t *testing.T) {
	tests := []struct{ in, typ, want string }{
		{"Facture 2026-11.pdf", PDF, "Facture 2026-11.pdf"},
		{`C:\Users\moi\scan.JPG`, JPEG, "scan.jpg"},
		{"../../etc/passwd", PDF, "passwd.pdf"},
		{"invoice.exe", PDF, "invoice.pdf"},
		{"a\"b;c\r\nd.png", PNG, "abcd.png"},
		{"", PDF, "document.pdf"},
		{"..", PDF, "document.pdf"},
	}
	for _, tt := range tests {
		if got := DisplayName(tt.in, tt.typ); got != tt.want {
			t.Errorf("DisplayName(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// FuzzDisplayName: whatever name a browser sends, the result is a plain
// label with the real type's extension, safe in a header.
func FuzzDisplayName(f *testing.F) {
	for _, s := range []string{"a.pdf", "../x", "a\"b", "\x00", "é.jpg"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		got := DisplayName(name, PDF)
		if !strings.HasSuffix(got, ".pdf") || strings.ContainsAny(got, "/\\\";") || len([]rune(got)) > 104 {
			t.Fatalf("DisplayName(%q) = %q", name, got)
		}
		for _, r := range got {
			if unicode.IsControl(r) {
				t.Fatalf("DisplayName(%q) = %q has a control character", name, got)
			}
		}
	})
}

// FuzzPut: whatever bytes an upload holds, the store either refuses them
// with one of its errors and keeps nothing, or keeps them under their type
// as sniffed and gives them back unchanged.
func FuzzPut(f *testing.F) {
	for _, s := range []string{"", "%PDF-1.7\n", "\x89PNG\r\n\x1a\n", "\xff\xd8\xff\xe0", "#!/bin/sh\n", "%PDF", "\x7fELF", strings.Repeat("%PDF-", 20)} {
		f.Add([]byte(s))
	}
	s := Store{Dir: f.TempDir()}
	const max = 64
	f.Fuzz(func(t *testing.T, data []byte) {
		st, err := s.Put(1, bytes.NewReader(data), max)
		switch {
		case len(data) == 0:
			if !errors.Is(err, ErrEmpty) {
				t.Fatalf("empty: %v", err)
			}
		case len(data) > max:
			if !errors.Is(err, ErrTooLarge) {
				t.Fatalf("%d bytes over %d: %v", len(data), max, err)
			}
		case Sniff(data) == "":
			if !errors.Is(err, ErrUnsupported) {
				t.Fatalf("%q of no accepted type: %v", data, err)
			}
		default:
			if err != nil || st.MediaType != Sniff(data) || st.Size != int64(len(data)) {
				t.Fatalf("%q: %+v %v", data, st, err)
			}
			got, err := s.Get(1, st.Checksum)
			if err != nil || !bytes.Equal(got, data) {
				t.Fatalf("%q read back as %q: %v", data, got, err)
			}
		}
		for _, p := range entries(t, s.Dir) {
			if strings.Contains(filepath.Base(p), ".upload-") {
				t.Fatalf("a temporary file left behind: %s", p)
			}
		}
	})
}
