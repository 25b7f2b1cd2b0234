package main

import (
	"testing"
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
