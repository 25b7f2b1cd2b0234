package backuptest

import (
	"bytes"
	"context"
	"errors"
	"io"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/comptoir/comptoir/backup"
)

// Sizes of the conformance suite: a few megabytes, and an object above
// S3's 16 MiB part so that multipart uploads are exercised too.
const (
	smallSize = 3 << 20
	largeSize = 20 << 20
)

// Conformance checks that what open returns behaves as backup.Destination
// promises. open must return a fresh, empty destination each time; the
// suite closes it.
func Conformance(t *testing.T, open func(t *testing.T) backup.Destination) {
	fresh := func(t *testing.T) backup.Destination {
		t.Helper()
		d := open(t)
		t.Cleanup(func() {
			if err := d.Close(); err != nil {
				t.Errorf("close %s: %v", d, err)
			}
		})
		return d
	}
	ctx := context.Background()

	t.Run("round trip", func(t *testing.T) {
		d := fresh(t)
		for _, c := range []struct {
			name string
			size int
			told int64 // the size given to Put
		}{
			{"small", smallSize, smallSize},
			{"large", largeSize, largeSize},
			{"small-unknown-size", smallSize, -1},
			{"large-unknown-size", largeSize, -1},
			{"empty", 0, 0},
		} {
			data := Random(c.size, uint64(c.size)+uint64(len(c.name)))
			if err := d.Put(ctx, c.name, bytes.NewReader(data), c.told); err != nil {
				t.Fatalf("put %s: %v", c.name, err)
			}
			if got := MustGet(t, d, c.name); !bytes.Equal(got, data) {
				t.Fatalf("get %s: %d bytes, not the %d put", c.name, len(got), len(data))
			}
		}
	})

	t.Run("overwrite replaces", func(t *testing.T) {
		d := fresh(t)
		MustPut(t, d, "a", []byte("first version"))
		MustPut(t, d, "a", []byte("second"))
		if got := string(MustGet(t, d, "a")); got != "second" {
			t.Fatalf("got %q after overwrite", got)
		}
		want := []backup.Object{{Name: "a", Size: 6}}
		if got := MustList(t, d); !sameObjects(got, want) {
			t.Fatalf("list = %v, want %v", got, want)
		}
	})

	t.Run("list shows names and sizes", func(t *testing.T) {
		d := fresh(t)
		if got := MustList(t, d); len(got) != 0 {
			t.Fatalf("a fresh destination lists %v", got)
		}
		before := time.Now().Add(-time.Hour)
		MustPut(t, d, "comptoir-b.json", make([]byte, 10))
		MustPut(t, d, "comptoir-a.tar.zst.age", make([]byte, 20))
		MustPut(t, d, "c", nil)
		got := MustList(t, d)
		want := []backup.Object{{Name: "c", Size: 0}, {Name: "comptoir-a.tar.zst.age", Size: 20}, {Name: "comptoir-b.json", Size: 10}}
		if !sameObjects(got, want) {
			t.Fatalf("list = %v, want %v", got, want)
		}
		for _, o := range got {
			if o.Modified.Before(before) || o.Modified.After(time.Now().Add(time.Hour)) {
				t.Errorf("%s modified %v: not about now", o.Name, o.Modified)
			}
		}
	})

	t.Run("size mismatch is refused", func(t *testing.T) {
		d := fresh(t)
		old := []byte("the good copy")
		MustPut(t, d, "kept", old)
		for _, c := range []struct {
			name       string
			have, told int
		}{
			{"short", 1000, 2000},
			{"long", 2000, 1000},
			{"long-large", largeSize + 1, largeSize},
			{"short-large", largeSize - 1, largeSize},
			{"kept", 100, 50},
		} {
			err := d.Put(ctx, c.name, bytes.NewReader(make([]byte, c.have)), int64(c.told))
			if err == nil {
				t.Fatalf("put %s of %d bytes announced as %d: no error", c.name, c.have, c.told)
			}
		}
		want := []backup.Object{{Name: "kept", Size: int64(len(old))}}
		if got := MustList(t, d); !sameObjects(got, want) {
			t.Fatalf("after refused puts, list = %v, want %v", got, want)
		}
		if got := MustGet(t, d, "kept"); !bytes.Equal(got, old) {
			t.Fatalf("a refused put over %q changed it to %q", "kept", got)
		}
		MustBeMissing(t, d, "short")
	})

	t.Run("missing object", func(t *testing.T) {
		MustBeMissing(t, fresh(t), "comptoir-20260101T000000Z.json")
	})

	t.Run("delete twice", func(t *testing.T) {
		d := fresh(t)
		MustPut(t, d, "x", []byte("x"))
		MustPut(t, d, "y", []byte("y"))
		for range 2 {
			if err := d.Delete(ctx, "x"); err != nil {
				t.Fatalf("delete: %v", err)
			}
		}
		MustBeMissing(t, d, "x")
		if got, want := MustList(t, d), []backup.Object{{Name: "y", Size: 1}}; !sameObjects(got, want) {
			t.Fatalf("list = %v, want %v", got, want)
		}
	})

	t.Run("reader failing half way", func(t *testing.T) {
		d := fresh(t)
		boom := errors.New("disk read error")
		for _, size := range []int{smallSize, largeSize} {
			for _, told := range []int64{int64(size), -1} {
				r := &FailingReader{R: bytes.NewReader(Random(size, 1)), N: int64(size / 2), Err: boom}
				err := d.Put(ctx, "half", r, told)
				if err == nil {
					t.Fatalf("put of %d bytes (told %d) whose reader fails: no error", size, told)
				}
				if !errors.Is(err, boom) {
					t.Errorf("put (told %d) = %v, want the reader's error", told, err)
				}
			}
		}
		if got := MustList(t, d); len(got) != 0 {
			t.Fatalf("failed puts left %v", got)
		}
	})

	t.Run("cancelled context stops a put", func(t *testing.T) {
		d := fresh(t)
		done, cancel := context.WithCancel(ctx)
		cancel()
		if err := d.Put(done, "early", bytes.NewReader(Random(smallSize, 2)), smallSize); !errors.Is(err, context.Canceled) {
			t.Fatalf("put with a cancelled context = %v, want context.Canceled", err)
		}
		for _, size := range []int{smallSize, largeSize} {
			cctx, cancel := context.WithCancel(ctx)
			r := &CancellingReader{R: bytes.NewReader(Random(size, 3)), N: int64(size / 3), Cancel: cancel}
			start := time.Now()
			err := d.Put(cctx, "midway", r, int64(size))
			cancel()
			if !errors.Is(err, context.Canceled) {
				t.Fatalf("put of %d bytes cancelled midway = %v, want context.Canceled", size, err)
			}
			if took := time.Since(start); took > 10*time.Second {
				t.Errorf("cancelled put took %v", took)
			}
		}
		if got := MustList(t, d); len(got) != 0 {
			t.Fatalf("cancelled puts left %v", got)
		}
	})

	t.Run("names with a directory are refused", func(t *testing.T) {
		d := fresh(t)
		for _, name := range []string{"", "a/b", "/x", "../x", "..", ".", ".hidden", `a\b`, "dir/"} {
			if err := d.Put(ctx, name, strings.NewReader("x"), 1); err == nil {
				t.Errorf("put %q: no error", name)
			}
			if rc, err := d.Get(ctx, name); err == nil || errors.Is(err, backup.ErrNotExist) {
				if rc != nil {
					_ = rc.Close()
				}
				t.Errorf("get %q = %v, want a refusal", name, err)
			}
			if err := d.Delete(ctx, name); err == nil {
				t.Errorf("delete %q: no error", name)
			}
		}
		if got := MustList(t, d); len(got) != 0 {
			t.Fatalf("refused names left %v", got)
		}
	})
}

// Random returns n bytes that do not compress, the same for the same seed.
func Random(n int, seed uint64) []byte {
	b := make([]byte, n)
	var key [32]byte
	key[0], key[1] = byte(seed), byte(seed>>8)
	_, _ = rand.NewChaCha8(key).Read(b)
	return b
}

// MustPut stores data under name.
func MustPut(t testing.TB, d backup.Destination, name string, data []byte) {
	t.Helper()
	if err := d.Put(context.Background(), name, bytes.NewReader(data), int64(len(data))); err != nil {
		t.Fatalf("put %s: %v", name, err)
	}
}

// MustGet returns the content of name.
func MustGet(t testing.TB, d backup.Destination, name string) []byte {
	t.Helper()
	rc, err := d.Get(context.Background(), name)
	if err != nil {
		t.Fatalf("get %s: %v", name, err)
	}
	defer func() { _ = rc.Close() }()
	data, err := io.ReadAll(rc)
	if err != nil {
		t.Fatalf("read %s: %v", name, err)
	}
	return data
}

// MustBeMissing checks that Get of name is ErrNotExist.
func MustBeMissing(t testing.TB, d backup.Destination, name string) {
	t.Helper()
	rc, err := d.Get(context.Background(), name)
	if err == nil {
		_ = rc.Close()
		t.Fatalf("get %s: found, want %v", name, backup.ErrNotExist)
	}
	if !errors.Is(err, backup.ErrNotExist) {
		t.Fatalf("get %s = %v, want %v", name, err, backup.ErrNotExist)
	}
}

// MustList returns the objects of d sorted by name.
func MustList(t testing.TB, d backup.Destination) []backup.Object {
	t.Helper()
	objects, err := d.List(context.Background())
	if err != nil {
		t.Fatalf("list: %v", err)
	}
	slices.SortFunc(objects, func(a, b backup.Object) int { return strings.Compare(a.Name, b.Name) })
	return objects
}

// sameObjects compares names and sizes, in order.
func sameObjects(got, want []backup.Object) bool {
	return slices.EqualFunc(got, want, func(a, b backup.Object) bool { return a.Name == b.Name && a.Size == b.Size })
}

// FailingReader reads N bytes of R, then fails with Err.
type FailingReader struct {
	R   io.Reader
	N   int64
	Err error
}

func (f *FailingReader) Read(p []byte) (int, error) {
	if f.N <= 0 {
		return 0, f.Err
	}
	if int64(len(p)) > f.N {
		p = p[:f.N]
	}
	n, err := f.R.Read(p)
	f.N -= int64(n)
	return n, err
}

// CancellingReader reads R and calls Cancel once N bytes are read, then
// goes on: only the context can stop the copy.
type CancellingReader struct {
	R      io.Reader
	N      int64
	Cancel context.CancelFunc
}

func (c *CancellingReader) Read(p []byte) (int, error) {
	n, err := c.R.Read(p)
	if c.N -= int64(n); c.N <= 0 {
		c.Cancel()
	}
	return n, err
}
