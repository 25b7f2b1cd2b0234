package main

import (
	"net/url"
	"strings"
	"testing"
)

// TestOperatorAndSupportAccess: an operator sees accounts but not their
// data; the owner grants support access for a while, the operator acts
// under it, marked as support in the owner's activity log, until the owner
// revokes it.
func TestOperatorAndSupportAccess(t *testing.T) {
	eachEngine(t, func(t *testing.T, a *app) {
		A := a.mustTenant("Alpha", "alpha@example.fr")
		a.post(A.Browser, "/settings/bank-accounts", url.Values{"label": {"Secret"}, "iban": {"FR7630006000011234567890189"}})
		if _, err := a.cli("operator", "create", "--email", "ops@example.fr", "--password", "Operer-2026-nuit"); err != nil {
			t.Fatal(err)
		}
		op := newBrowser()
		if r := a.post(op, "/operator/login", url.Values{"email": {"ops@example.fr"}, "password": {"wrong"}}); r.Status != 401 {
			t.Fatalf("wrong operator password: %d", r.Status)
		}
		if r := a.post(op, "/operator/login", url.Values{"email": {"ops@example.fr"}, "password": {"Operer-2026-nuit"}}); r.Status != 303 {
			t.Fatalf("operator login: %d", r.Status)
		}
		console := doc(t, a.get(op, "/operator"))
		if console.Find(`#accounts tr[data-account]`).Length() != 1 || console.Find(`form[action^="/operator/support/"]`).Length() != 0 {
			t.Fatalf("console: %s", console.Find("main").Text())
		}
		// The operator's login opens nothing in an account.
		for _, p := range []string{"/", "/settings/bank-accounts", "/activity"} {
			if r := a.get(op, p); r.Status != 303 || !strings.HasPrefix(r.Header.Get("Location"), "/login") {
				t.Errorf("operator GET %s: %d %s", p, r.Status, r.Header.Get("Location"))
			}
		}
		if r := a.post(op, "/operator/support/1", nil); r.Status != 404 {
			t.Errorf("support without a grant: %d", r.Status)
		}
		// The operator cannot log in as their shadow user either.
		if r := a.post(newBrowser(), "/login", url.Values{"email": {"operator-1@support.invalid"}, "password": {"!"}}); r.Status != 401 {
			t.Errorf("shadow user login: %d", r.Status)
		}

		if r := a.post(A.Browser, "/users/support", url.Values{"role": {"accountant"}, "hours": {"24"}}); r.Status != 303 {
			t.Fatalf("grant: %d %.200s", r.Status, r.Body)
		}
		if r := a.post(A.Browser, "/users/support", url.Values{"role": {"owner"}, "hours": {"500"}}); r.Status != 422 {
			t.Errorf("owner role for 500 h: %d", r.Status)
		}
		action, _ := doc(t, a.get(op, "/operator")).Find(`form[action^="/operator/support/"]`).Attr("action")
		if r := a.post(op, action, nil); r.Status != 303 {
			t.Fatalf("open support session: %d %s", r.Status, action)
		}
		home := doc(t, a.get(op, "/activity"))
		if home.Find("#support-banner").Length() != 1 {
			t.Error("no support banner")
		}
		if r := a.get(op, "/settings/account"); r.Status != 403 {
			t.Errorf("support as accountant reads settings: %d", r.Status)
		}
		owner := doc(t, a.get(A.Browser, "/activity"))
		if owner.Find(`[data-support=true]`).Length() == 0 || !strings.Contains(owner.Find("main").Text(), "Session de support") {
			t.Error("the owner's log does not show the support session")
		}
		revoke, _ := doc(t, a.get(A.Browser, "/users")).Find(`form[action^="/users/support/"]`).Attr("action")
		if r := a.post(A.Browser, revoke, nil); r.Status != 303 {
			t.Fatalf("revoke: %d", r.Status)
		}
		if r := a.get(op, "/activity"); r.Status != 303 {
			t.Errorf("support session survived the revocation: %d", r.Status)
		}
		if out, err := a.cli("activity", "verify", "--account", A.ID); err != nil || !strings.Contains(out, "intact") {
			t.Errorf("log with support entries: %q %v", out, err)
		}
	})
}
