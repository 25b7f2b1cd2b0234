package main

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/comptoir/comptoir/storage/storagetest"
)

// TestRetentionBrowser opens the retention screen in Chromium: a preview
// two years ahead names the prospect, a policy beyond its bounds is
// refused beside its field, a dry run is listed among the runs, and the
// archive page opens; no console error or CSP violation along the way.
func TestRetentionBrowser(t *testing.T) {
	a := startApp(t, storagetest.Engines()[0])
	A := a.mustTenant("Épicerie Alpha", "alpha@example.fr")
	if r := a.api("POST", "/api/v1/contacts", A.Token, map[string]any{"kind": "person", "last_name": "Prospectine", "is_prospect": true}); r.Status != 201 {
		t.Fatalf("create prospect: %d %s", r.Status, r.Body)
	}
	b := newBrowserSession(t)
	css := func(s string) chromedp.CSS { return chromedp.CSS(s) }
	later := time.Now().UTC().AddDate(2, 1, 0).Format(time.DateOnly)
	b.run(t, "log in", b.login(a.URL, A.Email, A.Password)...)
	b.run(t, "preview",
		chromedp.Navigate(a.URL+"/privacy/retention?as_of="+later),
		chromedp.WaitVisible(css(`#retention-plan`)),
	)
	if plan := b.text(t, "#retention-plan"); !strings.Contains(plan, "Prospectine") {
		t.Errorf("preview: %q", plan)
	}
	b.run(t, "policy beyond its bounds",
		press(`#policy-prospects summary`),
		chromedp.SetValue(css(`#policy-prospects input[name=active_years]`), "7"),
		press(`#policy-prospects button[type=submit]`),
		chromedp.WaitVisible(css(`#policy-prospects .text-danger`)),
	)
	b.run(t, "dry run",
		press(`#retention-dry-run`),
		chromedp.WaitVisible(css(`#retention-runs`)),
	)
	b.run(t, "archive", chromedp.Navigate(a.URL+"/privacy/archive"), chromedp.WaitVisible(css(`main h1`)))
	b.checkClean(t)
}
