package storage_test

import (
	"context"
	"testing"

	"github.com/comptoir/comptoir/crm"
	"github.com/comptoir/comptoir/errs"
	"github.com/comptoir/comptoir/sales"
	"github.com/comptoir/comptoir/storage"
	"github.com/comptoir/comptoir/storage/storagetest"
)

func draftFor(t *testing.T, db *storage.DB, ctx context.Context) sales.Document {
	t.Helper()
	c := crm.Contact{Kind: crm.Company, CompanyName: "Durand SARL"}
	if err := db.CreateContact(ctx, &c); err != nil {
		t.Fatal(err)
	}
	d := sales.Document{Kind: sales.Invoice, Status: sales.Draft, ContactID: c.ID, Buyer: sales.Party{Name: "Durand SARL"},
		Locale: "fr", Currency: "EUR", Lines: []sales.Line{
			{Kind: sales.Section, Description: "Lot 1"},
			{Kind: sales.Item, Description: "Café", Quantity: 2500, Unit: "kg", UnitPrice: 2490, VATRate: 550},
		}}
	if err := d.Validate(); err != nil {
		t.Fatal(err)
	}
	if err := db.CreateDocument(ctx, &d); err != nil {
		t.Fatal(err)
	}
	return d
}

// TestDocumentRoundTrip: a document and its lines come back as written;
// a draft is edited and deleted, an issued document is neither.
func TestDocumentRoundTrip(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx, _ := mustAccount(t, db, "A")
		d := draftFor(t, db, ctx)
		got, err := db.Document(ctx, d.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(got.Lines) != 2 || got.Lines[1].Quantity != 2500 || got.Lines[1].Net != 6225 || got.GrossTotal != 6567 ||
			got.Buyer.Name != "Durand SARL" || got.Lines[1].ID != d.Lines[1].ID {
			t.Fatalf("read back %+v", got)
		}
		got.Lines = got.Lines[1:]
		got.Lines[0].Quantity = 1000
		got.Compute()
		if err := db.UpdateDraft(ctx, &got); err != nil {
			t.Fatal(err)
		}
		again, _ := db.Document(ctx, d.ID)
		if len(again.Lines) != 1 || again.NetTotal != 2490 {
			t.Fatalf("after edit %+v", again)
		}
		again.Status, again.Number = sales.Issued, "F-2026-0001"
		if err := db.SaveState(ctx, &again); err != nil {
			t.Fatal(err)
		}
		if err := db.UpdateDraft(ctx, &again); !errs.Is(err, errs.NotFound) {
			t.Errorf("an issued document was edited: %v", err)
		}
		if err := db.DeleteDraft(ctx, d.ID); !errs.Is(err, errs.NotFound) {
			t.Errorf("an issued document was deleted: %v", err)
		}
		list, err := db.ListDocuments(ctx, sales.Filter{Kinds: []string{sales.Invoice}, Status: sales.Overdue, Today: "2100-01-01"})
		if err != nil || len(list) != 0 {
			t.Errorf("overdue without a due date: %v %v", list, err)
		}
		q := sales.Document{Kind: sales.Quote, Status: sales.Draft, ContactID: d.ContactID, Locale: "fr", Currency: "EUR", ValidUntil: "2026-01-31",
			Lines: []sales.Line{{Kind: sales.Item, Description: "x", Quantity: 1000, Unit: "piece", UnitPrice: 100}}}
		if err := db.CreateDocument(ctx, &q); err != nil {
			t.Fatal(err)
		}
		q.Status = sales.Issued
		if err := db.SaveState(ctx, &q); err != nil {
			t.Fatal(err)
		}
		for today, want := range map[string]int{"2026-01-31": 0, "2026-02-01": 1} {
			if list, _ := db.ListDocuments(ctx, sales.Filter{Status: sales.Expired, Today: today}); len(list) != want {
				t.Errorf("expired quotes on %s: %d, want %d", today, len(list), want)
			}
		}
		list, err = db.ListDocuments(ctx, sales.Filter{Query: "F-2026"})
		if err != nil || len(list) != 1 || list[0].Number != "F-2026-0001" {
			t.Errorf("search by number: %v %v", list, err)
		}
	})
}

// TestDocumentIsolation: account B cannot read, edit, list or delete A's
// documents, nor draw from A's number series.
func TestDocumentIsolation(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctxA, _ := mustAccount(t, db, "A")
		ctxB, _ := mustAccount(t, db, "B")
		d := draftFor(t, db, ctxA)
		if _, err := db.Document(ctxB, d.ID); !errs.Is(err, errs.NotFound) {
			t.Errorf("B reads A's document: %v", err)
		}
		if err := db.UpdateDraft(ctxB, &d); !errs.Is(err, errs.NotFound) {
			t.Errorf("B edits A's document: %v", err)
		}
		if err := db.DeleteDraft(ctxB, d.ID); !errs.Is(err, errs.NotFound) {
			t.Errorf("B deletes A's document: %v", err)
		}
		if list, _ := db.ListDocuments(ctxB, sales.Filter{}); len(list) != 0 {
			t.Errorf("B lists A's documents: %v", list)
		}
		if n, _ := db.NextNumber(ctxA, "invoice", "2026"); n != 1 {
			t.Errorf("A's first number = %d", n)
		}
		if n, _ := db.NextNumber(ctxB, "invoice", "2026"); n != 1 {
			t.Errorf("B's first number = %d: series are per account", n)
		}
		if n, _ := db.NextNumber(ctxA, "invoice", "2026"); n != 2 {
			t.Errorf("A's second number = %d", n)
		}
	})
}
