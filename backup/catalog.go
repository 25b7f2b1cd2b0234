package backup

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"io"
	"os"
	"slices"
	"time"
)

// Retry says how often and how patiently an operation on a destination is
// tried again.
type Retry struct {
	Attempts int           // in all; 0 means 3
	Wait     time.Duration // before the second attempt, doubled each time; 0 means 2 s
}

// Do runs fn until it succeeds, the attempts are spent or ctx ends.
func (r Retry) Do(ctx context.Context, fn func() error) error {
	attempts, wait := r.Attempts, r.Wait
	if attempts <= 0 {
		attempts = 3
	}
	if wait <= 0 {
		wait = 2 * time.Second
	}
	var err error
	for i := range attempts {
		if err = fn(); err == nil {
			return nil
		}
		if i == attempts-1 || ctx.Err() != nil {
			break
		}
		select {
		case <-ctx.Done():
			return errors.Join(err, ctx.Err())
		case <-time.After(wait):
		}
		wait *= 2
	}
	return err
}

// Listed is a complete backup found in a destination.
type Listed struct {
	Descriptor
	// Verified is the last verification of this copy, nil if none.
	Verified *Verification `json:"verified,omitempty"`
}

// Incomplete is an object of a backup that has no descriptor: an upload
// cut short, or one still under way.
type Incomplete struct {
	ID     string
	Object Object
	// Unreadable says why a descriptor could not be read: such a backup is
	// neither listed nor rotated away, for a person to look at.
	Unreadable string
}

// List returns the complete backups of d, newest first, and the objects of
// incomplete ones.
func List(ctx context.Context, d Destination) ([]Listed, []Incomplete, error) {
	objects, err := d.List(ctx)
	if err != nil {
		return nil, nil, err
	}
	byID := map[string]map[string]Object{}
	for _, o := range objects {
		id, what := idOf(o.Name)
		if id == "" {
			continue
		}
		if byID[id] == nil {
			byID[id] = map[string]Object{}
		}
		byID[id][what] = o
	}
	var out []Listed
	var incomplete []Incomplete
	for id, parts := range byID {
		if _, ok := parts[".json"]; !ok {
			for _, o := range parts {
				incomplete = append(incomplete, Incomplete{ID: id, Object: o})
			}
			continue
		}
		var l Listed
		err := getJSON(ctx, d, DescriptorName(id), &l.Descriptor)
		if err == nil && l.ID != id {
			err = fmt.Errorf("%s: %s describes backup %q", d, DescriptorName(id), l.ID)
		}
		if err != nil {
			// One damaged descriptor must not hide the other backups.
			incomplete = append(incomplete, Incomplete{ID: id, Object: parts[".json"], Unreadable: err.Error()})
			continue
		}
		if _, ok := parts[".verified.json"]; ok {
			var v Verification
			if err := getJSON(ctx, d, VerificationName(id), &v); err == nil && v.ID == id {
				l.Verified = &v
			}
		}
		out = append(out, l)
	}
	// Newest first by when the backup finished: two ids of the same second
	// do not sort by time.
	slices.SortFunc(out, func(a, b Listed) int {
		if c := b.FinishedAt.Compare(a.FinishedAt); c != 0 {
			return c
		}
		return -compareIDs(a.ID, b.ID)
	})
	return out, incomplete, nil
}

func compareIDs(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func getJSON(ctx context.Context, d Destination, name string, v any) error {
	rc, err := d.Get(ctx, name)
	if err != nil {
		return err
	}
	defer func() { _ = rc.Close() }()
	if err := json.NewDecoder(io.LimitReader(rc, maxDescriptor)).Decode(v); err != nil {
		return fmt.Errorf("%s: %s: %v", d, name, err)
	}
	return nil
}

// maxDescriptor bounds what is read of a descriptor or a verification:
// a descriptor lists every account id, a few bytes each.
const maxDescriptor = 64 << 20

func putJSON(ctx context.Context, d Destination, name string, v any, retry Retry) error {
	data, err := json.Marshal(v)
	if err != nil {
		return err
	}
	if len(data) > maxDescriptor {
		return fmt.Errorf("%s: %s would be %d bytes, more than the %d a reader accepts", d, name, len(data), maxDescriptor)
	}
	return retry.Do(ctx, func() error { return d.Put(ctx, name, bytes.NewReader(data), int64(len(data))) })
}

// Upload stores the archive at archivePath in d, then its descriptor: the
// backup is listed only once both are there. Each is retried.
func Upload(ctx context.Context, d Destination, archivePath string, desc Descriptor, retry Retry) error {
	err := retry.Do(ctx, func() error {
		f, err := os.Open(archivePath)
		if err != nil {
			return err
		}
		defer func() { _ = f.Close() }()
		return d.Put(ctx, ArchiveName(desc.ID), f, desc.Size)
	})
	if err != nil {
		return err
	}
	return putJSON(ctx, d, DescriptorName(desc.ID), desc, retry)
}

// MarkVerified records in d that its copy of a backup was verified.
func MarkVerified(ctx context.Context, d Destination, v Verification, retry Retry) error {
	return putJSON(ctx, d, VerificationName(v.ID), v, retry)
}

// Find returns the backup id of d, or its newest when id is empty.
func Find(ctx context.Context, d Destination, id string) (Listed, error) {
	list, _, err := List(ctx, d)
	if err != nil {
		return Listed{}, err
	}
	if len(list) == 0 {
		return Listed{}, fmt.Errorf("%s holds no complete backup", d)
	}
	if id == "" {
		// The newest backup whose snapshot passed its checks, if any.
		for _, l := range list {
			if l.Checked {
				return l, nil
			}
		}
		return list[0], nil
	}
	for _, l := range list {
		if l.ID == id {
			return l, nil
		}
	}
	return Listed{}, fmt.Errorf("%s has no backup %s (comptoir backup list shows those it has)", d, id)
}

// Open opens the archive of the backup l of d. Reading it to the end checks
// its size and checksum against the descriptor: a damaged or truncated
// copy ends with ErrDamaged instead of io.EOF.
func OpenArchive(ctx context.Context, d Destination, l Listed) (io.ReadCloser, error) {
	rc, err := d.Get(ctx, ArchiveName(l.ID))
	if err != nil {
		return nil, err
	}
	return &checked{rc: rc, h: sha256.New(), want: l.Descriptor}, nil
}

type checked struct {
	rc   io.ReadCloser
	h    hash.Hash
	n    int64
	want Descriptor
}

func (c *checked) Read(p []byte) (int, error) {
	n, err := c.rc.Read(p)
	c.h.Write(p[:n])
	c.n += int64(n)
	if c.n > c.want.Size {
		return n, fmt.Errorf("%w: the archive is longer than its descriptor says (%d bytes)", ErrDamaged, c.want.Size)
	}
	if errors.Is(err, io.EOF) {
		if c.n != c.want.Size {
			return n, fmt.Errorf("%w: %d bytes instead of %d (truncated)", ErrDamaged, c.n, c.want.Size)
		}
		if got := hex.EncodeToString(c.h.Sum(nil)); got != c.want.SHA256 {
			return n, fmt.Errorf("%w: its SHA-256 is not the one its descriptor gives", ErrDamaged)
		}
	}
	return n, err
}

func (c *checked) Close() error { return c.rc.Close() }
