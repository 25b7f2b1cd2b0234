package main

import (
	"encoding/json"
	"strings"
	"testing"
)

// sellerIdentity is the legal identity an invoice needs.
var sellerIdentity = map[string]any{"legal_form": "SARL", "siren": "732829320", "siret": "73282932000074",
	"vat_number": "FR44732829320", "share_capital": 1000000, "rcs_city": "Lyon",
	"address": map[string]any{"line1": "3 rue des Lilas", "postal_code": "69003", "city": "Lyon", "country": "FR"}}

// businessClient is a French company with every mention an invoice prints.
var businessClient = map[string]any{"kind": "company", "company_name": "Durand SARL", "siret": "55210055400013",
	"is_client": true, "address": map[string]any{"line1": "1 place Bellecour", "postal_code": "69002", "city": "Lyon", "country": "FR"}}

// TestDocumentAPIScenarios follows a sale through the API, from the quote
// to the credit note, with the activity each write logs, the refusals of
// invalid bodies (named fields) and of wrong states, and the sales
// settings; every response is checked against openapi.json.
func TestDocumentAPIScenarios(t *testing.T) {
	eachEngine(t, func(t *testing.T, a *app) {
		A := a.mustTenant("Alpha", "alpha@example.fr")
		B := a.mustTenant("Beta", "beta@example.fr")
		spec := openAPIValidator(t, a)
		line := func(over map[string]any) map[string]any {
			l := map[string]any{"description": "Site vitrine", "quantity": "2", "unit": "day", "unit_price": 50000, "vat_rate": "20"}
			for k, v := range over {
				l[k] = v
			}
			return l
		}
		quote := func(over map[string]any, extra ...string) string {
			b := `{"contact_id":{client},"lines":[` + mustJSON(t, line(over)) + `]`
			for i := 0; i+1 < len(extra); i += 2 {
				b += `,"` + extra[i] + `":` + extra[i+1]
			}
			return b + "}"
		}
		scenarios := []scenario{
			{name: "client", method: "POST", path: "/api/v1/contacts", as: "A", body: businessClient, status: 201, save: "{client}",
				activity: []string{"contacts create contact"}},
			{name: "draft invoice", method: "POST", path: "/api/v1/invoices", as: "A", body: quote(nil), status: 201, save: "{draft}",
				contains: []string{`"kind":"invoice"`, `"status":"draft"`, `"number":""`}, activity: []string{"sales create invoice"}},
			{name: "issue without legal identity lists what is missing", method: "POST", path: "/api/v1/invoices/{draft}/issue", as: "A", status: 422,
				contains: []string{`"field":"seller.siret"`, `"field":"seller.legal_form"`, `"field":"seller.vat_number"`, `"field":"seller.address"`}},
			{name: "legal identity", method: "PATCH", path: "/api/v1/account", as: "A", body: sellerIdentity, status: 200,
				activity: []string{"account update account"}},

			// Invalid bodies name their fields.
			{name: "unknown field", method: "POST", path: "/api/v1/quotes", as: "A", body: `{"contact_id":{client},"account_id":2}`, status: 422,
				contains: []string{`"field":"account_id"`, `"code":"unknown_field"`}},
			{name: "unknown line field", method: "POST", path: "/api/v1/quotes", as: "A", body: quote(map[string]any{"price": 3}), status: 422,
				contains: []string{`"code":"unknown_field"`, `price`}},
			{name: "negative unit price", method: "POST", path: "/api/v1/quotes", as: "A", body: quote(map[string]any{"unit_price": -100}), status: 422,
				contains: []string{`"field":"lines.0.unit_price"`, `"code":"negative"`}},
			{name: "zero quantity", method: "POST", path: "/api/v1/quotes", as: "A", body: quote(map[string]any{"quantity": "0"}), status: 422,
				contains: []string{`"field":"lines.0.quantity"`, `"code":"zero"`}},
			{name: "bad VAT rate", method: "POST", path: "/api/v1/quotes", as: "A", body: quote(map[string]any{"vat_rate": "120"}), status: 422,
				contains: []string{`"field":"lines.0.vat_rate"`, `"code":"invalid_rate"`}},
			{name: "bad terms", method: "POST", path: "/api/v1/quotes", as: "A", body: quote(nil, "payment_terms", `"net 30"`), status: 422,
				contains: []string{`"field":"payment_terms"`, `"code":"invalid_terms"`}},
			{name: "every problem at once", method: "POST", path: "/api/v1/quotes", as: "A",
				body:   quote(map[string]any{"unit_price": -1, "quantity": 0}, "payment_terms", `"x"`, "locale", `"de"`, "exemption", `"franchise"`),
				status: 422, contains: []string{`"field":"lines.0.unit_price"`, `"field":"lines.0.quantity"`, `"field":"lines.0.vat_rate"`, `"field":"payment_terms"`, `"field":"locale"`}},
			{name: "quantity that is not a number", method: "POST", path: "/api/v1/quotes", as: "A", body: quote(map[string]any{"quantity": "abc"}), status: 422,
				contains: []string{`"field":"lines.0.quantity"`, `"code":"not_a_number"`, `"message":"lines.0.quantity must be a decimal number`}},
			{name: "too many decimals", method: "POST", path: "/api/v1/quotes", as: "A", body: quote(map[string]any{"discount": "1.255"}), status: 422,
				contains: []string{`"field":"lines.0.discount"`, `"code":"too_many_decimals"`}},
			{name: "unknown client", method: "POST", path: "/api/v1/quotes", as: "A", body: `{"contact_id":999999}`, status: 422,
				contains: []string{`"field":"contact_id"`}},
			{name: "kind of another collection", method: "POST", path: "/api/v1/quotes", as: "A", body: quote(nil, "kind", `"invoice"`), status: 422,
				contains: []string{`"field":"kind"`, `"code":"wrong_collection"`}},
			{name: "credit notes are made from invoices", method: "POST", path: "/api/v1/credit-notes", as: "A", body: quote(nil), status: 422,
				contains: []string{"make it from the invoice"}},

			// The flow.
			{name: "create quote", method: "POST", path: "/api/v1/quotes", as: "A", save: "{quote}",
				body:   quote(map[string]any{"discount": "10"}, "title", `"Refonte du site"`),
				status: 201, contains: []string{`"kind":"quote"`, `"quantity":"2"`, `"vat_rate":"20"`, `"discount":"10"`, `"net_total":90000`,
					`"vat_total":18000`, `"gross_total":108000`, `"name":"Durand SARL"`, `"payment_terms":"30"`},
				activity: []string{"sales create quote"}},
			{name: "read quote", method: "GET", path: "/api/v1/quotes/{quote}", as: "A", status: 200,
				contains: []string{`"shown_status":"draft"`, `"children":[]`, `"title":"Refonte du site"`}},
			{name: "a quote is not an order", method: "GET", path: "/api/v1/orders/{quote}", as: "A", status: 404},
			{name: "nor an invoice to edit", method: "PATCH", path: "/api/v1/invoices/{quote}", as: "A", body: map[string]any{"title": "x"}, status: 404},
			{name: "nor a credit note to issue", method: "POST", path: "/api/v1/credit-notes/{quote}/issue", as: "A", status: 404},
			{name: "list quotes", method: "GET", path: "/api/v1/quotes?status=draft&contact_id={client}&q=Refonte", as: "A", status: 200,
				contains: []string{`"id":{quote}`}, notContains: []string{`"kind":"invoice"`}},
			{name: "list filter checked", method: "GET", path: "/api/v1/quotes?status=lost&contact_id=x", as: "A", status: 422,
				contains: []string{`"field":"status"`, `"field":"contact_id"`}},
			{name: "other account lists nothing", method: "GET", path: "/api/v1/quotes", as: "B", status: 200, contains: []string{`"data":[]`}},
			{name: "edit draft", method: "PATCH", path: "/api/v1/quotes/{quote}", as: "A", body: map[string]any{"notes": "Livraison en mai"}, status: 200,
				contains: []string{`"notes":"Livraison en mai"`}, activity: []string{"sales update quote"}},
			{name: "unchanged edit logs nothing", method: "PATCH", path: "/api/v1/quotes/{quote}", as: "A", body: map[string]any{"notes": "Livraison en mai"}, status: 200},
			{name: "kind does not change", method: "PATCH", path: "/api/v1/quotes/{quote}", as: "A", body: map[string]any{"kind": "order"}, status: 422},
			{name: "a draft is not accepted", method: "POST", path: "/api/v1/quotes/{quote}/accept", as: "A", status: 409},
			{name: "issue quote", method: "POST", path: "/api/v1/quotes/{quote}/issue", as: "A", status: 200,
				contains: []string{`"status":"issued"`, `"number":"D-`}, activity: []string{"sales issue quote"}},
			{name: "issued twice", method: "POST", path: "/api/v1/quotes/{quote}/issue", as: "A", status: 409},
			{name: "issued is not edited", method: "PATCH", path: "/api/v1/quotes/{quote}", as: "A", body: map[string]any{"title": "x"}, status: 409},
			{name: "issued is not deleted", method: "DELETE", path: "/api/v1/quotes/{quote}", as: "A", status: 409},
			{name: "order before acceptance", method: "POST", path: "/api/v1/quotes/{quote}/derive", as: "A", body: map[string]any{"kind": "order"}, status: 409,
				contains: []string{"accepted first"}},
			{name: "accept", method: "POST", path: "/api/v1/quotes/{quote}/accept", as: "A", status: 200,
				contains: []string{`"status":"accepted"`}, activity: []string{"sales accepted quote"}},
			{name: "refuse after acceptance", method: "POST", path: "/api/v1/quotes/{quote}/refuse", as: "A", status: 409},
			{name: "derive kind checked", method: "POST", path: "/api/v1/quotes/{quote}/derive", as: "A", body: map[string]any{"kind": "receipt"}, status: 422,
				contains: []string{`"field":"kind"`}},
			{name: "derive body strict", method: "POST", path: "/api/v1/quotes/{quote}/derive", as: "A", body: map[string]any{"kind": "order", "status": "paid"}, status: 422,
				contains: []string{`"field":"status"`, `"code":"unknown_field"`}},
			{name: "derive order", method: "POST", path: "/api/v1/quotes/{quote}/derive", as: "A", body: map[string]any{"kind": "order"}, status: 201, save: "{order}",
				contains: []string{`"kind":"order"`, `"status":"draft"`, `"origin_id":{quote}`, `"gross_total":108000`}, activity: []string{"sales create order"}},
			{name: "issue order", method: "POST", path: "/api/v1/orders/{order}/issue", as: "A", status: 200,
				contains: []string{`"number":"BC-`}, activity: []string{"sales issue order"}},
			{name: "derive delivery", method: "POST", path: "/api/v1/orders/{order}/derive", as: "A", body: map[string]any{"kind": "delivery"}, status: 201, save: "{delivery}",
				contains: []string{`"kind":"delivery"`, `"origin_id":{order}`}, activity: []string{"deliveries create delivery"}},
			{name: "issue delivery", method: "POST", path: "/api/v1/deliveries/{delivery}/issue", as: "A", status: 200,
				contains: []string{`"number":"BL-`}, activity: []string{"deliveries issue delivery"}},
			{name: "order delivered", method: "GET", path: "/api/v1/orders/{order}", as: "A", status: 200,
				contains: []string{`"status":"delivered"`, `"id":{delivery}`, `"origin":{`}},
			{name: "nothing left to deliver", method: "POST", path: "/api/v1/orders/{order}/derive", as: "A", body: map[string]any{"kind": "delivery"}, status: 409},
			{name: "derive invoice", method: "POST", path: "/api/v1/orders/{order}/derive", as: "A", body: map[string]any{"kind": "invoice", "delivered": true}, status: 201, save: "{invoice}",
				contains: []string{`"kind":"invoice"`, `"gross_total":108000`}, activity: []string{"sales create invoice"}},
			{name: "issue invoice", method: "POST", path: "/api/v1/invoices/{invoice}/issue", as: "A", status: 200,
				contains: []string{`"number":"F-`, `-0001"`, `"due_date":"2`}, activity: []string{"sales issue invoice"}},
			{name: "unpaid invoices", method: "GET", path: "/api/v1/invoices?status=unpaid", as: "A", status: 200,
				contains: []string{`"id":{invoice}`}, notContains: []string{`"id":{draft}`}},
			{name: "nothing overdue yet", method: "GET", path: "/api/v1/invoices?status=overdue", as: "A", status: 200, contains: []string{`"data":[]`}},
			{name: "derive credit", method: "POST", path: "/api/v1/invoices/{invoice}/derive", as: "A", body: map[string]any{"kind": "credit"}, status: 201, save: "{credit}",
				contains: []string{`"kind":"credit"`, `"origin_id":{invoice}`, `"gross_total":108000`}, activity: []string{"sales create credit"}},
			{name: "credit note under its collection", method: "GET", path: "/api/v1/credit-notes/{credit}", as: "A", status: 200,
				contains: []string{`"origin_number":"F-`}},
			{name: "issue credit", method: "POST", path: "/api/v1/credit-notes/{credit}/issue", as: "A", status: 200,
				contains: []string{`"number":"AV-`}, activity: []string{"sales issue credit"}},
			{name: "invoice cancelled by its credit note", method: "GET", path: "/api/v1/invoices/{invoice}", as: "A", status: 200,
				contains: []string{`"status":"cancelled"`, `"credited":108000`}},
			{name: "deposit from the quote", method: "POST", path: "/api/v1/quotes/{quote}/derive", as: "A", body: map[string]any{"kind": "deposit", "deposit": "30"}, status: 201, save: "{deposit}",
				contains: []string{`"kind":"deposit"`, `"gross_total":32400`}, activity: []string{"sales create deposit"}},
			{name: "deposits live with invoices", method: "GET", path: "/api/v1/invoices/{deposit}", as: "A", status: 200},
			{name: "deposit invoice created directly", method: "POST", path: "/api/v1/invoices", as: "A", body: quote(nil, "kind", `"deposit"`), status: 201,
				contains: []string{`"kind":"deposit"`}, activity: []string{"sales create deposit"}},
			{name: "delete draft", method: "DELETE", path: "/api/v1/invoices/{draft}", as: "A", status: 204, activity: []string{"sales delete invoice"}},
			{name: "deleted is gone", method: "GET", path: "/api/v1/invoices/{draft}", as: "A", status: 404},
			{name: "other account cannot read", method: "GET", path: "/api/v1/invoices/{invoice}", as: "B", status: 404, notContains: []string{"Durand"}},

			// Sales settings.
			{name: "settings", method: "GET", path: "/api/v1/sales-settings", as: "A", status: 200,
				contains: []string{`"payment_terms":"30"`, `"late_penalty_rate":"12.15"`, `"patterns":{}`}},
			{name: "settings saved", method: "PUT", path: "/api/v1/sales-settings", as: "A",
				body:   map[string]any{"payment_terms": "45_eom", "quote_days": 15, "patterns": map[string]any{"invoice": "FA{YY}-{000}"}, "late_penalty_rate": "13.5"},
				status: 200, contains: []string{`"payment_terms":"45_eom"`, `"quote_days":15`, `"late_penalty_rate":"13.5"`, `"layout":"classic"`},
				activity: []string{"account update sales_settings"}},
			{name: "unchanged settings log nothing", method: "PUT", path: "/api/v1/sales-settings", as: "A",
				body:   map[string]any{"payment_terms": "45_eom", "quote_days": 15, "patterns": map[string]any{"invoice": "FA{YY}-{000}"}, "late_penalty_rate": "13.5"},
				status: 200},
			{name: "settings validated", method: "PUT", path: "/api/v1/sales-settings", as: "A",
				body:   map[string]any{"payment_terms": "90", "accent": "red", "quote_days": 0, "dunning": []any{map[string]any{"days": 10, "channel": "fax", "tone": "firm"}}},
				status: 422, contains: []string{`"field":"payment_terms"`, `"field":"accent"`, `"field":"quote_days"`, `"field":"dunning.0.channel"`}},
			{name: "settings strict", method: "PUT", path: "/api/v1/sales-settings", as: "A", body: map[string]any{"next_number": 1}, status: 422,
				contains: []string{`"code":"unknown_field"`}},
			{name: "settings bad percent", method: "PUT", path: "/api/v1/sales-settings", as: "A", body: map[string]any{"late_penalty_rate": "abc"}, status: 422,
				contains: []string{`"field":"late_penalty_rate"`}},
			{name: "other account keeps its defaults", method: "GET", path: "/api/v1/sales-settings", as: "B", status: 200,
				contains: []string{`"payment_terms":"30"`}, notContains: []string{"45_eom"}},
			{name: "create under an idempotency key", method: "POST", path: "/api/v1/quotes", as: "A", body: quote(nil), header: []string{"Idempotency-Key", "q-1"},
				status: 201, save: "{idem}", activity: []string{"sales create quote"}},
			{name: "the same key replays", method: "POST", path: "/api/v1/quotes", as: "A", body: quote(nil), header: []string{"Idempotency-Key", "q-1"},
				status: 201, contains: []string{`"id":{idem},`}},
			{name: "new drafts take the settings", method: "POST", path: "/api/v1/orders", as: "A", body: quote(nil), status: 201,
				contains: []string{`"payment_terms":"45_eom"`}, activity: []string{"sales create order"}},
		}
		runScenarios(t, a, spec, A, B, scenarios)

		// Derive answers with the new draft's address; pages follow the cursor.
		var invoices struct {
			Data []struct {
				ID int64
			}
			NextCursor string `json:"next_cursor"`
		}
		a.api("GET", "/api/v1/invoices?limit=1", A.Token, nil).JSON(t, &invoices)
		if len(invoices.Data) != 1 || invoices.NextCursor == "" {
			t.Fatalf("first page: %+v", invoices)
		}
		dup := a.api("POST", "/api/v1/invoices/"+itoa(invoices.Data[0].ID)+"/derive", A.Token, map[string]any{"kind": "duplicate"})
		var made struct {
			ID   int64
			Kind string
		}
		dup.JSON(t, &made)
		if loc := dup.Header.Get("Location"); dup.Status != 201 || loc != "/api/v1/invoices/"+itoa(made.ID) {
			t.Fatalf("duplicate: %d, Location %q: %s", dup.Status, loc, dup.Body)
		}
		if r := a.api("GET", dup.Header.Get("Location"), A.Token, nil); r.Status != 200 {
			t.Errorf("GET Location: %d", r.Status)
		}
		seen := map[int64]bool{}
		for cursor, pages := "", 0; pages < 10; pages++ {
			invoices.Data, invoices.NextCursor = nil, ""
			a.api("GET", "/api/v1/invoices?limit=2&cursor="+cursor, A.Token, nil).JSON(t, &invoices)
			for _, d := range invoices.Data {
				if seen[d.ID] {
					t.Errorf("invoice %d on two pages", d.ID)
				}
				seen[d.ID] = true
			}
			if cursor = invoices.NextCursor; cursor == "" {
				break
			}
		}
		// The invoice, the two deposits and the duplicate; the deleted draft is gone.
		if len(seen) != 4 {
			t.Errorf("paging saw %d invoices, want 4", len(seen))
		}
	})
}

// idCaller calls the API in account token's name, fails the test unless
// the status is want, and returns the id of the record answered.
func idCaller(t *testing.T, a *app, token string) func(method, path string, body any, want int) int64 {
	return func(method, path string, body any, want int) int64 {
		t.Helper()
		r := a.api(method, path, token, body)
		if r.Status != want {
			t.Fatalf("%s %s = %d: %s", method, path, r.Status, r.Body)
		}
		var out struct{ ID int64 }
		r.JSON(t, &out)
		return out.ID
	}
}

// salesChain makes, in account token's name, one document of every
// collection along the flow, and returns their ids by collection.
func salesChain(t *testing.T, a *app, token string) map[string]int64 {
	t.Helper()
	call := idCaller(t, a, token)
	call("PATCH", "/api/v1/account", sellerIdentity, 200)
	client := call("POST", "/api/v1/contacts", businessClient, 201)
	quote := call("POST", "/api/v1/quotes", map[string]any{"contact_id": client, "title": "A's quote",
		"lines": []any{map[string]any{"description": "A's work", "quantity": "3", "unit_price": 10000, "vat_rate": "20"}}}, 201)
	call("POST", "/api/v1/quotes/"+itoa(quote)+"/issue", nil, 200)
	call("POST", "/api/v1/quotes/"+itoa(quote)+"/accept", nil, 200)
	order := call("POST", "/api/v1/quotes/"+itoa(quote)+"/derive", map[string]any{"kind": "order"}, 201)
	call("POST", "/api/v1/orders/"+itoa(order)+"/issue", nil, 200)
	delivery := call("POST", "/api/v1/orders/"+itoa(order)+"/derive", map[string]any{"kind": "delivery"}, 201)
	invoice := call("POST", "/api/v1/orders/"+itoa(order)+"/derive", map[string]any{"kind": "invoice"}, 201)
	call("POST", "/api/v1/invoices/"+itoa(invoice)+"/issue", nil, 200)
	credit := call("POST", "/api/v1/invoices/"+itoa(invoice)+"/derive", map[string]any{"kind": "credit"}, 201)
	return map[string]int64{"quotes": quote, "orders": order, "deliveries": delivery, "invoices": invoice, "credit-notes": credit}
}

// salesSnapshot is what account token sees of its sales, for the
// isolation proof's before-and-after comparison.
func salesSnapshot(a *app, token string, ids map[string]int64) string {
	var b strings.Builder
	for _, c := range []string{"quotes", "orders", "deliveries", "invoices", "credit-notes"} {
		b.WriteString(a.api("GET", "/api/v1/"+c, token, nil).Body)
		b.WriteString(a.api("GET", "/api/v1/"+c+"/"+itoa(ids[c]), token, nil).Body)
	}
	return b.String() + a.api("GET", "/api/v1/sales-settings", token, nil).Body
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
