package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/comptoir/comptoir/storage"
)

// operator runs the comptoir binary as an operator would, with the
// backup settings in the environment.
type operator struct {
	t   *testing.T
	bin string
	env []string
}

// run runs the binary and returns its standard output and error, and its
// exit status.
func (o operator) run(args ...string) (stdout, stderr string, code int) {
	o.t.Helper()
	cmd := exec.Command(o.bin, args...)
	cmd.Env = append(os.Environ(), o.env...)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit):
		code = exit.ExitCode()
	case err != nil:
		o.t.Fatalf("comptoir %v: %v", args, err)
	}
	return out.String(), errOut.String(), code
}

// must runs the binary and fails the test unless it succeeds.
func (o operator) must(args ...string) string {
	o.t.Helper()
	out, errOut, code := o.run(args...)
	if code != 0 {
		o.t.Fatalf("comptoir %s: exit %d\nstdout: %s\nstderr: %s", strings.Join(args, " "), code, out, errOut)
	}
	return out
}

// fails runs the binary, expects the exit status code and a message on
// standard error that says want.
func (o operator) fails(code int, want string, args ...string) string {
	o.t.Helper()
	out, errOut, got := o.run(args...)
	if got != code || !strings.Contains(errOut, want) {
		o.t.Fatalf("comptoir %s: exit %d, stderr %q; want exit %d and %q\nstdout: %s", strings.Join(args, " "), got, errOut, code, want, out)
	}
	return out
}

var backupLine = regexp.MustCompile(`(?m)^backup (\d{8}T\d{6}Z-[0-9a-f]{4}): (\w+) in `)

// newKey makes a key pair with `comptoir backup keygen` and returns the
// private key's file and the public key.
func newKey(t *testing.T, o operator, dir string) (file, public string) {
	t.Helper()
	file = filepath.Join(dir, "backup-key.txt")
	out, errOut, code := o.run("backup", "keygen", "--output", file)
	if code != 0 || out != "" || !strings.HasPrefix(errOut, "Public key: age1") {
		t.Fatalf("keygen: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	public = strings.TrimSpace(strings.TrimPrefix(errOut, "Public key: "))
	info, err := os.Stat(file)
	if err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("key file: %v, %v", info, err)
	}
	key, _ := os.ReadFile(file)
	if !strings.Contains(string(key), "AGE-SECRET-KEY-1") || !strings.Contains(string(key), "# public key: "+public) {
		t.Fatalf("key file holds %q", key)
	}
	return file, public
}

// TestBackupCommands: an operator's first backup, from the key to the
// restore, and the ways it refuses.
func TestBackupCommands(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := buildBinary(t)
	work := t.TempDir()
	data, dest1, dest2 := filepath.Join(work, "data"), filepath.Join(work, "nas"), filepath.Join(work, "usb")
	o := operator{t: t, bin: bin}
	key, public := newKey(t, o, work)
	o.fails(1, "file exists", "backup", "keygen", "--output", key)

	o.env = []string{"COMPTOIR_DATA=" + data, "COMPTOIR_BACKUP_DESTINATIONS=file://" + dest1 + ",file://" + dest2,
		"COMPTOIR_BACKUP_RECIPIENTS=" + public, "COMPTOIR_LOG_LEVEL=error"}
	o.must("account", "create", "--name", "Boulangerie Alpha", "--email", "alpha@example.fr", "--password", "pass1234word")
	o.must("account", "create", "--name", "Librairie Bêta", "--email", "beta@example.fr", "--password", "pass1234word")
	o.must("demo")

	out := o.must("backup", "run")
	m := backupLine.FindStringSubmatch(out)
	if m == nil || m[2] != "ok" || !strings.Contains(out, "3 accounts") || !strings.Contains(out, "checked: SQLite integrity_check") ||
		strings.Count(out, ": ok (") != 2 {
		t.Fatalf("backup run said:\n%s", out)
	}
	id := m[1]

	out = o.must("backup", "list")
	if strings.Count(out, id) != 2 || strings.Count(out, "not verified") != 2 || !strings.Contains(out, "3 accounts") {
		t.Fatalf("backup list:\n%s", out)
	}
	o.fails(2, "--identity FILE is required", "backup", "verify")
	out = o.must("backup", "verify", "--identity", key)
	if strings.Count(out, "backup "+id+" verified") != 2 || !strings.Contains(out, "3 accounts") {
		t.Fatalf("backup verify:\n%s", out)
	}
	if out = o.must("backup", "list", "--from", "file://"+dest1); strings.Count(out, "verified 2") != 1 || strings.Contains(out, "not verified") {
		t.Fatalf("backup list after verify:\n%s", out)
	}

	// A dry run changes nothing; the restore brings back every account.
	target := filepath.Join(work, "restored")
	out = o.must("restore", "--identity", key, "--dry-run", "--data", target)
	if !strings.Contains(out, "backup "+id) || !strings.Contains(out, "would be restored (dry run: nothing changed)") || !strings.Contains(out, "3 accounts") {
		t.Fatalf("restore --dry-run:\n%s", out)
	}
	if _, err := os.Stat(filepath.Join(target, "comptoir.db")); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("a dry run made a database: %v", err)
	}
	out = o.must("restore", "--identity", key, "--data", target, "--from", "file://"+dest2)
	for _, want := range []string{"backup " + id, " restored from file://" + dest2, "3 accounts", "account 1: Boulangerie Alpha", "account 2: Librairie Bêta",
		"row counts of", "match the manifest"} {
		if !strings.Contains(out, want) {
			t.Fatalf("restore said, without %q:\n%s", want, out)
		}
	}
	restored := operator{t: t, bin: bin, env: []string{"COMPTOIR_DATA=" + target, "COMPTOIR_LOG_LEVEL=error"}}
	if out := restored.must("account", "list"); !strings.Contains(out, "Boulangerie Alpha") || !strings.Contains(out, "L'Épicerie du Bocal") {
		t.Fatalf("accounts of the restored instance:\n%s", out)
	}
	for _, acc := range []string{"1", "2", "3"} {
		if out := restored.must("activity", "verify", "--account", acc); !strings.Contains(out, "intact") {
			t.Fatalf("activity verify %s: %s", acc, out)
		}
	}

	// Refusals: a second restore over the first, a wrong key, a damaged
	// copy.
	o.fails(1, "is not empty (3 accounts", "restore", "--identity", key, "--data", target)
	other := filepath.Join(work, "other")
	if err := os.Mkdir(other, 0o700); err != nil {
		t.Fatal(err)
	}
	otherKey, _ := newKey(t, operator{t: t, bin: bin}, other)
	o.fails(1, "none of the given keys (or the passphrase) can decrypt this backup", "restore", "--identity", otherKey, "--data", filepath.Join(work, "wrong-key"))
	o.fails(1, "identity file", "restore", "--identity", filepath.Join(work, "missing.txt"), "--data", filepath.Join(work, "x"))
	archive := filepath.Join(dest1, "comptoir-"+id+".tar.zst.age")
	b, err := os.ReadFile(archive)
	if err != nil {
		t.Fatal(err)
	}
	b[len(b)/2] ^= 0x40
	if err := os.WriteFile(archive, b, 0o600); err != nil {
		t.Fatal(err)
	}
	out = o.fails(1, "the backup archive is damaged", "backup", "verify", "--identity", key, "--from", "file://"+dest1)
	if !strings.Contains(out, "backup "+id+" FAILED verification") {
		t.Fatalf("verify of a damaged copy said:\n%s", out)
	}
	o.fails(1, "damaged", "restore", "--identity", key, "--data", filepath.Join(work, "from-damaged"), "--from", "file://"+dest1)
	if _, err := os.Stat(filepath.Join(work, "from-damaged", "comptoir.db")); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("a refused restore left a database: %v", err)
	}
	// The other copy is still good.
	o.must("backup", "verify", "--identity", key, "--from", "file://"+dest2)

	// A destination that cannot be written: the run fails, exit 1, and
	// says where.
	blocker := filepath.Join(work, "blocker")
	_ = os.WriteFile(blocker, nil, 0o600)
	bad := operator{t: t, bin: bin, env: []string{"COMPTOIR_DATA=" + data, "COMPTOIR_BACKUP_DESTINATIONS=file://" + dest2 + ",file://" + blocker + "/sub",
		"COMPTOIR_BACKUP_RECIPIENTS=" + public, "COMPTOIR_LOG_LEVEL=error"}}
	out = bad.fails(1, "reached 1 of 2 destinations", "backup", "run")
	if m := backupLine.FindStringSubmatch(out); m == nil || m[2] != "partial" || !strings.Contains(out, "file://"+blocker+"/sub: FAILED") {
		t.Fatalf("partial run said:\n%s", out)
	}
	noKey := operator{t: t, bin: bin, env: []string{"COMPTOIR_DATA=" + data, "COMPTOIR_BACKUP_DESTINATIONS=file://" + dest2}}
	noKey.fails(2, "COMPTOIR_BACKUP_RECIPIENTS", "backup", "run")
}

// fillForBackup adds n contacts with long notes to account 1 of the
// operator's instance, through `comptoir import contacts`: the binary is
// built without the race detector, which slows SQLite, all Go code, many
// times over in the test process.
func fillForBackup(t *testing.T, o operator, n int) {
	t.Helper()
	words := strings.Fields("livraison commande facture relance devis farine levain seigle épeautre tournée marché Bayonne Anglet Biarritz client fidèle " +
		"paiement virement chèque acompte remise rendez-vous appel téléphone boutique vitrine saison fêtes galette brioche croissant")
	r := rand.New(rand.NewPCG(1, 2))
	csvPath := filepath.Join(t.TempDir(), "contacts.csv")
	f, err := os.Create(csvPath)
	if err != nil {
		t.Fatal(err)
	}
	w := bufio.NewWriter(f)
	fmt.Fprintln(w, "last_name,first_name,email,city,notes")
	var notes strings.Builder
	for i := range n {
		notes.Reset()
		for notes.Len() < 3000 {
			notes.WriteString(words[r.IntN(len(words))])
			notes.WriteByte(' ')
		}
		fmt.Fprintf(w, "Client%06d,%s,c%d@example.fr,Bayonne,%s\n", i, words[r.IntN(len(words))], i, notes.String())
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	o.must("import", "contacts", csvPath, "--account", "1")
}

// TestBackupKilled: `comptoir backup run` killed with SIGKILL in the middle
// of its work leaves no backup listed; the next run succeeds; what the
// killed run left is cleaned up once old enough; and its record is marked
// interrupted when the server's scheduled run takes the lease.
func TestBackupKilled(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and a database of a few hundred megabytes")
	}
	bin := buildBinary(t)
	work := t.TempDir()
	data, dest := filepath.Join(work, "data"), filepath.Join(work, "nas")
	o := operator{t: t, bin: bin}
	key, public := newKey(t, o, work)
	o.env = []string{"COMPTOIR_DATA=" + data, "COMPTOIR_BACKUP_DESTINATIONS=file://" + dest, "COMPTOIR_BACKUP_RECIPIENTS=" + public,
		"COMPTOIR_LOG_LEVEL=error", "COMPTOIR_BACKUP_AT=off"}
	o.must("account", "create", "--name", "Boulangerie Alpha", "--email", "alpha@example.fr", "--password", "pass1234word")
	start := time.Now()
	fillForBackup(t, o, 80_000)
	info, _ := os.Stat(filepath.Join(data, "comptoir.db"))
	t.Logf("database of %d MiB filled in %.1f s", info.Size()>>20, time.Since(start).Seconds())

	// Killed once the archive is being written.
	cmd := exec.Command(bin, "backup", "run")
	cmd.Env = append(os.Environ(), o.env...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	begun := time.Now()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	staging := filepath.Join(data, "backup-staging")
	var archive string
	for archive == "" {
		if time.Since(begun) > time.Minute {
			t.Fatal("no archive being written after a minute")
		}
		entries, _ := os.ReadDir(staging)
		for _, e := range entries {
			p := filepath.Join(staging, e.Name(), "archive")
			if info, err := os.Stat(p); err == nil && info.Size() > 0 {
				archive = p
			}
		}
		time.Sleep(2 * time.Millisecond)
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Wait(); err == nil || strings.Contains(out.String(), ": ok in") {
		t.Fatalf("the run finished before it was killed (%.1f s): %v\n%s", time.Since(begun).Seconds(), err, out.String())
	}
	killedID := filepath.Base(filepath.Dir(archive))
	t.Logf("killed %.2f s into the run, while writing %s", time.Since(begun).Seconds(), archive)

	if out := o.must("backup", "list"); !strings.Contains(out, "no backup yet") || strings.Contains(out, killedID) {
		t.Fatalf("after the kill, backup list says:\n%s", out)
	}
	runs := backupRuns(t, data)
	if len(runs) != 1 || runs[0].Status != "running" || runs[0].BackupID != killedID {
		t.Fatalf("runs after the kill: %+v", runs)
	}

	// The next run succeeds. The killed run's staging is younger than the
	// six hours after which a run removes it: it stays until then.
	out2 := o.must("backup", "run")
	m := backupLine.FindStringSubmatch(out2)
	if m == nil || m[2] != "ok" {
		t.Fatalf("the run after the kill said:\n%s", out2)
	}
	if _, err := os.Stat(filepath.Dir(archive)); err != nil {
		t.Fatalf("the killed run's staging went before six hours: %v", err)
	}
	old := time.Now().Add(-7 * time.Hour)
	if err := os.Chtimes(filepath.Dir(archive), old, old); err != nil {
		t.Fatal(err)
	}
	o.must("backup", "run")
	if entries, _ := os.ReadDir(staging); len(entries) != 0 {
		t.Fatalf("staging after a run, the leftover being 7 hours old: %v", entries)
	}
	// Two runs on the same day: rotation keeps the newest of the day.
	if out := o.must("backup", "list"); strings.Count(out, "\n  2") != 1 || strings.Contains(out, killedID) || strings.Contains(out, "incomplete") {
		t.Fatalf("backup list after two more runs:\n%s", out)
	}

	// The server's scheduled run takes the lease and marks the killed
	// run interrupted.
	serve := exec.Command(bin, "serve", "--addr", freeAddr(t), "--backup-now", "--backup-identity", key)
	serve.Env = append(os.Environ(), append(o.env, "COMPTOIR_LOG_LEVEL=info", "COMPTOIR_LOG_FORMAT=json")...)
	stderr, _ := serve.StderrPipe()
	if err := serve.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = serve.Process.Kill(); _ = serve.Wait() })
	lines := bufio.NewScanner(stderr)
	var verified bool
	for lines.Scan() {
		line := lines.Text()
		if strings.Contains(line, `"msg":"backup verified"`) {
			verified = true
			break
		}
		if strings.Contains(line, `"level":"ERROR"`) {
			t.Fatalf("serve: %s", line)
		}
	}
	if !verified {
		t.Fatal("the server's backup was never verified")
	}
	_ = serve.Process.Signal(syscall.SIGTERM)
	_ = serve.Wait()
	for _, r := range backupRuns(t, data) {
		switch {
		case r.BackupID == killedID:
			if r.Status != "interrupted" || r.FinishedAt == nil {
				t.Fatalf("the killed run after the scheduled one: %+v", r)
			}
		case r.Status != "ok":
			t.Fatalf("run %+v", r)
		}
	}
}

func backupRuns(t *testing.T, dataDir string) []storage.BackupRun {
	t.Helper()
	db, err := storage.Open(context.Background(), storage.Options{DataDir: dataDir})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = db.Close() }()
	runs, err := db.BackupRuns(context.Background(), "", 100)
	if err != nil {
		t.Fatal(err)
	}
	return runs
}
