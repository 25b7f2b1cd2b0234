package backup_test

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"

	"github.com/comptoir/comptoir/backup"
	"github.com/comptoir/comptoir/backup/backuptest"
)

func openURL(t testing.TB, raw string) backup.Destination {
	t.Helper()
	d, err := backup.Open(context.Background(), raw)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestS3Conformance(t *testing.T) {
	srv := backuptest.StartS3(t)
	n := 0
	backuptest.Conformance(t, func(t *testing.T) backup.Destination {
		n++
		return openURL(t, srv.URL(fmt.Sprintf("comptoir/run-%d", n)))
	})
	// Failed multipart uploads were aborted, not left to cost storage.
	for u := range srv.Client(t).ListIncompleteUploads(context.Background(), srv.Bucket, "", true) {
		t.Errorf("an upload was left: %+v", u)
	}
}

func TestS3Open(t *testing.T) {
	srv := backuptest.StartS3(t)
	ctx := context.Background()

	d := openURL(t, srv.URL("p"))
	if s := d.String(); strings.Contains(s, srv.SecretKey) || strings.Contains(s, srv.AccessKey) || !strings.Contains(s, srv.Bucket) {
		t.Errorf("String() = %q: want the bucket and no credentials", s)
	}
	_ = d.Close()

	withCreds := func(access, secret string) string {
		u, _ := url.Parse(srv.URL("p"))
		u.User = url.UserPassword(access, secret)
		return u.String()
	}
	closed := closedPort(t)
	for _, c := range []struct {
		name, raw string
		want      []string
	}{
		{"missing bucket", strings.Replace(srv.URL("p"), srv.Bucket, "not-there", 1),
			[]string{`bucket "not-there" does not exist`, "create it first"}},
		{"wrong secret", withCreds(srv.AccessKey, "wrong-secret-123"), []string{"secret key is wrong"}},
		{"unknown access key", withCreds("nobody", "wrong-secret-123"), []string{"access key"}},
		{"unreachable", strings.Replace(srv.URL("p"), url.QueryEscape(srv.Endpoint), url.QueryEscape(closed), 1),
			[]string{"cannot reach", closed}},
	} {
		t.Run(c.name, func(t *testing.T) {
			start := time.Now()
			d, err := backup.Open(ctx, c.raw)
			if err == nil {
				_ = d.Close()
				t.Fatal("opened")
			}
			if took := time.Since(start); took > 10*time.Second {
				t.Errorf("failing took %v", took)
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not say %q", err, w)
				}
			}
			if strings.Contains(err.Error(), srv.SecretKey) || strings.Contains(err.Error(), "wrong-secret-123") {
				t.Errorf("error shows the secret: %v", err)
			}
		})
	}
}

// closedPort returns a loopback address nothing listens on.
func closedPort(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	_ = ln.Close()
	return addr
}

func TestS3CredentialsFromEnvironment(t *testing.T) {
	srv := backuptest.StartS3(t)
	u, _ := url.Parse(srv.URL("env"))
	u.User = nil
	for _, vars := range [][2]string{
		{"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"},
		{"MINIO_ROOT_USER", "MINIO_ROOT_PASSWORD"},
	} {
		t.Run(vars[0], func(t *testing.T) {
			t.Setenv(vars[0], srv.AccessKey)
			t.Setenv(vars[1], srv.SecretKey)
			d := openURL(t, u.String())
			defer func() { _ = d.Close() }()
			backuptest.MustPut(t, d, "x", []byte("from the environment"))
			if got := string(backuptest.MustGet(t, d, "x")); got != "from the environment" {
				t.Fatalf("got %q", got)
			}
		})
	}
}

// A destination sees the objects right under its prefix, not those of a
// longer prefix or of a "subfolder".
func TestS3PrefixesAreSeparate(t *testing.T) {
	srv := backuptest.StartS3(t)
	prefixes := []string{"", "p", "p/q", "pp"}
	dests := map[string]backup.Destination{}
	for _, p := range prefixes {
		dests[p] = openURL(t, srv.URL(p))
		backuptest.MustPut(t, dests[p], "x", []byte("in "+p))
	}
	for _, p := range prefixes {
		d := dests[p]
		if got := string(backuptest.MustGet(t, d, "x")); got != "in "+p {
			t.Errorf("prefix %q: got %q", p, got)
		}
		if got := backuptest.MustList(t, d); len(got) != 1 || got[0].Name != "x" {
			t.Errorf("prefix %q lists %v", p, got)
		}
		_ = d.Close()
	}
	// The objects are where an operator looking at the bucket expects them.
	info, err := srv.Client(t).StatObject(context.Background(), srv.Bucket, "p/q/x", minio.StatObjectOptions{})
	if err != nil || info.Size != int64(len("in p/q")) {
		t.Fatalf("p/q/x: %+v, %v", info, err)
	}
}

func BenchmarkS3Put100MB(b *testing.B) {
	benchmarkPut(b, openURL(b, backuptest.StartS3(b).URL("bench")))
}

// benchmarkPut stores 100 MB and reports how long it takes.
func benchmarkPut(b *testing.B, d backup.Destination) {
	defer func() { _ = d.Close() }()
	data := backuptest.Random(100_000_000, 7)
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if err := d.Put(context.Background(), "comptoir-bench.tar.zst.age", bytes.NewReader(data), int64(len(data))); err != nil {
			b.Fatal(err)
		}
	}
}
