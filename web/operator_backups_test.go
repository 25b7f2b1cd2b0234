package web

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"filippo.io/age"
	"github.com/PuerkitoBio/goquery"
	"github.com/prometheus/client_golang/prometheus/testutil/promlint"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/comptoir/comptoir/account"
	"github.com/comptoir/comptoir/backup"
	"github.com/comptoir/comptoir/files"
	"github.com/comptoir/comptoir/identity"
	"github.com/comptoir/comptoir/password"
	"github.com/comptoir/comptoir/service"
	"github.com/comptoir/comptoir/storage"
	"github.com/comptoir/comptoir/storage/storagetest"
)

// operatorBackupsSamplePages adds the backup page with every part shown:
// a run in progress, a partial run with a failed destination and a failed
// rotation, a verification, an interrupted run and a restore.
func operatorBackupsSamplePages(pages map[string]any, p Page, at time.Time) {
	fin := at.Add(95 * time.Second)
	partial := service.BackupRunView{ID: 2, Kind: "backup", BackupID: "20261125T013000Z-ab12", Host: "srv-1", StartedAt: at.Add(-time.Hour), FinishedAt: &fin,
		Status: service.BackupPartial, Size: 12 << 20, PlainBytes: 80 << 20, Rows: 123456, Files: 42, Seconds: 95, Error: "backup reached 1 of 2 destinations",
		Backup: &service.BackupReport{ID: "20261125T013000Z-ab12", Size: 12 << 20, PlainBytes: 80 << 20, Rows: 123456, Files: 42, Accounts: 3,
			Checks: []string{"SQLite integrity_check and foreign_key_check: ok"}, Warnings: []string{"<b>attached file</b> could not be read"},
			Destinations: []service.DestinationResult{
				{Destination: "file:///var/backups", OK: true, Seconds: 1.2, Removed: []string{"20261101T013000Z-aa00", "20261102T013000Z-bb00"}, RotateError: "<b>busy</b>"},
				{Destination: "sftp://u@host/dir", Error: "<b>dial</b> refused", Seconds: 0.3}}}}
	verify := service.BackupRunView{ID: 3, Kind: "verify", BackupID: partial.BackupID, StartedAt: at, FinishedAt: &fin, Status: service.BackupOK, Seconds: 14,
		Verify: &service.VerifyReport{ID: partial.BackupID, Destination: "file:///var/backups", Size: 12 << 20, Checks: []string{"archive checksum matches its descriptor"}}}
	runs := []service.BackupRunView{{ID: 5, Kind: "backup", StartedAt: at, Status: service.BackupRunning}, verify, partial,
		{ID: 1, Kind: "backup", StartedAt: at.Add(-50 * time.Hour), FinishedAt: &fin, Status: service.BackupInterrupted, Error: "the process stopped during the run"},
		{ID: 4, Kind: "restore", StartedAt: at.Add(-60 * time.Hour), FinishedAt: &fin, Status: service.BackupFailed, Error: "<b>no key</b>"}}
	st := service.BackupStatus{Configured: true, Destinations: []string{"file:///var/backups", "sftp://u@host/dir"}, Schedule: "02:30", AutoVerify: true,
		LastRun: &partial, LastSuccess: &partial, LastVerify: &verify, Runs: runs}
	pages["operator_backups"] = newBackupsPage(p, identity.Operator{Email: "ops@example.fr"}, st, at.Add(30*time.Hour))
}

// leftoverBackupID matches a message id of the page left untranslated.
var leftoverBackupID = regexp.MustCompile(`\bbackups\.[a-z_]+(\.[a-z_]+)*\b`)

// TestOperatorBackupsPageStates renders the page in its states in both
// languages: no message id left, and what each state must say.
func TestOperatorBackupsPageStates(t *testing.T) {
	s := newTestServer(t)
	at := time.Date(2026, 11, 25, 9, 30, 0, 0, time.UTC)
	sample := map[string]any{}
	for _, lang := range []string{"fr", "en"} {
		p := Page{translator: s.translator(lang), Path: "/operator/backups", Version: "test", assets: s.assets, loc: time.UTC}
		operatorBackupsSamplePages(sample, p, at)
		full := sample["operator_backups"].(*operatorBackupsPage)
		unconfigured := newBackupsPage(p, identity.Operator{}, service.BackupStatus{Schedule: "off"}, at)
		never := newBackupsPage(p, identity.Operator{}, service.BackupStatus{Configured: true, Destinations: []string{"file:///b"}, Schedule: "02:30"}, at)
		for name, c := range map[string]struct {
			page       *operatorBackupsPage
			want, none []string // element ids present, absent
		}{
			"full":         {full, []string{"backups-stale", "backup-running", "last-backup-destinations", "last-verify-checks", "backup-runs", "last-backup-warnings"}, []string{"backups-unconfigured", "no-verify", "no-backup"}},
			"unconfigured": {unconfigured, []string{"backups-unconfigured", "no-backup", "no-verify", "no-runs"}, []string{"backups-stale", "last-backup-destinations"}},
			"never":        {never, []string{"backups-stale", "no-backup", "no-verify"}, []string{"backups-unconfigured"}},
		} {
			var buf bytes.Buffer
			if err := s.pages["operator_backups"].Execute(&buf, c.page); err != nil {
				t.Fatalf("%s/%s: %v", lang, name, err)
			}
			out := buf.String()
			if m := leftoverBackupID.FindString(out); m != "" {
				t.Errorf("%s/%s: untranslated %q", lang, name, m)
			}
			if strings.Contains(out, "<b>") {
				t.Errorf("%s/%s: recorded text not escaped", lang, name)
			}
			d, err := goquery.NewDocumentFromReader(strings.NewReader(out))
			if err != nil {
				t.Fatal(err)
			}
			for _, id := range c.want {
				if d.Find("#"+id).Length() != 1 {
					t.Errorf("%s/%s: no #%s", lang, name, id)
				}
			}
			for _, id := range c.none {
				if d.Find("#"+id).Length() != 0 {
					t.Errorf("%s/%s: #%s shown", lang, name, id)
				}
			}
			if name != "full" {
				continue
			}
			if got := d.Find(`#backup-runs tr[data-status=running]`).Text(); !strings.Contains(got, map[string]string{"fr": "en cours", "en": "in progress"}[lang]) {
				t.Errorf("%s: the run in progress reads %q", lang, got)
			}
			if got := d.Find(`#last-backup-destinations tr[data-result=failed] [data-error]`).Text(); got != "<b>dial</b> refused" {
				t.Errorf("%s: failed destination's error %q", lang, got)
			}
			want := map[string]string{"fr": "il y a 31\u00a0h\u00a000\u00a0min", "en": "31\u00a0h\u00a000\u00a0min ago"}[lang]
			if got := d.Find("#last-success-ago").Text(); got != want {
				t.Errorf("%s: last success %q, want %q", lang, got, want)
			}
		}
	}
}

func TestBackupsPageStale(t *testing.T) {
	now := time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)
	run := func(age time.Duration) *service.BackupRunView {
		return &service.BackupRunView{StartedAt: now.Add(-age)}
	}
	for _, c := range []struct {
		name  string
		st    service.BackupStatus
		stale bool
	}{
		{"recent", service.BackupStatus{Configured: true, LastSuccess: run(7 * time.Hour)}, false},
		{"25 h", service.BackupStatus{Configured: true, LastSuccess: run(25 * time.Hour)}, false},
		{"27 h", service.BackupStatus{Configured: true, LastSuccess: run(27 * time.Hour)}, true},
		{"never", service.BackupStatus{Configured: true}, true},
		{"not configured", service.BackupStatus{}, false}, // said otherwise, louder
	} {
		if got := newBackupsPage(Page{}, identity.Operator{}, c.st, now).Stale; got != c.stale {
			t.Errorf("%s: stale %v, want %v", c.name, got, c.stale)
		}
	}
}

func TestBackupsPageFormats(t *testing.T) {
	s := newTestServer(t)
	now := time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)
	pages := map[string]*operatorBackupsPage{}
	for _, lang := range []string{"fr", "en"} {
		pages[lang] = newBackupsPage(Page{translator: s.translator(lang)}, identity.Operator{}, service.BackupStatus{}, now)
	}
	nb := "\u00a0"
	for _, c := range []struct {
		lang, got, want string
	}{
		{"fr", pages["fr"].Bytes(840), "840" + nb + "o"},
		{"fr", pages["fr"].Bytes(1024), "1" + nb + "Ko"},
		{"fr", pages["fr"].Bytes(12<<20 + 1<<19), "12,5" + nb + "Mo"},
		{"en", pages["en"].Bytes(12<<20 + 1<<19), "12.5" + nb + "MB"},
		{"en", pages["en"].Bytes(3 << 30), "3" + nb + "GB"},
		{"fr", pages["fr"].Bytes(5 << 40), "5" + nb + "To"},
		{"fr", pages["fr"].Duration(2.44), "2,4" + nb + "s"},
		{"en", pages["en"].Duration(0.04), "0" + nb + "s"},
		{"en", pages["en"].Duration(38.4), "38" + nb + "s"},
		{"fr", pages["fr"].Duration(245), "4" + nb + "min" + nb + "05" + nb + "s"},
		{"fr", pages["fr"].Duration(4320), "1" + nb + "h" + nb + "12" + nb + "min"},
		{"fr", pages["fr"].Ago(now.Add(-20 * time.Second)), "il y a moins d'une minute"},
		{"en", pages["en"].Ago(now.Add(-7 * time.Minute)), "7" + nb + "min ago"},
		{"fr", pages["fr"].Ago(now.Add(-(3*time.Hour + 5*time.Minute))), "il y a 3" + nb + "h" + nb + "05" + nb + "min"},
		{"en", pages["en"].Ago(now.Add(-49 * time.Hour)), "2 days ago"},
		{"fr", pages["fr"].Ago(now.Add(-49 * time.Hour)), "il y a 2 jours"},
		{"en", pages["en"].Elapsed(now.Add(-3 * time.Minute)), "running for 3" + nb + "min"},
		{"fr", pages["fr"].Number(1234567), "1\u202f234\u202f567"},
		{"en", pages["en"].Number(int64(1234567)), "1,234,567"},
		{"en", pages["en"].Number(999), "999"},
		{"en", pages["en"].Number(-1000), "-1,000"},
		{"fr", pages["fr"].Counted("backups.n_rows", int64(123456)), "123\u202f456 lignes"},
		{"fr", pages["fr"].Counted("backups.n_files", 0), "0 fichier joint"},
		{"en", pages["en"].Counted("backups.n_accounts", 1), "1 business"},
		{"en", pages["en"].Counted("backups.n_rows", int64(2)), "2 rows"},
		{"", zoneName(now), "UTC"},
		{"", zoneName(now.In(time.FixedZone("CET", 3600))), "CET, UTC+01:00"},
		{"", zoneName(now.In(time.FixedZone("-03", -3*3600))), "-03, UTC-03:00"},
	} {
		if c.got != c.want {
			t.Errorf("%s: %q, want %q", c.lang, c.got, c.want)
		}
	}
}

func TestScrubRuns(t *testing.T) {
	dests := []string{"sftp://u:hunter22@host/dir", "s3://bucket/p?key=AK&secret=s3cr3tvalue", "sftp://v:abc@host/dir", "file:///x"}
	secrets := secretsOf(dests)
	if strings.Join(secrets, " ") != "hunter22 s3cr3tvalue abc" {
		t.Fatalf("secrets %q", secrets)
	}
	leak := "dial sftp://u:hunter22@host: refused; s3 secret=s3cr3tvalue; abc"
	run := service.BackupRunView{Error: leak, Backup: &service.BackupReport{Warnings: []string{leak},
		Destinations: []service.DestinationResult{{Error: leak, RotateError: leak}}}}
	st := service.BackupStatus{Runs: []service.BackupRunView{run}, LastRun: &run}
	scrubRuns(&st, secrets)
	want := "dial sftp://u:xxxxx@host: refused; s3 secret=xxxxx; abc" // three letters protect nothing; left legible
	d := st.Runs[0].Backup.Destinations[0]
	for _, got := range []string{st.Runs[0].Error, st.LastRun.Error, st.Runs[0].Backup.Warnings[0], d.Error, d.RotateError} {
		if got != want {
			t.Errorf("scrubbed %q, want %q", got, want)
		}
	}
}

// FuzzScrubRuns: whatever the destination URL, an error that quotes it,
// written or decoded, leaves the page without its password or secret.
// (A secret made of "x" may meet the mask itself, and one shorter than
// four characters is left alone: both are skipped.)
func FuzzScrubRuns(f *testing.F) {
	for _, seed := range []string{"sftp://u:secret@127.0.0.1:1/backups", "sftp://u:p%40ss%2Fw0rd@host/dir", "s3://bucket/p?endpoint=e&secret=abc%2Bdef&token=t0k3n",
		"sftp://u:a@b@c/dir", "s3://b?SECRET_KEY=zzzzzz&secret_key=yyyy", "file:///srv/backups", "sftp://:pw12@h", "%zz://x"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		u, err := url.Parse(strings.TrimSpace(raw))
		if err != nil {
			return
		}
		var secrets []string
		if pw, ok := u.User.Password(); ok {
			_, encoded, _ := strings.Cut(url.UserPassword("", pw).String(), ":")
			secrets = append(secrets, pw, encoded)
		}
		for k, vs := range u.Query() {
			switch strings.ToLower(k) {
			case "secret", "secret_key", "password", "token", "session_token":
				for _, v := range vs {
					secrets = append(secrets, v, url.QueryEscape(v))
				}
			}
		}
		text := "dial " + raw + " (" + u.String() + "): " + strings.Join(secrets, " ")
		run := service.BackupRunView{Error: text}
		st := service.BackupStatus{Runs: []service.BackupRunView{run}}
		scrubRuns(&st, secretsOf([]string{raw}))
		for _, s := range secrets {
			if len(s) >= 4 && !strings.Contains(s, "x") && strings.Contains(st.Runs[0].Error, s) {
				t.Fatalf("secret %q of %q left in %q", s, raw, st.Runs[0].Error)
			}
		}
	})
}

// backupFixture is a server whose service backs up to destinations, with
// an operator logged in and the age key the backups are encrypted to.
type backupFixture struct {
	s        *Server
	svc      *service.Service
	id       *age.X25519Identity
	operator string // session token
}

func newBackupFixture(t *testing.T, db *storage.DB, destinations ...string) *backupFixture {
	t.Helper()
	ctx := context.Background()
	svc := service.New(db, slog.New(slog.NewTextHandler(io.Discard, nil)))
	svc.Password = password.Params{Time: 1, Memory: 1024, Threads: 1, KeyLen: 32, SaltLen: 16}
	svc.Files = files.Store{Dir: t.TempDir()}
	id, err := age.GenerateX25519Identity()
	if err != nil {
		t.Fatal(err)
	}
	svc.Backup = service.BackupSettings{Destinations: destinations, Recipients: id.Recipient().String(), DataDir: t.TempDir(),
		Policy: backup.DefaultPolicy, Retry: backup.Retry{Attempts: 1}, Host: "test-host", Version: "test"}
	s, err := New(Options{Service: svc, Version: "test", BackupSchedule: "02:30"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.CreateOperator(ctx, "ops@example.fr", "Operer-2026-nuit"); err != nil {
		t.Fatal(err)
	}
	token, err := svc.OperatorLogin(ctx, "ops@example.fr", "Operer-2026-nuit", "192.0.2.1")
	if err != nil {
		t.Fatal(err)
	}
	return &backupFixture{s: s, svc: svc, id: id, operator: token}
}

// get requests path with the given cookies and returns the response.
func (f *backupFixture) get(path string, cookies ...*http.Cookie) *httptest.ResponseRecorder {
	r := httptest.NewRequest("GET", path, nil)
	for _, c := range cookies {
		r.AddCookie(c)
	}
	w := httptest.NewRecorder()
	f.s.ServeHTTP(w, r)
	return w
}

// page fetches the backup page as the operator in lang.
func (f *backupFixture) page(t *testing.T, lang string) (string, *goquery.Document) {
	t.Helper()
	w := f.get("/operator/backups", &http.Cookie{Name: "comptoir_operator", Value: f.operator}, &http.Cookie{Name: langCookie, Value: lang})
	if w.Code != 200 {
		t.Fatalf("GET /operator/backups (%s): %d %s", lang, w.Code, w.Body)
	}
	d, err := goquery.NewDocumentFromReader(strings.NewReader(w.Body.String()))
	if err != nil {
		t.Fatal(err)
	}
	return w.Body.String(), d
}

// record writes a run as the service does, started at and ended seconds
// later by the database's clock; a run "running" is left unfinished.
func record(t *testing.T, db *storage.DB, kind, backupID, status string, at time.Time, seconds float64, report any, errText string) {
	t.Helper()
	ctx := context.Background()
	defer db.SetClock(time.Now)
	db.SetClock(func() time.Time { return at })
	id, err := db.StartBackupRun(ctx, kind, backupID, "srv-1")
	if err != nil || status == service.BackupRunning {
		return
	}
	db.SetClock(func() time.Time { return at.Add(time.Duration(seconds * float64(time.Second))) })
	data, err := json.Marshal(report)
	if err != nil {
		t.Fatal(err)
	}
	run := storage.BackupRun{ID: id, BackupID: backupID, Status: status, Report: string(data), Error: errText}
	if b, ok := report.(service.BackupReport); ok {
		run.Size, run.PlainBytes, run.Rows, run.Files = b.Size, b.PlainBytes, b.Rows, int64(b.Files)
	}
	if err := db.FinishBackupRun(ctx, run); err != nil {
		t.Fatal(err)
	}
}

// TestOperatorBackupsPage records a history of runs — a complete backup
// two days ago and its verification, last night's backup that missed an
// SFTP server whose error quotes the URL with its password, and a backup
// under way — and checks the operator's page in both languages and the
// metrics.
func TestOperatorBackupsPage(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		dir, sftp, sftpShown := "file:///srv/backups", "sftp://u:secret@127.0.0.1:1/backups", "sftp://u@127.0.0.1:1/backups"
		f := newBackupFixture(t, db, dir, sftp)
		now := time.Now().Truncate(time.Second)
		old, recent := "20261123T023000Z-aaaa", "20261125T023000Z-bbbb"
		t0, t1, t2, t3 := now.Add(-50*time.Hour), now.Add(-49*time.Hour), now.Add(-2*time.Hour), now.Add(-3*time.Minute-10*time.Second)
		record(t, db, "backup", old, service.BackupOK, t0, 90, service.BackupReport{ID: old, Status: service.BackupOK, Size: 12 << 20, PlainBytes: 80 << 20,
			Rows: 1234, Files: 5, Accounts: 3, Destinations: []service.DestinationResult{{Destination: dir, OK: true}, {Destination: sftpShown, OK: true}}}, "")
		record(t, db, "verify", old, service.BackupOK, t1, 30, service.VerifyReport{ID: old, Destination: dir, Size: 12 << 20,
			Checks: []string{"archive checksum matches its descriptor", "7 entries match their checksums", "row counts match the manifest"}}, "")
		leak := "ssh: connect to " + sftp + ": connection refused"
		record(t, db, "backup", recent, service.BackupPartial, t2, 75, service.BackupReport{ID: recent, Status: service.BackupPartial, Size: 13 << 20,
			PlainBytes: 81 << 20, Rows: 1300, Files: 6, Accounts: 3, Destinations: []service.DestinationResult{
				{Destination: dir, OK: true, Removed: []string{"20261101T023000Z-cccc"}}, {Destination: sftpShown, Error: leak}}},
			"backup "+recent+" reached 1 of 2 destinations; failed: "+sftpShown+": "+leak)
		record(t, db, "backup", "20261125T120000Z-dddd", service.BackupRunning, t3, 0, nil, "")

		scrubbed := "ssh: connect to sftp://u:xxxxx@127.0.0.1:1/backups: connection refused"
		for lang, want := range map[string]struct{ stale, running, status, rotated, checks, autoVerify string }{
			"fr": {"il y a 2 jours", "en cours depuis 3\u00a0min", "partielle", "1 ancienne sauvegarde supprimée", "3 contrôles réussis", "désactivée"},
			"en": {"2 days ago", "running for 3\u00a0min", "partial", "1 old backup removed", "3 checks passed", "off"},
		} {
			body, d := f.page(t, lang)
			if strings.Contains(body, "secret") {
				t.Errorf("%s: a destination's password is on the page", lang)
			}
			text := func(sel string) string { return d.Find(sel).Text() }
			for sel, part := range map[string]string{
				"#backups-stale":       want.stale,
				"#backup-running":      want.running,
				"#last-backup":         recent,
				"#last-success":        old,
				"#last-verify":         want.checks,
				"#backups-schedule":    "02:30",
				"#backups-auto-verify": want.autoVerify,
				`#last-backup-destinations tr[data-result=ok]`: want.rotated,
			} {
				if !strings.Contains(text(sel), part) {
					t.Errorf("%s: %s reads %q, want it to say %q", lang, sel, text(sel), part)
				}
			}
			if got := d.Find(`#last-backup .badge`).First(); got.AttrOr("data-status", "") != service.BackupPartial || got.Text() != want.status {
				t.Errorf("%s: last backup's status %q", lang, got.Text())
			}
			failed := d.Find(`#last-backup-destinations tr[data-result=failed]`)
			if failed.Find("code").Text() != sftpShown || failed.Find("[data-error]").Text() != scrubbed {
				t.Errorf("%s: failed destination %q, error %q", lang, failed.Find("code").Text(), failed.Find("[data-error]").Text())
			}
			if got := d.Find(`#backups-destinations code`).Map(func(_ int, s *goquery.Selection) string { return s.Text() }); strings.Join(got, " ") != dir+" "+sftpShown {
				t.Errorf("%s: destinations %q", lang, got)
			}
			if d.Find(`#last-success[data-stale=true]`).Length() != 1 || text("#last-verify-destination") != dir {
				t.Errorf("%s: last success %q, verified from %q", lang, text("#last-success"), text("#last-verify-destination"))
			}
			if got := d.Find(`#backup-runs tr[data-run]`).Map(func(_ int, s *goquery.Selection) string {
				return s.AttrOr("data-kind", "") + ":" + s.AttrOr("data-status", "")
			}); strings.Join(got, " ") != "backup:running backup:partial verify:ok backup:ok" {
				t.Errorf("%s: runs %q", lang, got)
			}
		}

		// The metrics say the same, read from the database at the scrape.
		text := f.get("/metrics").Body.String()
		if strings.Contains(text, "secret") {
			t.Error("/metrics shows a destination's password")
		}
		got := scrape(t, text)
		for name, want := range map[string]float64{
			"comptoir_backup_configured":                                                          1,
			"comptoir_backup_last_success_timestamp":                                              float64(t0.Unix()),
			"comptoir_backup_last_duration_seconds":                                               90,
			"comptoir_backup_last_size_bytes":                                                     12 << 20,
			"comptoir_backup_last_run_timestamp":                                                  float64(t2.Unix()),
			"comptoir_backup_last_run_ok":                                                         0,
			`comptoir_backup_last_run_status{status="ok"}`:                                        0,
			`comptoir_backup_last_run_status{status="partial"}`:                                   1,
			`comptoir_backup_last_run_status{status="failed"}`:                                    0,
			`comptoir_backup_last_run_status{status="interrupted"}`:                               0,
			"comptoir_backup_running":                                                             1,
			"comptoir_backup_last_verify_success_timestamp":                                       float64(t1.Unix()),
			`comptoir_backup_destination_last_success_timestamp{destination="` + dir + `"}`:       float64(t2.Unix()),
			`comptoir_backup_destination_last_success_timestamp{destination="` + sftpShown + `"}`: float64(t0.Unix()),
		} {
			if v, found := got[name]; !found || v != want {
				t.Errorf("%s = %v (found %v), want %v", name, v, found, want)
			}
		}
		if _, found := got["comptoir_http_requests_total"]; !found {
			t.Error("the request metrics are gone")
		}
		problems, err := promlint.New(strings.NewReader(text)).Lint()
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range problems {
			if strings.HasPrefix(p.Metric, "comptoir_backup_") {
				t.Errorf("metric %s: %s", p.Metric, p.Text)
			}
		}
	})
}

// TestOperatorBackupsPageAfterABackup backs up for real to a local
// directory and to an SFTP server that cannot be reached, whose URL
// carries a password, then makes a complete backup and verifies it: the
// page and the metrics follow. SQLite only: the PostgreSQL snapshot is the
// logical dump's.
func TestOperatorBackupsPageAfterABackup(t *testing.T) {
	db := storagetest.Open(t, storagetest.Engines()[0])
	ctx := context.Background()
	dir := "file://" + t.TempDir()
	f := newBackupFixture(t, db, dir, "sftp://u:secret@127.0.0.1:1/backups")

	// Before any backup: configured, nothing done yet.
	_, d := f.page(t, "fr")
	if d.Find("#backups-stale").Text() != "Aucune sauvegarde réussie pour l'instant." || d.Find("#no-verify").Length() != 1 || d.Find("#no-backup").Length() != 1 {
		t.Errorf("before any run: %q", d.Find("main").Text())
	}

	// The page shows the status the service recorded, partial or failed:
	// either way not a success.
	rep, err := f.svc.RunBackup(ctx)
	if err == nil || (rep.Status != service.BackupPartial && rep.Status != service.BackupFailed) ||
		len(rep.Destinations) != 2 || !rep.Destinations[0].OK || rep.Destinations[1].OK {
		t.Fatalf("backup with an unreachable destination: %+v, %v", rep, err)
	}
	failure := rep.Destinations[1].Error
	label := map[string]map[string]string{"fr": {"partial": "partielle", "failed": "échouée"}, "en": {"partial": "partial", "failed": "failed"}}
	for lang, words := range map[string][]string{
		"fr": {"Dernière sauvegarde", "Aucune sauvegarde réussie pour l'instant.", "chaque nuit à 02:30", "Une sauvegarde ne compte qu'une fois vérifiée"},
		"en": {"Last backup", "No successful backup yet.", "every night at 02:30", "A backup counts only once verified"},
	} {
		body, d := f.page(t, lang)
		if strings.Contains(body, "secret") {
			t.Errorf("%s: the destination's password is on the page", lang)
		}
		for _, w := range words {
			if !strings.Contains(html.UnescapeString(body), w) {
				t.Errorf("%s: page lacks %q", lang, w)
			}
		}
		if badge := d.Find("#last-backup .badge").First(); badge.AttrOr("data-status", "") != rep.Status || badge.Text() != label[lang][rep.Status] {
			t.Errorf("%s: last backup's status %q, want %q", lang, badge.Text(), label[lang][rep.Status])
		}
		failed := d.Find(`#last-backup-destinations tr[data-result=failed]`)
		if failed.Length() != 1 || failed.Find("code").Text() != "sftp://u@127.0.0.1:1/backups" || failed.Find("[data-error]").Text() != failure {
			t.Errorf("%s: failed destination row %q, want the error %q", lang, failed.Text(), failure)
		}
		if d.Find(`#last-backup-destinations tr[data-result=ok]`).Length() != 1 || !strings.Contains(d.Find("#last-backup").Text(), rep.ID) {
			t.Errorf("%s: last backup %q", lang, d.Find("#last-backup").Text())
		}
	}

	// The unreachable destination removed, a complete backup, verified.
	// Backup ids count seconds: the next one must start a second later to
	// sort as the newest, which rotation always keeps.
	f.svc.Backup.Destinations = []string{dir}
	time.Sleep(time.Until(rep.StartedAt.Truncate(time.Second).Add(time.Second)))
	ok, err := f.svc.RunBackup(ctx)
	if err != nil || ok.Status != service.BackupOK {
		t.Fatalf("backup: %+v, %v", ok, err)
	}
	ver, err := f.svc.VerifyBackup(ctx, []age.Identity{f.id}, dir, ok.ID)
	if err != nil {
		t.Fatalf("verify: %v", err)
	}
	body, d := f.page(t, "en")
	if d.Find("#backups-stale").Length() != 0 || d.Find(`#last-success[data-stale=false]`).Length() != 1 {
		t.Errorf("a backup just made is called late: %q", d.Find("#last-success").Text())
	}
	if got := d.Find("#last-success").Text(); !strings.Contains(got, ok.ID) || !strings.Contains(got, "ago") {
		t.Errorf("last success: %q", got)
	}
	if got := d.Find("#last-verify").Text(); !strings.Contains(got, ok.ID) || d.Find("#last-verify-destination").Text() != dir ||
		d.Find("#last-verify-checks li").Length() != len(ver.Checks) || !strings.Contains(got, fmt.Sprintf("%d checks passed", len(ver.Checks))) {
		t.Errorf("last verification: %q", got)
	}
	if got := d.Find(`#backup-runs tr[data-run]`).Length(); got != 3 {
		t.Errorf("%d runs listed, want 3", got)
	}
	if got := d.Find(`#backup-runs tr[data-run]`).Last().Find("td").Last().Text(); !strings.Contains(got, failure) || strings.Contains(body, "secret") {
		t.Errorf("the first run's error %q, or a password shown", got)
	}
	if got := d.Find("#last-backup-contents").Text(); !strings.Contains(got, fmt.Sprintf("%d businesses", ok.Accounts)) {
		t.Errorf("contents %q", got)
	}
	got := scrape(t, f.get("/metrics").Body.String())
	backupRun, verifyRun := mustRun(t, f.svc, "backup"), mustRun(t, f.svc, "verify")
	for name, want := range map[string]float64{
		"comptoir_backup_last_success_timestamp":                                        float64(backupRun.StartedAt.Unix()),
		"comptoir_backup_last_verify_success_timestamp":                                 float64(verifyRun.StartedAt.Unix()),
		"comptoir_backup_last_size_bytes":                                               float64(ok.Size),
		"comptoir_backup_last_run_ok":                                                   1,
		`comptoir_backup_destination_last_success_timestamp{destination="` + dir + `"}`: float64(backupRun.StartedAt.Unix()),
	} {
		if v, found := got[name]; !found || v != want {
			t.Errorf("%s = %v (found %v), want %v", name, v, found, want)
		}
	}
}

// scrape parses the text exposition format into the value of each series,
// named as in the text: name{label="value",...} (labels sorted).
func scrape(t *testing.T, text string) map[string]float64 {
	t.Helper()
	p := expfmt.NewTextParser(model.UTF8Validation)
	families, err := p.TextToMetricFamilies(strings.NewReader(text))
	if err != nil {
		t.Fatalf("parse /metrics: %v", err)
	}
	out := map[string]float64{}
	for name, fam := range families {
		for _, m := range fam.GetMetric() {
			key := name
			if len(m.GetLabel()) > 0 {
				var labels []string
				for _, l := range m.GetLabel() {
					labels = append(labels, fmt.Sprintf("%s=%q", l.GetName(), l.GetValue()))
				}
				key += "{" + strings.Join(labels, ",") + "}"
			}
			switch {
			case m.GetGauge() != nil:
				out[key] = m.GetGauge().GetValue()
			case m.GetCounter() != nil:
				out[name] += m.GetCounter().GetValue()
			}
		}
	}
	return out
}

// mustRun returns the newest recorded run of kind.
func mustRun(t *testing.T, svc *service.Service, kind string) service.BackupRunView {
	t.Helper()
	st, err := svc.BackupStatus(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range st.Runs {
		if r.Kind == kind {
			return r
		}
	}
	t.Fatalf("no %s run recorded", kind)
	return service.BackupRunView{}
}

// TestOperatorBackupsPageNeedsAnOperator: a member of an account, however
// privileged, and a stranger are sent to the operator's login.
func TestOperatorBackupsPageNeedsAnOperator(t *testing.T) {
	db := storagetest.Open(t, storagetest.Engines()[0])
	f := newBackupFixture(t, db)
	ctx := context.Background()
	if _, _, err := f.svc.CreateAccount(ctx, service.NewAccount{Account: account.New("Fleurs"), OwnerEmail: "owner@example.fr", OwnerPassword: "pass1234word", OwnerVerified: true}); err != nil {
		t.Fatal(err)
	}
	member, _, err := f.svc.Login(ctx, "owner@example.fr", "pass1234word", 0)
	if err != nil {
		t.Fatal(err)
	}
	for name, cookies := range map[string][]*http.Cookie{
		"stranger":        nil,
		"account owner":   {{Name: "comptoir_session", Value: member}},
		"owner's token":   {{Name: "comptoir_operator", Value: member}},
		"forged operator": {{Name: "comptoir_operator", Value: "cpt_forged"}},
	} {
		w := f.get("/operator/backups", cookies...)
		if w.Code != http.StatusSeeOther || w.Header().Get("Location") != "/operator/login" {
			t.Errorf("%s: %d %s", name, w.Code, w.Header().Get("Location"))
		}
	}
	// And the operator sees the page, here saying what to configure.
	if _, d := f.page(t, "en"); !strings.Contains(d.Find("#backups-unconfigured").Text(), "COMPTOIR_BACKUP_DESTINATIONS") {
		t.Errorf("unconfigured page: %q", d.Find("main").Text())
	}
	if got := f.get("/metrics").Body.String(); !strings.Contains(got, "comptoir_backup_configured 0") || strings.Contains(got, "comptoir_backup_destination_last_success_timestamp{") {
		t.Errorf("metrics of an unconfigured instance:\n%s", got)
	}
}

func TestLastFinishedBackup(t *testing.T) {
	at := time.Date(2026, 11, 25, 2, 30, 0, 0, time.UTC)
	run := func(kind, status string, hours int, dests ...service.DestinationResult) service.BackupRunView {
		v := service.BackupRunView{Kind: kind, Status: status, StartedAt: at.Add(time.Duration(-hours) * time.Hour)}
		if dests != nil {
			v.Backup = &service.BackupReport{Destinations: dests}
		}
		return v
	}
	a, b := "file:///a", "sftp://u@b/dir"
	runs := []service.BackupRunView{ // newest first
		run("backup", service.BackupRunning, 0),
		run("verify", service.BackupOK, 1),
		run("backup", service.BackupPartial, 24, service.DestinationResult{Destination: a, OK: true}, service.DestinationResult{Destination: b}),
		run("backup", service.BackupOK, 48, service.DestinationResult{Destination: a, OK: true}, service.DestinationResult{Destination: b, OK: true}),
		run("backup", service.BackupOK, 72, service.DestinationResult{Destination: b, OK: true}),
	}
	last, running := lastFinishedBackup(service.BackupStatus{Runs: runs})
	if last != &runs[2] || running != &runs[0] {
		t.Errorf("last finished %+v, running %+v", last, running)
	}
	if last, running := lastFinishedBackup(service.BackupStatus{Runs: runs[2:]}); last == nil || last.Status != service.BackupPartial || running != nil {
		t.Errorf("without the run in progress: %+v, running %+v", last, running)
	}
	if last, running := lastFinishedBackup(service.BackupStatus{}); last != nil || running != nil {
		t.Error("no run: something finished or running")
	}
	// Only verifications among the latest runs: the newest backup is
	// further back, in LastRun.
	older := run("backup", service.BackupFailed, 900)
	if last, _ := lastFinishedBackup(service.BackupStatus{Runs: runs[1:2], LastRun: &older}); last != &older {
		t.Errorf("beyond the latest runs: %+v", last)
	}
	got := destinationSuccesses(runs)
	if len(got) != 2 || !got[a].Equal(at.Add(-24*time.Hour)) || !got[b].Equal(at.Add(-48*time.Hour)) {
		t.Errorf("destination successes %v", got)
	}
}
