package main

import (
	"net/url"
	"strings"
	"testing"
)

// TestContacts: create through the UI and the API, find by typing a name
// without accents, see the change in the record's history, and keep HTML
// typed in a field as text.
func TestContacts(t *testing.T) {
	eachEngine(t, func(t *testing.T, a *app) {
		A := a.mustTenant("Alpha", "alpha@example.fr")
		spec := openAPIValidator(t, a)
		r := a.post(A.Browser, "/contacts", url.Values{"kind": {"person"}, "first_name": {"Hélène"}, "last_name": {"Dupré <script>alert(1)</script>"},
			"email": {"helene@example.fr"}, "is_client": {"1"}, "tags": {"bio, vrac"}, "address.city": {"Bayonne"}, "siret": {"123"}})
		if r.Status != 422 || doc(t, r).Find("#f-siret-error").Length() != 1 {
			t.Fatalf("bad SIRET: %d", r.Status)
		}
		r = a.post(A.Browser, "/contacts", url.Values{"kind": {"person"}, "first_name": {"Hélène"}, "last_name": {"Dupré <script>alert(1)</script>"},
			"email": {"helene@example.fr"}, "is_client": {"1"}, "tags": {"bio, vrac"}, "address.city": {"Bayonne"}})
		if r.Status != 303 {
			t.Fatalf("create: %d %.300s", r.Status, r.Body)
		}
		created := a.api("POST", "/api/v1/contacts", A.Token, map[string]any{"kind": "company", "company_name": "Moulin de l'Ouest",
			"is_supplier": true, "iban": "FR76 3000 6000 0112 3456 7890 189"})
		if created.Status != 201 || !strings.Contains(created.Body, `"iban":"FR7630006000011234567890189"`) {
			t.Fatalf("API create: %d %s", created.Status, created.Body)
		}
		checkResponseMatchesSpec(t, spec, scenario{name: "create contact", method: "POST", path: "/api/v1/contacts"}, a.URL+"/api/v1/contacts", created)

		list := doc(t, a.get(A.Browser, "/contacts?q=helene+dupre"))
		rows := list.Find("#contact-rows tbody tr")
		if rows.Length() != 1 || !strings.Contains(rows.Text(), "Hélène") {
			t.Fatalf("search without accents: %d rows", rows.Length())
		}
		if list.Find("#contact-rows script").Length() != 0 || !strings.Contains(rows.Text(), "<script>") {
			t.Error("HTML in a name is not shown as text")
		}
		href, _ := rows.Find("a").Attr("href")
		a.post(A.Browser, href, url.Values{"kind": {"person"}, "first_name": {"Hélène"}, "last_name": {"Dupré"}, "is_client": {"1"}, "address.city": {"Biarritz"}})
		record := doc(t, a.get(A.Browser, href))
		if v, _ := record.Find(`input[name="address.city"]`).Attr("value"); v != "Biarritz" || record.Find("#history li").Length() != 2 {
			t.Errorf("after the update: city %q, %d history entries", v, record.Find("#history li").Length())
		}
		api := a.api("GET", "/api/v1/contacts?q=MOULIN&role=supplier", A.Token, nil)
		if !strings.Contains(api.Body, "Moulin de l'Ouest") || strings.Contains(api.Body, "Hélène") {
			t.Errorf("API search: %s", api.Body)
		}
		checkResponseMatchesSpec(t, spec, scenario{name: "list contacts", method: "GET", path: "/api/v1/contacts"}, a.URL+"/api/v1/contacts?q=MOULIN&role=supplier", api)
		if r := a.api("GET", "/api/v1/contacts?role=robot", A.Token, nil); r.Status != 422 {
			t.Errorf("unknown role: %d", r.Status)
		}
		log := activityOf(t, a, A.Token)
		if log[0] != "contacts update contact" || log[1] != "contacts create contact" || log[2] != "contacts create contact" {
			t.Errorf("activity: %v", log[:3])
		}
	})
}
