package main

import (
	"net/url"
	"strings"
	"testing"

	"github.com/comptoir/comptoir/storage/storagetest"
)

// TestSalesStatusAgrees: French status words agree with the document's
// kind, in the lists, the badges and the document's page.
func TestSalesStatusAgrees(t *testing.T) {
	a := startApp(t, storagetest.Engines()[0])
	A := a.mustTenant("Alpha", "alpha@example.fr")
	client := salesSetup(t, a, A, "alice@example.fr")
	inv := newDocument(t, a, A, "invoices", client, "Mission", true)
	quote := newDocument(t, a, A, "quotes", client, "Étude", true)
	order := newDocument(t, a, A, "orders", client, "Commande", true)
	for _, id := range []int64{quote, order} {
		if r := a.post(A.Browser, "/sales/documents/"+formatInt(id)+"/cancel", nil); r.Status != 303 {
			t.Fatalf("cancel: %d %.300s", r.Status, r.Body)
		}
	}
	for id, want := range map[int64]string{inv: "Émise", quote: "Annulé", order: "Annulée"} {
		page := doc(t, a.get(A.Browser, "/sales/documents/"+formatInt(id)))
		if got := strings.TrimSpace(page.Find("#document-status").Text()); got != want {
			t.Errorf("document %d's status: %q, want %q", id, got, want)
		}
	}
	list := doc(t, a.get(A.Browser, "/sales/invoices"))
	if got := strings.TrimSpace(list.Find("[data-status=issued]").First().Text()); got != "Émise" {
		t.Errorf("invoice list badge: %q", got)
	}
	if got := strings.TrimSpace(doc(t, a.get(A.Browser, "/sales/orders")).Find("[data-status=cancelled]").First().Text()); got != "Annulée" {
		t.Errorf("order list badge: %q", got)
	}
}

// TestSalesHeadingsAndNotices: a draft is titled "Devis (brouillon)" once,
// with no second "Brouillon" badge; issuing, accepting and cancelling say
// what happened.
func TestSalesHeadingsAndNotices(t *testing.T) {
	a := startApp(t, storagetest.Engines()[0])
	A := a.mustTenant("Alpha", "alpha@example.fr")
	client := salesSetup(t, a, A, "alice@example.fr")
	quote := newDocument(t, a, A, "quotes", client, "Étude", false)
	path := "/sales/documents/" + formatInt(quote)
	page := doc(t, a.get(A.Browser, path))
	if got := strings.Join(strings.Fields(page.Find("#document-heading").Text()), " "); got != "Devis (brouillon)" {
		t.Errorf("draft heading: %q", got)
	}
	if page.Find(".badge[data-status=draft]").Length() != 0 {
		t.Error("a draft shows a Brouillon badge beside its heading")
	}
	notice := func(r response) string {
		t.Helper()
		if r.Status != 303 {
			t.Fatalf("action: %d %.300s", r.Status, r.Body)
		}
		return strings.TrimSpace(doc(t, a.get(A.Browser, r.Header.Get("Location"))).Find(".alert-success").Text())
	}
	if got := notice(a.post(A.Browser, path+"/issue", nil)); !strings.HasPrefix(got, "Devis émis") {
		t.Errorf("issue notice: %q", got)
	}
	if got := notice(a.post(A.Browser, path+"/decide", url.Values{"status": {"accepted"}})); got != "Devis accepté." {
		t.Errorf("accept notice: %q", got)
	}
	inv := newDocument(t, a, A, "invoices", client, "Mission", false)
	if got := notice(a.post(A.Browser, "/sales/documents/"+formatInt(inv)+"/issue", nil)); !strings.HasPrefix(got, "Facture émise") {
		t.Errorf("invoice issue notice: %q", got)
	}
	order := newDocument(t, a, A, "orders", client, "Commande", true)
	if got := notice(a.post(A.Browser, "/sales/documents/"+formatInt(order)+"/cancel", nil)); got != "Commande annulée." {
		t.Errorf("cancel notice: %q", got)
	}
}

// TestSalesSearchByNumberEnd: digits alone find the numbers ending with
// them ("0002" finds D-2026-0002), as the full number does; a search that
// finds nothing says so, not that there is nothing yet.
func TestSalesSearchByNumberEnd(t *testing.T) {
	eachEngine(t, func(t *testing.T, a *app) {
		A := a.mustTenant("Alpha", "alpha@example.fr")
		client := salesSetup(t, a, A, "alice@example.fr")
		newDocument(t, a, A, "quotes", client, "Premier", true)
		second := newDocument(t, a, A, "quotes", client, "Second", true)
		page := doc(t, a.get(A.Browser, "/sales/documents/"+formatInt(second)))
		number := strings.TrimSpace(page.Find("#document-number").Text())
		if !strings.HasSuffix(number, "0002") {
			t.Fatalf("second quote's number: %q", number)
		}
		for _, q := range []string{number, "0002", "2"} {
			list := doc(t, a.get(A.Browser, "/sales/quotes?q="+url.QueryEscape(q)))
			if got := list.Find("#sales-table tbody tr").Length(); got != 1 || !strings.Contains(list.Find("#sales-table tbody").Text(), number) {
				t.Errorf("?q=%s: %d rows", q, got)
			}
		}
		list := doc(t, a.get(A.Browser, "/sales/quotes?q=0009"))
		if got := list.Find("#no-documents").Text(); !strings.Contains(got, "ne correspond") {
			t.Errorf("empty search: %q", got)
		}
	})
}
