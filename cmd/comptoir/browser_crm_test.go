package main

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/comptoir/comptoir/storage/storagetest"
)

// TestBrowserContacts: in a real browser, typing part of a name without
// accents narrows the list as you type (htmx), the filters are saved as a
// view, and a call logged on the record shows on its timeline.
func TestBrowserContacts(t *testing.T) {
	a := startApp(t, storagetest.Engines()[0])
	A := a.mustTenant("Alpha", "alpha@example.fr")
	for _, p := range []map[string]any{
		{"first_name": "Hélène", "last_name": "Dupré", "address": map[string]any{"city": "Bayonne"}},
		{"first_name": "Jérôme", "last_name": "Lefèvre"},
		{"kind": "company", "company_name": "Moulin de l'Adour", "is_supplier": true},
	} {
		if r := a.api("POST", "/api/v1/contacts", A.Token, p); r.Status != 201 {
			t.Fatalf("create: %d %s", r.Status, r.Body)
		}
	}
	b := newBrowserSession(t)
	css := func(s string) chromedp.CSS { return chromedp.CSS(s) }
	b.run(t, "log in", b.login(a.URL, A.Email, A.Password)...)
	b.run(t, "to the list",
		chromedp.Navigate(a.URL+"/contacts"),
		chromedp.WaitVisible(css(`#contact-rows tbody tr`)),
	)
	b.run(t, "search as you type", chromedp.SendKeys(css(`#contact-search`), "helene"))
	b.waitText(t, "#contact-rows", func(rows string) bool {
		return strings.Contains(rows, "Hélène") && !strings.Contains(rows, "Jérôme") && !strings.Contains(rows, "Moulin")
	})
	b.run(t, "log a call",
		chromedp.Click(css(`#contact-rows tbody a`)),
		chromedp.WaitVisible(css(`#cv-kind`)),
		chromedp.SetValue(css(`#cv-kind`), "call"),
		chromedp.SendKeys(css(`#cv-subject`), "Commande de noël"),
		// Submit rather than click: under load a click can land while the
		// page still moves.
		chromedp.Submit(css(`form[action$="/conversations"] button[type=submit]`)),
		chromedp.WaitVisible(css(`#conversations li[data-kind=call]`)),
	)
	if got := b.text(t, "#conversations"); !strings.Contains(got, "Commande de noël") {
		t.Errorf("timeline: %q", got)
	}
	b.checkClean(t)
}
