package main

import (
	"net/url"
	"strings"
	"testing"

	"github.com/comptoir/comptoir/mail/mailtest"
	"github.com/comptoir/comptoir/storage/storagetest"
)

// TestPrivacyRequestsWalkthroughAPI handles an access request and an
// erasure request end to end through the API, as a business would: the
// client asks by e-mail for a copy of their data; the request is recorded,
// the client found by the lookup and linked; the copy is refused until the
// e-mailed code comes back; the ZIP holds their data, the summary and their
// invoice; the request is answered. Then they ask, in the shop, to be
// erased: identity checked by other means, the preview, the erasure, its
// report in JSON and PDF; the contact shows as erased and their invoice is
// kept, restricted. Every JSON answer is checked against the OpenAPI
// document, every write against the activity log.
func TestPrivacyRequestsWalkthroughAPI(t *testing.T) {
	for _, e := range storagetest.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			t.Parallel()
			smtp := mailtest.Start(t)
			a := startApp(t, e, "--smtp", smtp.URL())
			A := a.mustTenant("Alpha", "alpha@example.fr")
			B := a.mustTenant("Beta", "beta@example.fr")
			spec := openAPIValidator(t, a)
			client := salesSetup(t, a, A, "alice.durand@example.fr")
			invoice := newDocument(t, a, A, "invoices", client, "Conseil", true)
			var inv struct{ Number string }
			a.api("GET", "/api/v1/invoices/"+formatInt(invoice), A.Token, nil).JSON(t, &inv)
			c, inv2 := formatInt(client), inv.Number
			run := func(sc ...scenario) { t.Helper(); runScenarios(t, a, spec, A, B, sc) }

			var req struct{ ID int64 }
			created := a.api("POST", "/api/v1/privacy/requests", A.Token, map[string]any{"kind": "access", "requester_name": "Alice Durand",
				"requester_email": "Alice.Durand@example.fr", "channel": "email", "details": "Je veux une copie de mes données."})
			created.JSON(t, &req)
			if created.Status != 201 || req.ID == 0 || !strings.Contains(created.Body, `"due_on"`) {
				t.Fatalf("create: %d %s", created.Status, created.Body)
			}
			id := formatInt(req.ID)
			run(
				scenario{name: "request without a name", method: "POST", path: "/api/v1/privacy/requests", as: "A",
					body: map[string]any{"kind": "forget", "channel": "email"}, status: 422,
					contains: []string{`"field":"kind"`, `"field":"requester_name"`, `"field":"requester_email"`}},
				scenario{name: "list the open requests", method: "GET", path: "/api/v1/privacy/requests?open=true", as: "A", status: 200,
					contains: []string{`"id":` + id, `"status":"open"`}},
				scenario{name: "another account sees none", method: "GET", path: "/api/v1/privacy/requests/" + id, as: "B", status: 404},
				scenario{name: "lookup by e-mail", method: "GET", path: "/api/v1/privacy/lookup?q=alice.durand@example.fr", as: "A", status: 200,
					contains: []string{`"contact_id":` + c, `"label":"` + inv2 + `"`}},
				scenario{name: "lookup too short", method: "GET", path: "/api/v1/privacy/lookup?q=al", as: "A", status: 422, contains: []string{`"field":"q"`}},
				scenario{name: "link the client", method: "PATCH", path: "/api/v1/privacy/requests/" + id, as: "A",
					body: map[string]any{"link_contact_ids": []int64{client}}, status: 200, contains: []string{`"contact_ids":[` + c + `]`},
					activity: []string{"privacy update privacy_request"}},
				scenario{name: "no copy before the identity check", method: "GET", path: "/api/v1/privacy/requests/" + id + "/export", as: "A", status: 409},
				scenario{name: "send the code", method: "POST", path: "/api/v1/privacy/requests/" + id + "/code", as: "A", status: 200,
					contains: []string{`"codes_sent":1`}, activity: []string{"privacy update privacy_request"}},
			)
			if r := a.get(A.Browser, "/privacy/requests/"+id+"/export"); r.Status != 409 || r.Header.Get("Content-Disposition") != "" {
				t.Errorf("the page's download before the identity check: %d %q", r.Status, r.Header.Get("Content-Disposition"))
			}
			code := eightDigits.FindString(smtp.WaitFor(t, "alice.durand@example.fr").Subject)
			if code == "" {
				t.Fatal("no code e-mailed")
			}
			run(
				scenario{name: "wrong code", method: "POST", path: "/api/v1/privacy/requests/" + id + "/verify", as: "A",
					body: map[string]any{"code": "0000000"}, status: 422, contains: []string{`"field":"code"`}},
				scenario{name: "right code", method: "POST", path: "/api/v1/privacy/requests/" + id + "/verify", as: "A",
					body: map[string]any{"code": code}, status: 200, contains: []string{`"verified_by":"email_code"`},
					activity: []string{"privacy update privacy_request"}},
			)
			export := a.api("GET", "/api/v1/privacy/requests/"+id+"/export", A.Token, nil)
			if export.Status != 200 || export.Header.Get("Content-Type") != "application/zip" {
				t.Fatalf("export: %d %s %.200s", export.Status, export.Header.Get("Content-Type"), export.Body)
			}
			files := unzipText(t, export.Body)
			if !strings.Contains(files["data.json"], `"email": "alice.durand@example.fr"`) || files["summary.pdf"] == "" || files["documents/"+inv2+".pdf"] == "" {
				t.Errorf("export holds %v", keys(files))
			}
			run(scenario{name: "answer", method: "PATCH", path: "/api/v1/privacy/requests/" + id, as: "A",
				body: map[string]any{"status": "answered", "answer": "Copie envoyée par e-mail."}, status: 200, contains: []string{`"status":"answered"`},
				activity: []string{"privacy update privacy_request"}})

			// The erasure, asked in the shop.
			var er struct{ ID int64 }
			a.api("POST", "/api/v1/privacy/requests", A.Token, map[string]any{"kind": "erasure", "requester_name": "Alice Durand", "channel": "in_person"}).JSON(t, &er)
			eid := formatInt(er.ID)
			run(
				scenario{name: "link for erasure", method: "PATCH", path: "/api/v1/privacy/requests/" + eid, as: "A",
					body: map[string]any{"link_contact_ids": []int64{client}}, status: 200, activity: []string{"privacy update privacy_request"}},
				scenario{name: "no erasure before the identity check", method: "POST", path: "/api/v1/privacy/requests/" + eid + "/erase", as: "A", status: 409},
				scenario{name: "identity checked in person", method: "POST", path: "/api/v1/privacy/requests/" + eid + "/verify", as: "A",
					body: map[string]any{"note": "carte d'identité présentée"}, status: 200, contains: []string{`"verified_by":"other"`},
					activity: []string{"privacy update privacy_request"}},
				scenario{name: "preview", method: "GET", path: "/api/v1/privacy/requests/" + eid + "/erasure-preview", as: "A", status: 200,
					contains: []string{`"record":"` + inv2 + `","count":1,"outcome":"kept"`}},
				scenario{name: "erase", method: "POST", path: "/api/v1/privacy/requests/" + eid + "/erase", as: "A", status: 200,
					contains: []string{`"outcome":"kept"`, `"outcome":"anonymised"`},
					activity: []string{"privacy update privacy_request", "privacy erase erasure"}},
				scenario{name: "report", method: "GET", path: "/api/v1/privacy/requests/" + eid + "/report", as: "A", status: 200,
					contains: []string{`"until":"`}},
				scenario{name: "another account cannot erase", method: "POST", path: "/api/v1/privacy/requests/" + eid + "/erase", as: "B", status: 404},
				scenario{name: "the contact shows as erased", method: "GET", path: "/api/v1/contacts/" + c, as: "A", status: 200,
					contains: []string{`"erased_at"`}, notContains: []string{"Durand", "alice.durand"}},
			)
			pdf := a.api("GET", "/api/v1/privacy/requests/"+eid+"/report?format=pdf", A.Token, nil)
			if pdf.Status != 200 || !strings.HasPrefix(pdf.Body, "%PDF-") {
				t.Errorf("report PDF: %d %.100s", pdf.Status, pdf.Body)
			}
			// The UI shows the request's report and the contact as erased.
			page := doc(t, a.get(A.Browser, "/privacy/requests/"+eid))
			if page.Find("#report tbody tr").Length() < 3 || page.Find(`#contacts [data-linked] .badge`).Length() != 1 {
				t.Errorf("request page: %s", page.Find("main").Text())
			}
			if doc(t, a.get(A.Browser, "/contacts/"+c)).Find("#erased").Length() != 1 {
				t.Error("the contact's page does not say the person was erased")
			}
			if doc(t, a.get(A.Browser, "/sales/documents/"+formatInt(invoice))).Find("#restricted").Length() != 1 {
				t.Error("the kept invoice's page does not say it is restricted")
			}
			if r := a.post(A.Browser, "/privacy/requests/"+eid+"/answer", url.Values{"status": {"answered"}, "answer": {"Effacement fait."}}); r.Status != 303 {
				t.Errorf("answer in the UI: %d", r.Status)
			}
		})
	}
}

func unzipText(t *testing.T, body string) map[string]string {
	t.Helper()
	out := map[string]string{}
	for name, b := range unzip(t, []byte(body)) {
		out[name] = string(b)
	}
	return out
}

func keys(m map[string]string) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}
