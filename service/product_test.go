package service_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/comptoir/comptoir/access"
	"github.com/comptoir/comptoir/account"
	"github.com/comptoir/comptoir/catalog"
	"github.com/comptoir/comptoir/errs"
	"github.com/comptoir/comptoir/identity"
	"github.com/comptoir/comptoir/money"
	"github.com/comptoir/comptoir/service"
	"github.com/comptoir/comptoir/sheet"
	"github.com/comptoir/comptoir/storage"
	"github.com/comptoir/comptoir/storage/storagetest"
	"github.com/comptoir/comptoir/vat"
)

// roleCtx is the context of a new member of a with a ready-made role.
func roleCtx(t *testing.T, db *storage.DB, a account.Account, email, role string) context.Context {
	t.Helper()
	u := identity.User{Email: email, PasswordHash: "!"}
	if err := db.CreateUser(context.Background(), &u); err != nil {
		t.Fatal(err)
	}
	if err := db.AddMember(account.WithID(context.Background(), a.ID), u.ID, role); err != nil {
		t.Fatal(err)
	}
	rights, _ := access.Builtin(role)
	return identity.WithActor(access.WithRights(account.WithID(context.Background(), a.ID), rights), identity.Actor{UserID: u.ID})
}

func TestProductsLifecycleAndRights(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := newService(t, db)
		ctx, a := mustCreate(t, s, "Alpha", "owner@example.fr")
		_, err := s.CreateProduct(ctx, catalog.Input{Reference: ptr(""), Price: ptr(money.Amount(-5)), Unit: ptr("crate"),
			VATRate: ptr(vat.Rate(1960)), Barcode: ptr("123")})
		codes := map[string]string{}
		for _, f := range errs.FieldsOf(err) {
			codes[f.Field] = f.Code
		}
		if !errs.Is(err, errs.Invalid) || codes["reference"] != "required" || codes["name"] != "required" || codes["price"] != "negative" ||
			codes["unit"] != "invalid_unit" || codes["vat_rate"] != "invalid_vat_rate" || codes["barcode"] != "invalid_barcode" {
			t.Fatalf("every field error at once: %v %v", codes, err)
		}
		coffee, err := s.CreateProduct(ctx, catalog.Input{Reference: ptr("CAF-01"), Name: ptr("Café en grains"), Unit: ptr("kg"),
			Price: ptr(money.Amount(2490)), VATRate: ptr(vat.Reduced), PurchasePrice: ptr(money.Amount(1400))})
		if err != nil || coffee.ID == 0 || !coffee.Active || !coffee.SoldByWeight {
			t.Fatalf("create: %+v %v", coffee, err)
		}
		// Defaults: by the piece, 20 %, active.
		bag, err := s.CreateProduct(ctx, catalog.Input{Reference: ptr("SAC-01"), Name: ptr("Sac en tissu"), Price: ptr(money.Amount(350))})
		if err != nil || bag.Unit != "piece" || bag.VATRate != vat.Standard {
			t.Fatalf("defaults: %+v %v", bag, err)
		}
		_, err = s.CreateProduct(ctx, catalog.Input{Reference: ptr("CAF-01"), Name: ptr("Autre")})
		if !errs.Is(err, errs.Conflict) || errs.FieldsOf(err)[0].Code != "reference_taken" {
			t.Errorf("duplicate reference: %v", err)
		}
		if _, err := s.UpdateProduct(ctx, bag.ID, catalog.Input{Reference: ptr("CAF-01")}); !errs.Is(err, errs.Conflict) {
			t.Errorf("update to a taken reference: %v", err)
		}
		up, err := s.UpdateProduct(ctx, coffee.ID, catalog.Input{Price: ptr(money.Amount(2590)), Active: ptr(false)})
		if err != nil || up.Price != 2590 || up.Active {
			t.Fatalf("update: %+v %v", up, err)
		}
		log, _ := s.Activity(ctx, activityFilter(10))
		if log[0].Module != "sales" || log[0].Action != "update" || log[0].RecordType != "product" || len(log[0].Changes) != 2 ||
			log[0].Changes[0].Field != "price" || log[0].Changes[0].Before != "24.90" || log[0].Changes[1].Field != "active" {
			t.Errorf("update entry: %+v", log[0])
		}
		// An unchanged update writes nothing.
		if _, err := s.UpdateProduct(ctx, coffee.ID, catalog.Input{Price: ptr(money.Amount(2590))}); err != nil {
			t.Fatal(err)
		}
		if again, _ := s.Activity(ctx, activityFilter(10)); again[0].ID != log[0].ID {
			t.Error("an unchanged update was logged")
		}
		yes := true
		if list, _ := s.Products(ctx, catalog.Filter{Active: &yes}); len(list) != 1 || list[0].ID != bag.ID {
			t.Errorf("active products: %v", list)
		}

		// A salesperson sees and edits the catalog but deletes nothing.
		sales := roleCtx(t, db, a, "sales@example.fr", access.RoleSales)
		if list, err := s.Products(sales, catalog.Filter{}); err != nil || len(list) != 2 || list[0].PurchasePrice != 1400 {
			t.Errorf("salesperson's list: %v %v", list, err)
		}
		if err := s.DeleteProduct(sales, coffee.ID); !errs.Is(err, errs.Forbidden) {
			t.Errorf("salesperson deletes: %v", err)
		}
		// Support sees products without purchase prices and cannot set them.
		support := roleCtx(t, db, a, "support@example.fr", access.RoleSupport)
		if p, err := s.Product(support, coffee.ID); err != nil || p.PurchasePrice != 0 || p.Price != 2590 {
			t.Errorf("support's view: %+v %v", p, err)
		}
		if _, err := s.CreateProduct(support, catalog.Input{Reference: ptr("X")}); !errs.Is(err, errs.Forbidden) {
			t.Errorf("support creates: %v", err)
		}
		// A cashier has no Sales right at all.
		cashier := roleCtx(t, db, a, "cashier@example.fr", access.RoleCashier)
		if _, err := s.Products(cashier, catalog.Filter{}); !errs.Is(err, errs.Forbidden) {
			t.Errorf("cashier lists: %v", err)
		}
		// Another account does not see A's products.
		ctxB, _ := mustCreate(t, s, "Beta", "beta@example.fr")
		if _, err := s.Product(ctxB, coffee.ID); !errs.Is(err, errs.NotFound) {
			t.Errorf("B reads A's product: %v", err)
		}
		if err := s.DeleteProduct(ctxB, coffee.ID); !errs.Is(err, errs.NotFound) {
			t.Errorf("B deletes A's product: %v", err)
		}
		if err := s.DeleteProduct(ctx, coffee.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Product(ctx, coffee.ID); !errs.Is(err, errs.NotFound) {
			t.Errorf("deleted product: %v", err)
		}
		log, _ = s.Activity(ctx, activityFilter(1))
		if log[0].Action != "delete" || log[0].Summary != "CAF-01 Café en grains" {
			t.Errorf("delete entry: %+v", log[0])
		}
	})
}

// A French Excel file: ';', Windows-1252 is tested by the end-to-end test;
// here the rules: all or nothing, skip bad rows, line numbers, updates.
const productsCSV = "Référence;Désignation;Unité;Prix HT;TVA;Prix d'achat;Code-barres;Actif\n" +
	"CAF-01;Café en grains;kilo;24,90;5,5;14;4006381333931;oui\n" +
	"HUI-01;Huile d'olive;litre;18.00;5,5 %;;;\n" +
	"CON-01;Conseil;heure;-60;20;;;\n" +
	"LIV-01;Livraison;forfait;12;19,6;;96385075;peut-être\n" +
	";Sans référence;;1;20;;;\n" +
	"\"=HYPERLINK(\"\"x\"\")\";Formule;;1;0;;;non\n"

func TestImportExportProducts(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := newService(t, db)
		ctx, _ := mustCreate(t, s, "Alpha", "owner@example.fr")
		if _, err := s.CreateProduct(ctx, catalog.Input{Reference: ptr("HUI-01"), Name: ptr("Huile"), Price: ptr(money.Amount(1500)),
			PurchasePrice: ptr(money.Amount(900)), Description: ptr("Première pression")}); err != nil {
			t.Fatal(err)
		}
		rep, err := s.ImportProducts(ctx, strings.NewReader(productsCSV), service.ImportOptions{})
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]bool{}
		for _, e := range rep.Errors {
			got[strings.Join([]string{itoa(int64(e.Line)), e.Field, e.Code}, " ")] = true
		}
		for _, want := range []string{"4 price negative", "5 vat_rate invalid_vat_rate", "5 barcode invalid_barcode", "5 active invalid_boolean", "6 reference required"} {
			if !got[want] {
				t.Errorf("report lacks %q: %v", want, rep.Errors)
			}
		}
		if rep.Applied || rep.Created != 0 || rep.Rows != 6 || len(rep.Errors) != 5 {
			t.Fatalf("all or nothing: %+v", rep)
		}
		if list, _ := s.Products(ctx, catalog.Filter{}); len(list) != 1 {
			t.Fatalf("a rejected file wrote %d products", len(list))
		}
		rep, err = s.ImportProducts(ctx, strings.NewReader(productsCSV), service.ImportOptions{SkipBad: true})
		if err != nil || !rep.Applied || rep.Created != 2 || rep.Updated != 1 || rep.Delimiter != ";" {
			t.Fatalf("skip bad: %+v %v", rep, err)
		}
		oil, err := db.ProductByReference(ctx, "HUI-01")
		if err != nil || oil.Name != "Huile d'olive" || oil.Price != 1800 || oil.Unit != "l" || oil.VATRate != 550 ||
			oil.PurchasePrice != 900 || oil.Description != "Première pression" {
			t.Errorf("updated by the import, columns it lacks kept: %+v %v", oil, err)
		}
		coffee, _ := db.ProductByReference(ctx, "CAF-01")
		if coffee.Price != 2490 || coffee.PurchasePrice != 1400 || coffee.Barcode != "4006381333931" || !coffee.SoldByWeight {
			t.Errorf("imported: %+v", coffee)
		}
		log, _ := s.Activity(ctx, activityFilter(1))
		if log[0].Action != "import" || log[0].Summary != "2 created, 1 updated, 5 errors" {
			t.Errorf("import entry: %+v", log[0])
		}
		if _, err := s.ImportProducts(ctx, strings.NewReader("nom;prix\nx;1\n"), service.ImportOptions{}); !errs.Is(err, errs.Invalid) {
			t.Errorf("a file without references: %v", err)
		}

		// Export, formula-safe, then import the export: all updates, no change.
		var buf bytes.Buffer
		w, _ := sheet.NewWriter(&buf, true)
		_ = w.Write(catalog.Columns)
		n, err := s.ExportProducts(ctx, catalog.Filter{}, func(p catalog.Product) error { return w.Write(p.Row()) })
		if err != nil || n != 3 || w.Flush() != nil {
			t.Fatalf("export: %d %v", n, err)
		}
		if !strings.Contains(buf.String(), "'=HYPERLINK") {
			t.Errorf("formula not defused: %s", buf.String())
		}
		before, _ := s.Products(ctx, catalog.Filter{})
		rep, err = s.ImportProducts(ctx, &buf, service.ImportOptions{})
		if err != nil || !rep.Applied || rep.Updated != 3 || rep.Created != 0 || len(rep.Errors) != 0 {
			t.Fatalf("round trip: %+v %v", rep, err)
		}
		after, _ := s.Products(ctx, catalog.Filter{})
		for i := range before {
			before[i].UpdatedAt, after[i].UpdatedAt = before[i].UpdatedAt.UTC(), before[i].UpdatedAt.UTC()
			if before[i] != after[i] {
				t.Errorf("round trip changed\n%+v\n%+v", before[i], after[i])
			}
		}
	})
}
