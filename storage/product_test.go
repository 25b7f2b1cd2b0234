package storage_test

import (
	"strings"
	"testing"

	"github.com/comptoir/comptoir/catalog"
	"github.com/comptoir/comptoir/errs"
	"github.com/comptoir/comptoir/money"
	"github.com/comptoir/comptoir/storage"
	"github.com/comptoir/comptoir/storage/storagetest"
)

func product(ref, name string, price int64) catalog.Product {
	p := catalog.New()
	p.Reference, p.Name, p.Price = ref, name, money.Amount(price)
	return p
}

// TestProducts: create, read, list by name with search and pages, the
// reference unique per account, upsert by reference, and isolation.
func TestProducts(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctxA, _ := mustAccount(t, db, "A")
		ctxB, _ := mustAccount(t, db, "B")
		coffee := product("CAF-01", "Café en grains", 2490)
		coffee.Unit, coffee.VATRate, coffee.PurchasePrice, coffee.Barcode = "kg", 550, 1200, "4006381333931"
		oil := product("HUI-01", "Huile d'olive", 1800)
		tea := product("THE-01", "Thé vert", 900)
		tea.Active = false
		for _, p := range []*catalog.Product{&coffee, &oil, &tea} {
			if err := db.CreateProduct(ctxA, p); err != nil {
				t.Fatal(err)
			}
		}
		// The same reference is a conflict in A, and free in B.
		dup := product("CAF-01", "Autre", 1)
		if err := db.CreateProduct(ctxA, &dup); !errs.Is(err, errs.Conflict) {
			t.Errorf("duplicate reference: %v", err)
		}
		if err := db.CreateProduct(ctxB, &dup); err != nil {
			t.Errorf("B's own CAF-01: %v", err)
		}
		got, err := db.Product(ctxA, coffee.ID)
		if err != nil || got.Price != 2490 || got.VATRate != 550 || got.PurchasePrice != 1200 || !got.SoldByWeight || got.Barcode != "4006381333931" {
			t.Fatalf("read back: %+v %v", got, err)
		}
		if got, err := db.ProductByReference(ctxA, "HUI-01"); err != nil || got.ID != oil.ID {
			t.Errorf("by reference: %+v %v", got, err)
		}
		names := func(f catalog.Filter) []string {
			list, err := db.ListProducts(ctxA, f)
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, p := range list {
				out = append(out, p.Reference)
			}
			return out
		}
		check := func(what string, got []string, want ...string) {
			t.Helper()
			if strings.Join(got, ",") != strings.Join(want, ",") {
				t.Errorf("%s: %v, want %v", what, got, want)
			}
		}
		check("all by name", names(catalog.Filter{}), "CAF-01", "HUI-01", "THE-01")
		check("accents aside", names(catalog.Filter{Query: "CAFE grains"}), "CAF-01")
		check("by reference", names(catalog.Filter{Query: "hui-0"}), "HUI-01")
		check("by barcode", names(catalog.Filter{Query: "40063813"}), "CAF-01")
		check("LIKE escaped", names(catalog.Filter{Query: "%"}))
		yes, no := true, false
		check("active", names(catalog.Filter{Active: &yes}), "CAF-01", "HUI-01")
		check("inactive", names(catalog.Filter{Active: &no}), "THE-01")
		first := names(catalog.Filter{Limit: 2})
		check("first page", first, "CAF-01", "HUI-01")
		check("next page", names(catalog.Filter{Limit: 2, AfterKey: oil.SortKey(), AfterID: oil.ID}), "THE-01")

		// Upsert: an existing reference is updated in place, a new one created.
		up := got
		up.Price, up.Name = 2590, "Café moulu"
		fresh := product("RIZ-01", "Riz basmati", 450)
		if err := db.UpsertProducts(ctxA, []catalog.Product{up, fresh}); err != nil {
			t.Fatal(err)
		}
		after, err := db.Product(ctxA, coffee.ID)
		if err != nil || after.Price != 2590 || after.Name != "Café moulu" || !after.CreatedAt.Equal(got.CreatedAt) {
			t.Errorf("upserted: %+v %v", after, err)
		}
		byRef, err := db.ProductsByReference(ctxA, []string{"RIZ-01", "CAF-01", "NOPE"})
		if err != nil || len(byRef) != 2 || byRef["RIZ-01"].Price != 450 {
			t.Errorf("by references: %v %v", byRef, err)
		}

		// B can neither read, change nor delete A's products.
		if _, err := db.Product(ctxB, coffee.ID); !errs.Is(err, errs.NotFound) {
			t.Errorf("B reads A's product: %v", err)
		}
		stolen := after
		stolen.Name = "stolen"
		if err := db.UpdateProduct(ctxB, &stolen); !errs.Is(err, errs.NotFound) {
			t.Errorf("B updates A's product: %v", err)
		}
		if err := db.DeleteProduct(ctxB, coffee.ID); !errs.Is(err, errs.NotFound) {
			t.Errorf("B deletes A's product: %v", err)
		}
		if list, _ := db.ListProducts(ctxB, catalog.Filter{Query: "cafe"}); len(list) != 0 {
			t.Errorf("B lists A's products: %v", list)
		}
		if byRef, _ := db.ProductsByReference(ctxB, []string{"RIZ-01"}); len(byRef) != 0 {
			t.Errorf("B finds A's reference: %v", byRef)
		}
		// B's upsert of A's reference creates B's own product.
		if err := db.UpsertProducts(ctxB, []catalog.Product{product("RIZ-01", "stolen", 1)}); err != nil {
			t.Fatal(err)
		}
		if p, _ := db.ProductByReference(ctxA, "RIZ-01"); p.Name != "Riz basmati" {
			t.Errorf("B's upsert changed A's product: %+v", p)
		}
		after.Active = false
		if err := db.UpdateProduct(ctxA, &after); err != nil {
			t.Fatal(err)
		}
		if err := db.DeleteProduct(ctxA, oil.ID); err != nil {
			t.Fatal(err)
		}
		check("after update and delete", names(catalog.Filter{Active: &yes}), "RIZ-01")
	})
}
