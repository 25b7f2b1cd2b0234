package main

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/comptoir/comptoir/mail/mailtest"
	"github.com/comptoir/comptoir/storage/storagetest"
)

// TestPasswordResetThroughSMTP walks the register's flow as a user would:
// ask for a code, receive it through a real SMTP server, set a new password.
func TestPasswordResetThroughSMTP(t *testing.T) {
	for _, e := range storagetest.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			t.Parallel()
			smtp := mailtest.Start(t)
			a := startApp(t, e, "--smtp", smtp.URL(), "--public-url", "https://comptoir.example.test", "--mail-from", "Comptoir <no-reply@example.test>")
			A := a.mustTenant("Alpha", "alpha@example.fr")
			c := newBrowser()

			ask := func(email string) response {
				req, _ := http.NewRequest("POST", a.URL+"/password/forgot", strings.NewReader(url.Values{"email": {email}}.Encode()))
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				req.Host = "evil.example" // links must not follow the Host header
				return a.do(c, req)
			}
			unknown := ask("nobody@example.fr")
			known := ask(A.Email)
			// The client filed the cookie under the forged host; file it under ours.
			base, _ := url.Parse(a.URL)
			c.Jar.SetCookies(base, (&http.Response{Header: known.Header}).Cookies())
			if unknown.Status != 303 || known.Status != 303 || unknown.Header.Get("Location") != known.Header.Get("Location") {
				t.Fatalf("answers differ: %d %s / %d %s", unknown.Status, unknown.Header.Get("Location"), known.Status, known.Header.Get("Location"))
			}
			m := smtp.WaitFor(t, A.Email)
			code := regexp.MustCompile(`\b\d{8}\b`).FindString(m.Text)
			if code == "" || !strings.Contains(m.Text, "https://comptoir.example.test/password/reset") || strings.Contains(m.Text, "evil") {
				t.Fatalf("reset e-mail: %q", m.Text)
			}
			if m.From != "no-reply@example.test" {
				t.Errorf("sender %q", m.From)
			}

			page := doc(t, a.get(c, "/password/reset"))
			if page.Find(`input[name=code][autocomplete=one-time-code]`).Length() != 1 {
				t.Fatal("no code field")
			}
			r := a.post(c, "/password/reset", url.Values{"code": {code}, "password": {"Un-nouveau-2026"}})
			if r.Status != 303 || r.Header.Get("Location") != "/login?notice=password_reset" {
				t.Fatalf("reset: %d %s %s", r.Status, r.Header.Get("Location"), r.Body)
			}
			if r := a.get(A.Browser, "/"); r.Status != 303 {
				t.Errorf("the old session survived: %d", r.Status)
			}
			a.login(A.Email, "Un-nouveau-2026")
			// The request cookie is gone: the code cannot be replayed here.
			if r := a.post(c, "/password/reset", url.Values{"code": {code}, "password": {"Encore-1-autre"}}); r.Status != 200 || doc(t, r).Find(".alert-warning").Length() != 1 {
				t.Errorf("replay: %d", r.Status)
			}
			// The reset revoked the tokens minted before it.
			if r := a.api("GET", "/api/v1/account", A.Token, nil); r.Status != 401 {
				t.Errorf("old token after the reset: %d", r.Status)
			}
			tok, _ := a.cli("token", "create", "--email", A.Email)
			log := activityOf(t, a, strings.TrimSpace(tok))
			if log[2] != "identity password_reset user" {
				t.Errorf("activity: %v", log[:3])
			}
		})
	}
}

func TestLoginThrottledAfterFailures(t *testing.T) {
	a := startApp(t, storagetest.Engines()[0])
	A := a.mustTenant("Alpha", "alpha@example.fr")
	c := newBrowser()
	for i := 0; i < 5; i++ {
		if r := a.post(c, "/login", url.Values{"email": {A.Email}, "password": {"wrong"}}); r.Status != 401 {
			t.Fatalf("attempt %d: %d", i, r.Status)
		}
	}
	r := a.post(c, "/login", url.Values{"email": {A.Email}, "password": {A.Password}})
	if r.Status != 429 || doc(t, r).Find("#login-error").Text() == "" {
		t.Fatalf("sixth attempt: %d", r.Status)
	}
}
