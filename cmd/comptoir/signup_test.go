package main

import (
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/comptoir/comptoir/mail/mailtest"
	"github.com/comptoir/comptoir/storage/storagetest"
)

var eightDigits = regexp.MustCompile(`\b\d{8}\b`)

// TestSignupFirstRun: a fresh instance has no account and no default
// login; its first visitor signs up, verifies the address with the code
// received by e-mail, and then sign-up closes (policy "first").
func TestSignupFirstRun(t *testing.T) {
	for _, e := range storagetest.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			t.Parallel()
			smtp := mailtest.Start(t)
			a := startApp(t, e, "--smtp", smtp.URL())
			c := newBrowser()
			if doc(t, a.get(c, "/signup")).Find(`input[name=business_name]`).Length() != 1 {
				t.Fatal("no sign-up form on a fresh instance")
			}
			form := url.Values{"business_name": {"Épicerie Zéro Déchet"}, "name": {"Lou"}, "email": {"lou@example.fr"}, "password": {"azerty123"}}
			r := a.post(c, "/signup", form)
			if r.Status != 422 || doc(t, r).Find(`#f-password-error`).Length() != 1 {
				t.Fatalf("common password accepted: %d", r.Status)
			}
			form.Set("password", "Zero-dechet-2026")
			if r := a.post(c, "/signup", form); r.Status != 303 || r.Header.Get("Location") != "/verify-email" {
				t.Fatalf("sign-up: %d %s %.300s", r.Status, r.Header.Get("Location"), r.Body)
			}
			// Until verified, every page leads to the verification form.
			if r := a.get(c, "/settings/account"); r.Status != 303 || r.Header.Get("Location") != "/verify-email" {
				t.Fatalf("unverified user reached settings: %d %s", r.Status, r.Header.Get("Location"))
			}
			code := eightDigits.FindString(smtp.WaitFor(t, "lou@example.fr").Text)
			if r := a.post(c, "/verify-email", url.Values{"code": {"00000000"}}); r.Status != 422 {
				t.Fatalf("wrong code: %d", r.Status)
			}
			if r := a.post(c, "/verify-email", url.Values{"code": {code}}); r.Status != 303 {
				t.Fatalf("verify: %d", r.Status)
			}
			if h := doc(t, a.get(c, "/")).Find("main h1").Text(); !strings.Contains(h, "Épicerie Zéro Déchet") {
				t.Errorf("home after sign-up: %q", h)
			}
			// The instance has its account: sign-up is now closed.
			if doc(t, a.get(newBrowser(), "/signup")).Find("#signup-closed").Length() != 1 {
				t.Error("sign-up still open after the first account")
			}
			r = a.post(newBrowser(), "/signup", url.Values{"business_name": {"Intrus"}, "email": {"x@example.fr"}, "password": {"Intrus-2026-x"}})
			if r.Status != 403 {
				t.Errorf("second sign-up: %d", r.Status)
			}
		})
	}
}

// TestSignupAPI: on an open instance, the API signs up, and the token it
// returns can do nothing but verify the address until the code is given.
func TestSignupAPI(t *testing.T) {
	smtp := mailtest.Start(t)
	a := startApp(t, storagetest.Engines()[0], "--smtp", smtp.URL(), "--signup", "open")
	a.mustTenant("Existing", "existing@example.fr")
	r := a.api("POST", "/api/v1/signup", "", map[string]any{"business_name": "Vrac API", "email": "api@example.fr", "password": "Api-Vrac-2026", "role": "owner"})
	if r.Status != 422 || !strings.Contains(r.Body, `"field":"role"`) {
		t.Fatalf("unknown field accepted: %d %s", r.Status, r.Body)
	}
	r = a.api("POST", "/api/v1/signup", "", map[string]any{"business_name": "Vrac API", "email": "api@example.fr", "password": "Api-Vrac-2026"})
	if r.Status != 201 {
		t.Fatalf("sign-up: %d %s", r.Status, r.Body)
	}
	var out struct{ Token string }
	r.JSON(t, &out)
	if r := a.api("GET", "/api/v1/account", out.Token, nil); r.Status != 403 {
		t.Errorf("unverified token used: %d", r.Status)
	}
	code := eightDigits.FindString(smtp.WaitFor(t, "api@example.fr").Text)
	if r := a.api("POST", "/api/v1/email-verification", out.Token, map[string]any{"code": code}); r.Status != 204 {
		t.Fatalf("verify: %d %s", r.Status, r.Body)
	}
	if r := a.api("GET", "/api/v1/account", out.Token, nil); r.Status != 200 || !strings.Contains(r.Body, "Vrac API") {
		t.Errorf("verified token: %d %s", r.Status, r.Body)
	}
	if r := a.api("POST", "/api/v1/signup", "", map[string]any{"business_name": "Twice", "email": "API@example.fr", "password": "Api-Vrac-2026"}); r.Status != 409 {
		t.Errorf("same address twice: %d", r.Status)
	}
}

// TestVerificationCodeBruteForce: wrong codes count even when the client
// sends an Idempotency-Key; after five, the right code is refused too.
func TestVerificationCodeBruteForce(t *testing.T) {
	smtp := mailtest.Start(t)
	a := startApp(t, storagetest.Engines()[0], "--smtp", smtp.URL(), "--signup", "open")
	r := a.api("POST", "/api/v1/signup", "", map[string]any{"business_name": "Brute", "email": "brute@example.fr", "password": "Brute-force-2026"})
	var out struct{ Token string }
	r.JSON(t, &out)
	code := eightDigits.FindString(smtp.WaitFor(t, "brute@example.fr").Text)
	for i := 0; i < 5; i++ {
		wrong := "00000000"
		if wrong == code {
			wrong = "11111111"
		}
		if r := a.api("POST", "/api/v1/email-verification", out.Token, map[string]any{"code": wrong}, "Idempotency-Key", "k"+formatInt(int64(i))); r.Status != 422 {
			t.Fatalf("wrong code: %d", r.Status)
		}
	}
	if r := a.api("POST", "/api/v1/email-verification", out.Token, map[string]any{"code": code}); r.Status != 422 {
		t.Fatalf("right code after five wrong ones: %d", r.Status)
	}
	if r := a.api("POST", "/api/v1/email-verification/resend", out.Token, nil); r.Status != 429 {
		t.Fatalf("resend within a minute: %d", r.Status)
	}
}

// TestSignupWithoutSMTP: on a first run with no SMTP server, the
// verification code is in the server's log, so a newcomer can finish.
func TestSignupWithoutSMTP(t *testing.T) {
	a := startApp(t, storagetest.Engines()[0], "--log-level", "warn")
	c := newBrowser()
	r := a.post(c, "/signup", url.Values{"business_name": {"Ma Boutique"}, "email": {"moi@example.fr"}, "password": {"Une-phrase-2-passe"}})
	if r.Status != 303 {
		t.Fatalf("sign-up: %d", r.Status)
	}
	var code string
	for i := 0; i < 100 && code == ""; i++ {
		for _, line := range strings.Split(a.logs.String(), "\n") {
			if strings.Contains(line, "moi@example.fr") && strings.Contains(line, "no SMTP server configured") {
				code = eightDigits.FindString(line)
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	if code == "" {
		t.Fatalf("no code in the log:\n%s", a.logs.String())
	}
	if r := a.post(c, "/verify-email", url.Values{"code": {code}}); r.Status != 303 || r.Header.Get("Location") != "/?notice=email_verified" {
		t.Fatalf("verify: %d %s", r.Status, r.Header.Get("Location"))
	}
}
