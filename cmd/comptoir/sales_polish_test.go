package main

import (
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
