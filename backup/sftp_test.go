package backup_test

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"

	"github.com/comptoir/comptoir/backup"
	"github.com/comptoir/comptoir/backup/backuptest"
)

func TestSFTPConformance(t *testing.T) {
	for _, o := range []backuptest.SFTPOptions{{}, {NoPosixRename: true}} {
		t.Run(fmt.Sprintf("posix-rename=%v", !o.NoPosixRename), func(t *testing.T) {
			srv := backuptest.StartSFTP(t, o)
			n := 0
			backuptest.Conformance(t, func(t *testing.T) backup.Destination {
				n++
				return openURL(t, srv.URL(fmt.Sprintf("/srv/backups/run-%d", n)))
			})
			noPartialFiles(t, srv.Root)
		})
	}
}

// noPartialFiles checks that failed uploads removed their temporary files.
func noPartialFiles(t *testing.T, root string) {
	t.Helper()
	err := filepath.WalkDir(root, func(p string, e fs.DirEntry, err error) error {
		if err == nil && strings.HasPrefix(e.Name(), ".partial-") {
			t.Errorf("left behind: %s", p)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestSFTPPassword(t *testing.T) {
	srv := backuptest.StartSFTP(t, backuptest.SFTPOptions{Password: "s3cret pass"})
	raw := fmt.Sprintf("sftp://%s:%s@%s/backups?host_key=%s",
		srv.User, url.PathEscape(srv.Password), srv.Addr, url.QueryEscape(srv.Fingerprint()))
	d := openURL(t, raw)
	defer func() { _ = d.Close() }()
	if strings.Contains(d.String(), "s3cret") {
		t.Errorf("String() = %q shows the password", d.String())
	}
	backuptest.MustPut(t, d, "x", []byte("by password"))
	if got, err := os.ReadFile(filepath.Join(srv.Root, "backups", "x")); err != nil || string(got) != "by password" {
		t.Fatalf("on the server: %q, %v", got, err)
	}
}

// The fingerprint host_key pins is the Ed25519 key's, even when the server
// also has a key x/crypto/ssh would ask for first.
func TestSFTPHostKeyPinnedAmongSeveral(t *testing.T) {
	srv := backuptest.StartSFTP(t, backuptest.SFTPOptions{ECDSAHostKey: true})
	d := openURL(t, srv.URL("/b"))
	_ = d.Close()
}

func TestSFTPRefusals(t *testing.T) {
	srv := backuptest.StartSFTP(t, backuptest.SFTPOptions{Password: "right"})
	other := writeKey(t)
	otherFP := ssh.FingerprintSHA256(mustPublicKey(t, other))
	withQuery := func(q url.Values) string {
		u, _ := url.Parse(srv.URL("/refused"))
		u.RawQuery = q.Encode()
		return u.String()
	}
	withPassword := func(pw string) string {
		u, _ := url.Parse(withQuery(url.Values{"host_key": {srv.Fingerprint()}}))
		u.User = url.UserPassword(srv.User, pw)
		return u.String()
	}
	closed := closedPort(t)
	notAKey := filepath.Join(t.TempDir(), "id_ed25519.pub")
	if err := os.WriteFile(notAKey, []byte(knownhosts.Line([]string{"h"}, srv.HostKey)), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name, raw string
		want      []string
	}{
		{"wrong host key", withQuery(url.Values{"key": {srv.KeyFile}, "host_key": {otherFP}}),
			[]string{"host key of " + srv.Addr, srv.Fingerprint(), otherFP}},
		{"wrong key", withQuery(url.Values{"key": {other}, "host_key": {srv.Fingerprint()}}),
			[]string{"refused the login", `"comptoir"`, other}},
		{"wrong password", withPassword("Wr0ng-Passw0rd"), []string{"refused the login", "password"}},
		{"closed port", strings.Replace(srv.URL("/refused"), srv.Addr, closed, 1), []string{"cannot reach " + closed}},
		{"key with a passphrase", withQuery(url.Values{"key": {writeEncryptedKey(t)}, "host_key": {srv.Fingerprint()}}),
			[]string{"passphrase"}},
		{"missing key file", withQuery(url.Values{"key": {srv.KeyFile + ".missing"}, "host_key": {srv.Fingerprint()}}),
			[]string{"private key", "no such file"}},
		{"not a key", withQuery(url.Values{"key": {notAKey}, "host_key": {srv.Fingerprint()}}),
			[]string{"not an OpenSSH or PEM private key"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			start := time.Now()
			d, err := backup.Open(context.Background(), c.raw)
			if err == nil {
				_ = d.Close()
				t.Fatal("opened")
			}
			if took := time.Since(start); took > 5*time.Second {
				t.Errorf("failing took %v", took)
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not say %q", err, w)
				}
			}
			if strings.Contains(err.Error(), "Wr0ng-Passw0rd") {
				t.Errorf("error shows the password: %v", err)
			}
		})
	}
	if _, err := os.Stat(filepath.Join(srv.Root, "refused")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("a refused connection created its directory: %v", err)
	}
}

func TestSFTPKnownHosts(t *testing.T) {
	srv := backuptest.StartSFTP(t, backuptest.SFTPOptions{ECDSAHostKey: true})
	dir := t.TempDir()
	file := func(name string, lines ...string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(strings.Join(lines, "\n")+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	hosts := []string{knownhosts.Normalize(srv.Addr)}
	otherKey := mustPublicKey(t, writeKey(t))
	withKnownHosts := func(p string) string {
		u, _ := url.Parse(srv.URL("/kh"))
		u.RawQuery = url.Values{"key": {srv.KeyFile}, "known_hosts": {p}}.Encode()
		return u.String()
	}
	right := file("right", knownhosts.Line(hosts, srv.HostKey))
	host, port, _ := net.SplitHostPort(srv.Addr)
	scan := fmt.Sprintf("ssh-keyscan -p %s %s", port, host)
	for _, c := range []struct {
		name, file string
		want       []string // nil: opens
	}{
		{"known", right, nil},
		{"other hosts too", file("others", knownhosts.Line([]string{"nas.example"}, otherKey), knownhosts.Line(hosts, srv.HostKey)), nil},
		{"unknown host", file("empty"), []string{"is not in", "ssh-keyscan", port, "host_key=SHA256:"}},
		{"changed key", file("changed", knownhosts.Line(hosts, otherKey)), []string{"does not match", "line 1", "changed"}},
		{"no file", filepath.Join(dir, "missing"), []string{"does not exist", scan}},
	} {
		t.Run(c.name, func(t *testing.T) {
			d, err := backup.Open(context.Background(), withKnownHosts(c.file))
			if c.want == nil {
				if err != nil {
					t.Fatal(err)
				}
				_ = d.Close()
				return
			}
			if err == nil {
				_ = d.Close()
				t.Fatal("opened")
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not say %q", err, w)
				}
			}
		})
	}

	t.Run("default ~/.ssh/known_hosts", func(t *testing.T) {
		home := t.TempDir()
		if err := os.Mkdir(filepath.Join(home, ".ssh"), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(home, ".ssh", "known_hosts"), []byte(knownhosts.Line(hosts, srv.HostKey)+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		t.Setenv("HOME", home)
		u, _ := url.Parse(srv.URL("/kh"))
		u.RawQuery = url.Values{"key": {srv.KeyFile}}.Encode()
		d := openURL(t, u.String())
		_ = d.Close()
	})
}

// A server that accepts the connection and then says nothing does not
// hold Open past its context.
func TestSFTPSilentServer(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = ln.Close() }()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			defer func() { _ = c.Close() }()
		}
	}()
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	start := time.Now()
	raw := "sftp://u@" + ln.Addr().String() + "/d?key=" + writeKey(t) + "&host_key=SHA256:uNiVztksCsDhcc0u9e8BujQXVUpKZIDTMczCvj3tD2s"
	if _, err := backup.Open(ctx, raw); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Open = %v, want the context's deadline", err)
	}
	if took := time.Since(start); took > 3*time.Second {
		t.Fatalf("took %v", took)
	}
}

// writeKey writes a fresh unencrypted Ed25519 private key and returns its path.
func writeKey(t *testing.T) string {
	t.Helper()
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	block, err := ssh.MarshalPrivateKey(priv, "")
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "id_ed25519")
	if err := os.WriteFile(p, pem.EncodeToMemory(block), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func writeEncryptedKey(t *testing.T) string {
	t.Helper()
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	block, err := ssh.MarshalPrivateKeyWithPassphrase(priv, "", []byte("passphrase"))
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "id_ed25519")
	if err := os.WriteFile(p, pem.EncodeToMemory(block), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func mustPublicKey(t *testing.T, keyFile string) ssh.PublicKey {
	t.Helper()
	data, err := os.ReadFile(keyFile)
	if err != nil {
		t.Fatal(err)
	}
	signer, err := ssh.ParsePrivateKey(data)
	if err != nil {
		t.Fatal(err)
	}
	return signer.PublicKey()
}

func BenchmarkSFTPPut100MB(b *testing.B) {
	benchmarkPut(b, openURL(b, backuptest.StartSFTP(b, backuptest.SFTPOptions{}).URL("/bench")))
}

func BenchmarkDirPut100MB(b *testing.B) {
	benchmarkPut(b, openURL(b, "file://"+b.TempDir()))
}
