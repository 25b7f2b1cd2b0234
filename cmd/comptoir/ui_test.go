package main

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/comptoir/comptoir/storage/storagetest"
)

func doc(t *testing.T, r response) *goquery.Document {
	t.Helper()
	d, err := goquery.NewDocumentFromReader(strings.NewReader(r.Body))
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestSecurityHeadersAndRobots(t *testing.T) {
	a := startApp(t, storagetest.Engines()[0])
	r := a.get(newBrowser(), "/login")
	want := map[string]string{
		"Content-Security-Policy": "script-src 'self'",
		"X-Content-Type-Options":  "nosniff",
		"Referrer-Policy":         "same-origin",
		"X-Robots-Tag":            "noindex",
		"X-Frame-Options":         "DENY",
		"Cache-Control":           "no-store",
	}
	for h, v := range want {
		if !strings.Contains(r.Header.Get(h), v) {
			t.Errorf("%s = %q, want it to contain %q", h, r.Header.Get(h), v)
		}
	}
	if csp := r.Header.Get("Content-Security-Policy"); strings.Contains(csp, "unsafe-inline") || !strings.Contains(csp, "frame-ancestors 'none'") {
		t.Errorf("weak CSP: %s", csp)
	}
	if r.Header.Get("Strict-Transport-Security") != "" {
		t.Error("HSTS sent over plain HTTP")
	}
	if r.Header.Get("X-Request-Id") == "" {
		t.Error("no request id")
	}
	if got := a.get(newBrowser(), "/robots.txt").Body; got != "User-agent: *\nDisallow: /\n" {
		t.Errorf("robots.txt = %q", got)
	}
	d := doc(t, r)
	if c, _ := d.Find(`meta[name=robots]`).Attr("content"); c != "noindex, nofollow" {
		t.Errorf("robots meta = %q", c)
	}
	if n := d.Find("script:not([src]), [style]").Length(); n != 0 {
		t.Errorf("%d inline scripts or style attributes (CSP forbids them)", n)
	}
}

func TestLoginFlow(t *testing.T) {
	eachEngine(t, func(t *testing.T, a *app) {
		A := a.mustTenant("Alpha", "alpha@example.fr")
		c := newBrowser()
		r := a.get(c, "/settings/account")
		if r.Status != 303 || r.Header.Get("Location") != "/login?next=%2Fsettings%2Faccount" {
			t.Fatalf("anonymous: %d %s", r.Status, r.Header.Get("Location"))
		}
		// Unknown e-mail and wrong password get the same answer.
		var bodies []string
		for _, form := range []url.Values{
			{"email": {"nobody@example.fr"}, "password": {"whatever12"}},
			{"email": {A.Email}, "password": {"wrong-password-1"}},
		} {
			r := a.post(c, "/login", form)
			if r.Status != 401 {
				t.Fatalf("bad login: %d", r.Status)
			}
			bodies = append(bodies, doc(t, r).Find("#login-error").Text())
		}
		if bodies[0] == "" || bodies[0] != bodies[1] {
			t.Errorf("login errors differ or are empty: %q vs %q", bodies[0], bodies[1])
		}
		// Session fixation: a token planted before login is not the one
		// the login sets, and it opens nothing.
		base, _ := url.Parse(a.URL)
		c.Jar.SetCookies(base, []*http.Cookie{{Name: "comptoir_session", Value: "planted-by-attacker", Path: "/"}})
		// A next= pointing elsewhere is ignored.
		r = a.post(c, "/login", url.Values{"email": {A.Email}, "password": {A.Password}, "next": {"//evil.example/x"}})
		for _, ck := range c.Jar.Cookies(base) {
			if ck.Name == "comptoir_session" && ck.Value == "planted-by-attacker" {
				t.Error("the planted session token survived the login")
			}
		}
		if r.Status != 303 || r.Header.Get("Location") != "/" {
			t.Fatalf("login redirect: %d %q", r.Status, r.Header.Get("Location"))
		}
		for _, ck := range r.Header["Set-Cookie"] {
			if strings.HasPrefix(ck, "comptoir_session=") && (!strings.Contains(ck, "HttpOnly") || !strings.Contains(ck, "SameSite=Lax")) {
				t.Errorf("session cookie flags: %s", ck)
			}
		}
		home := doc(t, a.get(c, "/"))
		if got := home.Find(`[data-testid=account-name]`).Text(); got != "Alpha" {
			t.Errorf("account name in nav = %q", got)
		}
		r = a.post(c, "/logout", nil)
		if r.Status != 303 {
			t.Fatalf("logout: %d", r.Status)
		}
		if r := a.get(c, "/"); r.Status != 303 {
			t.Errorf("after logout: %d", r.Status)
		}
		log := activityOf(t, a, A.Token)
		if log[0] != "identity logout user" || log[1] != "identity login user" {
			t.Errorf("latest activity = %q, want a login then a logout", log[:2])
		}
	})
}

func TestCrossOriginPostRefused(t *testing.T) {
	a := startApp(t, storagetest.Engines()[0])
	A := a.mustTenant("Alpha", "alpha@example.fr")
	for _, h := range []map[string]string{{"Origin": "https://evil.example"}, {"Sec-Fetch-Site": "cross-site"}} {
		req, _ := http.NewRequest("POST", a.URL+"/settings/account", strings.NewReader("name=Pwned"))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		for k, v := range h {
			req.Header.Set(k, v)
		}
		if r := a.do(A.Browser, req); r.Status != 403 {
			t.Errorf("cross-origin POST with %v: %d", h, r.Status)
		}
	}
	var acc struct{ Name string }
	a.api("GET", "/api/v1/account", A.Token, nil).JSON(t, &acc)
	if acc.Name != "Alpha" {
		t.Fatalf("name changed by a cross-origin request: %q", acc.Name)
	}
}

func TestLanguageNegotiationAndSwitch(t *testing.T) {
	a := startApp(t, storagetest.Engines()[0])
	c := newBrowser()
	get := func(lang string) *goquery.Document {
		req, _ := http.NewRequest("GET", a.URL+"/login", nil)
		if lang != "" {
			req.Header.Set("Accept-Language", lang)
		}
		return doc(t, a.do(c, req))
	}
	for lang, want := range map[string]string{"": "fr", "en-GB,en;q=0.9": "en", "de-DE": "fr", "fr-BE": "fr", "de, en;q=0.5": "en"} {
		if got, _ := get(lang).Find("html").Attr("lang"); got != want {
			t.Errorf("Accept-Language %q: lang %q, want %q", lang, got, want)
		}
	}
	if h := get("").Find("h1").Text(); h != "Connexion" {
		t.Errorf("French title = %q", h)
	}
	r := a.post(c, "/lang", url.Values{"lang": {"en"}, "next": {"/login"}})
	if r.Status != 303 || r.Header.Get("Location") != "/login" {
		t.Fatalf("switch: %d %s", r.Status, r.Header.Get("Location"))
	}
	if h := get("fr-FR").Find("h1").Text(); h != "Log in" {
		t.Errorf("after switching to English, title = %q", h)
	}
}

func TestAccountSettingsForm(t *testing.T) {
	eachEngine(t, func(t *testing.T, a *app) {
		A := a.mustTenant("Alpha", "alpha@example.fr")
		form := url.Values{"name": {"Alpha SAS"}, "siren": {"123 456 789"}, "siret": {""}, "share_capital": {"10 000,50"},
			"address.country": {"FR"}, "address.postal_code": {"750"}, "locale": {"fr"}, "time_zone": {"Europe/Paris"}}
		r := a.post(A.Browser, "/settings/account", form)
		if r.Status != 422 {
			t.Fatalf("invalid form: %d", r.Status)
		}
		d := doc(t, r)
		for _, f := range []string{"siren", "address.postal_code"} {
			if d.Find(`input[name="`+f+`"].is-invalid[aria-invalid=true]`).Length() != 1 {
				t.Errorf("field %s not marked invalid", f)
			}
		}
		if v, _ := d.Find(`input[name=name]`).Attr("value"); v != "Alpha SAS" {
			t.Errorf("typed name lost: %q", v)
		}
		if msg := d.Find(`#f-siren-error`).Text(); !strings.Contains(msg, "SIREN") {
			t.Errorf("SIREN error message = %q", msg)
		}
		form.Set("siren", "732 829 320")
		form.Set("address.postal_code", "75011")
		r = a.post(A.Browser, "/settings/account", form)
		if r.Status != 303 {
			t.Fatalf("valid form: %d %s", r.Status, r.Body)
		}
		var acc struct {
			Name         string
			SIREN        string `json:"siren"`
			ShareCapital int64  `json:"share_capital"`
		}
		a.api("GET", "/api/v1/account", A.Token, nil).JSON(t, &acc)
		if acc.Name != "Alpha SAS" || acc.SIREN != "732829320" || acc.ShareCapital != 1000050 {
			t.Fatalf("saved account = %+v", acc)
		}
		page := doc(t, a.get(A.Browser, "/activity"))
		if page.Find("li.list-group-item").Length() < 2 || !strings.Contains(page.Find("details").First().Text(), "siren") {
			t.Errorf("activity page does not show the change:\n%s", page.Find("main").Text())
		}
	})
}

func TestLogoUpload(t *testing.T) {
	a := startApp(t, storagetest.Engines()[0])
	A := a.mustTenant("Alpha", "alpha@example.fr")
	upload := func(content []byte) response {
		var body bytes.Buffer
		w := multipart.NewWriter(&body)
		fw, _ := w.CreateFormFile("logo", "logo.png")
		if _, err := fw.Write(content); err != nil {
			t.Fatal(err)
		}
		w.Close()
		req, _ := http.NewRequest("POST", a.URL+"/settings/account/logo", &body)
		req.Header.Set("Content-Type", w.FormDataContentType())
		return a.do(A.Browser, req)
	}
	if r := upload([]byte("GIF89a not accepted")); r.Status != 422 {
		t.Errorf("GIF upload: %d", r.Status)
	}
	png := append([]byte("\x89PNG\r\n\x1a\n"), bytes.Repeat([]byte{0}, 100)...)
	if r := upload(png); r.Status != 303 {
		t.Fatalf("PNG upload: %d %s", r.Status, r.Body)
	}
	r := a.get(A.Browser, "/account/logo")
	if r.Status != 200 || r.Header.Get("Content-Type") != "image/png" || r.Body != string(png) {
		t.Errorf("logo: %d %s %d bytes", r.Status, r.Header.Get("Content-Type"), len(r.Body))
	}
	if r := upload(bytes.Repeat([]byte{0xff, 0xd8, 0xff}, 200_000)); r.Status != 413 {
		t.Errorf("oversized upload: %d", r.Status)
	}
}

func TestStaticAssetsAreHashedAndCached(t *testing.T) {
	a := startApp(t, storagetest.Engines()[0])
	d := doc(t, a.get(newBrowser(), "/login"))
	hashed := regexp.MustCompile(`^/static/[\w/.-]+\.[0-9a-f]{8}\.(css|js)$`)
	n := 0
	d.Find(`link[rel=stylesheet], script[src]`).Each(func(_ int, s *goquery.Selection) {
		u := s.AttrOr("href", s.AttrOr("src", ""))
		if !hashed.MatchString(u) {
			t.Errorf("asset URL not content-hashed: %s", u)
			return
		}
		r := a.get(newBrowser(), u)
		if r.Status != 200 || !strings.Contains(r.Header.Get("Cache-Control"), "immutable") || len(r.Body) == 0 {
			t.Errorf("%s: %d %s", u, r.Status, r.Header.Get("Cache-Control"))
		}
		n++
	})
	if n < 4 {
		t.Errorf("only %d assets on the page", n)
	}
	if r := a.get(newBrowser(), "/static/app.00000000.css"); r.Status != 404 {
		t.Errorf("unknown asset: %d", r.Status)
	}
}

func TestOperationsEndpoints(t *testing.T) {
	eachEngine(t, func(t *testing.T, a *app) {
		c := newBrowser()
		if r := a.get(c, "/healthz"); r.Status != 200 || r.Body != "ok\n" {
			t.Errorf("healthz: %d %q", r.Status, r.Body)
		}
		if r := a.get(c, "/readyz"); r.Status != 200 {
			t.Errorf("readyz: %d %q", r.Status, r.Body)
		}
		a.get(c, "/login")
		m := a.get(c, "/metrics").Body
		for _, want := range []string{`comptoir_http_requests_total{code="200",method="GET",route="GET /login"}`, "go_sql_open_connections", "comptoir_http_request_duration_seconds_bucket"} {
			if !strings.Contains(m, want) {
				t.Errorf("metrics lack %s", want)
			}
		}
		r := a.get(c, "/no/such/page")
		if r.Status != 404 || doc(t, r).Find("h1").Text() != "Page introuvable" {
			t.Errorf("HTML 404: %d %q", r.Status, doc(t, r).Find("h1").Text())
		}
	})
}

func TestIdempotencyKey(t *testing.T) {
	eachEngine(t, func(t *testing.T, a *app) {
		A := a.mustTenant("Alpha", "alpha@example.fr")
		body := map[string]any{"label": "Main", "iban": "FR7630006000011234567890189"}
		first := a.api("POST", "/api/v1/bank-accounts", A.Token, body, "Idempotency-Key", "k-123")
		again := a.api("POST", "/api/v1/bank-accounts", A.Token, body, "Idempotency-Key", "k-123")
		if first.Status != 201 || again.Status != 201 || first.Body != again.Body {
			t.Fatalf("replay differs: %d %s / %d %s", first.Status, first.Body, again.Status, again.Body)
		}
		if again.Header.Get("Idempotency-Replayed") != "true" || first.Header.Get("Idempotency-Replayed") != "" {
			t.Error("Idempotency-Replayed header wrong")
		}
		var list struct{ Data []any }
		a.api("GET", "/api/v1/bank-accounts", A.Token, nil).JSON(t, &list)
		if len(list.Data) != 1 {
			t.Fatalf("%d bank accounts after a retried POST, want 1", len(list.Data))
		}
		body["label"] = "Other"
		if r := a.api("POST", "/api/v1/bank-accounts", A.Token, body, "Idempotency-Key", "k-123"); r.Status != 409 {
			t.Errorf("same key, other body: %d %s", r.Status, r.Body)
		}
		// A failed request is not remembered: fixing it under the same key works.
		bad := map[string]any{"label": "Fix", "iban": "nope"}
		if r := a.api("POST", "/api/v1/bank-accounts", A.Token, bad, "Idempotency-Key", "k-9"); r.Status != 422 {
			t.Fatalf("bad request: %d", r.Status)
		}
		bad["iban"] = "DE89370400440532013000"
		if r := a.api("POST", "/api/v1/bank-accounts", A.Token, bad, "Idempotency-Key", "k-9"); r.Status != 201 {
			t.Fatalf("fixed request: %d %s", r.Status, r.Body)
		}
	})
}
