package main

import (
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/comptoir/comptoir/mail/mailtest"
	"github.com/comptoir/comptoir/storage/storagetest"
)

func TestMyAccount(t *testing.T) {
	eachEngine(t, func(t *testing.T, a *app) {
		A := a.mustTenant("Alpha", "alpha@example.fr")
		other := a.login(A.Email, A.Password) // a second browser
		page := doc(t, a.get(A.Browser, "/me"))
		if n := page.Find("#sessions li").Length(); n != 2 {
			t.Fatalf("%d sessions listed, want 2", n)
		}
		if r := a.post(A.Browser, "/me/password", url.Values{"current": {"wrong"}, "password": {"Nouveau-2026-mdp"}, "end_others": {"1"}}); r.Status != 422 {
			t.Errorf("wrong current password: %d", r.Status)
		}
		if r := a.post(A.Browser, "/me/password", url.Values{"current": {A.Password}, "password": {"Nouveau-2026-mdp"}, "end_others": {"1"}}); r.Status != 303 {
			t.Fatalf("change password: %d", r.Status)
		}
		if r := a.api("GET", "/api/v1/account", A.Token, nil); r.Status != 401 {
			t.Errorf("a token minted before the password change survived: %d", r.Status)
		}
		if r := a.get(A.Browser, "/"); r.Status != 200 {
			t.Errorf("the current session ended: %d", r.Status)
		}
		if r := a.get(other, "/"); r.Status != 303 {
			t.Errorf("the other session survived: %d", r.Status)
		}

		// A read-only token reads but cannot write; a revoked one does nothing.
		r := a.post(A.Browser, "/me/tokens", url.Values{"name": {"tableur"}, "scope": {"read"}, "days": {"30"}})
		token := doc(t, r).Find("#new-token").Text()
		if r.Status != 200 || !strings.HasPrefix(token, "cpt_") {
			t.Fatalf("token: %d %q", r.Status, token)
		}
		if r := a.api("GET", "/api/v1/account", token, nil); r.Status != 200 {
			t.Errorf("read-only token reads: %d", r.Status)
		}
		if r := a.api("PATCH", "/api/v1/account", token, map[string]any{"name": "x"}); r.Status != 403 {
			t.Errorf("read-only token writes: %d", r.Status)
		}
		listed := doc(t, a.get(A.Browser, "/me"))
		action, _ := listed.Find(`#tokens form[action$="/revoke"]`).First().Attr("action")
		if !strings.Contains(listed.Find("#tokens").Text(), "tableur") || action == "" {
			t.Fatal("token not listed")
		}
		if r := a.post(A.Browser, action, nil); r.Status != 303 {
			t.Fatalf("revoke: %d", r.Status)
		}
		if r := a.api("GET", "/api/v1/account", token, nil); r.Status != 401 {
			t.Errorf("revoked token works: %d", r.Status)
		}
	})
}

// TestAccountantServesTwoBusinesses: one login, two accounts, a switch.
func TestAccountantServesTwoBusinesses(t *testing.T) {
	smtp := mailtest.Start(t)
	a := startApp(t, storagetest.Engines()[0], "--smtp", smtp.URL())
	A := a.mustTenant("Alpha", "alpha@example.fr")
	B := a.mustTenant("Beta", "beta@example.fr")
	link := a.invite(t, smtp, A, "compta@example.fr", "accountant")
	if r := a.post(newBrowser(), link, url.Values{"password": {"Compta-2026-ok"}}); r.Status != 303 {
		t.Fatalf("join A: %d", r.Status)
	}
	c := a.login("compta@example.fr", "Compta-2026-ok")
	// Already a user: joining B needs to be logged in as that user.
	link = a.invite(t, smtp, B, "compta@example.fr", "accountant")
	if r := a.post(newBrowser(), link, nil); r.Status != 403 {
		t.Fatalf("joining as nobody: %d", r.Status)
	}
	if r := a.post(c, link, nil); r.Status != 303 {
		t.Fatalf("join B: %d", r.Status)
	}
	me := doc(t, a.get(c, "/me"))
	if me.Find("#switch-account option").Length() != 2 {
		t.Fatal("no account switch offered")
	}
	var betaID string
	me.Find("#switch-account option").Each(func(_ int, o *goquery.Selection) {
		if strings.TrimSpace(o.Text()) == "Beta" {
			betaID, _ = o.Attr("value")
		}
	})
	if r := a.post(c, "/me/switch", url.Values{"account_id": {betaID}}); r.Status != 303 {
		t.Fatalf("switch: %d", r.Status)
	}
	if name := doc(t, a.get(c, "/")).Find(`[data-testid=account-name]`).Text(); name != "Beta" {
		t.Errorf("after switching: %q", name)
	}
	if r := a.post(c, "/me/switch", url.Values{"account_id": {"999"}}); r.Status != 404 {
		t.Errorf("switch to a foreign account: %d", r.Status)
	}
}
