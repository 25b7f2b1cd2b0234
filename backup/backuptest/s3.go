// Package backuptest runs real backup destinations on loopback for tests —
// an S3 server (versitygw, a separate program found in PATH or in
// $(go env GOPATH)/bin) and an in-process SFTP server — and holds the
// conformance suite every kind of destination passes.
package backuptest

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"

	"github.com/comptoir/comptoir/storage/storagetest"
)

// S3Server is a versitygw process serving a temporary directory.
type S3Server struct {
	Endpoint  string // 127.0.0.1:port
	AccessKey string
	SecretKey string
	Bucket    string // created, empty
	Dir       string // the posix backend's root: Dir/Bucket holds the objects
}

// URL returns an s3:// URL with credentials for prefix (may be "") of the
// server's bucket.
func (s *S3Server) URL(prefix string) string {
	u := url.URL{
		Scheme:   "s3",
		User:     url.UserPassword(s.AccessKey, s.SecretKey),
		Host:     s.Bucket,
		Path:     "/" + prefix,
		RawQuery: url.Values{"endpoint": {s.Endpoint}, "insecure": {"1"}, "region": {"us-east-1"}}.Encode(),
	}
	return u.String()
}

// Client returns a minio-go client of the server, for checks behind the
// destination's back.
func (s *S3Server) Client(tb testing.TB) *minio.Client {
	tb.Helper()
	c, err := minio.New(s.Endpoint, &minio.Options{
		Creds:        credentials.NewStaticV4(s.AccessKey, s.SecretKey, ""),
		Region:       "us-east-1",
		BucketLookup: minio.BucketLookupPath,
	})
	if err != nil {
		tb.Fatal(err)
	}
	return c
}

// S3 starts a server and returns a ready s3:// URL, credentials included,
// for a fresh prefix of its bucket.
func S3(tb testing.TB) string {
	tb.Helper()
	return StartS3(tb).URL("backups")
}

var versitygwPath = sync.OnceValues(func() (string, error) {
	if p, err := exec.LookPath("versitygw"); err == nil {
		return p, nil
	}
	out, err := exec.Command("go", "env", "GOPATH").Output()
	if err != nil {
		return "", err
	}
	for gopath := range strings.SplitSeq(strings.TrimSpace(string(out)), string(os.PathListSeparator)) {
		p := filepath.Join(gopath, "bin", "versitygw")
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
	}
	return "", os.ErrNotExist
})

// StartS3 starts versitygw with its posix backend in a temporary
// directory, on a free loopback port, creates a bucket and waits until the
// server answers. The server is killed when tb ends.
func StartS3(tb testing.TB) *S3Server {
	tb.Helper()
	bin, err := versitygwPath()
	if err != nil {
		storagetest.Skip(tb, "S3 tests need versitygw: go install github.com/versity/versitygw/cmd/versitygw@v1.8.0")
	}
	s := &S3Server{
		AccessKey: "comptoir-test",
		SecretKey: "secret-" + randomHex(8),
		Bucket:    "comptoir-" + randomHex(4),
		Dir:       tb.TempDir(),
	}
	var lastErr error
	for range 3 { // the free port may be taken between the probe and the start
		if lastErr = s.start(tb, bin); lastErr == nil {
			return s
		}
	}
	tb.Fatalf("versitygw did not start: %v", lastErr)
	return nil
}

func (s *S3Server) start(tb testing.TB, bin string) error {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	s.Endpoint = ln.Addr().String()
	_ = ln.Close()
	var out bytes.Buffer
	cmd := exec.Command(bin, "--access", s.AccessKey, "--secret", s.SecretKey,
		"--port", s.Endpoint, "--region", "us-east-1", "--quiet", "posix", s.Dir)
	cmd.Stdout, cmd.Stderr = &out, &out
	dieWithParent(cmd)
	if err := cmd.Start(); err != nil {
		return err
	}
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(exited) }()
	stop := func() {
		_ = cmd.Process.Kill()
		<-exited
	}
	client := s.Client(tb)
	deadline := time.Now().Add(15 * time.Second)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		err = client.MakeBucket(ctx, s.Bucket, minio.MakeBucketOptions{Region: "us-east-1"})
		cancel()
		if err == nil {
			tb.Cleanup(stop)
			return nil
		}
		select {
		case <-exited:
			return fmt.Errorf("versitygw exited: %s", out.String())
		default:
		}
		if time.Now().After(deadline) {
			stop()
			return fmt.Errorf("versitygw on %s does not answer: %v; its output: %s", s.Endpoint, err, out.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
