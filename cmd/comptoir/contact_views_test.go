package main

import (
	"net/url"
	"strings"
	"testing"
)

// TestContactViewAPIScenarios: saved views through the API; a name used
// again replaces the view's filters, another account reaches nothing.
func TestContactViewAPIScenarios(t *testing.T) {
	eachEngine(t, func(t *testing.T, a *app) {
		A := a.mustTenant("Alpha", "alpha@example.fr")
		B := a.mustTenant("Beta", "beta@example.fr")
		spec := openAPIValidator(t, a)
		runScenarios(t, a, spec, A, B, []scenario{
			{name: "save a view", method: "POST", path: "/api/v1/contact-views", as: "A", save: "{view}",
				body:   map[string]any{"name": " Clients bio ", "query": "tag=bio&role=client"},
				status: 201, contains: []string{`"name":"Clients bio"`, `"query":"role=client\u0026tag=bio"`},
				activity: []string{"contacts save_view contact_view"}},
			{name: "the same name replaces the filters", method: "POST", path: "/api/v1/contact-views", as: "A",
				body:   map[string]any{"name": "Clients bio", "query": "?role=client&city=Pau&q="},
				status: 200, contains: []string{`"id":{view}`, `"query":"city=Pau\u0026role=client"`},
				activity: []string{"contacts save_view contact_view"}},
			{name: "unchanged writes nothing", method: "POST", path: "/api/v1/contact-views", as: "A",
				body: map[string]any{"name": "Clients bio", "query": "city=Pau&role=client"}, status: 200},
			{name: "an unknown filter is named", method: "POST", path: "/api/v1/contact-views", as: "A",
				body: map[string]any{"name": "x", "query": "q=a&account_id=2"}, status: 422,
				contains: []string{`"field":"query"`, `"code":"unknown_filter"`, `unknown filter \"account_id\"`}},
			{name: "a name is required", method: "POST", path: "/api/v1/contact-views", as: "A",
				body: map[string]any{"name": " ", "query": ""}, status: 422, contains: []string{`"field":"name"`, `"code":"required"`}},
			{name: "no user_id in the input", method: "POST", path: "/api/v1/contact-views", as: "A",
				body: `{"name":"x","user_id":1}`, status: 422, contains: []string{`"code":"unknown_field"`}},
			{name: "list", method: "GET", path: "/api/v1/contact-views", as: "A", status: 200,
				contains: []string{`"name":"Clients bio"`}},
			{name: "B lists its own, none", method: "GET", path: "/api/v1/contact-views", as: "B", status: 200,
				contains: []string{`"data":[]`}, notContains: []string{"Clients bio"}},
			{name: "B cannot delete", method: "DELETE", path: "/api/v1/contact-views/{view}", as: "B", status: 404},
			{name: "delete", method: "DELETE", path: "/api/v1/contact-views/{view}", as: "A", status: 204,
				activity: []string{"contacts delete_view contact_view"}},
			{name: "deleted is gone", method: "DELETE", path: "/api/v1/contact-views/{view}", as: "A", status: 404},
		})
	})
}

// TestContactViewsUI: save the list's filters under a name, follow the
// view's link from the unfiltered list, and delete it.
func TestContactViewsUI(t *testing.T) {
	eachEngine(t, func(t *testing.T, a *app) {
		A := a.mustTenant("Alpha", "alpha@example.fr")
		for _, c := range []map[string]any{
			{"first_name": "Hélène", "last_name": "Dupré", "is_client": true, "tags": []string{"bio"}},
			{"first_name": "Jérôme", "last_name": "Lefèvre", "tags": []string{"bio"}},
		} {
			if r := a.api("POST", "/api/v1/contacts", A.Token, c); r.Status != 201 {
				t.Fatalf("contact: %d %s", r.Status, r.Body)
			}
		}
		list := doc(t, a.get(A.Browser, "/contacts?tag=bio&role=client&q="))
		query, _ := list.Find(`#save-view input[name=query]`).Attr("value")
		if query != "role=client&tag=bio" {
			t.Fatalf("the form's query = %q", query)
		}
		// A name is required: the list comes back, filtered, with the problem.
		r := a.post(A.Browser, "/contacts/views", url.Values{"name": {" "}, "query": {query}})
		page := doc(t, r)
		if r.Status != 422 || page.Find(`#view-name.is-invalid`).Length() != 1 || page.Find("#contact-rows tbody tr").Length() != 1 {
			t.Fatalf("no name: %d %.300s", r.Status, r.Body)
		}
		r = a.post(A.Browser, "/contacts/views", url.Values{"name": {"Clients bio"}, "query": {query}})
		if r.Status != 303 || r.Header.Get("Location") != "/contacts?notice=saved&role=client&tag=bio" {
			t.Fatalf("save: %d %q", r.Status, r.Header.Get("Location"))
		}

		// From the whole list, the view's link shows its contacts.
		all := doc(t, a.get(A.Browser, "/contacts"))
		link := all.Find(`#contact-views a`)
		href, _ := link.Attr("href")
		if link.Length() != 1 || link.Text() != "Clients bio" || href != "/contacts?role=client&tag=bio" {
			t.Fatalf("view link: %d %q %q", link.Length(), link.Text(), href)
		}
		if _, current := link.Attr("aria-current"); current || all.Find("#contact-rows tbody tr").Length() != 2 {
			t.Errorf("the whole list: current %v, %d rows", current, all.Find("#contact-rows tbody tr").Length())
		}
		view := doc(t, a.get(A.Browser, href))
		rows := view.Find("#contact-rows tbody tr")
		if rows.Length() != 1 || !strings.Contains(rows.Text(), "Hélène") {
			t.Errorf("the view's contacts: %d %q", rows.Length(), rows.Text())
		}
		if current, _ := view.Find(`#contact-views a`).Attr("aria-current"); current != "page" {
			t.Errorf("the view is not marked current: %q", current)
		}

		// Deleting it goes back to the filters shown.
		action, _ := view.Find(`#contact-views form[action$="/delete"]`).Attr("action")
		back, _ := view.Find(`#contact-views form[action$="/delete"] input[name=query]`).Attr("value")
		r = a.post(A.Browser, action, url.Values{"query": {back}})
		if r.Status != 303 || r.Header.Get("Location") != "/contacts?notice=deleted&role=client&tag=bio" {
			t.Fatalf("delete: %d %q", r.Status, r.Header.Get("Location"))
		}
		if n := doc(t, a.get(A.Browser, "/contacts")).Find(`#contact-views a`).Length(); n != 0 {
			t.Errorf("%d views after the deletion", n)
		}
		if log := activityOf(t, a, A.Token); log[0] != "contacts delete_view contact_view" || log[1] != "contacts save_view contact_view" {
			t.Errorf("activity: %v", log[:2])
		}
	})
}
