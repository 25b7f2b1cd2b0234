package backuptest

import (
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/pkg/sftp"
	"golang.org/x/crypto/ssh"
)

// The test server serves its root and nothing above it, whatever path a
// client sends.
func TestSFTPServerIsConfined(t *testing.T) {
	srv := StartSFTP(t, SFTPOptions{})
	outside := t.TempDir()
	secret := filepath.Join(outside, "secret")
	if err := os.WriteFile(secret, []byte("outside"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(secret, filepath.Join(srv.Root, "link")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, filepath.Join(srv.Root, "dirlink")); err != nil {
		t.Fatal(err)
	}
	c := dial(t, srv)

	rel, err := filepath.Rel(srv.Root, secret)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"/link", "/dirlink/secret", "/" + filepath.ToSlash(rel), filepath.ToSlash(rel), secret} {
		if f, err := c.Open(p); err == nil {
			data, _ := io.ReadAll(f)
			_ = f.Close()
			t.Errorf("read %s outside the root: %q", p, data)
		}
	}
	f, err := c.Create("/../../escape")
	if err != nil {
		t.Fatal(err)
	}
	_ = f.Close()
	if _, err := os.Stat(filepath.Join(srv.Root, "escape")); err != nil {
		t.Errorf("/../../escape did not land in the root: %v", err)
	}
	if _, err := c.Create("/dirlink/planted"); err == nil {
		t.Error("wrote through a symbolic link to outside the root")
	}
	if _, err := os.Stat(filepath.Join(outside, "planted")); err == nil {
		t.Error("a file was planted outside the root")
	}
}

func dial(t *testing.T, srv *SFTPServer) *sftp.Client {
	t.Helper()
	pem, err := os.ReadFile(srv.KeyFile)
	if err != nil {
		t.Fatal(err)
	}
	signer, err := ssh.ParsePrivateKey(pem)
	if err != nil {
		t.Fatal(err)
	}
	conn, err := ssh.Dial("tcp", srv.Addr, &ssh.ClientConfig{
		User:            srv.User,
		Auth:            []ssh.AuthMethod{ssh.PublicKeys(signer)},
		HostKeyCallback: ssh.FixedHostKey(srv.HostKey),
	})
	if err != nil {
		t.Fatal(err)
	}
	c, err := sftp.NewClient(conn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = c.Close()
		_ = conn.Close()
	})
	return c
}
