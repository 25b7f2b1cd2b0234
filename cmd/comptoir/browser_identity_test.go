package main

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/comptoir/comptoir/mail/mailtest"
	"github.com/comptoir/comptoir/storage/storagetest"
)

// TestBrowserIdentityWalkthrough is the identity issue's walk-through in a
// real browser: sign up on a fresh instance, verify the address, invite a
// restricted colleague, who joins from the e-mailed link, is refused the
// settings, resets their password with an e-mailed code; the owner finds
// all of it on the Activity page.
func TestBrowserIdentityWalkthrough(t *testing.T) {
	smtp := mailtest.Start(t)
	a := startApp(t, storagetest.Engines()[0], "--smtp", smtp.URL())
	owner := newBrowserSession(t)
	css := func(s string) chromedp.CSS { return chromedp.CSS(s) }

	owner.run(t, "sign up",
		chromedp.Navigate(a.URL+"/signup"),
		chromedp.WaitVisible(css(`#f-business_name`)),
		chromedp.SendKeys(css(`#f-business_name`), "La Grande Épicerie Vrac"),
		chromedp.SendKeys(css(`#f-email`), "patronne@example.fr"),
		chromedp.SendKeys(css(`#f-password`), "Vrac-en-gros-2026"),
		chromedp.Click(css(`main button[type=submit]`)),
		chromedp.WaitVisible(css(`form[action="/verify-email"] #f-code`)),
	)
	code := eightDigits.FindString(smtp.WaitFor(t, "patronne@example.fr").Text)
	owner.run(t, "verify address",
		chromedp.SendKeys(css(`#f-code`), code),
		chromedp.Click(css(`form[action="/verify-email"] button[type=submit]`)),
		// The verification page shows the account's name too: wait for
		// its form to go, or the next navigation may cut the request.
		chromedp.WaitNotPresent(css(`form[action="/verify-email"]`)),
		chromedp.WaitVisible(css(`[data-testid=account-name]`)),
	)
	owner.run(t, "invite",
		chromedp.Navigate(a.URL+"/users"),
		chromedp.WaitVisible(css(`form[action="/users/invitations"] #f-email`)),
		chromedp.SendKeys(css(`form[action="/users/invitations"] #f-email`), "vendeur@example.fr"),
		chromedp.SetValue(css(`#f-invite-role`), "sales"),
		chromedp.Click(css(`form[action="/users/invitations"] button[type=submit]`)),
		chromedp.WaitVisible(css(`#invitations`)),
	)
	link := invitationLink.FindStringSubmatch(smtp.WaitFor(t, "vendeur@example.fr").Text)
	if link == nil {
		t.Fatal("no invitation link")
	}

	colleague := newBrowserSession(t)
	colleague.run(t, "join",
		chromedp.Navigate(a.URL+"/invitations/"+link[1]),
		chromedp.WaitVisible(css(`#f-password`)),
		chromedp.SendKeys(css(`#f-name`), "Vincent"),
		chromedp.SendKeys(css(`#f-password`), "Vendre-beaucoup-2026"),
		chromedp.Click(css(`main button[type=submit]`)),
		chromedp.WaitVisible(css(`#email`)),
		// htmx focuses the login page's autofocus field once the swap
		// settles; typing before then can land in the wrong field.
		chromedp.WaitNotPresent(css(`.htmx-settling, .htmx-swapping, .htmx-request`)),
		chromedp.SendKeys(css(`#email`), "vendeur@example.fr"),
		chromedp.SendKeys(css(`#password`), "Vendre-beaucoup-2026"),
		chromedp.Click(css(`main button[type=submit]`)),
		chromedp.WaitVisible(css(`[data-testid=account-name]`)),
	)
	if n := colleague.text(t, "#nav-main"); strings.Contains(n, "Paramètres") || strings.Contains(n, "Utilisateurs") {
		t.Errorf("the salesperson's menu offers settings or users: %q", n)
	}
	colleague.run(t, "refused settings",
		chromedp.Navigate(a.URL+"/settings/account"),
		chromedp.WaitVisible(css(`main h1`)),
	)
	if h := colleague.text(t, "main h1"); h != "Accès refusé" {
		t.Errorf("settings as a salesperson: %q", h)
	}
	colleague.run(t, "forgot password",
		chromedp.Navigate(a.URL+"/login"),
		chromedp.Click(css(`button[form], a[href="/password/forgot"]`)),
		chromedp.WaitVisible(css(`form[action="/password/forgot"] #f-email`)),
		chromedp.SendKeys(css(`#f-email`), "vendeur@example.fr"),
		chromedp.Click(css(`form[action="/password/forgot"] button[type=submit]`)),
		chromedp.WaitVisible(css(`form[action="/password/reset"] #f-code`)),
	)
	resetCode := eightDigits.FindString(smtp.WaitFor(t, "vendeur@example.fr").Subject)
	colleague.run(t, "reset password",
		chromedp.SendKeys(css(`#f-code`), resetCode),
		chromedp.SendKeys(css(`#f-password`), "Encore-mieux-2027"),
		chromedp.Click(css(`form[action="/password/reset"] button[type=submit]`)),
		chromedp.WaitVisible(css(`#email`)),
	)

	owner.run(t, "activity", chromedp.Navigate(a.URL+"/activity"), chromedp.WaitVisible(css(`.activity-entries`)))
	log := owner.text(t, "main")
	for _, want := range []string{"Invitation", "Arrivée", "Nouveau mot de passe", "Adresse vérifiée", "vendeur@example.fr"} {
		if !strings.Contains(log, want) {
			t.Errorf("Activity page lacks %q", want)
		}
	}
	owner.checkClean(t)
	colleague.checkClean(t)
}
