package backup

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// dir keeps backups in a local directory (a mounted disk, a NAS share).
type dir struct{ path string }

func openDir(u *url.URL) (Destination, error) {
	if u.Host != "" && u.Host != "localhost" {
		return nil, fmt.Errorf("backup destination %s: a file URL names a local directory (file:///path)", u.Redacted())
	}
	if u.Path == "" || !filepath.IsAbs(u.Path) {
		return nil, fmt.Errorf("backup destination %s: the directory must be an absolute path", u.Redacted())
	}
	if err := os.MkdirAll(u.Path, 0o700); err != nil {
		return nil, fmt.Errorf("backup destination %s: %w", u.Redacted(), err)
	}
	return &dir{path: filepath.Clean(u.Path)}, nil
}

// OpenDir returns the local directory path as a destination.
func OpenDir(path string) (Destination, error) {
	return openDir(&url.URL{Scheme: "file", Path: path})
}

func (d *dir) String() string { return "file://" + d.path }

func (d *dir) name(name string) (string, error) {
	if name == "" || strings.ContainsAny(name, `/\`) || strings.HasPrefix(name, ".") {
		return "", fmt.Errorf("backup: bad object name %q", name)
	}
	return filepath.Join(d.path, name), nil
}

// Put writes a hidden temporary file, syncs it, then renames it into place:
// a crash leaves at most a hidden file that List does not show.
func (d *dir) Put(ctx context.Context, name string, r io.Reader, size int64) error {
	final, err := d.name(name)
	if err != nil {
		return err
	}
	d.sweepPartial()
	f, err := os.CreateTemp(d.path, ".partial-"+name+"-*")
	if err != nil {
		return fmt.Errorf("%s: %w", d, err)
	}
	tmp := f.Name()
	done := false
	defer func() {
		if !done {
			_ = f.Close()
			_ = os.Remove(tmp)
		}
	}()
	n, err := io.Copy(f, &ctxReader{ctx: ctx, r: r})
	if err != nil {
		return fmt.Errorf("%s: write %s: %w", d, name, err)
	}
	if size >= 0 && n != size {
		return fmt.Errorf("%s: write %s: %d bytes instead of %d", d, name, n, size)
	}
	if err := f.Sync(); err != nil {
		return fmt.Errorf("%s: write %s: %w", d, name, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("%s: write %s: %w", d, name, err)
	}
	if err := os.Rename(tmp, final); err != nil {
		return fmt.Errorf("%s: %w", d, err)
	}
	done = true
	return syncDir(d.path)
}

// sweepPartial removes the temporary files of uploads cut short (a process
// killed while it wrote) once they are StaleAfter old: hidden, they are
// not objects rotation sees, and an archive's copy may be gigabytes.
func (d *dir) sweepPartial() {
	entries, err := os.ReadDir(d.path)
	if err != nil {
		return
	}
	for _, e := range entries {
		if !strings.HasPrefix(e.Name(), ".partial-") {
			continue
		}
		if info, err := e.Info(); err == nil && time.Since(info.ModTime()) > StaleAfter {
			_ = os.Remove(filepath.Join(d.path, e.Name()))
		}
	}
}

func syncDir(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer func() { _ = f.Close() }()
	return f.Sync()
}

func (d *dir) Get(_ context.Context, name string) (io.ReadCloser, error) {
	p, err := d.name(name)
	if err != nil {
		return nil, err
	}
	f, err := os.Open(p)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%s: %s: %w", d, name, ErrNotExist)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", d, err)
	}
	return f, nil
}

func (d *dir) List(context.Context) ([]Object, error) {
	entries, err := os.ReadDir(d.path)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", d, err)
	}
	out := make([]Object, 0, len(entries))
	for _, e := range entries {
		if e.IsDir() || strings.HasPrefix(e.Name(), ".") {
			continue
		}
		info, err := e.Info()
		if err != nil {
			continue // removed meanwhile
		}
		out = append(out, Object{Name: e.Name(), Size: info.Size(), Modified: info.ModTime().UTC()})
	}
	return out, nil
}

func (d *dir) Delete(_ context.Context, name string) error {
	p, err := d.name(name)
	if err != nil {
		return err
	}
	if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("%s: %w", d, err)
	}
	return nil
}

func (d *dir) Close() error { return nil }

// ctxReader stops a copy when its context ends.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c *ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}
