package main

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/comptoir/comptoir/mail/mailtest"
	"github.com/comptoir/comptoir/storage/storagetest"
)

// TestPrivacyAPIScenarios: the breach register and the account's export
// and closure state through the API, every answer checked against the
// OpenAPI document; another account reaches nothing.
func TestPrivacyAPIScenarios(t *testing.T) {
	eachEngine(t, func(t *testing.T, a *app) {
		A := a.mustTenant("Alpha", "alpha@example.fr")
		B := a.mustTenant("Beta", "beta@example.fr")
		spec := openAPIValidator(t, a)
		runScenarios(t, a, spec, A, B, []scenario{
			{name: "record a breach", method: "POST", path: "/api/v1/privacy/breaches", as: "A", save: "{breach}",
				body: map[string]any{"discovered_at": "2026-01-10T08:00:00+01:00", "nature": "Portable volé", "categories": []string{"identity", "bank"},
					"subjects": []string{"contact"}, "people_count": 120, "risk": "high"},
				status: 201, contains: []string{`"discovered_at":"2026-01-10T07:00:00Z"`, `"reported_by":"alpha@example.fr"`, `"status":"open"`,
					`"categories":["identity","bank"]`, `"authority_notified_at":null`},
				activity: []string{"privacy create breach"}},
			{name: "the facts are required", method: "POST", path: "/api/v1/privacy/breaches", as: "A",
				body: map[string]any{"discovered_at": "2026-01-10T08:00:00Z", "nature": " ", "categories": []string{"shoe_size"}}, status: 422,
				contains: []string{`"field":"nature"`, `"code":"required"`, `"field":"categories"`, `"code":"unknown_category"`}},
			{name: "no account_id", method: "POST", path: "/api/v1/privacy/breaches", as: "A",
				body: `{"nature":"x","discovered_at":"2026-01-10T08:00:00Z","account_id":2}`, status: 422, contains: []string{`"code":"unknown_field"`}},
			{name: "late notice needs its reasons", method: "PATCH", path: "/api/v1/privacy/breaches/{breach}", as: "A",
				body: map[string]any{"authority_notified_at": "2026-01-14T08:00:00Z"}, status: 422,
				contains: []string{`"field":"late_reason"`, `"code":"required_when_late"`}},
			{name: "notified late, with reasons", method: "PATCH", path: "/api/v1/privacy/breaches/{breach}", as: "A",
				body:   map[string]any{"authority_notified_at": "2026-01-14T08:00:00Z", "late_reason": "enquête", "authority_reference": "CNIL-42"},
				status: 200, contains: []string{`"authority_reference":"CNIL-42"`, `"authority_notified_at":"2026-01-14T08:00:00Z"`},
				activity: []string{"privacy update breach"}},
			{name: "closing a high risk needs the people told", method: "PATCH", path: "/api/v1/privacy/breaches/{breach}", as: "A",
				body: map[string]any{"status": "closed", "measures": "mots de passe changés"}, status: 422,
				contains: []string{`"field":"people_notified_at"`, `"code":"required_to_close"`}},
			{name: "closed", method: "PATCH", path: "/api/v1/privacy/breaches/{breach}", as: "A",
				body: map[string]any{"status": "closed", "measures": "mots de passe changés", "people_notified_at": "2026-01-15T08:00:00Z"}, status: 200,
				contains: []string{`"status":"closed"`}, activity: []string{"privacy update breach"}},
			{name: "list", method: "GET", path: "/api/v1/privacy/breaches", as: "A", status: 200, contains: []string{`"nature":"Portable volé"`}},
			{name: "get", method: "GET", path: "/api/v1/privacy/breaches/{breach}", as: "A", status: 200, contains: []string{`"id":{breach}`}},
			{name: "B lists its own, none", method: "GET", path: "/api/v1/privacy/breaches", as: "B", status: 200,
				contains: []string{`"data":[]`}, notContains: []string{"Portable"}},
			{name: "B cannot read", method: "GET", path: "/api/v1/privacy/breaches/{breach}", as: "B", status: 404, notContains: []string{"Portable"}},
			{name: "B cannot correct", method: "PATCH", path: "/api/v1/privacy/breaches/{breach}", as: "B",
				body: map[string]any{"nature": "stolen"}, status: 404},
			{name: "closure state", method: "GET", path: "/api/v1/account/closure", as: "A", status: 200,
				contains: []string{`"closing":false`, `"grace_days":30`, `"owner":true`}},
			{name: "reopen an open account", method: "POST", path: "/api/v1/account/reopen", as: "A", status: 409},
			{name: "a code never sent", method: "POST", path: "/api/v1/account/closure/confirm", as: "A",
				body: map[string]any{"code": "12345678"}, status: 422, contains: []string{`"code":"bad_closure_code"`}},
			{name: "export", method: "GET", path: "/api/v1/account/export", as: "A", status: 200, contains: []string{"README.txt", "csv/contacts.csv"},
				activity: []string{"privacy export account"}},
		})
		// A register entry is never deleted: there is no such route.
		var list struct{ Data []struct{ ID int64 } }
		a.api("GET", "/api/v1/privacy/breaches", A.Token, nil).JSON(t, &list)
		if len(list.Data) != 1 {
			t.Fatalf("register: %+v", list)
		}
		path := "/api/v1/privacy/breaches/" + formatInt(list.Data[0].ID)
		if r := a.api("DELETE", path, A.Token, nil); r.Status != 404 {
			t.Fatalf("delete a breach: %d", r.Status)
		}
		if r := a.api("GET", path, A.Token, nil); r.Status != 200 {
			t.Fatalf("the breach is gone: %d", r.Status)
		}
	})
}

// TestPrivacyPages drives the breach register's pages and a closing
// account as a member who is not the owner sees it: the register's form
// with its errors, an overdue breach standing out until the CNIL is
// notified; a salesperson reaches no register; a closing account shows
// its members when it closes, and only the owner can reopen it.
func TestPrivacyPages(t *testing.T) {
	for _, e := range storagetest.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			t.Parallel()
			smtp := mailtest.Start(t)
			a := startApp(t, e, "--smtp", smtp.URL())
			A := a.mustTenant("Alpha", "owner@example.fr")
			if doc(t, a.get(A.Browser, "/privacy/breaches")).Find("#no-breach").Length() != 1 {
				t.Fatal("an empty register does not say so")
			}
			if doc(t, a.get(A.Browser, "/privacy/breaches/new")).Find(`form[action="/privacy/breaches"] textarea[name=nature]`).Length() != 1 {
				t.Fatal("no form to record a breach")
			}
			paris, _ := time.LoadLocation("Europe/Paris")
			found := time.Now().Add(-100 * time.Hour).In(paris).Format("2006-01-02T15:04")
			form := url.Values{"discovered_at": {found}, "nature": {""}, "categories": {"identity", "bank"}, "subjects": {"contact"},
				"people_count": {"12"}, "risk": {"risk"}, "status": {"open"}}
			r := a.post(A.Browser, "/privacy/breaches", form)
			if r.Status != 422 || doc(t, r).Find("#f-nature-error").Length() != 1 || doc(t, r).Find(`#cat-bank[checked]`).Length() != 1 {
				t.Fatalf("a breach without its facts: %d", r.Status)
			}
			form.Set("nature", "Ordinateur <b>volé</b>")
			r = a.post(A.Browser, "/privacy/breaches", form)
			loc := r.Header.Get("Location")
			if r.Status != 303 || !strings.HasSuffix(loc, "?notice=created") {
				t.Fatalf("record: %d %s %.300s", r.Status, loc, r.Body)
			}
			page := doc(t, a.get(A.Browser, loc))
			if page.Find(`#clock[data-overdue="true"]`).Length() != 1 || page.Find("#history li").Length() != 1 {
				t.Fatalf("the breach's page does not show it overdue: %s", page.Find("main").Text())
			}
			list := doc(t, a.get(A.Browser, "/privacy/breaches"))
			if list.Find(`#breaches tr[data-overdue="true"]`).Length() != 1 || !strings.Contains(list.Find("#breaches").Text(), "<b>") {
				t.Fatalf("register: %s", list.Find("main").Text())
			}
			path := strings.TrimSuffix(loc, "?notice=created")
			form.Set("authority_notified_at", time.Now().In(paris).Format("2006-01-02T15:04"))
			if r := a.post(A.Browser, path, form); r.Status != 422 || doc(t, r).Find("#f-late_reason-error").Length() != 1 {
				t.Fatalf("late without reasons: %d", r.Status)
			}
			form.Set("late_reason", "enquête interne")
			if r := a.post(A.Browser, path, form); r.Status != 303 {
				t.Fatalf("notified: %d %.300s", r.Status, r.Body)
			}
			if doc(t, a.get(A.Browser, "/privacy/breaches")).Find(`#breaches tr[data-overdue="true"]`).Length() != 0 {
				t.Fatal("a notified breach still stands out")
			}

			// A salesperson: no register; when the account closes, the closure page.
			link := a.invite(t, smtp, A, "sales@example.fr", "sales")
			c := newBrowser()
			if r := a.post(c, link, url.Values{"name": {"Sam"}, "password": {"Vendre-2026-bien"}}); r.Status != 303 {
				t.Fatalf("accept: %d", r.Status)
			}
			sales := a.login("sales@example.fr", "Vendre-2026-bien")
			for _, p := range []string{"/privacy/breaches", path, "/privacy/breaches/new"} {
				if r := a.get(sales, p); r.Status != 403 {
					t.Errorf("salesperson GET %s: %d", p, r.Status)
				}
			}
			if r := a.post(sales, "/privacy/account/close", nil); r.Status != 403 {
				t.Errorf("a salesperson asked to close the account: %d", r.Status)
			}
			if r := a.post(A.Browser, "/privacy/account/close", nil); r.Status != 303 {
				t.Fatalf("close: %d", r.Status)
			}
			code := eightDigits.FindString(smtp.WaitFor(t, "owner@example.fr").Subject)
			if r := a.post(A.Browser, "/privacy/account/close/confirm", url.Values{"code": {code}}); r.Status != 303 {
				t.Fatalf("confirm: %d", r.Status)
			}
			if r := a.get(sales, "/contacts"); r.Status != 303 || r.Header.Get("Location") != "/privacy/account" {
				t.Fatalf("a member of a closing account: %d %s", r.Status, r.Header.Get("Location"))
			}
			closing := doc(t, a.get(sales, "/privacy/account"))
			if closing.Find("#closing").Length() != 1 || closing.Find("#reopen").Length() != 0 || closing.Find("#export").Length() != 0 {
				t.Fatalf("the closure page for a member: %s", closing.Find("main").Text())
			}
			if r := a.post(sales, "/privacy/account/reopen", nil); r.Status != 403 {
				t.Fatalf("a salesperson reopened: %d", r.Status)
			}
		})
	}
}
