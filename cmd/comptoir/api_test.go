package main

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/pb33f/libopenapi"
	validator "github.com/pb33f/libopenapi-validator"
)

// scenario is one API request and everything it must and must not do.
type scenario struct {
	name        string
	method      string
	path        string // placeholders such as "{bank}" (also in string bodies and contains) are replaced by the ids saved by earlier scenarios
	body        any
	as          string // "A", "B" or "" (no credentials)
	header      []string
	status      int
	contains    []string
	notContains []string
	// activity lists the entries the request must add to A's log,
	// newest first, as "module action record_type".
	activity []string
	// save names the placeholder that takes the id of the record a
	// successful request returns, for later scenarios' paths and bodies.
	save string
}

func TestAPIScenarios(t *testing.T) {
	eachEngine(t, func(t *testing.T, a *app) {
		A := a.mustTenant("Alpha", "alpha@example.fr")
		B := a.mustTenant("Beta", "beta@example.fr")
		spec := openAPIValidator(t, a)
		scenarios := []scenario{
			{name: "create bank account", method: "POST", path: "/api/v1/bank-accounts", as: "A", save: "{bank}",
				body:   map[string]any{"label": "Main", "iban": "fr76 3000 6000 0112 3456 7890 189", "bic": "bnpafrpp", "is_default": true},
				status: 201, contains: []string{`"iban":"FR7630006000011234567890189"`, `"bic":"BNPAFRPP"`},
				activity: []string{"account create bank_account"}},
			{name: "no credentials", method: "GET", path: "/api/v1/bank-accounts", status: 401, contains: []string{`"code":"unauthorized"`}},
			{name: "bad token", method: "GET", path: "/api/v1/account", as: "bogus", status: 401},
			{name: "list", method: "GET", path: "/api/v1/bank-accounts", as: "A", status: 200, contains: []string{`"label":"Main"`}},
			{name: "other account lists nothing", method: "GET", path: "/api/v1/bank-accounts", as: "B", status: 200,
				contains: []string{`"data":[]`}, notContains: []string{"Main"}},
			{name: "other account cannot read", method: "GET", path: "/api/v1/bank-accounts/{bank}", as: "B", status: 404,
				contains: []string{`"code":"not_found"`}, notContains: []string{"Main"}},
			{name: "invalid IBAN names the field", method: "POST", path: "/api/v1/bank-accounts", as: "A",
				body: map[string]any{"label": "", "iban": "FR7630006000011234567890188"}, status: 422,
				contains: []string{`"field":"iban"`, `"code":"invalid_iban"`, `"field":"label"`, `"code":"required"`}},
			{name: "mass assignment refused", method: "PATCH", path: "/api/v1/bank-accounts/{bank}", as: "A",
				body: `{"label":"x","account_id":2}`, status: 422, contains: []string{`"field":"account_id"`, `"code":"unknown_field"`}},
			{name: "wrong type", method: "PATCH", path: "/api/v1/bank-accounts/{bank}", as: "A",
				body: `{"is_default":"yes"}`, status: 422, contains: []string{`"field":"is_default"`, `"code":"wrong_type"`}},
			{name: "malformed JSON says where", method: "PATCH", path: "/api/v1/account", as: "A",
				body: `{"name": "x",}`, status: 422, contains: []string{"malformed JSON at byte"}},
			{name: "update bank account", method: "PATCH", path: "/api/v1/bank-accounts/{bank}", as: "A",
				body: map[string]any{"label": "Courant"}, status: 200, contains: []string{`"label":"Courant"`},
				activity: []string{"account update bank_account"}},
			{name: "unchanged update writes nothing", method: "PATCH", path: "/api/v1/bank-accounts/{bank}", as: "A",
				body: map[string]any{"label": "Courant"}, status: 200},
			{name: "account update", method: "PATCH", path: "/api/v1/account", as: "A",
				body:   map[string]any{"siren": "732 829 320", "share_capital": 1000000, "address": map[string]any{"city": "Pau", "country": "fr"}},
				status: 200, contains: []string{`"siren":"732829320"`, `"share_capital":1000000`, `"country":"FR"`},
				activity: []string{"account update account"}},
			{name: "account validation", method: "PATCH", path: "/api/v1/account", as: "A",
				body: map[string]any{"siren": "123456789", "time_zone": "Mars/Olympus"}, status: 422,
				contains: []string{`"code":"invalid_siren"`, `"code":"invalid_time_zone"`}},
			{name: "other account sees its own", method: "GET", path: "/api/v1/account", as: "B", status: 200,
				contains: []string{`"name":"Beta"`}, notContains: []string{"Alpha", "732829320"}},
			{name: "pagination limit checked", method: "GET", path: "/api/v1/activity?limit=0", as: "A", status: 422,
				contains: []string{`"field":"limit"`}},
			{name: "bad cursor", method: "GET", path: "/api/v1/activity?cursor=!!", as: "A", status: 422,
				contains: []string{`"field":"cursor"`}},
			{name: "activity page", method: "GET", path: "/api/v1/activity?limit=2", as: "A", status: 200,
				contains: []string{`"next_cursor":"`, `"action":"update"`}},
			{name: "unknown API path", method: "GET", path: "/api/v1/nothing", as: "A", status: 404, contains: []string{`"code":"not_found"`}},
			{name: "delete from other account", method: "DELETE", path: "/api/v1/bank-accounts/{bank}", as: "B", status: 404},
			{name: "delete", method: "DELETE", path: "/api/v1/bank-accounts/{bank}", as: "A", status: 204,
				activity: []string{"account delete bank_account"}},
			{name: "deleted is gone", method: "GET", path: "/api/v1/bank-accounts/{bank}", as: "A", status: 404},
			// The catalog.
			{name: "create product", method: "POST", path: "/api/v1/products", as: "A", save: "{coffee}",
				body: map[string]any{"reference": "CAF-01", "name": "Café en grains", "unit": "kg", "price": 2490, "vat_rate": "5.5",
					"purchase_price": 1400, "barcode": "4006 3813 3393 1"},
				status: 201, contains: []string{`"reference":"CAF-01"`, `"price":2490`, `"vat_rate":"5.5"`, `"barcode":"4006381333931"`,
					`"sold_by_weight":true`, `"active":true`},
				activity: []string{"sales create product"}},
			{name: "product defaults", method: "POST", path: "/api/v1/products", as: "A", save: "{fee}",
				body:   map[string]any{"reference": "LIV", "name": "Livraison", "price": 1200},
				status: 201, contains: []string{`"unit":"piece"`, `"vat_rate":"20"`, `"purchase_price":0`, `"sold_by_weight":false`},
				activity: []string{"sales create product"}},
			{name: "bad product input names every field", method: "POST", path: "/api/v1/products", as: "A",
				body: map[string]any{"reference": "", "name": "x", "unit": "crate", "price": -100, "vat_rate": "19.6", "barcode": "4006381333932"}, status: 422,
				contains: []string{`"field":"reference","code":"required"`, `"field":"unit","code":"invalid_unit"`, `"field":"price","code":"negative"`,
					`"field":"vat_rate","code":"invalid_vat_rate"`, `"field":"barcode","code":"invalid_barcode"`}},
			{name: "price is in minor units", method: "POST", path: "/api/v1/products", as: "A",
				body: `{"reference":"X","name":"x","price":12.5}`, status: 422, contains: []string{`"field":"price","code":"wrong_type"`}},
			{name: "product id cannot be set", method: "POST", path: "/api/v1/products", as: "A",
				body: `{"reference":"X","name":"x","price":1,"sold_by_weight":true}`, status: 422, contains: []string{`"field":"sold_by_weight","code":"unknown_field"`}},
			{name: "reference taken", method: "POST", path: "/api/v1/products", as: "A",
				body: map[string]any{"reference": "CAF-01", "name": "Autre", "price": 1}, status: 409, contains: []string{`"code":"reference_taken"`}},
			{name: "search products", method: "GET", path: "/api/v1/products?q=cafe&active=true", as: "A", status: 200,
				contains: []string{`"reference":"CAF-01"`}, notContains: []string{"Livraison"}},
			{name: "product pages", method: "GET", path: "/api/v1/products?limit=1", as: "A", status: 200,
				contains: []string{`"reference":"CAF-01"`, `"next_cursor":"`}, notContains: []string{"Livraison"}},
			{name: "bad active filter", method: "GET", path: "/api/v1/products?active=maybe", as: "A", status: 422, contains: []string{`"field":"active"`}},
			{name: "other account sees no products", method: "GET", path: "/api/v1/products", as: "B", status: 200,
				contains: []string{`"data":[]`}, notContains: []string{"CAF-01"}},
			{name: "other account cannot read a product", method: "GET", path: "/api/v1/products/{coffee}", as: "B", status: 404},
			{name: "deactivate product", method: "PATCH", path: "/api/v1/products/{coffee}", as: "A",
				body: map[string]any{"active": false, "price": 2590}, status: 200, contains: []string{`"active":false`, `"price":2590`},
				activity: []string{"sales update product"}},
			{name: "bad product change", method: "PATCH", path: "/api/v1/products/{coffee}", as: "A",
				body: map[string]any{"vat_rate": "7", "unit": "parsec"}, status: 422,
				contains: []string{`"field":"unit","code":"invalid_unit"`, `"field":"vat_rate","code":"invalid_vat_rate"`}},
			{name: "inactive filtered out", method: "GET", path: "/api/v1/products?active=true", as: "A", status: 200,
				contains: []string{"Livraison"}, notContains: []string{"CAF-01"}},
			{name: "import products", method: "POST", path: "/api/v1/products/import", as: "A",
				header: []string{"Content-Type", "text/csv"},
				body:   "reference;name;unit;price;vat_rate\nHUI-01;Huile d'olive;litre;18,50;5,5\nLIV;Livraison express;forfait;15;20\n",
				status: 200, contains: []string{`"created":1`, `"updated":1`, `"applied":true`},
				activity: []string{"sales import product"}},
			{name: "bad import writes nothing", method: "POST", path: "/api/v1/products/import", as: "A",
				header: []string{"Content-Type", "text/csv"},
				body:   "reference,name,price\nOK-1,Bon,1\nKO-1,Mauvais,-1\n",
				status: 422, contains: []string{`"applied":false`, `"line":3`, `"field":"price"`, `"code":"negative"`}},
			// A product's suppliers.
			{name: "a supplier", method: "POST", path: "/api/v1/contacts", as: "A", save: "{mill}",
				body: map[string]any{"kind": "company", "company_name": "Moulin de l'Ouest", "is_supplier": true}, status: 201,
				activity: []string{"contacts create contact"}},
			{name: "a client", method: "POST", path: "/api/v1/contacts", as: "A", save: "{client}",
				body: map[string]any{"last_name": "Dupré", "is_client": true}, status: 201, activity: []string{"contacts create contact"}},
			{name: "no suppliers yet", method: "GET", path: "/api/v1/products/{coffee}/suppliers", as: "A", status: 200, contains: []string{`"data":[]`}},
			{name: "set a product's supplier", method: "PUT", path: "/api/v1/products/{coffee}/suppliers/{mill}", as: "A",
				body: map[string]any{"reference": " MO-250 ", "price": 1200}, status: 200,
				contains: []string{`"product_id":{coffee}`, `"contact_id":{mill}`, `"contact_name":"Moulin de l'Ouest"`, `"reference":"MO-250"`, `"price":1200`},
				activity: []string{"purchases create product_supplier"}},
			{name: "change a product's supplier", method: "PUT", path: "/api/v1/products/{coffee}/suppliers/{mill}", as: "A",
				body: map[string]any{"reference": "MO-250", "price": 1250}, status: 200, contains: []string{`"price":1250`},
				activity: []string{"purchases update product_supplier"}},
			{name: "only a supplier supplies", method: "PUT", path: "/api/v1/products/{coffee}/suppliers/{client}", as: "A",
				body: map[string]any{"reference": "X", "price": 1}, status: 422, contains: []string{`"field":"contact_id","code":"not_supplier"`}},
			{name: "supplier price in minor units", method: "PUT", path: "/api/v1/products/{coffee}/suppliers/{mill}", as: "A",
				body: `{"reference":"X","price":12.5}`, status: 422, contains: []string{`"field":"price","code":"wrong_type"`}},
			{name: "supplier name cannot be set", method: "PUT", path: "/api/v1/products/{coffee}/suppliers/{mill}", as: "A",
				body: `{"reference":"X","contact_name":"x"}`, status: 422, contains: []string{`"field":"contact_name","code":"unknown_field"`}},
			{name: "bad supplier input", method: "PUT", path: "/api/v1/products/{coffee}/suppliers/{mill}", as: "A",
				body: map[string]any{"reference": strings.Repeat("x", 65), "price": -1}, status: 422,
				contains: []string{`"field":"price","code":"negative"`, `"field":"reference","code":"too_long"`}},
			{name: "list a product's suppliers", method: "GET", path: "/api/v1/products/{coffee}/suppliers", as: "A", status: 200,
				contains: []string{`"contact_name":"Moulin de l'Ouest"`, `"reference":"MO-250"`, `"price":1250`}},
			{name: "other account cannot list suppliers", method: "GET", path: "/api/v1/products/{coffee}/suppliers", as: "B", status: 404,
				notContains: []string{"MO-250"}},
			{name: "other account cannot set a supplier", method: "PUT", path: "/api/v1/products/{coffee}/suppliers/{mill}", as: "B",
				body: map[string]any{"reference": "stolen", "price": 1}, status: 404},
			{name: "other account cannot remove a supplier", method: "DELETE", path: "/api/v1/products/{coffee}/suppliers/{mill}", as: "B", status: 404},
			{name: "remove a product's supplier", method: "DELETE", path: "/api/v1/products/{coffee}/suppliers/{mill}", as: "A", status: 204,
				activity: []string{"purchases delete product_supplier"}},
			{name: "removed supplier is gone", method: "DELETE", path: "/api/v1/products/{coffee}/suppliers/{mill}", as: "A", status: 404},
			{name: "delete product from other account", method: "DELETE", path: "/api/v1/products/{fee}", as: "B", status: 404},
			{name: "delete product", method: "DELETE", path: "/api/v1/products/{fee}", as: "A", status: 204,
				activity: []string{"sales delete product"}},
		}
		runScenarios(t, a, spec, A, B, scenarios)
	})
}

// runScenarios plays scenarios in order as tenants A and B, checking each
// one's status, body, activity entries and conformance to the OpenAPI
// document.
func runScenarios(t *testing.T, a *app, spec validator.Validator, A, B *tenant, scenarios []scenario) {
	t.Helper()
	tokens := map[string]string{"A": A.Token, "B": B.Token, "bogus": "cpt_nope", "": ""}
	saved := map[string]string{}
	fill := func(s string) string {
		for k, v := range saved {
			s = strings.ReplaceAll(s, k, v)
		}
		return s
	}
	for _, sc := range scenarios {
		before := activityOf(t, a, A.Token)
		path := fill(sc.path)
		body := sc.body
		if js, ok := body.(string); ok {
			body = fill(js)
		}
		resp := a.api(sc.method, path, tokens[sc.as], body, sc.header...)
		if resp.Status != sc.status {
			t.Errorf("%s: %s %s = %d, want %d: %s", sc.name, sc.method, path, resp.Status, sc.status, resp.Body)
			continue
		}
		for _, s := range sc.contains {
			if s = fill(s); !strings.Contains(resp.Body, s) {
				t.Errorf("%s: body lacks %s: %s", sc.name, s, resp.Body)
			}
		}
		for _, s := range sc.notContains {
			if s = fill(s); strings.Contains(resp.Body, s) {
				t.Errorf("%s: body has %s: %s", sc.name, s, resp.Body)
			}
		}
		checkResponseMatchesSpec(t, spec, sc, a.URL+path, resp)
		after := activityOf(t, a, A.Token)
		added := after[:len(after)-len(before)]
		if strings.Join(added, "; ") != strings.Join(sc.activity, "; ") {
			t.Errorf("%s: activity added %q, want %q", sc.name, added, sc.activity)
		}
		if sc.save != "" && resp.Status < 300 {
			var b struct{ ID int64 }
			resp.JSON(t, &b)
			saved[sc.save] = itoa(b.ID)
		}
	}
}

// activityOf returns the account's activity log as "module action record_type", newest first.
func activityOf(t *testing.T, a *app, token string) []string {
	t.Helper()
	var out []string
	cursor := ""
	for {
		resp := a.api("GET", "/api/v1/activity?limit=200&cursor="+cursor, token, nil)
		var p struct {
			Data []struct {
				Module, Action string
				RecordType     string `json:"record_type"`
			}
			NextCursor string `json:"next_cursor"`
		}
		resp.JSON(t, &p)
		for _, e := range p.Data {
			out = append(out, e.Module+" "+e.Action+" "+e.RecordType)
		}
		if p.NextCursor == "" {
			return out
		}
		cursor = p.NextCursor
	}
}

func openAPIValidator(t *testing.T, a *app) validator.Validator {
	t.Helper()
	resp := a.api("GET", "/api/v1/openapi.json", "", nil)
	doc, err := libopenapi.NewDocument([]byte(resp.Body))
	if err != nil {
		t.Fatal(err)
	}
	v, errList := validator.NewValidator(doc)
	if len(errList) > 0 {
		t.Fatalf("OpenAPI validator: %v", errList)
	}
	return v
}

// checkResponseMatchesSpec validates a JSON API response against the
// OpenAPI document, so the document cannot drift from what the API does.
func checkResponseMatchesSpec(t *testing.T, v validator.Validator, sc scenario, url string, r response) {
	t.Helper()
	if !strings.HasPrefix(sc.path, "/api/v1/") || r.Status == 404 && strings.Contains(sc.path, "nothing") {
		return
	}
	req, _ := http.NewRequest(sc.method, url, nil)
	req.Header.Set("Content-Type", "application/json")
	resp := &http.Response{StatusCode: r.Status, Header: r.Header, Body: io.NopCloser(strings.NewReader(r.Body)), Request: req}
	if ok, errList := v.ValidateHttpResponse(req, resp); !ok {
		for _, e := range errList {
			t.Errorf("%s: response does not match the OpenAPI document: %s (%s)", sc.name, e.Message, e.Reason)
		}
	}
}

func itoa(n int64) string { return formatInt(n) }
