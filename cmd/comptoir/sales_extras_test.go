package main

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/comptoir/comptoir/mail/mailtest"
	"github.com/comptoir/comptoir/storage/storagetest"
)

// salesSetup completes the tenant's legal identity and creates a client
// with an address and an e-mail, so that documents can be issued.
func salesSetup(t *testing.T, a *app, tn *tenant, email string) int64 {
	t.Helper()
	if r := a.api("PATCH", "/api/v1/account", tn.Token, map[string]any{"legal_form": "EI", "siret": "55210055400013", "vat_number": "FR96552100554",
		"address": map[string]any{"line1": "1 place du Marché", "postal_code": "64100", "city": "Bayonne", "country": "FR"}}); r.Status != 200 {
		t.Fatalf("identity: %d %s", r.Status, r.Body)
	}
	var c struct{ ID int64 }
	r := a.api("POST", "/api/v1/contacts", tn.Token, map[string]any{"first_name": "Alice", "last_name": "Durand", "email": email, "is_client": true,
		"address": map[string]any{"line1": "3 rue des Halles", "postal_code": "64100", "city": "Bayonne", "country": "FR"}})
	r.JSON(t, &c)
	if c.ID == 0 {
		t.Fatalf("client: %d %s", r.Status, r.Body)
	}
	return c.ID
}

// newDocument writes a document of one line of 100,00 € at 20 % through
// the editor; issue issues it.
func newDocument(t *testing.T, a *app, tn *tenant, slug string, contact int64, title string, issue bool) int64 {
	t.Helper()
	r := a.post(tn.Browser, "/sales/"+slug, url.Values{"contact_id": {formatInt(contact)}, "title": {title}, "locale": {"fr"},
		"payment_terms": {"30"}, "exemption": {""}, "operation": {"services"}, "lines.0.kind": {"item"}, "lines.0.description": {"Conseil"},
		"lines.0.quantity": {"1"}, "lines.0.unit": {"piece"}, "lines.0.unit_price": {"100"}, "lines.0.vat_rate": {"20"}})
	id := atoi(strings.TrimPrefix(strings.TrimSuffix(r.Header.Get("Location"), "?notice=saved"), "/sales/documents/"))
	if id == 0 {
		t.Fatalf("%s: %d %.300s", slug, r.Status, r.Body)
	}
	if issue {
		if r := a.post(tn.Browser, "/sales/documents/"+formatInt(id)+"/issue", nil); r.Status != 303 {
			t.Fatalf("issue: %d %.500s", r.Status, r.Body)
		}
	}
	return id
}

// TestSalesDocumentExtras: the PDF, the e-mail with the PDF attached and
// its timeline entry, payments in two parts and a deletion, pausing
// reminders, the client's sales and statement, and the dashboard.
func TestSalesDocumentExtras(t *testing.T) {
	smtp := mailtest.Start(t)
	a := startApp(t, storagetest.Engines()[0], "--smtp", smtp.URL())
	A := a.mustTenant("Alpha", "alpha@example.fr")
	client := salesSetup(t, a, A, "alice@example.fr")
	inv := newDocument(t, a, A, "invoices", client, "Mission <b>conseil</b>", false)
	path := "/sales/documents/" + formatInt(inv)

	// A draft: the PDF prints, sending waits for the issue.
	page := doc(t, a.get(A.Browser, path))
	if _, disabled := page.Find("#send-document").Attr("disabled"); !disabled || page.Find("#send-hint").Length() != 1 {
		t.Error("a draft's send button is not disabled with its hint")
	}
	if r := a.get(A.Browser, path+"/pdf"); r.Status != 200 || !strings.HasPrefix(r.Body, "%PDF-") {
		t.Errorf("draft PDF: %d", r.Status)
	}
	if r := a.post(A.Browser, path+"/issue", nil); r.Status != 303 {
		t.Fatalf("issue: %d %.300s", r.Status, r.Body)
	}
	page = doc(t, a.get(A.Browser, path))
	number := strings.TrimSpace(page.Find("#document-number").Text())

	// The PDF, downloaded and to print.
	r := a.get(A.Browser, path+"/pdf")
	if r.Status != 200 || r.Header.Get("Content-Type") != "application/pdf" || !strings.HasPrefix(r.Body, "%PDF-") {
		t.Fatalf("PDF: %d %s %.10q", r.Status, r.Header.Get("Content-Type"), r.Body)
	}
	if cd := r.Header.Get("Content-Disposition"); !strings.HasPrefix(cd, "attachment;") || !strings.Contains(cd, number) || !strings.Contains(cd, ".pdf") {
		t.Errorf("disposition %q (number %s)", cd, number)
	}
	if cd := a.get(A.Browser, path+"/pdf?inline=1").Header.Get("Content-Disposition"); !strings.HasPrefix(cd, "inline;") {
		t.Errorf("inline disposition %q", cd)
	}
	if href, _ := page.Find("#print-pdf").Attr("href"); href != path+"/pdf?inline=1" {
		t.Errorf("print link %q", href)
	}

	// Sending: the form proposes the e-mail, the user edits it.
	form := doc(t, a.get(A.Browser, path+"/send"))
	if v, _ := form.Find("#f-to").Attr("value"); v != "alice@example.fr" {
		t.Errorf("to = %q", v)
	}
	if got := form.Find("#attached-pdf").Text(); got != number+".pdf" {
		t.Errorf("the attached PDF is named %q, want %q", got, number+".pdf")
	}
	subject, _ := form.Find("#f-subject").Attr("value")
	if !strings.Contains(subject, number) || !strings.Contains(form.Find("#f-body").Text(), number) {
		t.Errorf("subject %q, body %q", subject, form.Find("#f-body").Text())
	}
	if r := a.post(A.Browser, path+"/send", url.Values{"to": {"pas une adresse"}, "subject": {subject}, "body": {"x"}}); r.Status != 422 ||
		!doc(t, r).Find("#f-to").HasClass("is-invalid") {
		t.Errorf("bad address: %d", r.Status)
	}
	r = a.post(A.Browser, path+"/send", url.Values{"to": {"alice@example.fr"}, "subject": {subject + " (relu)"}, "body": {"Bonjour Alice,\r\nvoici la facture."}})
	if r.Status != 303 || r.Header.Get("Location") != path+"?notice=sent" {
		t.Fatalf("send: %d %q %.300s", r.Status, r.Header.Get("Location"), r.Body)
	}
	m := smtp.WaitFor(t, "alice@example.fr")
	attached := false
	for _, p := range m.Parts {
		attached = attached || (strings.HasSuffix(p.Filename, ".pdf") && strings.HasPrefix(string(p.Body), "%PDF-"))
	}
	if !attached || m.Subject != subject+" (relu)" || !strings.Contains(m.Text, "voici la facture") {
		t.Errorf("received %q, PDF attached %v: %q", m.Subject, attached, m.Text)
	}
	if tl := doc(t, a.get(A.Browser, "/contacts/"+formatInt(client))).Find("#timeline").Text(); !strings.Contains(tl, subject+" (relu)") {
		t.Errorf("timeline: %q", tl)
	}
	page = doc(t, a.get(A.Browser, path))
	if page.Find("#document-sent-at").Length() != 1 {
		t.Error("sent_at is not shown")
	}

	// Payments: the form proposes the balance; an amount that cannot be
	// read comes back; a part, then the rest.
	if v, _ := page.Find("#f-amount").Attr("value"); v != "120,00" {
		t.Errorf("default amount %q", v)
	}
	if v, _ := page.Find("#f-date").Attr("value"); v != time.Now().UTC().Format(time.DateOnly) && v != time.Now().Format(time.DateOnly) {
		t.Errorf("default date %q", v)
	}
	pay := func(amount string) response {
		return a.post(A.Browser, path+"/payments", url.Values{"date": {time.Now().Format(time.DateOnly)}, "amount": {amount}, "method": {"transfer"}, "reference": {"VIR-" + amount}})
	}
	if r := pay("cinquante"); r.Status != 422 || !doc(t, r).Find("#f-amount").HasClass("is-invalid") {
		t.Errorf("bad amount: %d", r.Status)
	}
	if r := pay("50,00"); r.Status != 303 {
		t.Fatalf("pay: %d %.300s", r.Status, r.Body)
	}
	page = doc(t, a.get(A.Browser, path))
	if st, _ := page.Find("#document-status").Attr("data-status"); st != "partially_paid" {
		t.Errorf("status after 50 = %s", st)
	}
	if got := page.Find(`#totals [data-total=balance]`).Text(); got != "70,00\u00a0€" {
		t.Errorf("balance %q", got)
	}
	if got := page.Find("#payment-list tbody").Text(); !strings.Contains(got, "VIR-50,00") || !strings.Contains(got, "Virement") {
		t.Errorf("payments: %q", got)
	}

	// Reminders paused for a dispute, then resumed.
	if r := a.post(A.Browser, path+"/dunning", url.Values{"paused": {"1"}}); r.Status != 303 {
		t.Fatalf("pause: %d", r.Status)
	}
	if doc(t, a.get(A.Browser, path)).Find("#dunning-paused, #resume-dunning").Length() != 2 {
		t.Error("the invoice's reminders are not shown paused")
	}
	if log := activityOf(t, a, A.Token); !strings.Contains(log[0], "pause_dunning") {
		t.Errorf("activity: %v", log[:1])
	}
	a.post(A.Browser, path+"/dunning", url.Values{"paused": {"0"}})
	if doc(t, a.get(A.Browser, path)).Find("#pause-dunning").Length() != 1 {
		t.Error("reminders not resumed")
	}

	if r := pay("70"); r.Status != 303 {
		t.Fatalf("pay the rest: %d %.300s", r.Status, r.Body)
	}
	page = doc(t, a.get(A.Browser, path))
	if st, _ := page.Find("#document-status").Attr("data-status"); st != "paid" || page.Find("#payment-list tbody tr").Length() != 2 || page.Find("#payment-form").Length() != 0 {
		t.Errorf("after the rest: status %s, %d payments", st, page.Find("#payment-list tbody tr").Length())
	}
	del, _ := page.Find(`#payment-list form[action$="/delete"]`).Last().Attr("action")
	if r := a.post(A.Browser, del, url.Values{"document": {formatInt(inv)}}); r.Status != 303 || !strings.HasPrefix(r.Header.Get("Location"), path) {
		t.Fatalf("delete %s: %d", del, r.Status)
	}
	if st, _ := doc(t, a.get(A.Browser, path)).Find("#document-status").Attr("data-status"); st != "partially_paid" {
		t.Errorf("after deleting a payment: %s", st)
	}

	// The client's record: their documents, reminders paused for them, the statement.
	record := doc(t, a.get(A.Browser, "/contacts/"+formatInt(client)))
	if got := record.Find("#client-documents").Text(); !strings.Contains(got, number) {
		t.Errorf("client documents: %q", got)
	}
	if r := a.post(A.Browser, "/contacts/"+formatInt(client)+"/dunning", url.Values{"paused": {"1"}}); r.Status != 303 {
		t.Fatalf("pause client: %d", r.Status)
	}
	if doc(t, a.get(A.Browser, "/contacts/"+formatInt(client))).Find("#resume-client-dunning").Length() != 1 {
		t.Error("client's reminders not paused")
	}
	if doc(t, a.get(A.Browser, path)).Find("#client-dunning-paused").Length() != 1 {
		t.Error("the invoice does not say the client's reminders are paused")
	}
	href, _ := record.Find("#statement-link").Attr("href")
	r = a.get(A.Browser, href+"?from=2020-01-01")
	if r.Status != 200 || !strings.HasPrefix(r.Body, "%PDF-") || !strings.HasPrefix(r.Header.Get("Content-Disposition"), "attachment;") {
		t.Errorf("statement: %d %q", r.Status, r.Header.Get("Content-Disposition"))
	}
	if r := a.get(A.Browser, href+"?from=hier"); r.Status != 422 {
		t.Errorf("statement with a bad date: %d", r.Status)
	}

	// The dashboard: a pending quote, the unpaid invoice, the client on top.
	newDocument(t, a, A, "quotes", client, "Devis", true)
	dash := doc(t, a.get(A.Browser, "/sales/dashboard"))
	for sel, want := range map[string]string{"quotes_pending": "1", "unpaid_count": "1", "overdue_count": "0", "orders_to_deliver": "0",
		"unpaid": "70,00\u00a0€", "quotes_pending_net": "100,00\u00a0€"} {
		if got := strings.TrimSpace(dash.Find(`[data-figure=` + sel + `]`).Text()); got != want {
			t.Errorf("%s = %q, want %q", sel, got, want)
		}
	}
	for sel, want := range map[string]string{"quotes_pending": "/sales/quotes?status=issued", "unpaid_count": "/sales/invoices?status=unpaid",
		"overdue_count": "/sales/invoices?status=overdue", "orders_to_deliver": "/sales/orders?status=issued"} {
		if got, _ := dash.Find(`[data-figure=` + sel + `]`).Attr("href"); got != want {
			t.Errorf("%s links to %q", sel, got)
		}
	}
	if n := dash.Find("#revenue-chart rect").Length(); n != 12 || dash.Find("#revenue-chart > title").Length() != 1 {
		t.Errorf("chart: %d bars", n)
	}
	// A month's label under its bar is the month alone; the year, on a
	// line of its own, only under the first bar and January's.
	dash.Find("#revenue-chart g").Each(func(i int, g *goquery.Selection) {
		month := g.AttrOr("data-month", "")
		label := g.Find("text").First().Text()
		year := g.Find("text[data-year]")
		if strings.ContainsAny(label, "0123456789") {
			t.Errorf("bar %d's label %q holds its year", i, label)
		}
		if want := i == 0 || strings.HasSuffix(month, "-01"); (year.Length() == 1) != want || (want && year.Text() != month[:4]) {
			t.Errorf("bar %d (%s): year %q", i, month, year.Text())
		}
	})
	if !dash.Find("#top-clients li a").HasClass("me-auto") || dash.Find("#top-clients li.justify-content-between").Length() != 0 {
		t.Error("a top client's name is not against its rank")
	}
	month := time.Now().Format("2006-01")
	if got := dash.Find(`#revenue-table tr[data-month="` + month + `"] td`).Text(); got != "100,00\u00a0€" {
		t.Errorf("this month's revenue %q", got)
	}
	if got, _ := dash.Find("#top-clients a").Attr("href"); got != "/contacts/"+formatInt(client) {
		t.Errorf("top client links to %q", got)
	}
	for _, href := range []string{"/sales/quotes?status=issued", "/sales/invoices?status=unpaid", "/sales/invoices?status=overdue", "/sales/orders?status=issued"} {
		if r := a.get(A.Browser, href); r.Status != 200 {
			t.Errorf("%s: %d", href, r.Status)
		}
	}
	if got := doc(t, a.get(A.Browser, "/sales/invoices?status=unpaid")).Find("#sales-table tbody tr").Length(); got != 1 {
		t.Errorf("unpaid list: %d rows", got)
	}
	if home := doc(t, a.get(A.Browser, "/")); strings.TrimSpace(home.Find(`#home-sales [data-figure=unpaid_count]`).Text()) != "1" {
		t.Errorf("home summary: %q", home.Find("#home-sales").Text())
	}

	// The reminders page: nothing is overdue yet.
	if r := a.get(A.Browser, "/sales/reminders"); r.Status != 200 || doc(t, r).Find("#no-reminders").Length() != 1 {
		t.Errorf("reminders page: %d", r.Status)
	}
}
