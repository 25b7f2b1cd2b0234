package main

import (
	"bytes"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"filippo.io/age"

	"github.com/comptoir/comptoir/backup"
)

// TestOwnerDownloadsAccountBackup: on the account page the owner types a
// passphrase twice and downloads a restorable backup of the account,
// encrypted to it; mistakes are shown on the form; the operator's
// `restore account` reads the file and refuses to put the account over
// itself.
func TestOwnerDownloadsAccountBackup(t *testing.T) {
	eachEngine(t, func(t *testing.T, a *app) {
		owner := a.mustTenant("Bocal", "bocal@example.fr")
		page := doc(t, a.get(owner.Browser, "/privacy/account"))
		if page.Find(`form[action="/privacy/account/backup"] #backup`).Length() != 1 {
			t.Fatal("the account page offers no backup to the owner")
		}
		for _, bad := range []url.Values{
			{"passphrase": {"une longue phrase"}, "passphrase_confirm": {"une autre phrase"}},
			{"passphrase": {"court"}, "passphrase_confirm": {"court"}},
		} {
			r := a.post(owner.Browser, "/privacy/account/backup", bad)
			if r.Status != 422 || doc(t, r).Find(".is-invalid").Length() != 1 {
				t.Fatalf("a wrong passphrase %v: %d", bad, r.Status)
			}
		}
		pass := "une longue phrase secrète"
		r := a.post(owner.Browser, "/privacy/account/backup", url.Values{"passphrase": {pass}, "passphrase_confirm": {pass}})
		if r.Status != 200 || r.Header.Get("Content-Type") != "application/octet-stream" ||
			!strings.Contains(r.Header.Get("Content-Disposition"), ".tar.zst.age") {
			t.Fatalf("download: %d %v", r.Status, r.Header)
		}
		id, err := age.NewScryptIdentity(pass)
		if err != nil {
			t.Fatal(err)
		}
		m, err := backup.Extract(bytes.NewReader([]byte(r.Body)), []age.Identity{id}, t.TempDir(), nil)
		if err != nil {
			t.Fatalf("the downloaded backup does not open with its passphrase: %v", err)
		}
		if m.Kind != backup.KindAccount || len(m.Accounts) != 1 || formatInt(m.Accounts[0].ID) != owner.ID || len(m.Tables) == 0 {
			t.Fatalf("manifest: %+v", m)
		}
		if log := a.get(owner.Browser, "/activity"); !strings.Contains(log.Body, m.ID) {
			t.Error("the backup is not in the activity log")
		}

		dir := t.TempDir()
		file, passFile := filepath.Join(dir, "bocal.tar.zst.age"), filepath.Join(dir, "pass")
		if err := os.WriteFile(file, []byte(r.Body), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(passFile, []byte(pass+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		if _, err := a.cli("restore", "account", file, "--passphrase-file", passFile); err == nil ||
			!strings.Contains(err.Error(), "account "+owner.ID+" already exists in this instance") {
			t.Fatalf("restoring an account over itself: %v", err)
		}
	})
}
