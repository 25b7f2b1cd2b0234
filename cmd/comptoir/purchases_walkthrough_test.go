package main

import (
	"bytes"
	"mime"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/comptoir/comptoir/mail/mailtest"
	"github.com/comptoir/comptoir/pdf/pdftest"
	"github.com/comptoir/comptoir/service"
	"github.com/comptoir/comptoir/storage/storagetest"
)

// startAppWithFiles is startApp with a directory of the test's own for
// attached files: on PostgreSQL the files would otherwise land in the
// default data directory, under the working directory.
func startAppWithFiles(t *testing.T, e storagetest.Engine, extra ...string) *app {
	t.Helper()
	return startApp(t, e, append([]string{"--data", t.TempDir()}, extra...)...)
}

// eachEngineWithFiles is eachEngine on apps that keep attached files in a
// directory of the test's own.
func eachEngineWithFiles(t *testing.T, fn func(t *testing.T, a *app)) {
	for _, e := range storagetest.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			t.Parallel()
			fn(t, startAppWithFiles(t, e))
		})
	}
}

// upload posts content as the multipart/form-data field field, under the
// file name name, as a client of the API would.
func (a *app) upload(path, token, field, name string, content []byte) response {
	a.t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", mime.FormatMediaType("form-data", map[string]string{"name": field, "filename": name}))
	h.Set("Content-Type", "application/octet-stream")
	w, err := mw.CreatePart(h)
	if err != nil {
		a.t.Fatal(err)
	}
	_, _ = w.Write(content)
	if err := mw.Close(); err != nil {
		a.t.Fatal(err)
	}
	req, err := http.NewRequest(http.MethodPost, a.URL+path, &buf)
	if err != nil {
		a.t.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+token)
	return a.do(http.DefaultClient, req)
}

// moulins is a supplier with an e-mail address, an address and bank details.
var moulins = map[string]any{"kind": "company", "company_name": "Moulins Réunis", "is_supplier": true,
	"email": "commandes@moulins.example", "iban": "FR7630006000011234567890189",
	"address": map[string]any{"line1": "Route du Moulin", "postal_code": "26000", "city": "Valence", "country": "FR"}}

// purchaseDoc is a purchase document as the API answers it.
type purchaseDoc struct {
	ID             int64
	Kind           string
	Number         string
	Status         string
	SupplierNumber string `json:"supplier_number"`
	IssueDate      string `json:"issue_date"`
	DueDate        string `json:"due_date"`
	GrossTotal     int64  `json:"gross_total"`
	Lines          []map[string]any
	Match          *struct {
		OK    bool
		Flags []string
		Lines []struct {
			Ordered, Received, Billed string
			ThisBill                  string `json:"this_bill"`
			Flags                     []string
		}
	}
}

// TestPurchasesWalkthroughAPI is a purchase made through the API, on both
// engines: a supplier, a purchase order of two lines e-mailed with its
// PDF, confirmed, received in two parts, billed from what was received
// with the supplier's PDF attached and checked against the order, paid in
// two instalments; then the bills to pay, the supplier's timeline and
// statement, and the activity log tell the story. Every JSON response is
// checked against openapi.json.
func TestPurchasesWalkthroughAPI(t *testing.T) {
	for _, e := range storagetest.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			t.Parallel()
			smtp := mailtest.Start(t)
			a := startAppWithFiles(t, e, "--smtp", smtp.URL())
			A := a.mustTenant("Boulangerie Martin", "owner@martin.example")
			spec := openAPIValidator(t, a)
			check := func(method, path string, r response, status int) {
				t.Helper()
				if r.Status != status {
					t.Fatalf("%s %s = %d, want %d: %.500s", method, path, r.Status, status, r.Body)
				}
				checkResponseMatchesSpec(t, spec, scenario{name: method + " " + path, method: method, path: path}, a.URL+path, r)
			}
			call := func(method, path string, body any, status int, out any) response {
				t.Helper()
				r := a.api(method, path, A.Token, body)
				check(method, path, r, status)
				if out != nil {
					r.JSON(t, out)
				}
				return r
			}
			upload := func(path, name string, content []byte, status int) response {
				t.Helper()
				r := a.upload(path, A.Token, "file", name, content)
				check("POST", path, r, status)
				return r
			}
			fieldError := func(r response, field, code string) {
				t.Helper()
				var e struct {
					Error struct {
						Fields []struct{ Field, Code string }
					}
				}
				r.JSON(t, &e)
				for _, f := range e.Error.Fields {
					if f.Field == field && f.Code == code {
						return
					}
				}
				t.Errorf("want field error %s %s: %s", field, code, r.Body)
			}
			today := time.Now().UTC().Format(time.DateOnly)
			yesterday := time.Now().UTC().AddDate(0, 0, -1).Format(time.DateOnly)

			call("PATCH", "/api/v1/account", sellerIdentity, 200, nil)
			var supplier struct{ ID int64 }
			call("POST", "/api/v1/contacts", moulins, 201, &supplier)
			sup := itoa(supplier.ID)

			// The purchase order, e-mailed from its draft: sending issues it.
			var po purchaseDoc
			call("POST", "/api/v1/purchase-orders", map[string]any{"contact_id": supplier.ID, "title": "Farines de printemps",
				"delivery_date": time.Now().UTC().AddDate(0, 0, 7).Format(time.DateOnly), "lines": []map[string]any{
					{"description": "Farine T65", "quantity": "100", "unit": "kg", "unit_price": 120, "vat_rate": "5.5"},
					{"description": "Sucre", "quantity": "50", "unit": "kg", "unit_price": 200, "vat_rate": "5.5"},
				}}, 201, &po)
			if po.Kind != "purchase_order" || po.Status != "draft" || len(po.Lines) != 2 {
				t.Fatalf("purchase order draft: %+v", po)
			}
			poPath := "/api/v1/purchase-orders/" + itoa(po.ID)
			var proposal service.SendInput
			call("GET", poPath+"/mail", nil, 200, &proposal)
			if proposal.To != "commandes@moulins.example" || !strings.Contains(proposal.Subject, "{number}") {
				t.Fatalf("proposed mail: %+v", proposal)
			}
			var sent struct {
				MailSent bool `json:"mail_sent"`
			}
			call("POST", poPath+"/send", proposal, 200, &sent)
			call("GET", poPath, nil, 200, &po)
			if !sent.MailSent || po.Status != "sent" || !strings.HasPrefix(po.Number, "CF-") {
				t.Fatalf("sent purchase order: %v %s %q", sent.MailSent, po.Status, po.Number)
			}
			m := smtp.WaitFor(t, "commandes@moulins.example")
			if !strings.Contains(m.Subject, po.Number) || strings.Contains(m.Subject+m.Text, "{number}") {
				t.Errorf("purchase order e-mail: %q\n%s", m.Subject, m.Text)
			}
			var attached []byte
			for _, p := range m.Parts {
				if strings.HasPrefix(p.ContentType, "application/pdf") {
					attached = p.Body
				}
			}
			if attached == nil {
				t.Fatalf("purchase order e-mail %q without its PDF", m.Subject)
			}
			text := pdftest.Text(t, attached)
			for _, want := range []string{"BON DE COMMANDE", po.Number, "Moulins Réunis"} {
				if !strings.Contains(text, want) {
					t.Errorf("the purchase order's PDF lacks %q: %s", want, text)
				}
			}
			if r := call("GET", poPath+"/pdf", nil, 200, nil); !strings.HasPrefix(r.Body, "%PDF-") {
				t.Errorf("purchase order PDF: %.20q", r.Body)
			}
			call("POST", poPath+"/confirm", map[string]any{"supplier_number": "AR-7781"}, 200, &po)
			if po.Status != "confirmed" || po.SupplierNumber != "AR-7781" {
				t.Fatalf("confirmed: %s %q", po.Status, po.SupplierNumber)
			}
			call("POST", poPath+"/confirm", nil, 409, nil)

			// Received in two parts: 60 kg of flour, then the rest.
			var r1, r2 purchaseDoc
			call("POST", poPath+"/derive", map[string]any{"kind": "receipt"}, 201, &r1)
			if r1.Kind != "receipt" || len(r1.Lines) != 2 {
				t.Fatalf("first receipt: %+v", r1)
			}
			call("PATCH", "/api/v1/receipts/"+itoa(r1.ID), map[string]any{"lines": []map[string]any{
				{"description": r1.Lines[0]["description"], "quantity": "60", "unit": "kg", "origin_line_id": r1.Lines[0]["origin_line_id"]}}}, 200, nil)
			call("POST", "/api/v1/receipts/"+itoa(r1.ID)+"/issue", nil, 200, &r1)
			call("GET", poPath, nil, 200, &po)
			if po.Status != "partially_received" || po.Match == nil || po.Match.Lines[0].Received != "60" {
				t.Fatalf("after the first receipt: %s %+v", po.Status, po.Match)
			}
			call("POST", poPath+"/derive", map[string]any{"kind": "receipt"}, 201, &r2)
			if len(r2.Lines) != 2 || r2.Lines[0]["quantity"] != "40" || r2.Lines[1]["quantity"] != "50" {
				t.Fatalf("the second receipt does not take what remains: %+v", r2.Lines)
			}
			call("POST", "/api/v1/receipts/"+itoa(r2.ID)+"/issue", nil, 200, &r2)
			call("GET", poPath, nil, 200, &po)
			if po.Status != "received" {
				t.Fatalf("after the second receipt: %s", po.Status)
			}
			var received struct{ Data []purchaseDoc }
			call("GET", "/api/v1/purchase-orders?status=received", nil, 200, &received)
			if len(received.Data) != 1 || received.Data[0].ID != po.ID {
				t.Errorf("received purchase orders: %+v", received.Data)
			}

			// The supplier's bill, from what was received; the sugar a cent
			// dearer than ordered.
			var bill purchaseDoc
			call("POST", poPath+"/derive", map[string]any{"kind": "bill", "received": true}, 201, &bill)
			billPath := "/api/v1/bills/" + itoa(bill.ID)
			bill.Lines[1]["unit_price"] = 201
			call("PATCH", billPath, map[string]any{"supplier_number": "FAC-2026-118", "issue_date": yesterday, "lines": bill.Lines}, 200, &bill)
			if bill.SupplierNumber != "FAC-2026-118" || bill.IssueDate != yesterday {
				t.Fatalf("bill recorded as %q %q", bill.SupplierNumber, bill.IssueDate)
			}
			original := []byte(a.api("GET", poPath+"/pdf", A.Token, nil).Body) // a real PDF stands for the supplier's
			var att struct {
				ID        int64
				Name      string
				MediaType string `json:"media_type"`
				Size      int64
			}
			r := upload(billPath+"/files", "../scans/Facture FAC-2026-118 été.pdf", original, 201)
			r.JSON(t, &att)
			if att.Name != "Facture FAC-2026-118 été.pdf" || att.MediaType != "application/pdf" || att.Size != int64(len(original)) {
				t.Fatalf("attachment %+v", att)
			}
			if loc := r.Header.Get("Location"); loc != billPath+"/files/"+itoa(att.ID) {
				t.Errorf("attachment Location %q", loc)
			}
			var v purchaseDoc
			call("GET", billPath, nil, 200, &v)
			if v.Match == nil || v.Match.OK || len(v.Match.Lines) != 2 || v.Match.Lines[0].Received != "100" || v.Match.Lines[0].ThisBill != "100" ||
				len(v.Match.Lines[0].Flags) != 0 || !slices.Equal(v.Match.Lines[1].Flags, []string{"price_differs"}) {
				t.Fatalf("match %+v", v.Match)
			}
			var toPay struct {
				Total int64
				Bills []struct {
					ID      int64
					Balance int64
					IBAN    string
				}
			}
			call("GET", "/api/v1/purchases/to-pay", nil, 200, &toPay)
			if len(toPay.Bills) != 0 {
				t.Errorf("a draft bill to pay: %+v", toPay)
			}
			call("POST", billPath+"/issue", nil, 200, &bill)
			if bill.Status != "issued" || !strings.HasPrefix(bill.Number, "FF-") || bill.IssueDate != yesterday || bill.DueDate <= yesterday {
				t.Fatalf("recorded bill: %s %s %s %s", bill.Status, bill.Number, bill.IssueDate, bill.DueDate)
			}

			// The original comes back byte for byte, as a download no
			// browser runs.
			r = call("GET", billPath+"/files/"+itoa(att.ID), nil, 200, nil)
			if r.Body != string(original) {
				t.Errorf("the file came back changed: %d bytes, want %d", len(r.Body), len(original))
			}
			_, params, err := mime.ParseMediaType(r.Header.Get("Content-Disposition"))
			if err != nil || !strings.HasPrefix(r.Header.Get("Content-Disposition"), "attachment;") || params["filename"] != att.Name {
				t.Errorf("Content-Disposition %q: %v %v", r.Header.Get("Content-Disposition"), params, err)
			}
			for h, want := range map[string]string{"Content-Type": "application/pdf", "X-Content-Type-Options": "nosniff",
				"Content-Security-Policy": "sandbox allow-downloads"} {
				if got := r.Header.Get(h); got != want {
					t.Errorf("%s: %q, want %q", h, got, want)
				}
			}
			var list []struct{ ID int64 }
			call("GET", billPath+"/files", nil, 200, &list)
			if len(list) != 1 || list[0].ID != att.ID {
				t.Errorf("files %+v", list)
			}
			call("DELETE", billPath+"/files/"+itoa(att.ID), nil, 409, nil)

			// To pay, then paid in two instalments.
			call("GET", "/api/v1/purchases/to-pay", nil, 200, &toPay)
			if len(toPay.Bills) != 1 || toPay.Bills[0].ID != bill.ID || toPay.Total != bill.GrossTotal || toPay.Bills[0].IBAN == "" {
				t.Fatalf("to pay %+v", toPay)
			}
			half := bill.GrossTotal / 2
			r = call("POST", "/api/v1/payments", map[string]any{"direction": "in", "document_id": bill.ID, "date": today,
				"amount": half, "method": "transfer"}, 422, nil)
			fieldError(r, "direction", "wrong_direction")
			var pay struct {
				ID        int64
				Direction string
			}
			call("POST", "/api/v1/payments", map[string]any{"direction": "out", "document_id": bill.ID, "date": today,
				"amount": half, "method": "transfer", "reference": "VIR 1"}, 201, &pay)
			call("GET", billPath, nil, 200, &bill)
			if pay.Direction != "out" || bill.Status != "partially_paid" {
				t.Fatalf("after the first instalment: %q %s", pay.Direction, bill.Status)
			}
			call("POST", "/api/v1/payments", map[string]any{"direction": "out", "document_id": bill.ID, "date": today,
				"amount": bill.GrossTotal - half, "method": "transfer", "reference": "VIR 2"}, 201, nil)
			call("GET", billPath, nil, 200, &bill)
			if bill.Status != "paid" {
				t.Fatalf("after the second instalment: %s", bill.Status)
			}
			call("GET", "/api/v1/purchases/to-pay", nil, 200, &toPay)
			if len(toPay.Bills) != 0 || toPay.Total != 0 {
				t.Errorf("a paid bill still to pay: %+v", toPay)
			}
			var allocations []struct{ Amount int64 }
			call("GET", billPath+"/payments", nil, 200, &allocations)
			var payments []struct {
				Direction string
				Amount    int64
			}
			call("GET", "/api/v1/contacts/"+sup+"/supplier-payments", nil, 200, &payments)
			if len(allocations) != 2 || len(payments) != 2 || payments[0].Direction != "out" || payments[0].Amount+payments[1].Amount != bill.GrossTotal {
				t.Errorf("payments: allocations %+v, supplier's %+v", allocations, payments)
			}
			var statement struct {
				Debits, Credits, Closing int64
				Rows                     []struct{ Kind string }
			}
			call("GET", "/api/v1/contacts/"+sup+"/supplier-statement", nil, 200, &statement)
			if len(statement.Rows) != 3 || statement.Rows[0].Kind != "bill" || statement.Debits != bill.GrossTotal ||
				statement.Credits != bill.GrossTotal || statement.Closing != 0 {
				t.Errorf("supplier statement %+v", statement)
			}
			call("GET", "/api/v1/contacts/"+sup+"/supplier-statement?from="+today+"&to="+today, nil, 200, &statement)
			call("GET", "/api/v1/contacts/"+sup+"/supplier-statement?from=yesterday", nil, 422, nil)
			call("GET", "/api/v1/contacts/"+sup+"/statement", nil, 200, &statement)
			if len(statement.Rows) != 0 {
				t.Errorf("the supplier's bill in their client statement: %+v", statement)
			}

			// The supplier's timeline: the order sent, two receipts, the
			// bill, two payments.
			var timeline struct {
				Data []struct{ Kind, Subject string }
			}
			call("GET", "/api/v1/contacts/"+sup+"/conversations", nil, 200, &timeline)
			var subjects []string
			for _, e := range timeline.Data {
				if e.Kind == "document" {
					subjects = append(subjects, e.Subject)
				}
			}
			joined := strings.Join(subjects, " | ")
			for _, want := range []string{"Bon de commande " + po.Number, "Réception " + r1.Number, "Réception " + r2.Number,
				"Facture fournisseur " + bill.Number + " (FAC-2026-118)", "Paiement"} {
				if !strings.Contains(joined, want) {
					t.Errorf("timeline lacks %q: %s", want, joined)
				}
			}
			if len(subjects) != 6 || strings.Count(joined, "Paiement") != 2 {
				t.Errorf("timeline has %d entries, want the order, two receipts, the bill and two payments: %s", len(subjects), joined)
			}
			log := activityOf(t, a, A.Token)
			for _, want := range []string{"contacts create contact", "purchases create purchase_order", "purchases issue purchase_order",
				"purchases send purchase_order", "purchases confirm purchase_order", "purchases issue receipt", "purchases update bill",
				"purchases attach bill", "purchases issue bill", "purchases pay bill"} {
				if !slices.Contains(log, want) {
					t.Errorf("activity lacks %q: %v", want, log)
				}
			}
			var purchases struct {
				Data []struct{ Module string }
			}
			call("GET", "/api/v1/activity?module=purchases", nil, 200, &purchases)
			if len(purchases.Data) < 10 {
				t.Errorf("the activity of the purchases module: %d entries", len(purchases.Data))
			}
			for _, e := range purchases.Data {
				if e.Module != "purchases" {
					t.Errorf("activity filtered by module purchases holds %q", e.Module)
				}
			}

			// What the API refuses.
			var other purchaseDoc
			call("POST", "/api/v1/bills", map[string]any{"contact_id": supplier.ID, "supplier_number": "FAC-2026-118", "issue_date": yesterday,
				"lines": []map[string]any{{"description": "Frais de port", "quantity": "1", "unit_price": 1500, "vat_rate": "20"}}}, 201, &other)
			otherPath := "/api/v1/bills/" + itoa(other.ID)
			r = call("POST", otherPath+"/issue", nil, 409, nil)
			fieldError(r, "supplier_number", "duplicate")
			r = upload(otherPath+"/files", "facture.pdf", []byte("#!/bin/sh\nrm -rf /\n"), 422)
			fieldError(r, "file", "unsupported_type")
			r = upload(otherPath+"/files", "facture.pdf", nil, 422)
			fieldError(r, "file", "empty_file")
			big := append([]byte("%PDF-1.4\n"), make([]byte, service.MaxAttachment)...)
			r = upload(otherPath+"/files", "big.pdf", big, 422)
			fieldError(r, "file", "too_large")
			r = upload(otherPath+"/files", "bigger.pdf", append(big, make([]byte, 1<<20)...), 422)
			fieldError(r, "file", "too_large")
			r = a.upload(otherPath+"/files", A.Token, "document", "facture.pdf", original)
			check("POST", otherPath+"/files", r, 422)
			fieldError(r, "file", "required")
			r = call("POST", otherPath+"/files", map[string]any{"file": "facture.pdf"}, 422, nil)
			fieldError(r, "file", "required")
			cut, _ := http.NewRequest("POST", a.URL+otherPath+"/files", strings.NewReader("--B\r\nContent-Disposition: form-data; name=\"file\"; "+
				"filename=\"cut.pdf\"\r\n\r\n%PDF-1.4\ncut short, no closing boundary"))
			cut.Header.Set("Content-Type", "multipart/form-data; boundary=B")
			cut.Header.Set("Authorization", "Bearer "+A.Token)
			r = a.do(http.DefaultClient, cut)
			check("POST", otherPath+"/files", r, 422)
			fieldError(r, "file", "malformed")
			var pathName struct {
				ID   int64
				Name string
			}
			upload(otherPath+"/files", `C:\Users\compta\..\..\Windows\facture "port".exe`, []byte("\x89PNG\r\n\x1a\n0000"), 201).JSON(t, &pathName)
			if pathName.Name != "facture port.png" {
				t.Errorf("a path in the file's name: stored as %q", pathName.Name)
			}
			call("DELETE", otherPath+"/files/"+itoa(pathName.ID), nil, 204, nil)
			call("GET", otherPath+"/files", nil, 200, &list)
			if len(list) != 0 {
				t.Errorf("files left after the deletion: %+v", list)
			}
			call("GET", otherPath+"/files/"+itoa(pathName.ID), nil, 404, nil)
			call("PATCH", poPath, map[string]any{"title": "changed"}, 409, nil)
			r = call("POST", "/api/v1/purchase-orders", map[string]any{"contact_id": supplier.ID, "issue_date": yesterday}, 422, nil)
			fieldError(r, "issue_date", "not_recorded")
			call("POST", "/api/v1/receipts", map[string]any{"contact_id": supplier.ID}, 422, nil)
			r = call("POST", poPath+"/derive", map[string]any{"kind": "invoice"}, 422, nil)
			fieldError(r, "kind", "invalid_kind")
			call("GET", "/api/v1/purchase-orders?status=paid-ish", nil, 422, nil)
			// A document is found only under its own collection, and a
			// supplier's bill is neither printed nor sent from here.
			for _, path := range []string{"/api/v1/bills/" + itoa(po.ID), "/api/v1/invoices/" + itoa(bill.ID), "/api/v1/receipts/" + itoa(bill.ID) + "/files",
				"/api/v1/purchase-orders/" + itoa(bill.ID) + "/files/" + itoa(att.ID)} {
				call("GET", path, nil, 404, nil)
			}
			for _, path := range []string{billPath + "/pdf", billPath + "/mail"} {
				if r := a.api("GET", path, A.Token, nil); r.Status != 404 {
					t.Errorf("GET %s = %d, want 404", path, r.Status)
				}
			}
			if r := a.api("POST", billPath+"/send", A.Token, proposal); r.Status != 404 {
				t.Errorf("a bill sent: %d", r.Status)
			}

			// A second order: confirmed without a number, then cancelled.
			var po2 purchaseDoc
			call("POST", "/api/v1/purchase-orders", map[string]any{"contact_id": supplier.ID, "lines": []map[string]any{
				{"description": "Levure", "quantity": "2", "unit": "kg", "unit_price": 900, "vat_rate": "5.5"}}}, 201, &po2)
			call("POST", "/api/v1/purchase-orders/"+itoa(po2.ID)+"/issue", nil, 200, &po2)
			call("POST", "/api/v1/purchase-orders/"+itoa(po2.ID)+"/confirm", nil, 200, &po2)
			if po2.Status != "confirmed" || po2.SupplierNumber != "" {
				t.Errorf("confirmed without a body: %s %q", po2.Status, po2.SupplierNumber)
			}
			call("POST", "/api/v1/purchase-orders/"+itoa(po2.ID)+"/confirm", `{"supplier_number": 12}`, 422, nil)
			call("POST", "/api/v1/purchase-orders/"+itoa(po2.ID)+"/cancel", nil, 200, &po2)
			if po2.Status != "cancelled" {
				t.Errorf("cancelled order: %s", po2.Status)
			}
			call("POST", "/api/v1/purchase-orders/"+itoa(po2.ID)+"/derive", map[string]any{"kind": "receipt"}, 409, nil)

			// A supplier's quote, accepted, becomes a purchase order.
			var sq, po3 purchaseDoc
			call("POST", "/api/v1/supplier-quotes", map[string]any{"contact_id": supplier.ID, "supplier_number": "DV-55", "issue_date": yesterday,
				"lines": []map[string]any{{"description": "Farine de seigle", "quantity": "25", "unit": "kg", "unit_price": 150, "vat_rate": "5.5"}}}, 201, &sq)
			call("POST", "/api/v1/supplier-quotes/"+itoa(sq.ID)+"/issue", nil, 200, nil)
			call("POST", "/api/v1/supplier-quotes/"+itoa(sq.ID)+"/accept", nil, 200, &sq)
			call("POST", "/api/v1/supplier-quotes/"+itoa(sq.ID)+"/derive", map[string]any{"kind": "purchase_order"}, 201, &po3)
			if sq.Status != "accepted" || po3.Kind != "purchase_order" || len(po3.Lines) != 1 {
				t.Errorf("purchase order from an accepted supplier's quote: %s %+v", sq.Status, po3)
			}
			if r := a.api("GET", "/api/v1/supplier-quotes/"+itoa(sq.ID)+"/pdf", A.Token, nil); r.Status != 404 {
				t.Errorf("a supplier's quote printed: %d", r.Status)
			}
			csv := call("GET", "/api/v1/bills/export", nil, 200, nil)
			if !strings.Contains(csv.Body, bill.Number) || strings.Contains(csv.Body, po.Number) {
				t.Errorf("bills export:\n%s", csv.Body)
			}
		})
	}
}

// TestPurchasesAPIRights: a seller, whose role has no Purchases module,
// reaches no purchase document, file, bill to pay or supplier's statement;
// an accountant reads them but attaches nothing and pays nothing.
func TestPurchasesAPIRights(t *testing.T) {
	smtp := mailtest.Start(t)
	a := startAppWithFiles(t, storagetest.Engines()[0], "--smtp", smtp.URL())
	A := a.mustTenant("Alpha", "alpha@example.fr")
	ids := purchaseChain(t, a, A.Token)
	seller := memberWithRole(t, a, smtp, A, "sales", "vendeur@example.fr")
	accountant := memberWithRole(t, a, smtp, A, "accountant", "compta@example.fr")
	bill := "/api/v1/bills/" + itoa(ids["bills"])
	reads := []string{"/api/v1/bills", bill, bill + "/files", bill + "/files/" + itoa(ids["file"]), "/api/v1/purchases/to-pay",
		"/api/v1/contacts/" + itoa(ids["supplier"]) + "/supplier-statement", "/api/v1/contacts/" + itoa(ids["supplier"]) + "/supplier-payments"}
	for _, path := range reads {
		if r := a.api("GET", path, seller, nil); r.Status != 403 {
			t.Errorf("a seller: GET %s = %d: %.200s", path, r.Status, r.Body)
		}
		if r := a.api("GET", path, accountant, nil); r.Status != 200 {
			t.Errorf("an accountant: GET %s = %d: %.200s", path, r.Status, r.Body)
		}
	}
	for _, token := range []string{seller, accountant} {
		if r := a.upload(bill+"/files", token, "file", "x.pdf", []byte("%PDF-1.4\n")); r.Status != 403 {
			t.Errorf("a file attached without the right: %d %s", r.Status, r.Body)
		}
		if r := a.api("DELETE", bill+"/files/"+itoa(ids["file"]), token, nil); r.Status != 403 {
			t.Errorf("a file removed without the right: %d %s", r.Status, r.Body)
		}
		if r := a.api("POST", "/api/v1/payments", token, map[string]any{"direction": "out", "contact_id": ids["supplier"],
			"date": "2026-01-15", "amount": 100, "method": "transfer"}); r.Status != 403 {
			t.Errorf("a payment out without the right: %d %s", r.Status, r.Body)
		}
	}
	var files []struct{ ID int64 }
	a.api("GET", bill+"/files", A.Token, nil).JSON(t, &files)
	if len(files) != 1 {
		t.Errorf("files after the attempts: %+v", files)
	}
}

// purchaseChain makes, in account token's name, a supplier and one
// document of every purchase collection (a draft bill with a file
// attached), and returns their ids by collection, with "supplier" and
// "file".
func purchaseChain(t *testing.T, a *app, token string) map[string]int64 {
	t.Helper()
	call := idCaller(t, a, token)
	call("PATCH", "/api/v1/account", sellerIdentity, 200)
	supplier := call("POST", "/api/v1/contacts", map[string]any{"kind": "company", "company_name": "A's mill", "is_supplier": true}, 201)
	line := []map[string]any{{"description": "A's flour", "quantity": "10", "unit": "kg", "unit_price": 120, "vat_rate": "5.5"}}
	yesterday := time.Now().UTC().AddDate(0, 0, -1).Format(time.DateOnly)
	quote := call("POST", "/api/v1/supplier-quotes", map[string]any{"contact_id": supplier, "title": "A's supplier quote",
		"supplier_number": "A-DV-1", "issue_date": yesterday, "lines": line}, 201)
	call("POST", "/api/v1/supplier-quotes/"+itoa(quote)+"/issue", nil, 200)
	order := call("POST", "/api/v1/purchase-orders", map[string]any{"contact_id": supplier, "title": "A's order", "lines": line}, 201)
	call("POST", "/api/v1/purchase-orders/"+itoa(order)+"/issue", nil, 200)
	receipt := call("POST", "/api/v1/purchase-orders/"+itoa(order)+"/derive", map[string]any{"kind": "receipt"}, 201)
	bill := call("POST", "/api/v1/purchase-orders/"+itoa(order)+"/derive", map[string]any{"kind": "bill"}, 201)
	r := a.upload("/api/v1/bills/"+itoa(bill)+"/files", token, "file", "A's bill.pdf", []byte("%PDF-1.4\nA's bill\n%%EOF\n"))
	var file struct{ ID int64 }
	if r.Status != 201 {
		t.Fatalf("A's file: %d %s", r.Status, r.Body)
	}
	r.JSON(t, &file)
	return map[string]int64{"supplier": supplier, "supplier-quotes": quote, "purchase-orders": order, "receipts": receipt, "bills": bill, "file": file.ID}
}

// purchaseSnapshot is what account token sees of its purchases, for the
// isolation proof's before-and-after comparison.
func purchaseSnapshot(a *app, token string, ids map[string]int64) string {
	var b strings.Builder
	for _, c := range []string{"supplier-quotes", "purchase-orders", "receipts", "bills"} {
		for _, path := range []string{"", "/" + itoa(ids[c]), "/" + itoa(ids[c]) + "/files"} {
			b.WriteString(a.api("GET", "/api/v1/"+c+path, token, nil).Body)
		}
	}
	for _, path := range []string{"/api/v1/purchases/to-pay", "/api/v1/contacts/" + itoa(ids["supplier"]) + "/supplier-payments",
		"/api/v1/contacts/" + itoa(ids["supplier"]) + "/supplier-statement"} {
		b.WriteString(a.api("GET", path, token, nil).Body)
	}
	return b.String()
}

// memberWithRole has owner tn invite email with role, the invitee join,
// and returns an API token of theirs.
func memberWithRole(t *testing.T, a *app, smtp *mailtest.Server, tn *tenant, role, email string) string {
	t.Helper()
	link := a.invite(t, smtp, tn, email, role)
	c := newBrowser()
	a.get(c, link)
	if r := a.post(c, link, url.Values{"name": {"Sam " + role}, "password": {"Acheter-2026-bien"}}); r.Status != 303 {
		t.Fatalf("join as %s: %d %.300s", role, r.Status, r.Body)
	}
	tok, err := a.cli("token", "create", "--email", email)
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(tok)
}
