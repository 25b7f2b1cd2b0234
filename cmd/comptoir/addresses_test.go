package main

import (
	"net/url"
	"strings"
	"testing"
)

// TestAddressAndCompanyAPIScenarios: a contact's extra addresses and a
// person's company through the API, with another account's ids refused.
func TestAddressAndCompanyAPIScenarios(t *testing.T) {
	eachEngine(t, func(t *testing.T, a *app) {
		A := a.mustTenant("Alpha", "alpha@example.fr")
		B := a.mustTenant("Beta", "beta@example.fr")
		spec := openAPIValidator(t, a)
		runScenarios(t, a, spec, A, B, []scenario{
			{name: "company", method: "POST", path: "/api/v1/contacts", as: "A", save: "{company}",
				body: map[string]any{"kind": "company", "company_name": "Moulin de l'Ouest"}, status: 201,
				activity: []string{"contacts create contact"}},
			{name: "B's person", method: "POST", path: "/api/v1/contacts", as: "B", save: "{b_person}",
				body: map[string]any{"last_name": "Bez"}, status: 201},
			{name: "person attached on creation", method: "POST", path: "/api/v1/contacts", as: "A", save: "{person}",
				body: `{"first_name":"Lou","last_name":"Pons","company_id":{company}}`, status: 201,
				contains: []string{`"company_id":{company}`}, activity: []string{"contacts create contact"}},
			{name: "the company's people", method: "GET", path: "/api/v1/contacts?company_id={company}", as: "A", status: 200,
				contains: []string{`"last_name":"Pons"`}, notContains: []string{"Moulin"}},
			{name: "company filter checked", method: "GET", path: "/api/v1/contacts?company_id=abc", as: "A", status: 422,
				contains: []string{`"field":"company_id"`}},
			{name: "a person is no company", method: "PATCH", path: "/api/v1/contacts/{company}", as: "A",
				body: `{"company_id":{person}}`, status: 422, contains: []string{`"code":"not_a_person"`}},
			{name: "attached to a person", method: "POST", path: "/api/v1/contacts", as: "A",
				body: `{"last_name":"X","company_id":{person}}`, status: 422, contains: []string{`"field":"company_id"`, `"code":"unknown_company"`}},
			{name: "B cannot attach to A's company", method: "PATCH", path: "/api/v1/contacts/{b_person}", as: "B",
				body: `{"company_id":{company}}`, status: 422, contains: []string{`"code":"unknown_company"`}, notContains: []string{"Moulin"}},
			{name: "add address", method: "POST", path: "/api/v1/contacts/{company}/addresses", as: "A", save: "{address}",
				body:   map[string]any{"kind": "delivery", "label": "Entrepôt", "line1": "3 rue Neuve", "postal_code": "64100", "city": "Bayonne", "is_default": true},
				status: 201, contains: []string{`"kind":"delivery"`, `"country":"FR"`, `"is_default":true`, `"contact_id":{company}`},
				activity: []string{"contacts add_address contact"}},
			{name: "address validation", method: "POST", path: "/api/v1/contacts/{company}/addresses", as: "A",
				body: map[string]any{"kind": "home", "country": "France"}, status: 422,
				contains: []string{`"code":"invalid_kind"`, `"code":"invalid_country"`, `"field":"line1"`}},
			{name: "no contact_id in the input", method: "PATCH", path: "/api/v1/addresses/{address}", as: "A",
				body: `{"contact_id":{b_person}}`, status: 422, contains: []string{`"code":"unknown_field"`}},
			{name: "list addresses", method: "GET", path: "/api/v1/contacts/{company}/addresses", as: "A", status: 200,
				contains: []string{`"city":"Bayonne"`}},
			{name: "B lists nothing", method: "GET", path: "/api/v1/contacts/{company}/addresses", as: "B", status: 404,
				notContains: []string{"Bayonne"}},
			{name: "B cannot add", method: "POST", path: "/api/v1/contacts/{company}/addresses", as: "B",
				body: map[string]any{"kind": "other", "city": "Pau"}, status: 404},
			{name: "update address", method: "PATCH", path: "/api/v1/addresses/{address}", as: "A",
				body: map[string]any{"kind": "billing", "city": "Anglet"}, status: 200,
				contains: []string{`"kind":"billing"`, `"city":"Anglet"`}, activity: []string{"contacts update_address contact"}},
			{name: "B cannot read", method: "GET", path: "/api/v1/addresses/{address}", as: "B", status: 404, notContains: []string{"Anglet"}},
			{name: "B cannot delete", method: "DELETE", path: "/api/v1/addresses/{address}", as: "B", status: 404},
			{name: "read address", method: "GET", path: "/api/v1/addresses/{address}", as: "A", status: 200, contains: []string{`"label":"Entrepôt"`}},
			{name: "delete address", method: "DELETE", path: "/api/v1/addresses/{address}", as: "A", status: 204,
				activity: []string{"contacts delete_address contact"}},
			{name: "deleted address is gone", method: "GET", path: "/api/v1/addresses/{address}", as: "A", status: 404},
			{name: "deleting the company keeps its people", method: "DELETE", path: "/api/v1/contacts/{company}", as: "A", status: 204,
				activity: []string{"contacts delete contact"}},
			{name: "the person is detached", method: "GET", path: "/api/v1/contacts/{person}", as: "A", status: 200,
				contains: []string{`"last_name":"Pons"`, `"company_id":0`}},
		})
	})
}

// TestAddressesAndCompanyUI: on the record pages, attach a person to a
// company, see the links both ways, and add, edit and remove an address.
func TestAddressesAndCompanyUI(t *testing.T) {
	eachEngine(t, func(t *testing.T, a *app) {
		A := a.mustTenant("Alpha", "alpha@example.fr")
		r := a.post(A.Browser, "/contacts", url.Values{"kind": {"company"}, "company_name": {"Moulin de l'Ouest"}})
		if r.Status != 303 {
			t.Fatalf("company: %d", r.Status)
		}
		company := strings.TrimSuffix(strings.TrimPrefix(r.Header.Get("Location"), "/contacts/"), "?notice=saved")
		form := doc(t, a.get(A.Browser, "/contacts/new"))
		option := form.Find(`select[name=company_id] option[value="` + company + `"]`)
		if option.Length() != 1 || option.Text() != "Moulin de l'Ouest" {
			t.Fatalf("the company is not offered: %s", form.Find(`select[name=company_id]`).Text())
		}
		r = a.post(A.Browser, "/contacts", url.Values{"kind": {"person"}, "first_name": {"Lou"}, "last_name": {"Pons"}, "company_id": {company}})
		if r.Status != 303 {
			t.Fatalf("person: %d %.300s", r.Status, r.Body)
		}
		person := strings.TrimSuffix(r.Header.Get("Location"), "?notice=saved")
		record := doc(t, a.get(A.Browser, person))
		if href, _ := record.Find("#company-link").Attr("href"); href != "/contacts/"+company {
			t.Errorf("the person's record does not link to the company: %q", href)
		}
		if v, _ := record.Find(`select[name=company_id] option[selected]`).Attr("value"); v != company {
			t.Errorf("selected company %q", v)
		}
		people := doc(t, a.get(A.Browser, "/contacts/"+company)).Find("#people a")
		if href, _ := people.Attr("href"); people.Length() != 1 || href != person || !strings.Contains(people.Text(), "Lou Pons") {
			t.Errorf("the company's people: %d %q", people.Length(), people.Text())
		}

		// Addresses: a wrong one is refused with what was typed, then added,
		// edited and removed.
		r = a.post(A.Browser, person+"/addresses", url.Values{"kind": {"delivery"}, "city": {"Bayonne"}, "postal_code": {"641"}})
		page := doc(t, r)
		if v, _ := page.Find(`#addresses input[name=city]`).Last().Attr("value"); r.Status != 422 || v != "Bayonne" {
			t.Fatalf("invalid address: %d, city kept %q", r.Status, v)
		}
		r = a.post(A.Browser, person+"/addresses", url.Values{"kind": {"delivery"}, "label": {"Atelier"}, "line1": {"3 rue Neuve"},
			"city": {"Bayonne"}, "postal_code": {"64100"}, "is_default": {"1"}})
		if r.Status != 303 || r.Header.Get("Location") != person+"?notice=saved#addresses" {
			t.Fatalf("add address: %d %s", r.Status, r.Header.Get("Location"))
		}
		list := doc(t, a.get(A.Browser, person)).Find("#address-list li")
		if list.Length() != 1 || !strings.Contains(list.Text(), "3 rue Neuve, 64100 Bayonne, FR") {
			t.Fatalf("addresses: %d %q", list.Length(), list.Text())
		}
		edit, _ := list.Find(`form[action^="/addresses/"]`).First().Attr("action")
		if r := a.post(A.Browser, edit, url.Values{"kind": {"billing"}, "line1": {"1 place du Marché"}, "city": {"Pau"}, "postal_code": {"64000"}}); r.Status != 303 {
			t.Fatalf("edit address: %d", r.Status)
		}
		list = doc(t, a.get(A.Browser, person)).Find("#address-list li")
		if kind, _ := list.Attr("data-kind"); kind != "billing" || !strings.Contains(list.Text(), "Pau") {
			t.Errorf("after the edit: %s %q", kind, list.Text())
		}
		if r := a.post(A.Browser, edit+"/delete", nil); r.Status != 303 {
			t.Fatalf("delete address: %d", r.Status)
		}
		record = doc(t, a.get(A.Browser, person))
		if record.Find("#address-list li").Length() != 0 || record.Find("#history li").Length() != 4 {
			t.Errorf("after the deletion: %d addresses, %d history entries", record.Find("#address-list li").Length(), record.Find("#history li").Length())
		}
	})
}
