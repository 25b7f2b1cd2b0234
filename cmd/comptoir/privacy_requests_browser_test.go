package main

import (
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/comptoir/comptoir/mail/mailtest"
	"github.com/comptoir/comptoir/storage/storagetest"
)

// TestPrivacyRequestsBrowser handles two requests in Chromium as the
// business's owner would: an access request recorded from the form, the
// client found by the lookup the page runs on the requester's address and
// linked in one click, the code e-mailed and entered, the copy offered for
// download; then an erasure request received in the shop, the identity
// checked by other means, the preview and its confirmation, the report;
// and a request received two months ago shown overdue in the list. No
// console error, exception or CSP violation along the way.
func TestPrivacyRequestsBrowser(t *testing.T) {
	smtp := mailtest.Start(t)
	a := startApp(t, storagetest.Engines()[0], "--smtp", smtp.URL())
	A := a.mustTenant("Épicerie Lune", "owner@lune.example")
	client := salesSetup(t, a, A, "claire.martin@example.fr")
	newDocument(t, a, A, "invoices", client, "Panier", true)
	b := newBrowserSession(t)
	css := func(s string) chromedp.CSS { return chromedp.CSS(s) }
	fill := func(sel, text string) chromedp.Action[chromedp.Void] {
		return chromedp.Steps(chromedp.Clear(css(sel)), chromedp.SendKeys(css(sel), text))
	}
	setValue := func(sel, v string) chromedp.Action[chromedp.Void] {
		return chromedp.SetValue(css(sel), v)
	}
	b.run(t, "log in", b.login(a.URL, A.Email, A.Password)...)

	b.run(t, "record an access request",
		chromedp.Navigate(a.URL+"/privacy/requests"),
		chromedp.WaitVisible(css(`#new-request`)),
		setValue(`#r-kind`, "access"),
		setValue(`#r-channel`, "email"),
		fill(`#f-requester_name`, "Claire Martin"),
		fill(`#f-requester_email`, "claire.martin@example.fr"),
		press(`#new-request button[type=submit]`),
		chromedp.WaitVisible(css(`#identity`)),
	)
	b.run(t, "link the client the lookup found",
		press(`#matches li[data-match="`+formatInt(client)+`"] button`),
		chromedp.WaitVisible(css(`#contacts [data-linked="`+formatInt(client)+`"]`)),
	)
	b.run(t, "send the code", press(`#send-code`), chromedp.WaitVisible(css(`#identity form small`)))
	code := eightDigits.FindString(smtp.WaitFor(t, "claire.martin@example.fr").Subject)
	if code == "" {
		t.Fatal("no code e-mailed")
	}
	b.run(t, "enter the code", fill(`#f-code`, code), press(`#verify-code`), chromedp.WaitVisible(css(`#verified`)))
	if href := b.attr(t, `#download-export`, "href"); !strings.HasSuffix(href, "/export") {
		t.Errorf("download link: %q", href)
	}

	b.run(t, "record an erasure request",
		chromedp.Navigate(a.URL+"/privacy/requests"),
		chromedp.WaitVisible(css(`#new-request`)),
		setValue(`#r-kind`, "erasure"),
		setValue(`#r-channel`, "in_person"),
		fill(`#f-requester_name`, "Claire Martin"),
		press(`#new-request button[type=submit]`),
		chromedp.WaitVisible(css(`#identity`)),
		fill(`#q`, "claire.martin@example.fr"),
		press(`#contacts form[role=search] button`),
		chromedp.WaitVisible(css(`#matches li[data-match="`+formatInt(client)+`"] button`)),
		press(`#matches li[data-match="`+formatInt(client)+`"] button`),
		chromedp.WaitVisible(css(`#contacts [data-linked]`)),
		fill(`#f-note`, "Carte d'identité présentée en boutique"),
		press(`#verify-other`),
		chromedp.WaitVisible(css(`#verified`)),
		press(`#erase`),
		chromedp.WaitVisible(css(`#erase-preview`)),
	)
	if got := b.text(t, `#erase-preview tbody`); !strings.Contains(got, "conservé") || !strings.Contains(got, "2036") {
		t.Errorf("the preview does not say the invoice is kept until 2036: %q", got)
	}
	b.run(t, "confirm the erasure", press(`#confirm-erase`), chromedp.WaitVisible(css(`#report`)))
	if got := b.text(t, `#contacts [data-linked]`); !strings.Contains(got, "effacée") {
		t.Errorf("the linked contact is not shown erased: %q", got)
	}

	old := a.api("POST", "/api/v1/privacy/requests", A.Token, map[string]any{"kind": "objection", "requester_name": "Paul Ancien",
		"channel": "post", "received_on": "2020-01-15"})
	if old.Status != 201 {
		t.Fatalf("old request: %d %s", old.Status, old.Body)
	}
	b.run(t, "the list", chromedp.Navigate(a.URL+"/privacy/requests"), chromedp.WaitVisible(css(`#open-requests`)))
	if n, _ := strconv.Atoi(b.text(t, `#open-requests tr[data-urgency=overdue] td`)); n == 0 {
		t.Error("the request received in 2020 is not shown overdue")
	}
	b.checkClean(t)
}
