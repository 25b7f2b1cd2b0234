package storage_test

import (
	"testing"

	"github.com/comptoir/comptoir/crm"
	"github.com/comptoir/comptoir/errs"
	"github.com/comptoir/comptoir/storage"
	"github.com/comptoir/comptoir/storage/storagetest"
)

// TestAddressIsolation: account B can neither list, read, change nor delete
// A's addresses, and cannot attach one to A's contact.
func TestAddressIsolation(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctxA, _ := mustAccount(t, db, "A")
		ctxB, _ := mustAccount(t, db, "B")
		c := crm.Contact{Kind: crm.Person, LastName: "Pons"}
		if err := db.CreateContact(ctxA, &c); err != nil {
			t.Fatal(err)
		}
		a := crm.Address{ContactID: c.ID, Kind: "billing", City: "Pau", Country: "FR", IsDefault: true}
		if err := db.CreateAddress(ctxA, &a); err != nil {
			t.Fatal(err)
		}
		if list, _ := db.ContactAddresses(ctxB, c.ID); len(list) != 0 {
			t.Errorf("B lists A's addresses: %v", list)
		}
		if _, err := db.Address(ctxB, a.ID); !errs.Is(err, errs.NotFound) {
			t.Errorf("B reads A's address: %v", err)
		}
		stolen := a
		stolen.City = "stolen"
		if err := db.UpdateAddress(ctxB, &stolen); !errs.Is(err, errs.NotFound) {
			t.Errorf("B updates A's address: %v", err)
		}
		if err := db.DeleteAddress(ctxB, a.ID); !errs.Is(err, errs.NotFound) {
			t.Errorf("B deletes A's address: %v", err)
		}
		// The foreign key includes the account: B's row cannot point at A's contact.
		if err := db.CreateAddress(ctxB, &crm.Address{ContactID: c.ID, Kind: "other", City: "x", Country: "FR"}); err == nil {
			t.Error("B attached an address to A's contact")
		}
		if got, err := db.Address(ctxA, a.ID); err != nil || got.City != "Pau" || !got.IsDefault {
			t.Fatalf("A's address changed: %+v, %v", got, err)
		}
		// Deleting the contact takes its addresses.
		if err := db.DeleteContact(ctxA, c.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Address(ctxA, a.ID); !errs.Is(err, errs.NotFound) {
			t.Errorf("address outlived its contact: %v", err)
		}
	})
}
