package storage_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/comptoir/comptoir/errs"
	"github.com/comptoir/comptoir/sales"
	"github.com/comptoir/comptoir/storage"
	"github.com/comptoir/comptoir/storage/storagetest"
)

func issuedFor(t *testing.T, db *storage.DB, ctx context.Context) sales.Document {
	t.Helper()
	d := draftFor(t, db, ctx)
	d.Status, d.Number, d.IssueDate, d.DueDate = sales.Issued, "F-2026-0001", "2026-03-01", "2026-03-31"
	if err := db.SaveState(ctx, &d); err != nil {
		t.Fatal(err)
	}
	return d
}

// TestPayments: a payment is allocated to an invoice, raising what the
// invoice has paid; it cannot be allocated beyond its amount, even by
// allocations racing; deleting it gives the invoice back its balance.
func TestPayments(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx, _ := mustAccount(t, db, "A")
		d := issuedFor(t, db, ctx) // 65.67
		p := sales.Payment{ContactID: d.ContactID, Date: "2026-04-02", Amount: 10000, Method: "transfer", Reference: "VIR 42"}
		if err := db.CreatePayment(ctx, &p, 0); err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		errc := make(chan error, 4)
		for range 4 {
			wg.Go(func() {
				errc <- db.WithTx(ctx, func(ctx context.Context) error { return db.Allocate(ctx, p.ID, d.ID, 3000) })
			})
		}
		wg.Wait()
		close(errc)
		ok := 0
		for err := range errc {
			switch {
			case err == nil:
				ok++
			case !errs.Is(err, errs.Conflict):
				t.Errorf("allocation beyond the payment: %v", err)
			}
		}
		if ok != 3 {
			t.Fatalf("%d allocations of 30.00 out of 100.00 succeeded, want 3", ok)
		}
		got, err := db.Payment(ctx, p.ID)
		if err != nil || got.Allocated != 9000 || got.Credit() != 1000 || got.Reference != "VIR 42" {
			t.Fatalf("payment %+v %v", got, err)
		}
		if doc, _ := db.Document(ctx, d.ID); doc.Paid != 9000 {
			t.Errorf("document paid %d", doc.Paid)
		}
		allocs, err := db.AllocationsOf(ctx, d.ID)
		if err != nil || len(allocs) != 3 || allocs[0].Date != "2026-04-02" || allocs[0].Method != "transfer" || allocs[0].Amount != 3000 {
			t.Fatalf("allocations %+v %v", allocs, err)
		}
		if list, _ := db.PaymentsOf(ctx, d.ContactID, sales.In, 0); len(list) != 1 {
			t.Errorf("payments of the client: %v", list)
		}
		if err := db.DeletePayment(ctx, p.ID); err != nil {
			t.Fatal(err)
		}
		if doc, _ := db.Document(ctx, d.ID); doc.Paid != 0 {
			t.Errorf("paid after delete %d", doc.Paid)
		}
		if allocs, _ := db.AllocationsOf(ctx, d.ID); len(allocs) != 0 {
			t.Errorf("allocations after delete %v", allocs)
		}
		if _, err := db.Payment(ctx, p.ID); !errs.Is(err, errs.NotFound) {
			t.Errorf("payment after delete: %v", err)
		}
	})
}

// TestPaymentIsolation: account B neither sees, allocates nor deletes A's
// payments, nor reads A's allocations, reminders or overdue invoices.
func TestPaymentIsolation(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctxA, _ := mustAccount(t, db, "A")
		ctxB, _ := mustAccount(t, db, "B")
		d := issuedFor(t, db, ctxA)
		p := sales.Payment{ContactID: d.ContactID, Date: "2026-04-02", Amount: 1000, Method: "cash"}
		if err := db.CreatePayment(ctxA, &p, 0); err != nil {
			t.Fatal(err)
		}
		if err := db.Allocate(ctxA, p.ID, d.ID, 500); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Payment(ctxB, p.ID); !errs.Is(err, errs.NotFound) {
			t.Errorf("B reads A's payment: %v", err)
		}
		if err := db.Allocate(ctxB, p.ID, d.ID, 100); !errs.Is(err, errs.NotFound) {
			t.Errorf("B allocates A's payment: %v", err)
		}
		if err := db.DeletePayment(ctxB, p.ID); !errs.Is(err, errs.NotFound) {
			t.Errorf("B deletes A's payment: %v", err)
		}
		if list, _ := db.PaymentsOf(ctxB, d.ContactID, sales.In, 0); len(list) != 0 {
			t.Errorf("B lists A's payments: %v", list)
		}
		if list, _ := db.AllocationsOf(ctxB, d.ID); len(list) != 0 {
			t.Errorf("B lists A's allocations: %v", list)
		}
		if list, _ := db.OverdueInvoices(ctxB, "2100-01-01"); len(list) != 0 {
			t.Errorf("B lists A's overdue invoices: %v", list)
		}
		if ok, err := db.ClaimReminder(ctxB, &sales.Reminder{DocumentID: d.ID, Level: 1, Channel: "email", Tone: "friendly"}); ok || err == nil {
			t.Errorf("B claims a reminder on A's invoice: %v %v", ok, err)
		}
		if err := db.SetContactDunningPaused(ctxB, d.ContactID, true); !errs.Is(err, errs.NotFound) {
			t.Errorf("B pauses A's client: %v", err)
		}
		if doc, _ := db.Document(ctxA, d.ID); doc.Paid != 500 {
			t.Errorf("A's invoice paid %d after B's attempts", doc.Paid)
		}
	})
}

// TestClaimReminderOnce: a level is claimed once and raises the invoice's
// dunning level; overdue invoices leave out paid, paused and not yet due
// ones.
func TestClaimReminderOnce(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx, _ := mustAccount(t, db, "A")
		d := issuedFor(t, db, ctx)
		if list, _ := db.OverdueInvoices(ctx, "2026-03-31"); len(list) != 0 {
			t.Errorf("overdue on its due date: %v", list)
		}
		list, err := db.OverdueInvoices(ctx, "2026-04-01")
		if err != nil || len(list) != 1 || list[0].Document.ID != d.ID {
			t.Fatalf("overdue: %v %v", list, err)
		}
		var wg sync.WaitGroup
		var mu sync.Mutex
		claims := 0
		for range 4 {
			wg.Go(func() {
				r := sales.Reminder{DocumentID: d.ID, Level: 1, Channel: "email", Tone: "friendly", Balance: d.Balance()}
				err := db.WithTx(ctx, func(ctx context.Context) error {
					ok, err := db.ClaimReminder(ctx, &r)
					if ok {
						mu.Lock()
						claims++
						mu.Unlock()
					}
					return err
				})
				if err != nil {
					t.Error(err)
				}
			})
		}
		wg.Wait()
		if claims != 1 {
			t.Fatalf("level 1 claimed %d times", claims)
		}
		rs, err := db.RemindersOf(ctx, d.ID)
		if err != nil || len(rs) != 1 || rs[0].Number != "F-2026-0001" || rs[0].Balance != 6567 {
			t.Fatalf("reminders %+v %v", rs, err)
		}
		if err := db.SetReminderMailStatus(ctx, rs[0].ID, "sent"); err != nil {
			t.Fatal(err)
		}
		if doc, _ := db.Document(ctx, d.ID); doc.DunningLevel != 1 {
			t.Errorf("dunning level %d", doc.DunningLevel)
		}
		if err := db.SetContactDunningPaused(ctx, d.ContactID, true); err != nil {
			t.Fatal(err)
		}
		if p, _ := db.ContactDunningPaused(ctx, d.ContactID); !p {
			t.Error("client not paused")
		}
		if list, _ := db.OverdueInvoices(ctx, "2026-04-01"); len(list) != 0 {
			t.Errorf("overdue of a paused client: %v", list)
		}
	})
}

// TestPaymentForUpdate: a payment locked by a transaction that deletes it
// takes no allocation meanwhile (the allocation waits, then finds it
// gone); the lock finds only the recorder's payment when asked, and
// CreditsForUpdate only those with something left, oldest first.
func TestPaymentForUpdate(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx, _ := mustAccount(t, db, "A")
		d := issuedFor(t, db, ctx)
		p := sales.Payment{ContactID: d.ContactID, Date: "2026-04-02", Amount: 1000, Method: "cash"}
		if err := db.CreatePayment(ctx, &p, 7); err != nil {
			t.Fatal(err)
		}
		if _, err := db.PaymentForUpdate(ctx, p.ID, 8); !errs.Is(err, errs.NotFound) {
			t.Errorf("another user's payment: %v", err)
		}
		if got, err := db.PaymentForUpdate(ctx, p.ID, 7); err != nil || got.ID != p.ID {
			t.Errorf("the recorder's payment: %+v %v", got, err)
		}
		if list, _ := db.PaymentsOf(ctx, d.ContactID, sales.In, 8); len(list) != 0 {
			t.Errorf("another user's payments listed: %+v", list)
		}
		locked, release := make(chan struct{}), make(chan struct{})
		deleted := make(chan error, 1)
		go func() {
			deleted <- db.WithTx(ctx, func(ctx context.Context) error {
				if _, err := db.PaymentForUpdate(ctx, p.ID, 0); err != nil {
					close(locked)
					return err
				}
				close(locked)
				<-release
				return db.DeletePayment(ctx, p.ID)
			})
		}()
		<-locked
		allocated := make(chan error, 1)
		go func() {
			allocated <- db.WithTx(ctx, func(ctx context.Context) error { return db.Allocate(ctx, p.ID, d.ID, 500) })
		}()
		select {
		case err := <-allocated:
			t.Fatalf("allocated from a locked payment: %v", err)
		case <-time.After(200 * time.Millisecond):
		}
		close(release)
		if err := <-deleted; err != nil {
			t.Fatal(err)
		}
		if err := <-allocated; !errs.Is(err, errs.NotFound) {
			t.Errorf("allocation from the deleted payment: %v", err)
		}
		if doc, _ := db.Document(ctx, d.ID); doc.Paid != 0 {
			t.Errorf("paid %d", doc.Paid)
		}

		// Credits: those with something left, oldest first.
		var ids []int64
		for _, date := range []string{"2026-04-05", "2026-04-03", "2026-04-04"} {
			q := sales.Payment{ContactID: d.ContactID, Date: date, Amount: 1000, Method: "cash"}
			if err := db.CreatePayment(ctx, &q, 7); err != nil {
				t.Fatal(err)
			}
			ids = append(ids, q.ID)
		}
		if err := db.Allocate(ctx, ids[2], d.ID, 1000); err != nil {
			t.Fatal(err)
		}
		err := db.WithTx(ctx, func(ctx context.Context) error {
			list, err := db.CreditsForUpdate(ctx, d.ContactID, sales.In, 0)
			if err != nil || len(list) != 2 || list[0].ID != ids[1] || list[1].ID != ids[0] {
				t.Errorf("credits %+v %v", list, err)
			}
			if list, _ := db.CreditsForUpdate(ctx, d.ContactID, sales.In, 8); len(list) != 0 {
				t.Errorf("another user's credits %+v", list)
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}
