package main

import (
	"bufio"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"filippo.io/age"
	"github.com/chromedp/chromedp"

	"github.com/comptoir/comptoir/storage/storagetest"
)

// backupInstance is an app configured to back up to a local directory
// and to an SFTP server that cannot be reached, whose URL carries a
// password; one backup made and verified with the CLI, and an operator.
type backupInstance struct {
	*app
	dir      string // file:// URL of the directory
	flags    []string
	schedule string
}

const (
	unreachableSFTP = "sftp://u:secret@127.0.0.1:1/backups"
	sftpShown       = "sftp://u@127.0.0.1:1/backups"
	opsEmail        = "ops@example.fr"
	opsPassword     = "Operer-2026-nuit"
)

func newBackupInstance(t *testing.T) *backupInstance {
	t.Helper()
	id, err := age.GenerateX25519Identity()
	if err != nil {
		t.Fatal(err)
	}
	key := filepath.Join(t.TempDir(), "backup.key")
	if err := os.WriteFile(key, []byte(id.String()+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	// A nightly time still ahead today, so that the server's own job does
	// not run during the test.
	schedule := "23:59"
	if now := time.Now(); now.Hour() == 23 && now.Minute() >= 50 {
		schedule = "off"
	}
	b := &backupInstance{dir: "file://" + t.TempDir(), schedule: schedule}
	b.flags = []string{"--backup-destinations", b.dir + "," + unreachableSFTP, "--backup-recipients", id.Recipient().String()}
	b.app = startApp(t, storagetest.Engines()[0], append([]string{"--backup-at", schedule}, b.flags...)...)

	out, err := b.cli(append([]string{"backup", "run"}, b.flags...)...)
	if err == nil || !strings.Contains(out, sftpShown+": FAILED") {
		t.Fatalf("backup run with an unreachable destination: %v\n%s", err, out)
	}
	if out, err := b.cli(append([]string{"backup", "verify", "--identity", key, "--from", b.dir}, b.flags...)...); err != nil {
		t.Fatalf("backup verify: %v\n%s", err, out)
	}
	if _, err := b.cli("operator", "create", "--email", opsEmail, "--password", opsPassword); err != nil {
		t.Fatal(err)
	}
	return b
}

// TestBackupStatusPage: the operator finds the page from the console, in
// French then in English with the console's language switch; a member of
// an account is sent to the operator's login; the page and the metrics
// show the failed destination, never its password.
func TestBackupStatusPage(t *testing.T) {
	b := newBackupInstance(t)
	A := b.mustTenant("Alpha", "alpha@example.fr")
	if r := b.get(A.Browser, "/operator/backups"); r.Status != 303 || r.Header.Get("Location") != "/operator/login" {
		t.Errorf("a member opens the backup page: %d %s", r.Status, r.Header.Get("Location"))
	}

	op := newBrowser()
	if r := b.post(op, "/operator/login", url.Values{"email": {opsEmail}, "password": {opsPassword}}); r.Status != 303 {
		t.Fatalf("operator login: %d", r.Status)
	}
	link, ok := doc(t, b.get(op, "/operator")).Find("#backups-link").Attr("href")
	if !ok || link != "/operator/backups" {
		t.Fatalf("the console's link to the backups: %q", link)
	}
	r := b.get(op, link)
	if r.Status != 200 || strings.Contains(r.Body, "secret") {
		t.Fatalf("backup page: %d, password shown: %v", r.Status, strings.Contains(r.Body, "secret"))
	}
	d := doc(t, r)
	if got := d.Find("h1").Text(); got != "Sauvegardes" {
		t.Errorf("French title %q", got)
	}
	failed := d.Find(`#last-backup-destinations tr[data-result=failed]`)
	if failed.Find("code").Text() != sftpShown || !strings.Contains(failed.Text(), "échec") || strings.TrimSpace(failed.Find("[data-error]").Text()) == "" {
		t.Errorf("failed destination: %q", failed.Text())
	}
	if got := d.Find("#backups-schedule").Text(); !strings.Contains(got, b.schedule) {
		t.Errorf("schedule %q, want %s", got, b.schedule)
	}
	if got := d.Find("#last-verify").Text(); !strings.Contains(got, "contrôles réussis") || !strings.Contains(got, b.dir) {
		t.Errorf("verification: %q", got)
	}
	if got := d.Find(`#backup-runs tr[data-run]`).Length(); got != 2 {
		t.Errorf("%d runs listed, want the backup and its verification", got)
	}

	req := b.post(op, "/lang", url.Values{"lang": {"en"}, "next": {link}})
	if req.Status != 303 || req.Header.Get("Location") != link {
		t.Fatalf("switch to English: %d %s", req.Status, req.Header.Get("Location"))
	}
	d = doc(t, b.get(op, link))
	if got := d.Find("h1").Text(); got != "Backups" {
		t.Errorf("English title %q", got)
	}
	if got := d.Find(`#last-backup-destinations tr[data-result=failed]`).Text(); !strings.Contains(got, "failed") {
		t.Errorf("English failed destination: %q", got)
	}
	if got := d.Find("#no-verify").Length() + d.Find("#backups-unconfigured").Length(); got != 0 {
		t.Error("a verified, configured instance is told to configure or verify")
	}

	m := b.get(newBrowser(), "/metrics").Body
	if strings.Contains(m, "secret") {
		t.Error("/metrics shows the password")
	}
	values := metricValues(t, m)
	now := float64(time.Now().Unix())
	recent := func(v float64) bool { return now-v >= 0 && now-v < 600 }
	is := func(want float64) func(float64) bool { return func(v float64) bool { return v == want } }
	destination := func(d string) string {
		return `comptoir_backup_destination_last_success_timestamp{destination="` + d + `"}`
	}
	for name, check := range map[string]func(float64) bool{
		"comptoir_backup_configured":                    is(1),
		"comptoir_backup_last_run_ok":                   is(0),
		"comptoir_backup_last_success_timestamp":        is(0), // partial at best
		"comptoir_backup_last_duration_seconds":         is(0),
		"comptoir_backup_last_run_timestamp":            recent,
		"comptoir_backup_last_verify_success_timestamp": recent,
		destination(b.dir):                              recent,
		destination(sftpShown):                          is(0),
	} {
		if v, found := values[name]; !found || !check(v) {
			t.Errorf("%s = %v (found %v)", name, v, found)
		}
	}
}

// metricValues reads the samples of the text exposition format, by their
// series as written (name and labels).
func metricValues(t *testing.T, text string) map[string]float64 {
	t.Helper()
	out := map[string]float64{}
	sc := bufio.NewScanner(strings.NewReader(text))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		i := strings.LastIndexByte(line, ' ')
		v, err := strconv.ParseFloat(line[i+1:], 64)
		if err != nil {
			t.Fatalf("metric line %q: %v", line, err)
		}
		out[line[:i]] = v
	}
	return out
}

// TestBrowserBackupStatusPage opens the page in Chromium from the console,
// in French then English: no console error, no CSP violation, and a
// screenshot of each for the record.
func TestBrowserBackupStatusPage(t *testing.T) {
	b := newBackupInstance(t)
	br := newBrowserSession(t)
	css := func(s string) chromedp.CSS { return chromedp.CSS(s) }
	br.run(t, "operator login",
		chromedp.Navigate(b.URL+"/operator/login"),
		chromedp.WaitVisible(css(`#f-email`)),
		chromedp.SendKeys(css(`#f-email`), opsEmail),
		chromedp.SendKeys(css(`#f-password`), opsPassword),
		chromedp.Click(css(`main button[type=submit]`)),
		chromedp.WaitVisible(css(`#accounts`)),
	)
	br.run(t, "open the backups", chromedp.Click(css(`#backups-link`)), chromedp.WaitVisible(css(`#backup-runs`)))
	if got := br.text(t, "main h1"); got != "Sauvegardes" {
		t.Errorf("title %q", got)
	}
	if got := br.text(t, `#last-backup-destinations tr[data-result=failed] code`); got != sftpShown {
		t.Errorf("failed destination %q", got)
	}
	br.screenshot(t, "backups-fr")
	br.run(t, "switch to English",
		chromedp.Click(css(`button[name=lang][value=en]`)),
		chromedp.WaitVisible(css(`html[lang=en] #backup-runs`)),
	)
	if got := br.text(t, "main h1"); got != "Backups" {
		t.Errorf("English title %q", got)
	}
	if got := br.text(t, "#last-verify"); !strings.Contains(got, "checks passed") {
		t.Errorf("verification %q", got)
	}
	br.screenshot(t, "backups-en")
	br.checkClean(t)
}
