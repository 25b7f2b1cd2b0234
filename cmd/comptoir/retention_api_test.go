package main

import (
	"net/url"
	"strings"
	"testing"
	"time"
)

// TestRetentionAPI drives the retention API: the policies, a change within
// and beyond the bounds, a preview, a dry run and a real run, the runs; a
// second account sees none of the first's runs. Every answer is checked
// against openapi.json.
func TestRetentionAPI(t *testing.T) {
	eachEngine(t, func(t *testing.T, a *app) {
		A := a.mustTenant("Alpha", "alpha@example.fr")
		B := a.mustTenant("Beta", "beta@example.fr")
		spec := openAPIValidator(t, a)
		later := time.Now().UTC().AddDate(2, 1, 0).Format(time.DateOnly)
		runScenarios(t, a, spec, A, B, []scenario{
			{name: "create a prospect", method: "POST", path: "/api/v1/contacts", as: "A",
				body: map[string]any{"kind": "person", "first_name": "Léa", "last_name": "Prospecta", "is_prospect": true}, status: 201,
				activity: []string{"contacts create contact"}},
			{name: "policies", method: "GET", path: "/api/v1/privacy/retention/policies", as: "A", status: 200,
				contains: []string{`"key":"prospects"`, `"active":{"years":2}`, `"key":"accounting_documents"`, `"law":"Code de commerce L123-22`}},
			{name: "no credentials", method: "GET", path: "/api/v1/privacy/retention/policies", status: 401},
			{name: "a period within the bounds", method: "PUT", path: "/api/v1/privacy/retention/policies/prospects", as: "A",
				body: map[string]any{"active": map[string]any{"years": 1, "months": 6}}, status: 200,
				contains: []string{`"active":{"years":1,"months":6}`}, activity: []string{"privacy retention_policy retention_policy"}},
			{name: "beyond the bounds", method: "PUT", path: "/api/v1/privacy/retention/policies/prospects", as: "A",
				body: map[string]any{"active": map[string]any{"years": 4}}, status: 422,
				contains: []string{`"field":"archive"`, `"code":"retention_over_max"`}},
			{name: "accounting under 10 years", method: "PUT", path: "/api/v1/privacy/retention/policies/accounting_documents", as: "A",
				body: map[string]any{"active": map[string]any{"years": 1}, "archive": map[string]any{"years": 1}}, status: 422,
				contains: []string{`"code":"retention_under_hold"`}},
			{name: "unknown policy", method: "PUT", path: "/api/v1/privacy/retention/policies/nope", as: "A", body: map[string]any{}, status: 404},
			{name: "unknown field", method: "PUT", path: "/api/v1/privacy/retention/policies/prospects", as: "A",
				body: `{"action":"delete"}`, status: 422, contains: []string{`"code":"unknown_field"`}},
			{name: "preview today", method: "GET", path: "/api/v1/privacy/retention/preview", as: "A", status: 200,
				contains: []string{`"policy":"prospects"`}, notContains: []string{"Prospecta"}},
			{name: "preview later names the prospect", method: "GET", path: "/api/v1/privacy/retention/preview?as_of=" + later, as: "A", status: 200,
				contains: []string{`"name":"Léa Prospecta"`}},
			{name: "other account's preview", method: "GET", path: "/api/v1/privacy/retention/preview?as_of=" + later, as: "B", status: 200,
				notContains: []string{"Prospecta"}},
			{name: "bad day", method: "GET", path: "/api/v1/privacy/retention/preview?as_of=soon", as: "A", status: 422,
				contains: []string{`"field":"as_of"`}},
			{name: "a real run cannot be dated later", method: "POST", path: "/api/v1/privacy/retention/runs", as: "A",
				body: map[string]any{"as_of": later}, status: 422, contains: []string{`"code":"retention_future"`}},
			{name: "dry run later", method: "POST", path: "/api/v1/privacy/retention/runs", as: "A",
				body: map[string]any{"as_of": later, "dry_run": true}, status: 201,
				contains: []string{`"dry_run":true`, `"as_of":"` + later + `"`, `"name":"Léa Prospecta"`}},
			{name: "run now", method: "POST", path: "/api/v1/privacy/retention/runs", as: "A", status: 201,
				contains: []string{`"dry_run":false`}, activity: []string{"privacy retention_run retention_run"}},
			{name: "runs keep no names", method: "GET", path: "/api/v1/privacy/retention/runs", as: "A", status: 200,
				contains: []string{`"as_of":"` + later + `"`, `"ref":"#`}, notContains: []string{"Prospecta"}},
			{name: "other account's runs", method: "GET", path: "/api/v1/privacy/retention/runs", as: "B", status: 200,
				contains: []string{`"data":[]`}},
		})

		// The screens.
		page := a.get(A.Browser, "/privacy/retention?as_of="+later)
		if page.Status != 200 {
			t.Fatalf("retention page: %d %s", page.Status, page.Body)
		}
		for _, want := range []string{`id="retention-policies"`, `id="retention-plan"`, "Prospecta", `id="retention-runs"`, "L123-22"} {
			if !strings.Contains(page.Body, want) {
				t.Errorf("retention page lacks %s", want)
			}
		}
		bad := a.post(A.Browser, "/privacy/retention/policies/prospects", url.Values{"active_years": {"9"}})
		if bad.Status != 422 || !strings.Contains(bad.Body, "text-danger") {
			t.Errorf("a period beyond the bounds from the form: %d", bad.Status)
		}
		if r := a.post(A.Browser, "/privacy/retention/policies/prospects", url.Values{"active_years": {"2"}}); r.Status != 303 {
			t.Errorf("saving a policy: %d %s", r.Status, r.Body)
		}
		if r := a.post(A.Browser, "/privacy/retention/runs", url.Values{"dry_run": {"1"}}); r.Status != 303 {
			t.Errorf("a dry run from the screen: %d %s", r.Status, r.Body)
		}
		if r := a.get(A.Browser, "/privacy/archive"); r.Status != 200 || !strings.Contains(r.Body, "archive") {
			t.Errorf("archive page: %d", r.Status)
		}
	})
}
