package service_test

import (
	"context"
	"testing"

	"github.com/comptoir/comptoir/access"
	"github.com/comptoir/comptoir/catalog"
	"github.com/comptoir/comptoir/crm"
	"github.com/comptoir/comptoir/errs"
	"github.com/comptoir/comptoir/money"
	"github.com/comptoir/comptoir/storage"
	"github.com/comptoir/comptoir/storage/storagetest"
)

// buyer is the rights of a custom role that buys: the catalog read, the
// Purchases module written, contacts seen with scope.
func buyer(scope access.Scope, hidden ...access.Info) access.Rights {
	return access.Rights{Role: "custom:1", Hidden: hidden, Grants: map[access.Module]access.Grant{
		access.Sales:     {Actions: []access.Action{access.View}, Scope: access.All},
		access.Purchases: {Actions: []access.Action{access.View, access.Edit}, Scope: access.All},
		access.Contacts:  {Actions: []access.Action{access.View}, Scope: scope},
	}}
}

func TestProductSuppliersLifecycleAndRights(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := newService(t, db)
		ctx, a := mustCreate(t, s, "Alpha", "owner@example.fr")
		coffee, err := s.CreateProduct(ctx, catalog.Input{Reference: ptr("CAF-01"), Name: ptr("Café en grains"), Price: ptr(money.Amount(2490))})
		if err != nil {
			t.Fatal(err)
		}
		mill, err := s.CreateContact(ctx, crm.Input{Kind: ptr(crm.Company), CompanyName: ptr("Moulin de l'Ouest"), IsSupplier: ptr(true)})
		if err != nil {
			t.Fatal(err)
		}
		client, err := s.CreateContact(ctx, crm.Input{LastName: ptr("Dupré"), IsClient: ptr(true)})
		if err != nil {
			t.Fatal(err)
		}
		set := func(ctx context.Context, contactID int64, ref string, price money.Amount) (catalog.Supplier, error) {
			return s.SetProductSupplier(ctx, coffee.ID, catalog.Supplier{ContactID: contactID, Reference: ref, Price: price})
		}

		// What cannot be a supplier's row, each a field error.
		for _, tc := range []struct {
			contact     int64
			price       money.Amount
			field, code string
		}{
			{0, 100, "contact_id", "required"},
			{mill.ID, -1, "price", "negative"},
			{mill.ID, catalog.MaxPrice + 1, "price", "out_of_range"},
			{client.ID, 100, "contact_id", "not_supplier"},
			{client.ID + 1000, 100, "contact_id", "not_found"},
		} {
			if _, err := set(ctx, tc.contact, "X", tc.price); !errs.Is(err, errs.Invalid) || fieldCode(err) != tc.field+":"+tc.code {
				t.Errorf("contact %d price %d: %v, want %s %s", tc.contact, tc.price, err, tc.field, tc.code)
			}
		}

		got, err := set(ctx, mill.ID, " MO-250 ", 1200)
		if err != nil || got.Reference != "MO-250" || got.Price != 1200 || got.ContactName != "Moulin de l'Ouest" || got.ProductID != coffee.ID {
			t.Fatalf("set: %+v %v", got, err)
		}
		log, _ := s.Activity(ctx, activityFilter(1))
		if e := log[0]; e.Module != "purchases" || e.Action != "create" || e.RecordType != "product_supplier" || e.RecordID != coffee.ID ||
			e.Summary != "CAF-01 Café en grains · Moulin de l'Ouest" || len(e.Changes) != 2 || e.Changes[1].Field != "price" || e.Changes[1].After != "12.00" {
			t.Errorf("create entry: %+v", e)
		}
		// The same again writes nothing; a new price is one change.
		if _, err := set(ctx, mill.ID, "MO-250", 1200); err != nil {
			t.Fatal(err)
		}
		if again, _ := s.Activity(ctx, activityFilter(1)); again[0].ID != log[0].ID {
			t.Error("an unchanged supplier was logged")
		}
		if _, err := set(ctx, mill.ID, "MO-250", 1250); err != nil {
			t.Fatal(err)
		}
		log, _ = s.Activity(ctx, activityFilter(1))
		if e := log[0]; e.Action != "update" || len(e.Changes) != 1 || e.Changes[0].Field != "price" || e.Changes[0].Before != "12.00" || e.Changes[0].After != "12.50" {
			t.Errorf("update entry: %+v", e)
		}
		list, err := s.ProductSuppliers(ctx, coffee.ID)
		if err != nil || len(list) != 1 || list[0].Price != 1250 || list[0].Reference != "MO-250" {
			t.Fatalf("list: %+v %v", list, err)
		}

		// Support reads the catalog without amounts and buys nothing.
		support := roleCtx(t, db, a, "support@example.fr", access.RoleSupport)
		if list, err := s.ProductSuppliers(support, coffee.ID); err != nil || len(list) != 1 || list[0].Price != 0 || list[0].Reference != "MO-250" {
			t.Errorf("support's list: %+v %v", list, err)
		}
		if _, err := set(support, mill.ID, "MO-1", 0); !errs.Is(err, errs.Forbidden) {
			t.Errorf("support sets: %v", err)
		}
		// An accountant reads prices but changes nothing.
		accountant := roleCtx(t, db, a, "accountant@example.fr", access.RoleAccountant)
		if list, err := s.ProductSuppliers(accountant, coffee.ID); err != nil || len(list) != 1 || list[0].Price != 1250 {
			t.Errorf("accountant's list: %+v %v", list, err)
		}
		if err := s.RemoveProductSupplier(accountant, coffee.ID, mill.ID); !errs.Is(err, errs.Forbidden) {
			t.Errorf("accountant removes: %v", err)
		}
		// A cashier does not see the catalog.
		cashier := roleCtx(t, db, a, "cashier@example.fr", access.RoleCashier)
		if _, err := s.ProductSuppliers(cashier, coffee.ID); !errs.Is(err, errs.Forbidden) {
			t.Errorf("cashier lists: %v", err)
		}

		// A buyer who does not see amounts changes the reference only:
		// the price stays, hidden from them, and setting one is refused.
		blind := access.WithRights(roleCtx(t, db, a, "buyer@example.fr", access.RoleSales), buyer(access.All, access.Amounts))
		if _, err := set(blind, mill.ID, "MO-9", 1); !errs.Is(err, errs.Forbidden) {
			t.Errorf("a price from a role that does not see amounts: %v", err)
		}
		got, err = set(blind, mill.ID, "MO-251", 0)
		if err != nil || got.Price != 0 || got.Reference != "MO-251" {
			t.Fatalf("reference only: %+v %v", got, err)
		}
		if list, _ := s.ProductSuppliers(ctx, coffee.ID); len(list) != 1 || list[0].Price != 1250 || list[0].Reference != "MO-251" {
			t.Errorf("the hidden price changed: %+v", list)
		}
		log, _ = s.Activity(ctx, activityFilter(1))
		if e := log[0]; len(e.Changes) != 1 || e.Changes[0].Field != "reference" {
			t.Errorf("reference-only entry: %+v", e)
		}
		// A buyer limited to their own contacts does not reach the others.
		own := access.WithRights(roleCtx(t, db, a, "own@example.fr", access.RoleSales), buyer(access.Own))
		if _, err := set(own, mill.ID, "MO-1", 1); fieldCode(err) != "contact_id:not_found" {
			t.Errorf("another owner's supplier: %v", err)
		}

		// Another account reads, sets and removes nothing of A's.
		ctxB, _ := mustCreate(t, s, "Beta", "beta@example.fr")
		if _, err := s.ProductSuppliers(ctxB, coffee.ID); !errs.Is(err, errs.NotFound) {
			t.Errorf("B lists A's suppliers: %v", err)
		}
		if _, err := set(ctxB, mill.ID, "stolen", 1); !errs.Is(err, errs.NotFound) {
			t.Errorf("B sets on A's product: %v", err)
		}
		if err := s.RemoveProductSupplier(ctxB, coffee.ID, mill.ID); !errs.Is(err, errs.NotFound) {
			t.Errorf("B removes A's supplier: %v", err)
		}

		if err := s.RemoveProductSupplier(ctx, coffee.ID, mill.ID); err != nil {
			t.Fatal(err)
		}
		log, _ = s.Activity(ctx, activityFilter(1))
		if e := log[0]; e.Action != "delete" || e.RecordType != "product_supplier" || e.Summary != "CAF-01 Café en grains · Moulin de l'Ouest" ||
			len(e.Changes) != 2 || e.Changes[0].Before != "MO-251" {
			t.Errorf("delete entry: %+v", e)
		}
		if err := s.RemoveProductSupplier(ctx, coffee.ID, mill.ID); !errs.Is(err, errs.NotFound) {
			t.Errorf("removed twice: %v", err)
		}
		if list, err := s.ProductSuppliers(ctx, coffee.ID); err != nil || len(list) != 0 {
			t.Errorf("after removal: %+v %v", list, err)
		}
	})
}
