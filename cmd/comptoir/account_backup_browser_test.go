package main

import (
	"bytes"
	"context"
	"testing"

	"filippo.io/age"
	cdpbrowser "github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"

	"github.com/comptoir/comptoir/backup"
	"github.com/comptoir/comptoir/storage/storagetest"
)

// TestAccountBackupBrowser: in Chromium, the owner types a passphrase that
// is too short and sees the field marked, then types a good one twice and
// downloads the account's backup, which opens with that passphrase; no
// console error, exception or CSP violation.
func TestAccountBackupBrowser(t *testing.T) {
	a := startApp(t, storagetest.Engines()[0])
	owner := a.mustTenant("Épicerie Alpha", "alpha@example.fr")
	b := newBrowserSession(t)
	css := func(s string) chromedp.CSS { return chromedp.CSS(s) }
	b.run(t, "log in", b.login(a.URL, owner.Email, owner.Password)...)
	b.run(t, "a passphrase too short",
		chromedp.Navigate(a.URL+"/privacy/account"),
		chromedp.WaitVisible(css(`#backup`)),
		chromedp.SendKeys(css(`#f-passphrase`), "court"),
		chromedp.SendKeys(css(`#f-passphrase_confirm`), "court"),
		chromedp.Click(css(`#backup`)),
		chromedp.WaitVisible(css(`#f-passphrase.is-invalid`)),
	)
	b.screenshot(t, "passphrase-refused")
	if n := b.strings(t, `[...document.querySelectorAll('#f-code')].map(e => e.id)`); len(n) != 0 {
		t.Error("a refused backup passphrase opened the account closure's code form")
	}
	pass := "une longue phrase secrète"
	b.run(t, "a good passphrase",
		chromedp.SendKeys(css(`#f-passphrase`), pass),
		chromedp.SendKeys(css(`#f-passphrase_confirm`), pass),
	)
	downloads := t.TempDir()
	progress := chromedp.Events(b.ctx, cdpbrowser.DownloadProgress)
	b.run(t, "allow downloads",
		chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
			_, err := chromedp.Call(ctx, cdpbrowser.SetDownloadBehavior, cdpbrowser.SetDownloadBehaviorParams{
				Behavior: cdpbrowser.SetDownloadBehaviorBehaviorAllowAndName, DownloadPath: downloads, EventsEnabled: new(true)})
			return err
		}),
	)
	file := downloadFile(t, b, progress, downloads, `#backup`)
	id, err := age.NewScryptIdentity(pass)
	if err != nil {
		t.Fatal(err)
	}
	m, err := backup.Extract(bytes.NewReader([]byte(file)), []age.Identity{id}, t.TempDir(), nil)
	if err != nil || m.Kind != backup.KindAccount || formatInt(m.Accounts[0].ID) != owner.ID {
		t.Fatalf("the downloaded backup: %+v, %v", m, err)
	}
	b.checkClean(t)
}
