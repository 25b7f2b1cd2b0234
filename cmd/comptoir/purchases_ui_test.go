package main

import (
	"bytes"
	"image"
	"image/png"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/comptoir/comptoir/mail/mailtest"
	"github.com/comptoir/comptoir/storage/storagetest"
)

// TestPurchasePages walks what the browser walkthrough leaves aside, page
// by page over HTTP: the Purchases menu and its redirect, the supplier
// picker, a supplier's quote recorded, accepted and ordered, a document
// shown under the other menu, a bill refused until the supplier's number
// and date are written, the upload's refusals (a script, an empty file,
// a file too large), a file viewed inline or removed from a draft but
// kept with a recorded bill, another account's file, and a sales role
// that sees no purchase.
func TestPurchasePages(t *testing.T) {
	for _, e := range storagetest.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			t.Parallel()
			smtp := mailtest.Start(t)
			a := startApp(t, e, "--smtp", smtp.URL(), "--data", t.TempDir())
			purchasePages(t, a, smtp)
		})
	}
}

func purchasePages(t *testing.T, a *app, smtp *mailtest.Server) {
	A := a.mustTenant("Épicerie Alpha", "owner@alpha.example")
	B := a.mustTenant("Épicerie Beta", "owner@beta.example")
	var supplier, client struct{ ID int64 }
	a.api("POST", "/api/v1/contacts", A.Token, map[string]any{"kind": "company", "company_name": "Moulins Réunis", "is_supplier": true}).JSON(t, &supplier)
	a.api("POST", "/api/v1/contacts", A.Token, map[string]any{"kind": "company", "company_name": "Client SARL", "is_client": true}).JSON(t, &client)
	if supplier.ID == 0 || client.ID == 0 {
		t.Fatal("contacts not created")
	}
	today := time.Now().UTC()
	yesterday := today.AddDate(0, 0, -1).Format(time.DateOnly)
	line := url.Values{"locale": {"fr"}, "payment_terms": {"30"}, "lines.0.kind": {"item"}, "lines.0.description": {"Farine"},
		"lines.0.quantity": {"10"}, "lines.0.unit": {"kg"}, "lines.0.unit_price": {"1,20"}, "lines.0.vat_rate": {"5,5"}}
	form := func(extra map[string]string) url.Values {
		v := url.Values{}
		for k, vs := range line {
			v[k] = vs
		}
		for k, s := range extra {
			v.Set(k, s)
		}
		return v
	}
	created := func(r response) int64 {
		t.Helper()
		loc := r.Header.Get("Location")
		id := atoi(strings.TrimPrefix(strings.SplitN(loc, "?", 2)[0], "/purchases/documents/"))
		if r.Status != 303 || !strings.HasPrefix(loc, "/purchases/documents/") || id == 0 {
			t.Fatalf("not created: %d %s %.300s", r.Status, loc, r.Body)
		}
		return id
	}
	page := func(id int64) string { return "/purchases/documents/" + formatInt(id) }

	// The menu, and its first list.
	if doc(t, a.get(A.Browser, "/")).Find(`#nav-main a[href="/purchases"]`).Length() != 1 {
		t.Error("no Purchases entry in the menu")
	}
	if r := a.get(A.Browser, "/purchases"); r.Status != 303 || r.Header.Get("Location") != "/purchases/supplier-quotes" {
		t.Errorf("/purchases: %d %s", r.Status, r.Header.Get("Location"))
	}
	for _, slug := range []string{"supplier-quotes", "purchase-orders", "receipts", "bills"} {
		list := doc(t, a.get(A.Browser, "/purchases/"+slug))
		if tabs := list.Find(`#sales-tabs a[href^="/purchases/"]`).Length(); tabs != 5 {
			t.Errorf("%s: %d purchase tabs, want the four lists and To pay", slug, tabs)
		}
		if list.Find(`#sales-tabs a[href^="/sales/"]`).Length() != 0 {
			t.Errorf("%s shows the sales tabs", slug)
		}
	}
	if r := a.get(A.Browser, "/purchases/receipts/new"); r.Status != 404 {
		t.Errorf("a receipt written from scratch: %d", r.Status)
	}

	// The editor offers suppliers only, and refuses a client.
	editor := doc(t, a.get(A.Browser, "/purchases/purchase-orders/new"))
	if opts := editor.Find(`#f-contact_id option[value]:not([value=""])`); opts.Length() != 1 || !strings.Contains(opts.Text(), "Moulins") {
		t.Errorf("the supplier picker: %q", opts.Text())
	}
	if r := a.post(A.Browser, "/purchases/purchase-orders", form(map[string]string{"contact_id": formatInt(client.ID)})); r.Status != 422 ||
		!strings.Contains(doc(t, r).Find("#f-contact_id-error").Text(), "pas un fournisseur") {
		t.Errorf("a purchase order to a client: %d %q", r.Status, doc(t, r).Find("#f-contact_id-error").Text())
	}

	// A supplier's quote: recorded, accepted, ordered.
	quote := created(a.post(A.Browser, "/purchases/supplier-quotes", form(map[string]string{"contact_id": formatInt(supplier.ID),
		"supplier_number": "DV-88", "issue_date": yesterday, "valid_until": today.AddDate(0, 0, 30).Format(time.DateOnly)})))
	if r := a.post(A.Browser, page(quote)+"/issue", nil); r.Status != 303 || r.Header.Get("Location") != page(quote)+"?notice=issued_supplier_quote" {
		t.Fatalf("record the quote: %d %s %.300s", r.Status, r.Header.Get("Location"), r.Body)
	}
	q := doc(t, a.get(A.Browser, page(quote)))
	if got := q.Find("#document-status").Text(); got != "Enregistré" || q.Find("#accept-quote").Length() != 1 || q.Find("#send-document").Length() != 0 || q.Find("#download-pdf").Length() != 0 {
		t.Errorf("the recorded quote: %q, accept %d, send %d, pdf %d", got, q.Find("#accept-quote").Length(), q.Find("#send-document").Length(), q.Find("#download-pdf").Length())
	}
	if got := q.Find("#document-supplier-number").Text(); got != "DV-88" {
		t.Errorf("the quote's supplier number: %q", got)
	}
	if r := a.post(A.Browser, page(quote)+"/decide", url.Values{"status": {"accepted"}}); r.Status != 303 {
		t.Fatalf("accept: %d", r.Status)
	}
	if doc(t, a.get(A.Browser, page(quote))).Find(`[data-derive=purchase_order]`).Length() != 1 {
		t.Error("the accepted quote offers no order")
	}
	order := created(a.post(A.Browser, page(quote)+"/derive", url.Values{"kind": {"purchase_order"}}))
	o := doc(t, a.get(A.Browser, page(order)))
	if o.Find(`#document-chain a[href="`+page(quote)+`"]`).Length() != 1 || o.Find(`#document-lines tbody tr`).Length() != 1 {
		t.Errorf("the order from the quote: %q", o.Find("main").Text())
	}
	if doc(t, a.get(A.Browser, page(quote))).Find(`[data-derive=purchase_order]`).Length() != 0 {
		t.Error("the ordered quote still offers an order")
	}

	// Sending the draft order issues it; without the business's address
	// to deliver to, the order's page says what to fill in, and where.
	if r := a.get(A.Browser, page(order)+"/send"); r.Status != 200 || doc(t, r).Find("#send-issues").Length() != 1 {
		t.Errorf("the draft order's send form: %d", r.Status)
	}
	r := a.post(A.Browser, page(order)+"/send", url.Values{"to": {"commandes@moulins.example"}, "subject": {"Commande {number}"}, "body": {"Bonjour"}})
	if p := doc(t, r).Find(`#issue-problems [data-field="seller.address"] a[href="/settings/account"]`); r.Status != 422 || p.Length() != 1 {
		t.Errorf("a draft order sent without the business's address: %d %q", r.Status, doc(t, r).Find("main").Text())
	}
	if got := doc(t, a.get(A.Browser, page(order))).Find("#document-status").AttrOr("data-status", ""); got != "draft" {
		t.Errorf("the order not sent is %q", got)
	}

	// A document shown under the other menu lands under its own.
	if r := a.get(A.Browser, "/sales/documents/"+formatInt(order)); r.Status != 302 || r.Header.Get("Location") != page(order) {
		t.Errorf("a purchase order under /sales: %d %s", r.Status, r.Header.Get("Location"))
	}
	if r := a.get(A.Browser, "/sales/documents/"+formatInt(order)+"/edit"); r.Status != 303 || r.Header.Get("Location") != page(order) {
		t.Errorf("a purchase order's editor under /sales: %d %s", r.Status, r.Header.Get("Location"))
	}

	// A bill typed from scratch is recorded once the supplier's number
	// and date are written.
	bill := created(a.post(A.Browser, "/purchases/bills", form(map[string]string{"contact_id": formatInt(supplier.ID)})))
	r = a.post(A.Browser, page(bill)+"/issue", nil)
	problems := doc(t, r).Find("#issue-problems")
	if r.Status != 422 || problems.Find(`[data-field=supplier_number]`).Length() != 1 || problems.Find(`[data-field=issue_date]`).Length() != 1 ||
		!strings.Contains(problems.Text(), "numéro du document du fournisseur") || problems.Find(`a[href="`+page(bill)+`/edit"]`).Length() != 2 {
		t.Errorf("a bill without the supplier's number and date: %d %q", r.Status, problems.Text())
	}

	// Uploads: what is not a PDF, PNG or JPEG, an empty file, a file too
	// large are refused on the page.
	upload := func(tn *tenant, id int64, name string, data []byte) response {
		t.Helper()
		var body bytes.Buffer
		w := multipart.NewWriter(&body)
		fw, _ := w.CreateFormFile("file", name)
		_, _ = fw.Write(data)
		_ = w.Close()
		req, _ := http.NewRequest("POST", a.URL+page(id)+"/files", &body)
		req.Header.Set("Content-Type", w.FormDataContentType())
		req.Header.Set("Origin", a.URL)
		return a.do(tn.Browser, req)
	}
	pdf := append([]byte("%PDF-1.4\n"), bytes.Repeat([]byte("x"), 100)...)
	for _, c := range []struct {
		name string
		data []byte
		want string
	}{
		{"facture.pdf", []byte("#!/bin/sh\nrm -rf /\n"), "PDF, PNG et JPEG"},
		{"vide.pdf", nil, "vide"},
		{"gros.pdf", append(bytes.Clone(pdf), make([]byte, 10<<20)...), "dépasse 10 Mo"},
		// Beyond what the request may carry: cut short before the service.
		{"énorme.pdf", append(bytes.Clone(pdf), make([]byte, 12<<20)...), "dépasse 10 Mo"},
	} {
		r := upload(A, bill, c.name, c.data)
		if got := doc(t, r).Find("#file-error").Text(); r.Status != 422 || !strings.Contains(got, c.want) {
			t.Errorf("upload %s: %d %q", c.name, r.Status, got)
		}
	}
	var img bytes.Buffer
	if err := png.Encode(&img, image.NewGray(image.Rect(0, 0, 2, 2))); err != nil {
		t.Fatal(err)
	}
	if r := upload(A, bill, "photo.png", img.Bytes()); r.Status != 303 || r.Header.Get("Location") != page(bill)+"?notice=file_attached#document-files" {
		t.Fatalf("upload a photo: %d %s %.300s", r.Status, r.Header.Get("Location"), r.Body)
	}
	files := doc(t, a.get(A.Browser, page(bill))).Find("#file-list tr[data-file]")
	photo, _ := files.Attr("data-file")
	if files.Length() != 1 || !strings.Contains(files.Text(), "photo.png") || !strings.Contains(files.Text(), "PNG") {
		t.Fatalf("files: %q", files.Text())
	}
	if r := a.get(A.Browser, page(bill)+"/files/"+photo+"?inline=1"); r.Status != 200 || r.Header.Get("Content-Type") != "image/png" ||
		!strings.HasPrefix(r.Header.Get("Content-Disposition"), "inline; ") || r.Body != img.String() {
		t.Errorf("the photo inline: %d %s %s", r.Status, r.Header.Get("Content-Type"), r.Header.Get("Content-Disposition"))
	}
	if r := a.get(B.Browser, page(bill)+"/files/"+photo); r.Status != 404 || strings.Contains(r.Body, "PNG") {
		t.Errorf("another account's file: %d", r.Status)
	}
	if r := a.post(B.Browser, page(bill)+"/files/"+photo+"/delete", nil); r.Status != 404 {
		t.Errorf("another account removes a file: %d", r.Status)
	}
	// Removed from the draft; the scan attached instead stays with the
	// recorded bill.
	if r := a.post(A.Browser, page(bill)+"/files/"+photo+"/delete", nil); r.Status != 303 ||
		doc(t, a.get(A.Browser, page(bill))).Find("#file-list").Length() != 0 {
		t.Errorf("remove the photo: %d", r.Status)
	}
	if r := upload(A, bill, "scan.pdf", pdf); r.Status != 303 {
		t.Fatalf("upload the scan: %d", r.Status)
	}
	scan, _ := doc(t, a.get(A.Browser, page(bill))).Find("#file-list tr[data-file]").Attr("data-file")
	saved := form(map[string]string{"contact_id": formatInt(supplier.ID), "supplier_number": "FAC-9", "issue_date": yesterday})
	if r := a.post(A.Browser, page(bill), saved); r.Status != 303 {
		t.Fatalf("save the bill: %d %.300s", r.Status, r.Body)
	}
	if r := a.post(A.Browser, page(bill)+"/issue", nil); r.Status != 303 || r.Header.Get("Location") != page(bill)+"?notice=issued_bill" {
		t.Fatalf("record the bill: %d %s %.300s", r.Status, r.Header.Get("Location"), r.Body)
	}
	billPage := doc(t, a.get(A.Browser, page(bill)))
	if billPage.Find(`#file-list form`).Length() != 0 || billPage.Find("#payment-form").Length() != 1 || billPage.Find("#document-match").Length() != 0 {
		t.Errorf("the recorded bill: remove offered %d, payment form %d, match %d", billPage.Find(`#file-list form`).Length(),
			billPage.Find("#payment-form").Length(), billPage.Find("#document-match").Length())
	}
	if r := a.post(A.Browser, page(bill)+"/files/"+scan+"/delete", nil); r.Status != 409 || doc(t, r).Find("#action-error").Length() != 1 {
		t.Errorf("a recorded bill's original removed: %d", r.Status)
	}
	// The same supplier's number twice is refused, with where to fix it.
	dup := created(a.post(A.Browser, "/purchases/bills", form(map[string]string{"contact_id": formatInt(supplier.ID), "supplier_number": "FAC-9", "issue_date": yesterday})))
	if r := a.post(A.Browser, page(dup)+"/issue", nil); r.Status != 409 || !strings.Contains(doc(t, r).Find("#issue-problems").Text(), "déjà enregistré") {
		t.Errorf("a bill recorded twice: %d %q", r.Status, doc(t, r).Find("#issue-problems").Text())
	}

	// The supplier's statement, and its dates checked.
	st := doc(t, a.get(A.Browser, "/contacts/"+formatInt(supplier.ID)+"/supplier-statement"))
	if got := st.Find(`#statement-table [data-total=closing]`).Text(); got != "12,66\u00a0€" || st.Find(`#statement-table a[href="`+page(bill)+`"]`).Length() != 1 {
		t.Errorf("statement closing %q", got)
	}
	if r := a.get(A.Browser, "/contacts/"+formatInt(supplier.ID)+"/supplier-statement?from=hier"); r.Status != 422 || doc(t, r).Find("#f-from-error").Length() != 1 {
		t.Errorf("a statement from no date: %d", r.Status)
	}
	if r := a.get(B.Browser, "/contacts/"+formatInt(supplier.ID)+"/supplier-statement"); r.Status != 404 {
		t.Errorf("another account's supplier statement: %d", r.Status)
	}

	// A sales role sees no purchase: no menu entry, no list, no block on
	// the supplier's record.
	link := a.invite(t, smtp, A, "vendeur@alpha.example", "sales")
	if r := a.post(newBrowser(), link, url.Values{"password": {"Vendeur-2026-ok"}}); r.Status != 303 {
		t.Fatalf("join: %d", r.Status)
	}
	seller := a.login("vendeur@alpha.example", "Vendeur-2026-ok")
	if doc(t, a.get(seller, "/")).Find(`#nav-main a[href="/purchases"]`).Length() != 0 {
		t.Error("the sales role is offered the Purchases menu")
	}
	for _, path := range []string{"/purchases/bills", "/purchases/to-pay", page(bill), "/contacts/" + formatInt(supplier.ID) + "/supplier-statement"} {
		if r := a.get(seller, path); r.Status != 403 {
			t.Errorf("the sales role reads %s: %d", path, r.Status)
		}
	}
}
