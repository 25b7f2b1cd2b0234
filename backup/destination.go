package backup

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strings"
	"time"
)

// ErrNotExist is returned by Get for an object the destination does not have.
var ErrNotExist = errors.New("backup: no such object")

// Object is one object kept in a destination.
type Object struct {
	Name     string
	Size     int64
	Modified time.Time
}

// Destination is a place backups are kept. Names are plain file names,
// without directories: a destination is one flat folder.
type Destination interface {
	// String names the destination without its credentials.
	String() string
	// Put stores size bytes read from r under name, atomically: a reader
	// of the destination sees the whole object or none of it, and a
	// failure leaves no object under name.
	Put(ctx context.Context, name string, r io.Reader, size int64) error
	// Get opens the object name; ErrNotExist when there is none.
	Get(ctx context.Context, name string) (io.ReadCloser, error)
	// List returns every object of the destination.
	List(ctx context.Context) ([]Object, error)
	// Delete removes the object name; deleting what is not there is no error.
	Delete(ctx context.Context, name string) error
	// Close releases the connection, if any.
	Close() error
}

// Open connects to the destination the URL describes:
//
//	file:///var/backups/comptoir
//	s3://bucket/prefix?endpoint=host:port&region=…&insecure=1
//	sftp://user@host:port/dir?key=/path/id_ed25519&known_hosts=/path
func Open(ctx context.Context, raw string) (Destination, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return nil, fmt.Errorf("backup destination %q: not a URL", Redact(raw))
	}
	switch u.Scheme {
	case "file":
		return openDir(u)
	case "s3":
		return openS3(ctx, u)
	case "sftp":
		return openSFTP(ctx, u)
	}
	return nil, fmt.Errorf("backup destination %q: unknown kind %q (file, s3 or sftp)", Redact(raw), u.Scheme)
}

// Redact returns the destination URL without a password or secret, for
// logs, reports and pages.
func Redact(raw string) string {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return "(invalid URL)"
	}
	if u.User != nil {
		u.User = url.User(u.User.Username())
		if u.Scheme == "s3" {
			u.User = nil // an S3 URL's user is the access key id
		}
	}
	q := u.Query()
	for k := range q {
		switch strings.ToLower(k) {
		case "secret", "secret_key", "password", "token", "session_token":
			q.Set(k, "xxxxx")
		}
	}
	u.RawQuery = q.Encode()
	return u.String()
}
