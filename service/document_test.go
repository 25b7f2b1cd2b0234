package service_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/comptoir/comptoir/access"
	"github.com/comptoir/comptoir/account"
	"github.com/comptoir/comptoir/crm"
	"github.com/comptoir/comptoir/errs"
	"github.com/comptoir/comptoir/measure"
	"github.com/comptoir/comptoir/money"
	"github.com/comptoir/comptoir/sales"
	"github.com/comptoir/comptoir/service"
	"github.com/comptoir/comptoir/storage"
	"github.com/comptoir/comptoir/storage/storagetest"
	"github.com/comptoir/comptoir/vat"
)

// sellerReady fills the legal identity an invoice needs and returns a
// business client with every mention.
func sellerReady(t testing.TB, s *service.Service, ctx context.Context) crm.Contact {
	t.Helper()
	if _, err := s.UpdateAccount(ctx, account.Update{LegalForm: ptr("SARL"), SIREN: ptr("732829320"), SIRET: ptr("73282932000074"),
		VATNumber: ptr("FR44732829320"), ShareCapital: ptr(money.Amount(1_000_000)), RCSCity: ptr("Lyon"),
		Address: &account.Address{Line1: "3 rue des Lilas", PostalCode: "69003", City: "Lyon", Country: "FR"}}); err != nil {
		t.Fatal(err)
	}
	c, err := s.CreateContact(ctx, crm.Input{Kind: ptr(crm.Company), CompanyName: ptr("Durand SARL"), SIRET: ptr("55210055400013"),
		Email: ptr("compta@durand.example"), IsClient: ptr(true),
		Address: &account.Address{Line1: "1 place Bellecour", PostalCode: "69002", City: "Lyon", Country: "FR"}})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func lines(ls ...sales.Line) *[]sales.Line { return &ls }

func item(desc string, q measure.Quantity, price int64, rate int64) sales.Line {
	return sales.Line{Kind: sales.Item, Description: desc, Quantity: q, UnitPrice: money.Amount(price), VATRate: vat.Rate(rate), Unit: "piece"}
}

// TestSalesFlow follows a sale from the quote to the credit note: accept,
// order, two partial deliveries, a deposit, the final invoice with the
// deposit deducted, and a partial credit note.
func TestSalesFlow(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := newService(t, db)
		ctx, _ := mustCreate(t, s, "Atelier", "owner@atelier.example")
		c := sellerReady(t, s, ctx)
		q, err := s.CreateDocument(ctx, sales.Input{Kind: ptr(sales.Quote), ContactID: &c.ID, Title: ptr("Café en vrac"),
			Lines: lines(item("Café", 10_000, 2500, 550), item("Torréfaction", 2000, 6000, 2000))})
		if err != nil {
			t.Fatal(err)
		}
		if q.Buyer.Name != "Durand SARL" || q.Buyer.SIREN != "552100554" || q.ValidUntil == "" || q.GrossTotal != 40775 {
			t.Fatalf("quote = %+v", q)
		}
		if _, err := s.Derive(ctx, q.ID, service.DeriveInput{Kind: sales.Order}); !errs.Is(err, errs.Conflict) {
			t.Fatalf("order from a draft quote: %v", err)
		}
		if q, err = s.Issue(ctx, q.ID); err != nil || q.Number == "" || q.Number[:2] != "D-" {
			t.Fatalf("issue quote: %+v %v", q.Number, err)
		}
		if _, err := s.UpdateDocument(ctx, q.ID, sales.Input{Title: ptr("x")}); !errs.Is(err, errs.Conflict) {
			t.Fatalf("an issued quote was edited: %v", err)
		}
		if _, err := s.Decide(ctx, q.ID, sales.Accepted); err != nil {
			t.Fatal(err)
		}
		order, err := s.Derive(ctx, q.ID, service.DeriveInput{Kind: sales.Order})
		if err != nil {
			t.Fatal(err)
		}
		if order, err = s.Issue(ctx, order.ID); err != nil {
			t.Fatal(err)
		}
		dep, err := s.Derive(ctx, order.ID, service.DeriveInput{Kind: sales.Deposit, Deposit: 3000})
		if err != nil {
			t.Fatal(err)
		}
		if dep, err = s.Issue(ctx, dep.ID); err != nil || dep.Number != "F-"+dep.IssueDate[:4]+"-0001" {
			t.Fatalf("deposit: %q %v", dep.Number, err)
		}
		first, err := s.Derive(ctx, order.ID, service.DeriveInput{Kind: sales.Delivery})
		if err != nil {
			t.Fatal(err)
		}
		first.Lines[0].Quantity = 4000 // 4 kg of the 10
		first.Lines = first.Lines[:1]
		if first, err = s.UpdateDocument(ctx, first.ID, sales.Input{Lines: &first.Lines}); err != nil {
			t.Fatal(err)
		}
		if _, err = s.Issue(ctx, first.ID); err != nil {
			t.Fatal(err)
		}
		if v, _ := s.Document(ctx, order.ID); v.Document.Status != sales.PartDelivered {
			t.Errorf("order after the first delivery: %s", v.Document.Status)
		}
		second, err := s.Derive(ctx, order.ID, service.DeriveInput{Kind: sales.Delivery})
		if err != nil || len(second.Lines) != 2 || second.Lines[0].Quantity != 6000 {
			t.Fatalf("second delivery: %+v %v", second.Lines, err)
		}
		if _, err = s.Issue(ctx, second.ID); err != nil {
			t.Fatal(err)
		}
		if v, _ := s.Document(ctx, order.ID); v.Document.Status != sales.Delivered || len(v.Children) != 3 {
			t.Errorf("order after both deliveries: %s, %d children", v.Document.Status, len(v.Children))
		}
		if _, err := s.Derive(ctx, order.ID, service.DeriveInput{Kind: sales.Delivery}); !errs.Is(err, errs.Conflict) {
			t.Errorf("a third delivery: %v", err)
		}
		inv, err := s.Derive(ctx, order.ID, service.DeriveInput{Kind: sales.Invoice, Delivered: true})
		if err != nil {
			t.Fatal(err)
		}
		if inv.NetTotal != order.NetTotal-dep.NetTotal {
			t.Errorf("final invoice net %d, want %d less the deposit's %d", inv.NetTotal, order.NetTotal, dep.NetTotal)
		}
		if inv, err = s.Issue(ctx, inv.ID); err != nil || inv.Number != "F-"+inv.IssueDate[:4]+"-0002" || inv.DueDate == "" {
			t.Fatalf("invoice: %q due %q, %v", inv.Number, inv.DueDate, err)
		}
		if err := s.DeleteDocument(ctx, inv.ID); !errs.Is(err, errs.Conflict) {
			t.Errorf("an issued invoice was deleted: %v", err)
		}
		cn, err := s.Derive(ctx, inv.ID, service.DeriveInput{Kind: sales.Credit})
		if err != nil {
			t.Fatal(err)
		}
		cn.Lines = cn.Lines[:1]
		cn.Lines[0].Quantity = 1000
		if cn, err = s.UpdateDocument(ctx, cn.ID, sales.Input{Lines: &cn.Lines}); err != nil {
			t.Fatal(err)
		}
		if cn, err = s.Issue(ctx, cn.ID); err != nil || cn.Number[:3] != "AV-" {
			t.Fatalf("credit note: %q %v", cn.Number, err)
		}
		v, _ := s.Document(ctx, inv.ID)
		if v.Credited != cn.GrossTotal || v.Balance() != inv.GrossTotal-cn.GrossTotal {
			t.Errorf("invoice after the credit note: credited %d, balance %d", v.Credited, v.Balance())
		}
		// A second credit note for more than what is left is refused.
		big, err := s.Derive(ctx, inv.ID, service.DeriveInput{Kind: sales.Credit})
		if err != nil {
			t.Fatal(err)
		}
		big.Lines = append(big.Lines, item("geste", 1000, 10_000_000, 2000))
		if _, err := s.UpdateDocument(ctx, big.ID, sales.Input{Lines: &big.Lines}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Issue(ctx, big.ID); !errs.Is(err, errs.Invalid) {
			t.Errorf("a credit note beyond the invoice: %v", err)
		}
	})
}

// TestIssueNeedsLegalMentions: an invoice to a client without an address
// is not issued, and says what to fill in and where; no number is taken.
func TestIssueNeedsLegalMentions(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := newService(t, db)
		ctx, _ := mustCreate(t, s, "Atelier", "owner@atelier.example")
		c, err := s.CreateContact(ctx, crm.Input{Kind: ptr(crm.Company), CompanyName: ptr("Sans Adresse SAS")})
		if err != nil {
			t.Fatal(err)
		}
		inv, err := s.CreateDocument(ctx, sales.Input{Kind: ptr(sales.Invoice), ContactID: &c.ID, Lines: lines(item("x", 1000, 100, 2000))})
		if err != nil {
			t.Fatal(err)
		}
		_, err = s.Issue(ctx, inv.ID)
		got := map[string]bool{}
		for _, f := range errs.FieldsOf(err) {
			got[f.Field] = true
		}
		for _, want := range []string{"seller.siret", "seller.address", "seller.legal_form", "buyer.address", "buyer.siren"} {
			if !got[want] {
				t.Errorf("no message for %s: %v", want, errs.FieldsOf(err))
			}
		}
		sellerReady(t, s, ctx)
		if _, err := s.UpdateContact(ctx, c.ID, crm.Input{SIREN: ptr("552100554"), Address: &account.Address{Line1: "2 rue", PostalCode: "75001", City: "Paris", Country: "FR"}}); err != nil {
			t.Fatal(err)
		}
		inv, err = s.Issue(ctx, inv.ID)
		if err != nil || inv.Number != "F-"+inv.IssueDate[:4]+"-0001" {
			t.Fatalf("after filling in: %q %v (the refused issue must not have used a number)", inv.Number, err)
		}
	})
}

// TestConcurrentIssueIsGapless: 64 invoices issued at once by 64
// goroutines get numbers 1 to 64, each once.
func TestConcurrentIssueIsGapless(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := newService(t, db)
		ctx, _ := mustCreate(t, s, "Atelier", "owner@atelier.example")
		c := sellerReady(t, s, ctx)
		const n = 64
		ids := make([]int64, n)
		for i := range ids {
			d, err := s.CreateDocument(ctx, sales.Input{Kind: ptr(sales.Invoice), ContactID: &c.ID, Lines: lines(item("x", 1000, int64(100+i), 2000))})
			if err != nil {
				t.Fatal(err)
			}
			ids[i] = d.ID
		}
		var wg sync.WaitGroup
		numbers := make([]string, n)
		errors := make([]error, n)
		for i := range ids {
			wg.Go(func() {
				d, err := s.Issue(ctx, ids[i])
				numbers[i], errors[i] = d.Number, err
			})
		}
		wg.Wait()
		seen := map[string]bool{}
		year := ""
		for i, num := range numbers {
			if errors[i] != nil {
				t.Fatalf("issue %d: %v", i, errors[i])
			}
			seen[num] = true
			year = num[2:6]
		}
		for k := 1; k <= n; k++ {
			if want := fmt.Sprintf("F-%s-%04d", year, k); !seen[want] {
				t.Errorf("%s missing: numbers %v", want, numbers)
			}
		}
		if len(seen) != n {
			t.Errorf("%d distinct numbers for %d invoices", len(seen), n)
		}
	})
}

// TestSalesDashboard: the figures add up the documents issued.
func TestSalesDashboard(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := newService(t, db)
		ctx, _ := mustCreate(t, s, "Atelier", "owner@atelier.example")
		c := sellerReady(t, s, ctx)
		issue := func(kind string, price int64) sales.Document {
			d, err := s.CreateDocument(ctx, sales.Input{Kind: ptr(kind), ContactID: &c.ID, Lines: lines(item("x", 1000, price, 2000))})
			if err != nil {
				t.Fatal(err)
			}
			if d, err = s.Issue(ctx, d.ID); err != nil {
				t.Fatal(err)
			}
			return d
		}
		issue(sales.Quote, 5000)
		issue(sales.Order, 7000)
		inv := issue(sales.Invoice, 10000)
		f, err := s.SalesDashboard(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if f.QuotesPending != 1 || f.QuotesPendingNet != 5000 || f.OrdersToDeliver != 1 || f.Unpaid != inv.GrossTotal || f.UnpaidCount != 1 || f.Overdue != 0 {
			t.Errorf("figures = %+v", f)
		}
		if len(f.Revenue) != 12 || f.Revenue[11].Net != 10000 || f.Revenue[11].Month != inv.IssueDate[:7] {
			t.Errorf("revenue = %+v", f.Revenue)
		}
		if len(f.TopClients) != 1 || f.TopClients[0].Name != "Durand SARL" || f.TopClients[0].Net != 10000 {
			t.Errorf("top clients = %+v", f.TopClients)
		}
	})
}

// TestExportNeedsTheRight: the sales role may issue but not export.
func TestExportNeedsTheRight(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := newService(t, db)
		ctx, _ := mustCreate(t, s, "Atelier", "owner@atelier.example")
		sellerRights, _ := access.Builtin(access.RoleSales)
		_, err := s.ExportDocuments(access.WithRights(ctx, sellerRights), sales.Filter{Kinds: []string{sales.Invoice}}, func(sales.Document) error { return nil })
		if !errs.Is(err, errs.Forbidden) {
			t.Errorf("a sales role exported: %v", err)
		}
		n, err := s.ExportDocuments(ctx, sales.Filter{Kinds: []string{sales.Invoice}}, func(sales.Document) error { return nil })
		if err != nil || n != 0 {
			t.Errorf("owner export: %d, %v", n, err)
		}
	})
}

// TestClientsWithSales: a client with documents is not deleted (they are
// kept), and merging moves the duplicate's documents to the client kept.
func TestClientsWithSales(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := newService(t, db)
		ctx, _ := mustCreate(t, s, "Atelier", "owner@atelier.example")
		c := sellerReady(t, s, ctx)
		dup, err := s.CreateContact(ctx, crm.Input{Kind: ptr(crm.Company), CompanyName: ptr("Durand S.A.R.L."), IsClient: ptr(true)})
		if err != nil {
			t.Fatal(err)
		}
		d, err := s.CreateDocument(ctx, sales.Input{Kind: ptr(sales.Quote), ContactID: &dup.ID, Lines: lines(item("x", 1000, 100, 2000))})
		if err != nil {
			t.Fatal(err)
		}
		if err := s.DeleteContact(ctx, dup.ID); !errs.Is(err, errs.Conflict) {
			t.Fatalf("a client with a quote was deleted: %v", err)
		}
		if _, err := s.MergeContacts(ctx, c.ID, dup.ID, nil); err != nil {
			t.Fatal(err)
		}
		v, err := s.Document(ctx, d.ID)
		if err != nil || v.ContactID != c.ID {
			t.Errorf("the quote after the merge: %+v, %v", v.Document, err)
		}
	})
}

// TestFlowGuards are the review's scenarios: each would bill or credit
// the wrong amount if let through.
func TestFlowGuards(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := newService(t, db)
		ctx, _ := mustCreate(t, s, "Atelier", "owner@atelier.example")
		c := sellerReady(t, s, ctx)
		issue := func(d sales.Document, err error) sales.Document {
			t.Helper()
			if err != nil {
				t.Fatal(err)
			}
			if d, err = s.Issue(ctx, d.ID); err != nil {
				t.Fatal(err)
			}
			return d
		}
		derive := func(id int64, in service.DeriveInput) (sales.Document, error) { return s.Derive(ctx, id, in) }

		// A discounted quote with a deposit is billed exactly once.
		quote := issue(s.CreateDocument(ctx, sales.Input{Kind: ptr(sales.Quote), ContactID: &c.ID, Discount: ptr(sales.Percent(1000)),
			Lines: lines(item("Conseil", 10_000, 10000, 2000), item("Café", 2000, 2490, 550))}))
		if _, err := s.Decide(ctx, quote.ID, sales.Accepted); err != nil {
			t.Fatal(err)
		}
		dep := issue(derive(quote.ID, service.DeriveInput{Kind: sales.Deposit, Deposit: 3000}))
		if _, err := derive(quote.ID, service.DeriveInput{Kind: sales.Deposit, Deposit: 8000}); !errs.Is(err, errs.Invalid) {
			t.Errorf("deposits beyond the quote's total: %v", err)
		}
		order := issue(derive(quote.ID, service.DeriveInput{Kind: sales.Order}))
		if _, err := derive(quote.ID, service.DeriveInput{Kind: sales.Order}); !errs.Is(err, errs.Conflict) {
			t.Errorf("a second order from one quote: %v", err)
		}
		if _, err := derive(quote.ID, service.DeriveInput{Kind: sales.Invoice}); !errs.Is(err, errs.Conflict) {
			t.Errorf("an invoice from an ordered quote: %v", err)
		}
		// A draft delivery note is not a delivery.
		if _, err := derive(order.ID, service.DeriveInput{Kind: sales.Delivery}); err != nil {
			t.Fatal(err)
		}
		if _, err := derive(order.ID, service.DeriveInput{Kind: sales.Invoice, Delivered: true}); !errs.Is(err, errs.Conflict) {
			t.Errorf("invoicing what a draft delivery note lists: %v", err)
		}
		final := issue(derive(order.ID, service.DeriveInput{Kind: sales.Invoice}))
		if billed := dep.GrossTotal + final.GrossTotal; billed < quote.GrossTotal-2 || billed > quote.GrossTotal+2 {
			t.Errorf("deposit %d + final %d billed for a quote of %d", dep.GrossTotal, final.GrossTotal, quote.GrossTotal)
		}
		if _, err := s.Cancel(ctx, order.ID); !errs.Is(err, errs.Conflict) {
			t.Errorf("an invoiced order cancelled: %v", err)
		}
		// The deposit is deducted: it is no longer credited on its own.
		depCredit, err := derive(dep.ID, service.DeriveInput{Kind: sales.Credit})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.Issue(ctx, depCredit.ID); !errs.Is(err, errs.Conflict) {
			t.Errorf("a deducted deposit credited: %v", err)
		}
		// The final invoice's credit note keeps the deduction, and a
		// duplicate leaves it out.
		credit, err := derive(final.ID, service.DeriveInput{Kind: sales.Credit})
		if err != nil || credit.GrossTotal != final.GrossTotal {
			t.Fatalf("credit note of the final invoice: %d, want %d (%v)", credit.GrossTotal, final.GrossTotal, err)
		}
		dup, err := derive(final.ID, service.DeriveInput{Kind: "duplicate"})
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range dup.Lines {
			if l.DepositID != 0 || l.Quantity < 0 {
				t.Errorf("the duplicate deducts the deposit again: %+v", l)
			}
		}
		// A credit note cannot credit more of a line than was invoiced,
		// even within the invoice's total.
		over := credit
		over.Lines[0].Quantity = 7000                        // 7 hours of the 10: the total stays within the invoice's
		over.Lines[1].Quantity = final.Lines[1].Quantity * 3 // but three times the coffee
		if _, err := s.UpdateDocument(ctx, credit.ID, sales.Input{Lines: &over.Lines}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Issue(ctx, credit.ID); !errs.Is(err, errs.Invalid) || !strings.Contains(errs.MessageOf(err), "Café") {
			t.Errorf("a credit note crediting three times a line: %v", err)
		}
		// Nothing to pay: paid at once.
		free := issue(s.CreateDocument(ctx, sales.Input{Kind: ptr(sales.Invoice), ContactID: &c.ID, Discount: ptr(sales.Percent(10000)),
			Lines: lines(item("Offert", 1000, 5000, 2000))}))
		if free.Status != sales.Paid {
			t.Errorf("an invoice of 0 is %s", free.Status)
		}
	})
}
