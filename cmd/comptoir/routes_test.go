package main

import (
	"encoding/json"
	"io"
	"log/slog"
	"maps"
	"net/url"
	"sort"
	"strings"
	"testing"

	"github.com/pb33f/libopenapi"
	validator "github.com/pb33f/libopenapi-validator"

	"github.com/comptoir/comptoir/service"
	"github.com/comptoir/comptoir/storage/storagetest"
	"github.com/comptoir/comptoir/web"
)

// routeTable returns the patterns of the real router.
func routeTable(t *testing.T) []string {
	t.Helper()
	db := storagetest.Open(t, storagetest.Engines()[0])
	srv, err := web.New(web.Options{Service: service.New(db, slog.New(slog.NewTextHandler(io.Discard, nil)))})
	if err != nil {
		t.Fatal(err)
	}
	return srv.Routes()
}

// TestOpenAPIDocument checks that /api/v1/openapi.json is valid OpenAPI 3.1
// and describes exactly the API routes of the router, no more, no less.
func TestOpenAPIDocument(t *testing.T) {
	a := startApp(t, storagetest.Engines()[0])
	resp := a.api("GET", "/api/v1/openapi.json", "", nil)
	if resp.Status != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
		t.Fatalf("openapi.json: %d %s", resp.Status, resp.Header.Get("Content-Type"))
	}
	doc, err := libopenapi.NewDocument([]byte(resp.Body))
	if err != nil {
		t.Fatal(err)
	}
	if v := doc.GetVersion(); v != "3.1.0" {
		t.Errorf("OpenAPI version %s, want 3.1.0", v)
	}
	v, errList := validator.NewValidator(doc)
	if len(errList) > 0 {
		t.Fatal(errList)
	}
	if ok, problems := v.ValidateDocument(); !ok {
		for _, p := range problems {
			t.Errorf("invalid OpenAPI document: %s: %s", p.Message, p.Reason)
		}
	}

	var spec struct {
		Paths map[string]map[string]json.RawMessage
	}
	if err := json.Unmarshal([]byte(resp.Body), &spec); err != nil {
		t.Fatal(err)
	}
	var documented []string
	for path, ops := range spec.Paths {
		for method := range ops {
			if method != "parameters" {
				documented = append(documented, strings.ToUpper(method)+" /api/v1"+path)
			}
		}
	}
	var routed []string
	for _, p := range routeTable(t) {
		method, path, ok := strings.Cut(p, " ")
		if ok && strings.HasPrefix(path, "/api/v1/") && path != "/api/v1/openapi.json" {
			routed = append(routed, method+" "+path)
		}
	}
	sort.Strings(documented)
	sort.Strings(routed)
	if strings.Join(documented, "\n") != strings.Join(routed, "\n") {
		t.Errorf("OpenAPI paths and routes differ.\ndocumented:\n%s\nrouted:\n%s", strings.Join(documented, "\n"), strings.Join(routed, "\n"))
	}
}

// apiBodies are valid bodies for each collection's writes, so that a
// not-found answer cannot hide behind a validation error.
var apiBodies = map[string]any{
	"bank-accounts": map[string]any{"label": "stolen"},
	"users":         map[string]any{"role": "sales"},
	"contacts":      map[string]any{"last_name": "stolen"},
	"conversations": map[string]any{"done": true},
	"cases":         map[string]any{"status": "closed"},
	"addresses":     map[string]any{"city": "stolen"},
	"products":      map[string]any{"name": "stolen", "active": false},
	// Sales documents.
	"quotes":       map[string]any{"title": "stolen"},
	"orders":       map[string]any{"title": "stolen"},
	"deliveries":   map[string]any{"title": "stolen"},
	"invoices":     map[string]any{"title": "stolen"},
	"credit-notes": map[string]any{"title": "stolen"},
	// Purchase documents.
	"supplier-quotes": map[string]any{"title": "stolen"},
	"purchase-orders": map[string]any{"title": "stolen"},
	"receipts":        map[string]any{"title": "stolen"},
	"bills":           map[string]any{"title": "stolen"},
	"breaches":        map[string]any{"nature": "stolen"},
	// Data subjects' requests.
	"requests": map[string]any{"requester_name": "stolen", "link_contact_ids": []int64{1}},
}

// TestTenantIsolation is the isolation proof: account A creates one of
// everything, then account B calls every route of the router that takes an
// id, with A's ids, through the API and the UI. Every call must answer not
// found and change nothing.
func TestTenantIsolation(t *testing.T) {
	eachEngineWithFiles(t, func(t *testing.T, a *app) {
		A := a.mustTenant("Alpha", "alpha@example.fr")
		B := a.mustTenant("Beta", "beta@example.fr")
		created := a.api("POST", "/api/v1/bank-accounts", A.Token, map[string]any{"label": "A's", "iban": "FR7630006000011234567890189"})
		if created.Status != 201 {
			t.Fatalf("create: %d %s", created.Status, created.Body)
		}
		var bank struct{ ID int64 }
		created.JSON(t, &bank)
		inv := a.api("POST", "/api/v1/invitations", A.Token, map[string]any{"email": "new@example.fr", "role": "sales"})
		var invitation struct{ ID int64 }
		inv.JSON(t, &invitation)
		if r := a.post(A.Browser, "/users/roles", url.Values{"name": {"A's role"}, "grant.contacts.view": {"1"}}); r.Status != 303 {
			t.Fatalf("role: %d", r.Status)
		}
		roleHref, _ := doc(t, a.get(A.Browser, "/users/roles")).Find(`main a[href^="/users/roles/"]`).Attr("href")
		var members struct {
			Data []struct {
				UserID int64 `json:"user_id"`
			}
		}
		a.api("GET", "/api/v1/users", A.Token, nil).JSON(t, &members)
		if invitation.ID == 0 || roleHref == "" || len(members.Data) != 1 {
			t.Fatalf("setup: invitation %d, role %q, members %v", invitation.ID, roleHref, members)
		}
		ownerA := members.Data[0].UserID
		var contact struct{ ID int64 }
		a.api("POST", "/api/v1/contacts", A.Token, map[string]any{"last_name": "A's contact"}).JSON(t, &contact)
		var conversation struct{ ID int64 }
		a.api("POST", "/api/v1/contacts/"+formatInt(contact.ID)+"/conversations", A.Token,
			map[string]any{"kind": "task", "subject": "A's task"}).JSON(t, &conversation)
		var supportCase struct{ ID int64 }
		a.api("POST", "/api/v1/contacts/"+formatInt(contact.ID)+"/cases", A.Token, map[string]any{"subject": "A's case"}).JSON(t, &supportCase)
		var address struct{ ID int64 }
		a.api("POST", "/api/v1/contacts/"+formatInt(contact.ID)+"/addresses", A.Token,
			map[string]any{"kind": "billing", "label": "A's billing", "city": "Pau"}).JSON(t, &address)
		var view struct{ ID int64 }
		a.api("POST", "/api/v1/contact-views", A.Token, map[string]any{"name": "A's view", "query": "q=x"}).JSON(t, &view)
		if view.ID == 0 {
			t.Fatal("A's view not saved")
		}
		var product struct{ ID int64 }
		a.api("POST", "/api/v1/products", A.Token, map[string]any{"reference": "A-01", "name": "A's product", "price": 1250}).JSON(t, &product)
		if product.ID == 0 {
			t.Fatal("A's product not saved")
		}
		// A's supplier of that product: a path's second id ({contact},
		// {contact_id}) names it.
		var supplier struct{ ID int64 }
		a.api("POST", "/api/v1/contacts", A.Token, map[string]any{"kind": "company", "company_name": "A's supplier", "is_supplier": true}).JSON(t, &supplier)
		if r := a.api("PUT", "/api/v1/products/"+formatInt(product.ID)+"/suppliers/"+formatInt(supplier.ID), A.Token,
			map[string]any{"reference": "A's ref", "price": 900}); r.Status != 200 {
			t.Fatalf("A's product supplier: %d %s", r.Status, r.Body)
		}
		// A's sales document, written through the editor.
		saved := a.post(A.Browser, "/sales/quotes", url.Values{"contact_id": {formatInt(contact.ID)}, "title": {"A's quote"}, "locale": {"fr"},
			"payment_terms": {"30"}, "exemption": {""}, "operation": {"services"}, "lines.0.kind": {"item"}, "lines.0.description": {"A's line"},
			"lines.0.quantity": {"1"}, "lines.0.unit": {"piece"}, "lines.0.unit_price": {"10"}, "lines.0.vat_rate": {"20"}})
		document := atoi(strings.TrimPrefix(strings.TrimSuffix(saved.Header.Get("Location"), "?notice=saved"), "/sales/documents/"))
		if document == 0 {
			t.Fatalf("A's document: %d %.300s", saved.Status, saved.Body)
		}
		// A's issued invoice, partly paid: the payment's id.
		invoice := newDocument(t, a, A, "invoices", salesSetup(t, a, A, "a-client@example.fr"), "A's invoice", true)
		if r := a.post(A.Browser, "/sales/documents/"+formatInt(invoice)+"/payments", url.Values{"date": {"2026-01-15"}, "amount": {"10"}, "method": {"cheque"}}); r.Status != 303 {
			t.Fatalf("A's payment: %d %.300s", r.Status, r.Body)
		}
		paymentAction, _ := doc(t, a.get(A.Browser, "/sales/documents/"+formatInt(invoice))).Find(`#payment-list form[action$="/delete"]`).Attr("action")
		payment := atoi(strings.TrimSuffix(strings.TrimPrefix(paymentAction, "/sales/payments/"), "/delete"))
		if payment == 0 {
			t.Fatal("A's payment not found")
		}
		tokenAction, _ := doc(t, a.get(A.Browser, "/me")).Find(`#tokens form[action$="/revoke"]`).First().Attr("action")
		tokenA := atoi(strings.TrimSuffix(strings.TrimPrefix(tokenAction, "/me/tokens/"), "/revoke"))
		if tokenA == 0 {
			t.Fatal("A's token not found")
		}
		a.post(A.Browser, "/users/support", url.Values{"role": {"accountant"}, "hours": {"4"}})
		grantAction, _ := doc(t, a.get(A.Browser, "/users")).Find(`form[action^="/users/support/"]`).Attr("action")
		grantA := atoi(strings.TrimSuffix(strings.TrimPrefix(grantAction, "/users/support/"), "/revoke"))
		if grantA == 0 {
			t.Fatal("A's support grant not found")
		}
		// ids maps the collection before each {id} to A's record in it. A
		// route with an {id} missing here fails the test: new modules must
		// add their records to the proof.
		registerVersion := registerVersionOf(t, a, A.Token)
		ids := map[string]int64{"versions": registerVersion, "history": registerVersion, "bank-accounts": bank.ID, "invitations": invitation.ID, "members": ownerA, "users": ownerA, "tokens": tokenA, "contacts": contact.ID, "conversations": conversation.ID, "cases": supportCase.ID, "support": supportCase.ID, "support-grants": grantA,
			"roles": atoi(strings.TrimPrefix(roleHref, "/users/roles/")), "addresses": address.ID, "views": view.ID, "contact-views": view.ID, "products": product.ID,
			"documents": document, "payments": payment}
		sales := salesChain(t, a, A.Token)
		maps.Copy(ids, sales)
		// A's purchase documents, and a file attached to the bill: a
		// path's {file} names it.
		purchases := purchaseChain(t, a, A.Token)
		for _, c := range []string{"supplier-quotes", "purchase-orders", "receipts", "bills"} {
			ids[c] = purchases[c]
		}
		var breach struct{ ID int64 }
		a.api("POST", "/api/v1/privacy/breaches", A.Token, map[string]any{"discovered_at": "2026-01-10T08:00:00Z", "nature": "A's breach"}).JSON(t, &breach)
		if breach.ID == 0 {
			t.Fatal("A's breach not recorded")
		}
		ids["breaches"] = breach.ID
		// A's data subject's request, linked to A's contact.
		var request struct{ ID int64 }
		a.api("POST", "/api/v1/privacy/requests", A.Token, map[string]any{"kind": "erasure", "requester_name": "A's requester",
			"requester_email": "a-requester@example.fr"}).JSON(t, &request)
		if r := a.api("PATCH", "/api/v1/privacy/requests/"+formatInt(request.ID), A.Token, map[string]any{"link_contact_ids": []int64{contact.ID}}); r.Status != 200 {
			t.Fatalf("A's request: %d %s", r.Status, r.Body)
		}
		ids["requests"] = request.ID
		snapshot := func() string {
			return a.api("GET", "/api/v1/privacy/breaches", A.Token, nil).Body + a.api("GET", "/api/v1/bank-accounts", A.Token, nil).Body + a.api("GET", "/api/v1/activity?limit=200", A.Token, nil).Body +
				a.api("GET", "/api/v1/users", A.Token, nil).Body + doc(t, a.get(A.Browser, "/users/roles/"+formatInt(ids["roles"]))).Find("main").Text() +
				doc(t, a.get(A.Browser, "/users")).Find("#support").Text() + a.api("GET", "/api/v1/contacts", A.Token, nil).Body +
				a.api("GET", "/api/v1/contacts/"+formatInt(contact.ID)+"/conversations", A.Token, nil).Body +
				a.api("GET", "/api/v1/cases?all=true", A.Token, nil).Body +
				a.api("GET", "/api/v1/contacts/"+formatInt(contact.ID)+"/addresses", A.Token, nil).Body +
				a.api("GET", "/api/v1/contact-views", A.Token, nil).Body + a.api("GET", "/api/v1/products", A.Token, nil).Body +
				a.api("GET", "/api/v1/products/"+formatInt(product.ID)+"/suppliers", A.Token, nil).Body +
				doc(t, a.get(A.Browser, "/sales/documents/"+formatInt(document))).Find("main").Text() +
				salesSnapshot(a, A.Token, sales) + purchaseSnapshot(a, A.Token, purchases) +
				doc(t, a.get(A.Browser, "/sales/documents/"+formatInt(invoice))).Find("main").Text() +
				doc(t, a.get(A.Browser, "/contacts/"+formatInt(contact.ID))).Find("main").Text() +
				a.api("GET", "/api/v1/privacy/requests/"+formatInt(request.ID), A.Token, nil).Body
		}
		before := snapshot()
		tested := 0
		for _, pattern := range routeTable(t) {
			method, path, ok := strings.Cut(pattern, " ")
			if !ok || !strings.Contains(path, "{id}") {
				continue
			}
			segments := strings.Split(path, "/")
			var collection string
			for i, s := range segments {
				if s == "{id}" {
					collection = segments[i-1]
					if collection == "support" && segments[i-2] == "users" {
						collection = "support-grants" // /users/support/{id}: a support grant, not a case
					}
				}
			}
			id, ok := ids[collection]
			if !ok {
				t.Errorf("route %s takes an id of %q but the isolation proof has no record of that kind", pattern, collection)
				continue
			}
			target := strings.Replace(path, "{id}", formatInt(id), 1)
			target = strings.NewReplacer("{contact}", formatInt(supplier.ID), "{contact_id}", formatInt(supplier.ID),
				"{file}", formatInt(purchases["file"])).Replace(target)
			var r response
			if method == "POST" && strings.HasPrefix(path, "/api/") && strings.HasSuffix(path, "/files") {
				// An upload is multipart: a valid file, which A's document
				// would take if B could reach it.
				r = a.upload(target, B.Token, "file", "stolen.pdf", []byte("%PDF-1.4\nstolen\n%%EOF\n"))
			} else if strings.HasPrefix(path, "/api/") {
				body := apiBodies[collection]
				switch {
				case strings.HasSuffix(path, "/conversations"):
					body = map[string]any{"kind": "note", "subject": "stolen"}
				case strings.HasSuffix(path, "/cases"):
					body = map[string]any{"subject": "stolen"}
				case strings.HasSuffix(path, "/addresses"):
					body = map[string]any{"kind": "other", "city": "stolen"}
				case strings.HasSuffix(path, "/invitation"):
					body = map[string]any{"message": "stolen"}
				case strings.HasSuffix(path, "/merge"):
					body = map[string]any{"duplicate_id": id}
				case strings.HasSuffix(path, "/derive"):
					body = map[string]any{"kind": "duplicate"}
				case strings.HasSuffix(path, "/send"):
					body = map[string]any{"to": "stolen@example.org", "subject": "stolen", "body": "stolen"}
				case strings.HasSuffix(path, "/reminders"):
					body = map[string]any{"level": 1}
				case strings.HasSuffix(path, "/dunning"):
					body = map[string]any{"paused": true}
				case strings.HasSuffix(path, "/suppliers/{contact_id}"):
					body = map[string]any{"reference": "stolen", "price": 1}
				case strings.HasSuffix(path, "/confirm"):
					body = map[string]any{"supplier_number": "stolen"}
				case strings.HasSuffix(path, "/verify"):
					body = map[string]any{"note": "stolen"}
				case strings.HasSuffix(path, "/extend"):
					body = map[string]any{"reason": "stolen"}
				}
				r = a.api(method, target, B.Token, body)
			} else if method == "GET" {
				r = a.get(B.Browser, target)
			} else {
				r = a.post(B.Browser, target, url.Values{"label": {"stolen"}, "name": {"stolen"}, "role": {"sales"}, "kind": {"other"}, "city": {"stolen"},
					"iban": {"FR7630006000011234567890189"}, "grant.contacts.view": {"1"},
					"reference": {"stolen"}, "price": {"1"}, "vat_rate": {"20"}, "unit": {"piece"}, "active": {"0"}, "contact_id": {formatInt(supplier.ID)}})
			}
			if r.Status != 404 {
				t.Errorf("B: %s %s = %d, want 404: %.200s", method, target, r.Status, r.Body)
			}
			if strings.Contains(r.Body, "A's") {
				t.Errorf("B: %s %s shows A's data", method, target)
			}
			tested++
		}
		if tested == 0 {
			t.Error("no route with an id was found in the router")
		}
		if r := a.api("GET", "/api/v1/account", A.Token, nil); r.Status != 200 {
			t.Errorf("A's token was revoked by B: %d", r.Status)
		}
		if after := snapshot(); after != before {
			t.Errorf("A's data changed during B's calls:\nbefore %s\nafter  %s", before, after)
		}
	})
}
