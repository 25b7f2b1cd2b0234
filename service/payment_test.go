package service_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/comptoir/comptoir/access"
	"github.com/comptoir/comptoir/errs"
	"github.com/comptoir/comptoir/money"
	"github.com/comptoir/comptoir/sales"
	"github.com/comptoir/comptoir/service"
	"github.com/comptoir/comptoir/storage"
	"github.com/comptoir/comptoir/storage/storagetest"
)

// at sets the database clock to a day, at 10:00 UTC (noon in Paris).
func at(db *storage.DB, day string) {
	t, err := time.Parse(time.DateOnly, day)
	if err != nil {
		panic(err)
	}
	t = t.Add(10 * time.Hour)
	db.SetClock(func() time.Time { return t })
}

// issueInvoice issues an invoice of one line for a client: 1,000.00 excl.
// VAT at 20 %, 1,200.00 to pay, due 30 days after the clock's day.
func issueInvoice(t *testing.T, s *service.Service, ctx context.Context, contactID int64) sales.Document {
	t.Helper()
	d, err := s.CreateDocument(ctx, sales.Input{Kind: ptr(sales.Invoice), ContactID: &contactID, Title: ptr("Conseil"),
		Lines: lines(item("Conseil", 1000, 100000, 2000))})
	if err != nil {
		t.Fatal(err)
	}
	if d, err = s.Issue(ctx, d.ID); err != nil {
		t.Fatal(err)
	}
	if d.GrossTotal != 120000 {
		t.Fatalf("invoice total %d", d.GrossTotal)
	}
	return d
}

func doc(t *testing.T, s *service.Service, ctx context.Context, id int64) sales.Document {
	t.Helper()
	v, err := s.Document(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	return v.Document
}

// TestPayments: a partial payment leaves the invoice partly paid, the rest
// pays it; an overpayment stays as credit and settles a later invoice;
// drafts and quotes are not paid; deleting a payment reverses it; the
// statement adds up.
func TestPayments(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := newService(t, db)
		ctx, _ := mustCreate(t, s, "Atelier", "owner@atelier.example")
		c := sellerReady(t, s, ctx)
		at(db, "2026-03-02")

		draft, err := s.CreateDocument(ctx, sales.Input{Kind: ptr(sales.Invoice), ContactID: &c.ID, Lines: lines(item("x", 1000, 100, 2000))})
		if err != nil {
			t.Fatal(err)
		}
		pay := func(docID int64, amount money.Amount, date string) (sales.Payment, error) {
			return s.RecordPayment(ctx, service.PaymentInput{ContactID: c.ID, DocumentID: docID, Date: date, Amount: amount, Method: "transfer"})
		}
		if _, err := pay(draft.ID, 1000, "2026-03-02"); !errs.Is(err, errs.Invalid) || errs.FieldsOf(err)[0].Code != "draft" {
			t.Errorf("payment on a draft: %v", err)
		}
		quote, _ := s.CreateDocument(ctx, sales.Input{Kind: ptr(sales.Quote), ContactID: &c.ID, Lines: lines(item("x", 1000, 100, 2000))})
		if _, err := pay(quote.ID, 1000, "2026-03-02"); !errs.Is(err, errs.Invalid) {
			t.Errorf("payment on a quote: %v", err)
		}
		if _, err := pay(0, -5, "2026-03-02"); !errs.Is(err, errs.Invalid) {
			t.Errorf("negative payment: %v", err)
		}

		inv1 := issueInvoice(t, s, ctx, c.ID)
		first, err := pay(inv1.ID, 50000, "2026-03-10")
		if err != nil || first.Allocated != 50000 || first.Credit() != 0 {
			t.Fatalf("partial payment %+v %v", first, err)
		}
		if d := doc(t, s, ctx, inv1.ID); d.Status != sales.PartlyPaid || d.Paid != 50000 {
			t.Fatalf("after a partial payment: %s paid %d", d.Status, d.Paid)
		}
		if _, err := pay(inv1.ID, 70000, "2026-03-12"); err != nil {
			t.Fatal(err)
		}
		if d := doc(t, s, ctx, inv1.ID); d.Status != sales.Paid || d.Balance() != 0 {
			t.Fatalf("after the rest: %s balance %d", d.Status, d.Balance())
		}
		if _, err := pay(inv1.ID, 100, "2026-03-12"); !errs.Is(err, errs.Conflict) {
			t.Errorf("payment on a paid invoice: %v", err)
		}

		inv2 := issueInvoice(t, s, ctx, c.ID)
		over, err := pay(inv2.ID, 150000, "2026-03-15")
		if err != nil || over.Allocated != 120000 || over.Credit() != 30000 {
			t.Fatalf("overpayment %+v %v", over, err)
		}
		inv3 := issueInvoice(t, s, ctx, c.ID)
		d3, err := s.ApplyCredit(ctx, c.ID, inv3.ID)
		if err != nil || d3.Status != sales.PartlyPaid || d3.Paid != 30000 {
			t.Fatalf("apply credit: %s paid %d, %v", d3.Status, d3.Paid, err)
		}
		if _, err := s.ApplyCredit(ctx, c.ID, inv3.ID); !errs.Is(err, errs.Conflict) {
			t.Errorf("credit applied twice: %v", err)
		}
		if ps, _ := s.Payments(ctx, c.ID); len(ps) != 3 || ps[2].Credit() != 0 {
			t.Errorf("payments %+v", ps)
		}
		if allocs, err := s.DocumentPayments(ctx, inv3.ID); err != nil || len(allocs) != 1 || allocs[0].Amount != 30000 || allocs[0].Date != "2026-03-15" {
			t.Errorf("allocations of the third invoice %+v %v", allocs, err)
		}

		if err := s.DeletePayment(ctx, first.ID); err != nil {
			t.Fatal(err)
		}
		if d := doc(t, s, ctx, inv1.ID); d.Status != sales.PartlyPaid || d.Paid != 70000 {
			t.Errorf("after deleting the first payment: %s paid %d", d.Status, d.Paid)
		}
		log, _ := s.Activity(ctx, activityFilter(20))
		pays := 0
		for _, e := range log {
			if e.Module == "sales" && e.Action == "pay" {
				pays++
			}
		}
		if pays != 4 || log[0].Action != "delete" || log[0].RecordType != "payment" {
			t.Errorf("activity: %d pay entries, latest %+v", pays, log[0])
		}

		// The statement: invoiced 3 × 1,200.00, paid 700.00 + 1,500.00.
		all, err := s.Statement(ctx, c.ID, "", "")
		if err != nil {
			t.Fatal(err)
		}
		want := money.Amount(360000 - 220000)
		if all.Opening != 0 || all.Debits != 360000 || all.Credits != 220000 || all.Closing != want ||
			all.Rows[len(all.Rows)-1].Balance != want || len(all.Rows) != 5 {
			t.Fatalf("statement %+v", all)
		}
		var owed money.Amount
		for _, id := range []int64{inv1.ID, inv2.ID, inv3.ID} {
			owed += doc(t, s, ctx, id).Balance()
		}
		if owed-all.Credit != all.Closing {
			t.Errorf("balances %d less credit %d, statement closes at %d", owed, all.Credit, all.Closing)
		}
		part, err := s.Statement(ctx, c.ID, "2026-03-11", "2026-03-14")
		if err != nil {
			t.Fatal(err)
		}
		// Before the 11th: the three invoices (issued on the 2nd).
		if part.Opening != 360000 || len(part.Rows) != 1 || part.Rows[0].Credit != 70000 || part.Closing != 290000 ||
			part.Rows[0].Balance != 290000 {
			t.Errorf("statement of the 11th to the 14th %+v", part)
		}
		if _, err := s.Statement(ctx, c.ID, "11/03/2026", ""); !errs.Is(err, errs.Invalid) {
			t.Errorf("statement with a bad date: %v", err)
		}

		// Another account sees none of it.
		ctxB, _ := mustCreate(t, s, "Other", "owner@other.example")
		if _, err := s.RecordPayment(ctxB, service.PaymentInput{DocumentID: inv3.ID, Date: "2026-03-20", Amount: 100, Method: "cash"}); !errs.Is(err, errs.NotFound) {
			t.Errorf("B pays A's invoice: %v", err)
		}
		if err := s.DeletePayment(ctxB, over.ID); !errs.Is(err, errs.NotFound) {
			t.Errorf("B deletes A's payment: %v", err)
		}
		if ps, _ := s.Payments(ctxB, c.ID); len(ps) != 0 {
			t.Errorf("B lists A's payments: %v", ps)
		}
	})
}

// TestPaymentsOwnScope: a role whose Sales rights are limited to its own
// records sees and touches only the payments its user recorded, and no
// statement of a client it may not reach.
func TestPaymentsOwnScope(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := newService(t, db)
		ctx, a := mustCreate(t, s, "Atelier", "owner@atelier.example")
		c := sellerReady(t, s, ctx)
		at(db, "2026-03-02")

		// The built-in sales role: its own contacts and documents.
		seller := roleCtx(t, db, a, "seller@atelier.example", access.RoleSales)
		if _, err := s.Statement(seller, c.ID, "", ""); !errs.Is(err, errs.NotFound) {
			t.Errorf("the sales role reads the statement of a client it does not own: %v", err)
		}

		// A role that may pay, on every contact but its own sales records.
		cashier := roleCtx(t, db, a, "cashier@atelier.example", access.RoleOwner)
		rights, _ := access.Builtin(access.RoleOwner) // a fresh copy
		rights.Role = "own-cashier"
		rights.Grants[access.Sales] = access.Grant{Actions: []access.Action{access.View, access.Create, access.Edit, access.Issue, access.Pay}, Scope: access.Own}
		cashier = access.WithRights(cashier, rights)

		inv := issueInvoice(t, s, ctx, c.ID)
		theirs, err := s.RecordPayment(ctx, service.PaymentInput{DocumentID: inv.ID, Date: "2026-03-05", Amount: 150000, Method: "transfer"})
		if err != nil || theirs.Credit() != 30000 {
			t.Fatalf("owner's overpayment %+v %v", theirs, err)
		}
		if ps, err := s.Payments(cashier, c.ID); err != nil || len(ps) != 0 {
			t.Errorf("the own-scoped role lists another's payments: %+v %v", ps, err)
		}
		if err := s.DeletePayment(cashier, theirs.ID); !errs.Is(err, errs.NotFound) {
			t.Errorf("the own-scoped role deletes another's payment: %v", err)
		}
		own := issueInvoice(t, s, cashier, c.ID)
		if _, err := s.ApplyCredit(cashier, c.ID, own.ID); !errs.Is(err, errs.Conflict) {
			t.Errorf("the own-scoped role spends another's payment: %v", err)
		}
		mine, err := s.RecordPayment(cashier, service.PaymentInput{ContactID: c.ID, Date: "2026-03-06", Amount: 1000, Method: "cash"})
		if err != nil {
			t.Fatal(err)
		}
		if d, err := s.ApplyCredit(cashier, c.ID, own.ID); err != nil || d.Paid != 1000 {
			t.Errorf("the own-scoped role applies its own credit: %+v %v", d, err)
		}
		if ps, err := s.Payments(cashier, c.ID); err != nil || len(ps) != 1 || ps[0].ID != mine.ID {
			t.Errorf("the own-scoped role's payments: %+v %v", ps, err)
		}
		if err := s.DeletePayment(cashier, mine.ID); err != nil {
			t.Errorf("the own-scoped role deletes its own payment: %v", err)
		}
		if ps, _ := s.Payments(ctx, c.ID); len(ps) != 1 || ps[0].ID != theirs.ID || ps[0].Credit() != 30000 {
			t.Errorf("the owner's payments afterwards: %+v", ps)
		}
	})
}

// TestDeletePaymentRacesApplyCredit: a payment deleted while its credit is
// applied to another invoice leaves every invoice's paid amount equal to
// its allocations, and every payment's allocated amount equal to its own.
func TestDeletePaymentRacesApplyCredit(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := newService(t, db)
		ctx, _ := mustCreate(t, s, "Atelier", "owner@atelier.example")
		c := sellerReady(t, s, ctx)
		at(db, "2026-03-02")
		var invoices, payments []int64
		for round := range 15 {
			first := issueInvoice(t, s, ctx, c.ID)
			p, err := s.RecordPayment(ctx, service.PaymentInput{DocumentID: first.ID, Date: "2026-03-05", Amount: 150000, Method: "transfer"})
			if err != nil {
				t.Fatal(err)
			}
			second := issueInvoice(t, s, ctx, c.ID)
			invoices = append(invoices, first.ID, second.ID)
			payments = append(payments, p.ID)
			var wg sync.WaitGroup
			start := make(chan struct{})
			wg.Go(func() {
				<-start
				if err := s.DeletePayment(ctx, p.ID); err != nil {
					t.Errorf("round %d: delete: %v", round, err)
				}
			})
			wg.Go(func() {
				<-start
				if _, err := s.ApplyCredit(ctx, c.ID, second.ID); err != nil && !errs.Is(err, errs.Conflict) {
					t.Errorf("round %d: apply credit: %v", round, err)
				}
			})
			close(start)
			wg.Wait()
		}
		for _, id := range invoices {
			d := doc(t, s, ctx, id)
			allocs, err := s.DocumentPayments(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			var sum money.Amount
			for _, a := range allocs {
				sum += a.Amount
			}
			if d.Paid != sum || d.Status != sales.PaymentStatus(d) {
				t.Errorf("invoice %s: paid %d (%s), allocations %d", d.Number, d.Paid, d.Status, sum)
			}
		}
		left, err := s.Payments(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range left {
			allocs, err := db.PaymentAllocations(ctx, p.ID)
			if err != nil {
				t.Fatal(err)
			}
			var sum money.Amount
			for _, a := range allocs {
				sum += a.Amount
			}
			if p.Allocated != sum {
				t.Errorf("payment %d: allocated %d, allocations %d", p.ID, p.Allocated, sum)
			}
		}
		for _, id := range payments {
			if allocs, _ := db.PaymentAllocations(ctx, id); len(allocs) != 0 {
				t.Errorf("deleted payment %d keeps allocations %+v", id, allocs)
			}
		}
	})
}
