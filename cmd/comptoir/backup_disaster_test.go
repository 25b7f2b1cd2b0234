package main

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/comptoir/comptoir/backup/backuptest"
	"github.com/comptoir/comptoir/storage/storagetest"
)

// TestDisasterRecovery is the operator's story: an S3 bucket and an SFTP
// server on loopback as the two destinations, `comptoir serve
// --backup-now` takes the nightly backup, the data directory is lost, and
// one command brings everything back — every account, document and
// attached file, the activity-log chains intact — from either destination.
func TestDisasterRecovery(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and runs servers")
	}
	bin := buildBinary(t)
	work := t.TempDir()
	data := filepath.Join(work, "data")
	key := filepath.Join(work, "backup.key")
	s3, sftp := backuptest.S3(t), backuptest.SFTP(t)

	var pub bytes.Buffer
	keygen := exec.Command(bin, "backup", "keygen", "--output", key)
	keygen.Stderr = &pub
	if err := keygen.Run(); err != nil {
		t.Fatalf("backup keygen: %v %s", err, pub.String())
	}
	recipient := strings.TrimSpace(strings.TrimPrefix(pub.String(), "Public key:"))
	env := append(os.Environ(), "COMPTOIR_DATA="+data, "COMPTOIR_LOG_FORMAT=json",
		"COMPTOIR_BACKUP_DESTINATIONS="+s3+","+sftp, "COMPTOIR_BACKUP_RECIPIENTS="+recipient)
	run := func(args ...string) string {
		t.Helper()
		cmd := exec.Command(bin, args...)
		cmd.Env = env
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("comptoir %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return string(out)
	}
	run("demo")
	run("account", "create", "--name", "Fromagerie Test", "--email", "fromage@example.fr", "--password", "une phrase 2 passe")

	// The data as the operator left it; serve's own jobs (the backup's
	// record, the reminders sent at start) may add rows before the
	// snapshot, never remove any.
	before := storagetest.SQLiteRowCounts(t, data)
	grows := map[string]bool{"backup_runs": true, "job_leases": true, "mail_log": true, "dunning_reminders": true, "activity": true, "conversations": true}

	// The nightly job, asked to run now.
	addr := freeAddr(t)
	serve := exec.Command(bin, "serve", "--addr", addr, "--backup-now", "--backup-at", "off")
	serve.Env = env
	stderr, _ := serve.StderrPipe()
	if err := serve.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = serve.Process.Kill(); _ = serve.Wait() })
	lines := bufio.NewScanner(stderr)
	var done string
	for lines.Scan() {
		if l := lines.Text(); strings.Contains(l, `"msg":"backup done"`) || strings.Contains(l, `"msg":"backup"`) {
			done = l
			break
		}
	}
	if !strings.Contains(done, `"status":"ok"`) {
		t.Fatalf("the backup did not succeed: %s", done)
	}
	go func() {
		for lines.Scan() {
		}
	}()
	_ = serve.Process.Signal(syscall.SIGTERM)
	_ = serve.Wait()

	listed := run("backup", "list")
	if strings.Count(listed, "2 accounts") != 2 {
		t.Fatalf("both destinations should list the backup of 2 accounts:\n%s", listed)
	}
	filesBefore := fileSums(t, filepath.Join(data, "files"))
	if len(filesBefore) == 0 || before["documents"] == 0 || before["activity"] == 0 {
		t.Fatalf("the demo should have documents, activity and an attached file: %v, %d files", before, len(filesBefore))
	}

	// The disaster, then the one command, from each destination.
	if err := os.RemoveAll(data); err != nil {
		t.Fatal(err)
	}
	for _, from := range []string{"", sftp} {
		if from != "" {
			data = filepath.Join(work, "data-from-sftp")
			env = append(env, "COMPTOIR_DATA="+data)
		}
		args := []string{"restore", "--identity", key}
		if from != "" {
			args = append(args, "--from", from)
		}
		out := run(args...)
		if !strings.Contains(out, "restored from") || !strings.Contains(out, "activity-log chains of 2 accounts verified") {
			t.Fatalf("restore said:\n%s", out)
		}
		after := storagetest.SQLiteRowCounts(t, data)
		for table, n := range before {
			if after[table] < n || (after[table] != n && !grows[table]) {
				t.Errorf("restored from %q: %s has %d rows, %d before", from, table, after[table], n)
			}
		}
		if got := fileSums(t, filepath.Join(data, "files")); !equalSets(got, filesBefore) {
			t.Errorf("restored from %q: attached files %v, before %v", from, got, filesBefore)
		}
		for _, id := range []string{"1", "2"} {
			if out := run("activity", "verify", "--account", id); !strings.Contains(out, "intact") {
				t.Errorf("account %s after restore: %s", id, out)
			}
		}
	}

	// The restored instance serves, and its users log in.
	addr = freeAddr(t)
	again := exec.Command(bin, "serve", "--addr", addr, "--backup-at", "off")
	again.Env = env
	errPipe, _ := again.StderrPipe()
	if err := again.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = again.Process.Kill(); _ = again.Wait() })
	sc := bufio.NewScanner(errPipe)
	for sc.Scan() && !strings.Contains(sc.Text(), "comptoir listening") {
	}
	go func() {
		for sc.Scan() {
		}
	}()
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }, Timeout: 10 * time.Second}
	resp, err := c.PostForm("http://"+addr+"/login", url.Values{"email": {"fromage@example.fr"}, "password": {"une phrase 2 passe"}})
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("login on the restored instance: %d", resp.StatusCode)
	}
}

// fileSums returns the SHA-256 of every file under dir.
func fileSums(t *testing.T, dir string) map[string]bool {
	t.Helper()
	out := map[string]bool{}
	_ = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(b)
		out[hex.EncodeToString(sum[:])] = true
		return nil
	})
	return out
}

func equalSets(a, b map[string]bool) bool {
	if len(a) != len(b) {
		return false
	}
	for k := range a {
		if !b[k] {
			return false
		}
	}
	return true
}
