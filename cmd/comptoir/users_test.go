package main

import (
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/comptoir/comptoir/mail/mailtest"
	"github.com/comptoir/comptoir/storage/storagetest"
)

var invitationLink = regexp.MustCompile(`https?://\S+/invitations/(inv_\S+)`)

// invite has owner tn invite email with role through the Users page and
// returns the link received through SMTP.
func (a *app) invite(t *testing.T, smtp *mailtest.Server, tn *tenant, email, role string) string {
	t.Helper()
	r := a.post(tn.Browser, "/users/invitations", url.Values{"email": {email}, "role": {role}})
	if r.Status != 303 || r.Header.Get("Location") != "/users?notice=invited" {
		t.Fatalf("invite: %d %s %.300s", r.Status, r.Header.Get("Location"), r.Body)
	}
	m := smtp.WaitFor(t, email)
	link := invitationLink.FindStringSubmatch(m.Text)
	if link == nil {
		t.Fatalf("invitation e-mail without a link: %q", m.Text)
	}
	return "/invitations/" + link[1]
}

// TestInviteRestrictedColleague is the walk-through: the owner
// invites a colleague with a restricted role, the colleague receives the
// invitation by e-mail, joins, and is blocked in the UI and the API where
// their role says so; all of it shows on the Activity page.
func TestInviteRestrictedColleague(t *testing.T) {
	for _, e := range storagetest.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			t.Parallel()
			smtp := mailtest.Start(t)
			a := startApp(t, e, "--smtp", smtp.URL())
			A := a.mustTenant("Alpha", "owner@example.fr")
			link := a.invite(t, smtp, A, "sales@example.fr", "sales")

			c := newBrowser()
			page := doc(t, a.get(c, link))
			if !strings.Contains(page.Find("main").Text(), "Alpha") {
				t.Fatalf("invitation page: %s", page.Find("main").Text())
			}
			if r := a.post(c, link, url.Values{"name": {"Sam"}, "password": {"password"}}); r.Status != 422 {
				t.Fatalf("weak password accepted: %d", r.Status)
			}
			if r := a.post(c, link, url.Values{"name": {"Sam Vendeur"}, "password": {"Vendre-2026-bien"}}); r.Status != 303 {
				t.Fatalf("accept: %d %.300s", r.Status, r.Body)
			}
			if r := a.post(newBrowser(), link, url.Values{"password": {"Vendre-2026-bien"}}); r.Status != 404 {
				t.Errorf("invitation used twice: %d", r.Status)
			}
			sales := a.login("sales@example.fr", "Vendre-2026-bien")
			home := doc(t, a.get(sales, "/"))
			if home.Find(`#nav-main a[href="/settings/account"]`).Length() != 0 || home.Find(`#nav-main a[href="/users"]`).Length() != 0 {
				t.Error("the navigation offers settings or users to a salesperson")
			}
			for _, path := range []string{"/settings/account", "/settings/bank-accounts", "/users", "/activity"} {
				if r := a.get(sales, path); r.Status != 403 {
					t.Errorf("salesperson GET %s: %d, want 403", path, r.Status)
				}
			}
			if r := a.post(sales, "/settings/account", url.Values{"name": {"Pwned"}}); r.Status != 403 {
				t.Errorf("salesperson changes the account: %d", r.Status)
			}
			tok, err := a.cli("token", "create", "--email", "sales@example.fr")
			if err != nil {
				t.Fatal(err)
			}
			salesToken := strings.TrimSpace(tok)
			if r := a.api("PATCH", "/api/v1/account", salesToken, map[string]any{"name": "Pwned"}); r.Status != 403 {
				t.Errorf("API PATCH account as sales: %d", r.Status)
			}
			if r := a.api("GET", "/api/v1/bank-accounts", salesToken, nil); r.Status != 403 {
				t.Errorf("API bank accounts as sales: %d", r.Status)
			}
			// Escalation: a salesperson cannot make themself owner.
			var me struct {
				Data []struct {
					UserID int64 `json:"user_id"`
					Email  string
				}
			}
			a.api("GET", "/api/v1/users", A.Token, nil).JSON(t, &me)
			var salesID, ownerID int64
			for _, m := range me.Data {
				if m.Email == "sales@example.fr" {
					salesID = m.UserID
				} else {
					ownerID = m.UserID
				}
			}
			if r := a.api("PATCH", "/api/v1/users/"+formatInt(salesID), salesToken, map[string]any{"role": "owner"}); r.Status != 403 {
				t.Errorf("self-escalation: %d %s", r.Status, r.Body)
			}
			if r := a.api("PATCH", "/api/v1/users/"+formatInt(ownerID), A.Token, map[string]any{"role": "sales"}); r.Status != 403 {
				t.Errorf("the owner demoted themself: %d", r.Status)
			}
			// The owner restricts further, then removes the colleague: their
			// session and token stop at once.
			if r := a.api("PATCH", "/api/v1/users/"+formatInt(salesID), A.Token, map[string]any{"role": "accountant"}); r.Status != 200 || !strings.Contains(r.Body, `"role":"accountant"`) {
				t.Fatalf("role change: %d %s", r.Status, r.Body)
			}
			if r := a.get(sales, "/activity"); r.Status != 200 {
				t.Errorf("accountant reads the activity log: %d", r.Status)
			}
			if r := a.api("DELETE", "/api/v1/users/"+formatInt(salesID), A.Token, nil); r.Status != 204 {
				t.Fatalf("remove: %d %s", r.Status, r.Body)
			}
			if r := a.get(sales, "/"); r.Status != 303 {
				t.Errorf("removed member's session still works: %d", r.Status)
			}
			if r := a.api("GET", "/api/v1/account", salesToken, nil); r.Status != 401 {
				t.Errorf("removed member's token still works: %d", r.Status)
			}
			log := activityOf(t, a, A.Token)
			for _, want := range []string{"users invite invitation", "users join user", "users set_role user", "users remove user"} {
				found := false
				for _, l := range log {
					found = found || l == want
				}
				if !found {
					t.Errorf("activity lacks %q: %v", want, log)
				}
			}
		})
	}
}

func TestLastOwnerAndCustomRoles(t *testing.T) {
	smtp := mailtest.Start(t)
	a := startApp(t, storagetest.Engines()[0], "--smtp", smtp.URL())
	A := a.mustTenant("Alpha", "owner@example.fr")
	// A custom role from the rights matrix: contacts view only, bank hidden.
	r := a.post(A.Browser, "/users/roles", url.Values{"name": {"Stagiaire"}, "grant.contacts.view": {"1"}, "hide.bank": {"1"}})
	if r.Status != 303 {
		t.Fatalf("custom role: %d %.300s", r.Status, r.Body)
	}
	roles := doc(t, a.get(A.Browser, "/users/roles"))
	href, _ := roles.Find(`main a[href^="/users/roles/"]`).Attr("href")
	if href == "" {
		t.Fatal("custom role not listed")
	}
	if r := a.post(A.Browser, "/users/roles", url.Values{"name": {"Stagiaire"}}); r.Status != 422 {
		t.Errorf("duplicate role name: %d", r.Status)
	}
	if r := a.post(A.Browser, "/users/roles", url.Values{"name": {"Chef"}, "grant.users.edit": {"1"}}); r.Status != 422 {
		t.Errorf("custom role managing users: %d", r.Status)
	}
	roleKey := "custom:" + strings.TrimPrefix(href, "/users/roles/")
	link := a.invite(t, smtp, A, "intern@example.fr", roleKey)
	if r := a.post(newBrowser(), link, url.Values{"password": {"Stage-2026-ete"}}); r.Status != 303 {
		t.Fatalf("accept: %d", r.Status)
	}
	intern := a.login("intern@example.fr", "Stage-2026-ete")
	if r := a.get(intern, "/settings/bank-accounts"); r.Status != 403 {
		t.Errorf("intern sees bank accounts: %d", r.Status)
	}
	explain := doc(t, a.get(A.Browser, "/users/explain?module=contacts&action=view&info=bank"))
	if v, _ := explain.Find(`tr[data-user="intern@example.fr"]`).Attr("data-allowed"); v != "false" {
		t.Errorf("explainer says intern may see bank details: %q", v)
	}
	if v, _ := explain.Find(`tr[data-user="owner@example.fr"]`).Attr("data-allowed"); v != "true" {
		t.Errorf("explainer says the owner may not: %q", v)
	}
	// The last owner cannot be disabled or removed, not even by another
	// owner's request that would leave none.
	var members struct {
		Data []struct {
			UserID int64 `json:"user_id"`
			Email  string
		}
	}
	a.api("GET", "/api/v1/users", A.Token, nil).JSON(t, &members)
	var ownerID int64
	for _, m := range members.Data {
		if m.Email == "owner@example.fr" {
			ownerID = m.UserID
		}
	}
	if r := a.post(A.Browser, "/users/members/"+formatInt(ownerID)+"/disable", nil); r.Status != 403 {
		t.Errorf("the owner disabled themself: %d", r.Status)
	}
}
