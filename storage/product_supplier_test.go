package storage_test

import (
	"context"
	"strings"
	"testing"

	"github.com/comptoir/comptoir/catalog"
	"github.com/comptoir/comptoir/crm"
	"github.com/comptoir/comptoir/errs"
	"github.com/comptoir/comptoir/money"
	"github.com/comptoir/comptoir/storage"
	"github.com/comptoir/comptoir/storage/storagetest"
)

func supplierContact(t *testing.T, db *storage.DB, ctx context.Context, c crm.Contact) crm.Contact {
	t.Helper()
	c.IsSupplier = true
	if err := db.CreateContact(ctx, &c); err != nil {
		t.Fatal(err)
	}
	return c
}

// TestProductSuppliers: set (insert, then replace), read one and the list
// by name, delete, what follows a product's or a contact's deletion and a
// merge, and isolation.
func TestProductSuppliers(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctxA, _ := mustAccount(t, db, "A")
		ctxB, _ := mustAccount(t, db, "B")
		coffee := product("CAF-01", "Café en grains", 2490)
		tea := product("THE-01", "Thé vert", 900)
		for _, p := range []*catalog.Product{&coffee, &tea} {
			if err := db.CreateProduct(ctxA, p); err != nil {
				t.Fatal(err)
			}
		}
		mill := supplierContact(t, db, ctxA, crm.Contact{Kind: crm.Company, CompanyName: "Moulin de l'Ouest"})
		roaster := supplierContact(t, db, ctxA, crm.Contact{Kind: crm.Person, FirstName: "Léa", LastName: "Bérard", CompanyName: "Torréfaction"})
		set := func(ctx context.Context, productID, contactID int64, ref string, price int64) error {
			s := catalog.Supplier{ProductID: productID, ContactID: contactID, Reference: ref, Price: money.Amount(price)}
			return db.SetProductSupplier(ctx, &s)
		}
		for _, err := range []error{
			set(ctxA, coffee.ID, mill.ID, "MO-1", 1200),
			set(ctxA, coffee.ID, roaster.ID, "T-9", 1350),
			set(ctxA, tea.ID, mill.ID, "MO-7", 300),
		} {
			if err != nil {
				t.Fatal(err)
			}
		}
		// Setting again replaces the reference and the price.
		if err := set(ctxA, coffee.ID, mill.ID, "MO-2", 1250); err != nil {
			t.Fatal(err)
		}
		got, err := db.ProductSupplier(ctxA, coffee.ID, mill.ID)
		if err != nil || got.Reference != "MO-2" || got.Price != 1250 || got.ContactName != "Moulin de l'Ouest" || got.UpdatedAt.IsZero() {
			t.Fatalf("read back: %+v %v", got, err)
		}
		names := func(ctx context.Context, productID int64) string {
			t.Helper()
			list, err := db.ProductSuppliers(ctx, productID)
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, s := range list {
				out = append(out, s.ContactName+":"+s.Reference)
			}
			return strings.Join(out, ",")
		}
		// By name: "Léa Bérard (Torréfaction)" sorts before "Moulin…".
		if got := names(ctxA, coffee.ID); got != "Léa Bérard (Torréfaction):T-9,Moulin de l'Ouest:MO-2" {
			t.Errorf("list: %s", got)
		}
		if _, err := db.ProductSupplier(ctxA, tea.ID, roaster.ID); !errs.Is(err, errs.NotFound) {
			t.Errorf("a supplier not recorded for the product: %v", err)
		}

		// B can neither read, list, change nor delete A's rows, and cannot
		// attach A's product or contact to anything.
		if _, err := db.ProductSupplier(ctxB, coffee.ID, mill.ID); !errs.Is(err, errs.NotFound) {
			t.Errorf("B reads A's row: %v", err)
		}
		if got := names(ctxB, coffee.ID); got != "" {
			t.Errorf("B lists A's rows: %s", got)
		}
		if err := db.DeleteProductSupplier(ctxB, coffee.ID, mill.ID); !errs.Is(err, errs.NotFound) {
			t.Errorf("B deletes A's row: %v", err)
		}
		if err := set(ctxB, coffee.ID, mill.ID, "stolen", 1); err == nil {
			t.Error("B wrote a row on A's product and contact")
		}
		if got, _ := db.ProductSupplier(ctxA, coffee.ID, mill.ID); got.Reference != "MO-2" || got.Price != 1250 {
			t.Errorf("B changed A's row: %+v", got)
		}

		// Deleting: not found the second time.
		if err := db.DeleteProductSupplier(ctxA, coffee.ID, roaster.ID); err != nil {
			t.Fatal(err)
		}
		if err := db.DeleteProductSupplier(ctxA, coffee.ID, roaster.ID); !errs.Is(err, errs.NotFound) {
			t.Errorf("deleted twice: %v", err)
		}

		// A merge moves the duplicate's rows; where both supply a product,
		// the survivor's row stays.
		if err := set(ctxA, coffee.ID, roaster.ID, "T-9", 1350); err != nil {
			t.Fatal(err)
		}
		if err := set(ctxA, tea.ID, roaster.ID, "T-3", 280); err != nil {
			t.Fatal(err)
		}
		if err := db.MoveContactRecords(ctxA, mill.ID, roaster.ID); err != nil {
			t.Fatal(err)
		}
		if got := names(ctxA, coffee.ID) + ";" + names(ctxA, tea.ID); got != "Léa Bérard (Torréfaction):T-9;Léa Bérard (Torréfaction):T-3" {
			t.Errorf("after the merge: %s", got)
		}
		if err := set(ctxA, tea.ID, mill.ID, "MO-7", 300); err != nil {
			t.Fatal(err)
		}

		// Rows go with their product and with their contact.
		if err := db.DeleteProduct(ctxA, coffee.ID); err != nil {
			t.Fatal(err)
		}
		if got := names(ctxA, coffee.ID); got != "" {
			t.Errorf("rows of a deleted product: %s", got)
		}
		if err := db.DeleteContact(ctxA, mill.ID); err != nil {
			t.Fatal(err)
		}
		if got := names(ctxA, tea.ID); got != "Léa Bérard (Torréfaction):T-3" {
			t.Errorf("rows of a deleted contact: %s", got)
		}
	})
}
