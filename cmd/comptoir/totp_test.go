package main

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/pquerna/otp/totp"

	"github.com/comptoir/comptoir/mail/mailtest"
	"github.com/comptoir/comptoir/storage/storagetest"
)

func TestTwoFactor(t *testing.T) {
	for _, e := range storagetest.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			t.Parallel()
			smtp := mailtest.Start(t)
			a := startApp(t, e, "--smtp", smtp.URL())
			A := a.mustTenant("Alpha", "alpha@example.fr")
			setup := doc(t, a.post(A.Browser, "/me/2fa", nil))
			secret := setup.Find("#totp-secret").Text()
			if secret == "" || setup.Find(`img[src^="data:image/png;base64,"]`).Length() != 1 {
				t.Fatal("no secret or QR code")
			}
			if r := a.post(A.Browser, "/me/2fa/confirm", url.Values{"code": {"000000"}}); r.Status != 422 {
				t.Fatalf("wrong confirm code: %d", r.Status)
			}
			// The wrong attempt issued a new secret: read it again.
			setup = doc(t, a.post(A.Browser, "/me/2fa", nil))
			secret = setup.Find("#totp-secret").Text()
			now := time.Now()
			code, _ := totp.GenerateCode(secret, now)
			done := doc(t, a.post(A.Browser, "/me/2fa/confirm", url.Values{"code": {code}}))
			var recovery []string
			done.Find("#recovery-codes li").Each(func(_ int, s *goquery.Selection) { recovery = append(recovery, s.Text()) })
			if len(recovery) != 10 {
				t.Fatalf("%d recovery codes", len(recovery))
			}

			// Starting a new set-up and walking away leaves the active
			// second factor in force.
			if r := a.post(A.Browser, "/me/2fa", nil); r.Status != 200 {
				t.Fatalf("new set-up: %d", r.Status)
			}

			// A new login stops halfway until the second factor.
			c := newBrowser()
			r := a.post(c, "/login", url.Values{"email": {A.Email}, "password": {A.Password}})
			if r.Status != 303 || !strings.HasPrefix(r.Header.Get("Location"), "/login/2fa") {
				t.Fatalf("login: %d %s", r.Status, r.Header.Get("Location"))
			}
			if r := a.get(c, "/settings/account"); r.Status != 303 || r.Header.Get("Location") != "/login/2fa" {
				t.Errorf("half-logged-in page: %d %s", r.Status, r.Header.Get("Location"))
			}
			if r := a.post(c, "/login/2fa", url.Values{"code": {code}}); r.Status != 422 {
				t.Errorf("a code used once is refused: %d", r.Status)
			}
			next, _ := totp.GenerateCode(secret, now.Add(30*time.Second))
			if r := a.post(c, "/login/2fa", url.Values{"code": {next}}); r.Status != 303 {
				t.Fatalf("second factor: %d %.200s", r.Status, r.Body)
			}
			if r := a.get(c, "/settings/account"); r.Status != 200 {
				t.Errorf("after the second factor: %d", r.Status)
			}

			// A recovery code works once.
			for i, want := range []int{303, 422} {
				c := newBrowser()
				a.post(c, "/login", url.Values{"email": {A.Email}, "password": {A.Password}})
				if r := a.post(c, "/login/2fa", url.Values{"code": {recovery[0]}}); r.Status != want {
					t.Errorf("recovery code use %d: %d, want %d", i+1, r.Status, want)
				}
			}

			// The owner requires the second factor: a member without it is
			// sent to set it up.
			link := a.invite(t, smtp, A, "member@example.fr", "manager")
			a.post(newBrowser(), link, url.Values{"password": {"Membre-2026-ok"}})
			if r := a.post(c, "/users/require-2fa", url.Values{"require": {"1"}}); r.Status != 303 {
				t.Fatalf("require: %d %.200s", r.Status, r.Body)
			}
			m := a.login("member@example.fr", "Membre-2026-ok")
			if r := a.get(m, "/activity"); r.Status != 303 || !strings.HasPrefix(r.Header.Get("Location"), "/me") {
				t.Errorf("member without 2FA: %d %s", r.Status, r.Header.Get("Location"))
			}
			if r := a.post(m, "/me/tokens", url.Values{"name": {"x"}, "scope": {"write"}, "days": {"30"}}); r.Status != 303 {
				t.Errorf("member without 2FA mints a token: %d", r.Status)
			}
			tok, _ := a.cli("token", "create", "--email", "member@example.fr", "--account", A.ID)
			if r := a.api("GET", "/api/v1/activity", strings.TrimSpace(tok), nil); r.Status != 403 {
				t.Errorf("member without 2FA uses the API: %d", r.Status)
			}
		})
	}
}
