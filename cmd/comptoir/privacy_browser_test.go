package main

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/comptoir/comptoir/storage/storagetest"
)

// TestPrivacyBrowser drives the breach register and the account's data page
// in Chromium: a breach recorded through the form shows its 72-hour clock,
// the closure asks for the e-mailed code; no console error, exception or
// CSP violation on the way.
func TestPrivacyBrowser(t *testing.T) {
	a := startApp(t, storagetest.Engines()[0])
	A := a.mustTenant("Épicerie Alpha", "alpha@example.fr")
	b := newBrowserSession(t)
	css := func(s string) chromedp.CSS { return chromedp.CSS(s) }
	b.run(t, "log in", b.login(a.URL, A.Email, A.Password)...)
	b.run(t, "record a breach",
		chromedp.Navigate(a.URL+"/privacy/breaches"),
		chromedp.WaitVisible(css(`#no-breach`)),
		chromedp.Click(css(`#new-breach`)),
		chromedp.WaitVisible(css(`#f-nature`)),
		chromedp.SendKeys(css(`#f-nature`), "Clé USB perdue"),
		chromedp.Click(css(`#cat-contact`)),
		chromedp.Click(css(`#save-breach`)),
		chromedp.WaitVisible(css(`#clock`)),
	)
	if clock := b.text(t, "#clock"); !strings.Contains(clock, "72") && !strings.Contains(clock, "71") {
		t.Errorf("clock: %q", clock)
	}
	b.run(t, "ask to close the account",
		chromedp.Navigate(a.URL+"/privacy/account"),
		chromedp.WaitVisible(css(`#export`)),
		chromedp.Click(css(`#close`)),
		chromedp.WaitVisible(css(`#f-code`)),
	)
	b.checkClean(t)
}
