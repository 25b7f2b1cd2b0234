package service_test

import (
	"testing"

	"github.com/comptoir/comptoir/access"
	"github.com/comptoir/comptoir/errs"
	"github.com/comptoir/comptoir/sales"
	"github.com/comptoir/comptoir/storage"
	"github.com/comptoir/comptoir/storage/storagetest"
)

// TestDocumentsListsPurchasesUnderTheirRight: a list that names no kind
// is the sales documents; purchase kinds are listed under the Purchases
// module's right, which the sales role lacks.
func TestDocumentsListsPurchasesUnderTheirRight(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := newService(t, db)
		ctx, _ := mustCreate(t, s, "Épicerie", "owner@epicerie.example")
		sup := supplier(t, s, ctx)
		po, err := s.CreateDocument(ctx, sales.Input{Kind: ptr(sales.PurchaseOrder), ContactID: &sup.ID, Lines: lines(item("Farine", 1000, 120, 550))})
		if err != nil {
			t.Fatal(err)
		}
		all, err := s.Documents(ctx, sales.Filter{ContactID: sup.ID})
		if err != nil || len(all) != 0 {
			t.Fatalf("no kind named: %d documents (%v), want no purchase among them", len(all), err)
		}
		got, err := s.Documents(ctx, sales.Filter{Kinds: sales.PurchaseKinds, ContactID: sup.ID})
		if err != nil || len(got) != 1 || got[0].ID != po.ID {
			t.Fatalf("purchase kinds: %+v %v", got, err)
		}
		seller, _ := access.Builtin(access.RoleSales)
		if _, err := s.Documents(access.WithRights(ctx, seller), sales.Filter{Kinds: sales.PurchaseKinds}); !errs.Is(err, errs.Forbidden) {
			t.Fatalf("the sales role lists purchases: %v", err)
		}
		if _, err := s.Documents(access.WithRights(ctx, seller), sales.Filter{Kinds: []string{sales.Invoice, sales.Bill}}); !errs.Is(err, errs.Forbidden) {
			t.Fatalf("the sales role lists bills beside invoices: %v", err)
		}
		accountant, _ := access.Builtin(access.RoleAccountant)
		if _, err := s.Documents(access.WithRights(ctx, accountant), sales.Filter{Kinds: sales.PurchaseKinds}); err != nil {
			t.Fatalf("the accountant reads purchases: %v", err)
		}
	})
}
