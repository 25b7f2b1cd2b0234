package service_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/comptoir/comptoir/account"
	"github.com/comptoir/comptoir/catalog"
	"github.com/comptoir/comptoir/crm"
	"github.com/comptoir/comptoir/errs"
	"github.com/comptoir/comptoir/money"
	"github.com/comptoir/comptoir/sales"
	"github.com/comptoir/comptoir/service"
	"github.com/comptoir/comptoir/storage"
	"github.com/comptoir/comptoir/storage/storagetest"
	"github.com/comptoir/comptoir/vat"
)

// supplier creates a supplier with bank details.
func supplier(t testing.TB, s *service.Service, ctx context.Context) crm.Contact {
	t.Helper()
	c, err := s.CreateContact(ctx, crm.Input{Kind: ptr(crm.Company), CompanyName: ptr("Moulins Réunis"), IsSupplier: ptr(true),
		Email: ptr("commandes@moulins.example"), IBAN: ptr("FR7630006000011234567890189"),
		Address: &account.Address{Line1: "Route du Moulin", PostalCode: "26000", City: "Valence", Country: "FR"}})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestPurchaseFlow orders from a supplier by e-mail, receives in two
// parts, records the supplier's bill with its PDF, pays it in two
// instalments, and finds everything on the supplier's timeline, the "to
// pay" list, the statement and the activity log.
func TestPurchaseFlow(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := newService(t, db)
		srv := withSMTP(t, s)
		at(db, "2026-03-02")
		ctx, _ := mustCreate(t, s, "Épicerie", "owner@epicerie.example")
		client := sellerReady(t, s, ctx)
		sup := supplier(t, s, ctx)

		if _, err := s.CreateDocument(ctx, sales.Input{Kind: ptr(sales.PurchaseOrder), ContactID: &client.ID,
			Lines: lines(item("Farine", 100_000, 120, 550))}); errs.FieldsOf(err) == nil || errs.FieldsOf(err)[0].Code != "not_supplier" {
			t.Fatalf("a purchase order to a client: %v", err)
		}
		po, err := s.CreateDocument(ctx, sales.Input{Kind: ptr(sales.PurchaseOrder), ContactID: &sup.ID, DeliveryDate: ptr("2026-03-09"),
			Lines: lines(item("Farine T65", 100_000, 120, 550), item("Sucre", 50_000, 200, 550))})
		if err != nil {
			t.Fatal(err)
		}
		if po.DeliveryAddress != nil || po.Buyer.Name != "Moulins Réunis" || po.NetTotal != 22000 {
			t.Fatalf("purchase order = %+v", po)
		}
		if _, err := s.Derive(ctx, po.ID, service.DeriveInput{Kind: sales.Receipt}); !errs.Is(err, errs.Conflict) {
			t.Fatalf("receipt of a draft order: %v", err)
		}
		mailIn, err := s.DocumentMail(ctx, po.ID)
		if err != nil || mailIn.To != "commandes@moulins.example" || !strings.Contains(mailIn.Body, "09/03/2026") {
			t.Fatalf("proposed mail %+v %v", mailIn, err)
		}
		sent, err := s.SendDocument(ctx, po.ID, mailIn)
		if err != nil || !sent.MailSent {
			t.Fatalf("send: %+v %v", sent, err)
		}
		m := srv.WaitFor(t, "commandes@moulins.example")
		if len(m.Parts) < 2 || !bytes.HasPrefix(m.Parts[len(m.Parts)-1].Body, []byte("%PDF-")) || !strings.HasPrefix(m.Subject, "Bon de commande CF-2026-0001") {
			t.Fatalf("mail %q with %d parts", m.Subject, len(m.Parts))
		}
		po = doc(t, s, ctx, po.ID)
		if po.Status != sales.Sent || po.Number != "CF-2026-0001" {
			t.Fatalf("sent order: %s %s", po.Status, po.Number)
		}
		if po, err = s.Confirm(ctx, po.ID, "AR-7781"); err != nil || po.Status != sales.Confirmed || po.SupplierNumber != "AR-7781" {
			t.Fatalf("confirm: %+v %v", po, err)
		}

		// Two receipts: 60 kg of flour, then the rest and the sugar.
		r1, err := s.Derive(ctx, po.ID, service.DeriveInput{Kind: sales.Receipt})
		if err != nil {
			t.Fatal(err)
		}
		r1.Lines[0].Quantity = 60_000
		if r1, err = s.UpdateDocument(ctx, r1.ID, sales.Input{Lines: &[]sales.Line{r1.Lines[0]}}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Issue(ctx, r1.ID); err != nil {
			t.Fatal(err)
		}
		if po = doc(t, s, ctx, po.ID); po.Status != sales.PartReceived {
			t.Fatalf("after the first receipt: %s", po.Status)
		}
		r2, err := s.Derive(ctx, po.ID, service.DeriveInput{Kind: sales.Receipt})
		if err != nil || len(r2.Lines) != 2 || r2.Lines[0].Quantity != 40_000 {
			t.Fatalf("second receipt %+v %v", r2.Lines, err)
		}
		if _, err := s.Issue(ctx, r2.ID); err != nil {
			t.Fatal(err)
		}
		if po = doc(t, s, ctx, po.ID); po.Status != sales.Received {
			t.Fatalf("after the second receipt: %s", po.Status)
		}
		if _, err := s.Derive(ctx, po.ID, service.DeriveInput{Kind: sales.Receipt}); !errs.Is(err, errs.Conflict) {
			t.Fatalf("a third receipt: %v", err)
		}
		if _, err := s.Derive(ctx, r2.ID, service.DeriveInput{Kind: "duplicate"}); !errs.Is(err, errs.Invalid) {
			t.Fatalf("a receipt duplicated: %v", err)
		}
		// The second receipt was recorded by mistake: cancelled, the order
		// is partly received again, and it is recorded anew.
		if _, err := s.Cancel(ctx, r2.ID); err != nil {
			t.Fatal(err)
		}
		if po = doc(t, s, ctx, po.ID); po.Status != sales.PartReceived {
			t.Fatalf("after a receipt was cancelled: %s", po.Status)
		}
		r3, err := s.Derive(ctx, po.ID, service.DeriveInput{Kind: sales.Receipt})
		if err != nil || len(r3.Lines) != 2 || r3.Lines[0].Quantity != 40_000 {
			t.Fatalf("receipt again %+v %v", r3.Lines, err)
		}
		if _, err := s.Issue(ctx, r3.ID); err != nil {
			t.Fatal(err)
		}
		if po = doc(t, s, ctx, po.ID); po.Status != sales.Received {
			t.Fatalf("after the receipt again: %s", po.Status)
		}

		// The supplier's bill: from what was received, the sugar a cent
		// dearer than ordered.
		bill, err := s.Derive(ctx, po.ID, service.DeriveInput{Kind: sales.Bill, Received: true})
		if err != nil {
			t.Fatal(err)
		}
		bill.Lines[1].UnitPrice = 201
		at(db, "2026-03-10")
		if bill, err = s.UpdateDocument(ctx, bill.ID, sales.Input{SupplierNumber: ptr("FAC-2026-118"), IssueDate: ptr("2026-03-09"),
			Lines: &bill.Lines}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.AttachFile(ctx, bill.ID, "../../etc/passwd", strings.NewReader("#!/bin/sh\nrm -rf /")); errs.FieldsOf(err) == nil ||
			errs.FieldsOf(err)[0].Code != "unsupported_type" {
			t.Fatalf("a script attached: %v", err)
		}
		original := []byte("%PDF-1.4\n% not really a PDF, and never parsed\n%%EOF\n")
		att, err := s.AttachFile(ctx, bill.ID, "C:\\scans\\facture \"mars\".pdf", bytes.NewReader(original))
		if err != nil || att.Name != "facture mars.pdf" || att.MediaType != "application/pdf" || att.Size != int64(len(original)) {
			t.Fatalf("attach: %+v %v", att, err)
		}
		if _, data, err := s.OpenAttachment(ctx, bill.ID, att.ID); err != nil || !bytes.Equal(data, original) {
			t.Fatalf("open attachment: %v", err)
		}
		v, err := s.Document(ctx, bill.ID)
		if err != nil || v.Match == nil || v.Match.OK || len(v.Match.Lines) != 2 {
			t.Fatalf("match %+v %v", v.Match, err)
		}
		if got := v.Match.Lines[1].Flags; len(got) != 1 || got[0] != sales.PriceDiffers {
			t.Fatalf("sugar flags %v", got)
		}
		if got := v.Match.Lines[0]; len(got.Flags) != 0 || got.Received != 100_000 || got.ThisBill != 100_000 {
			t.Fatalf("flour %+v", got)
		}
		if bill, err = s.Issue(ctx, bill.ID); err != nil {
			t.Fatal(err)
		}
		if bill.IssueDate != "2026-03-09" || bill.DueDate != "2026-04-08" || bill.Status != sales.Issued || bill.Number != "FF-2026-0001" {
			t.Fatalf("recorded bill %s %s %s %s", bill.IssueDate, bill.DueDate, bill.Status, bill.Number)
		}
		for _, q := range []string{"FAC-2026-1", "fac-2026", "FF-2026", "Moulins"} {
			if found, err := s.Documents(ctx, sales.Filter{Kinds: []string{sales.Bill}, Query: q}); err != nil || len(found) != 1 || found[0].ID != bill.ID {
				t.Fatalf("search %q found %d bills: %v", q, len(found), err)
			}
		}
		if err := s.DeleteAttachment(ctx, bill.ID, att.ID); !errs.Is(err, errs.Conflict) {
			t.Fatalf("an issued bill's original deleted: %v", err)
		}
		// The same supplier's number again is refused.
		dup, err := s.CreateDocument(ctx, sales.Input{Kind: ptr(sales.Bill), ContactID: &sup.ID, SupplierNumber: ptr("fac-2026-118"),
			IssueDate: ptr("2026-03-09"), Lines: lines(item("Frais", 1000, 500, 2000))})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.Issue(ctx, dup.ID); errs.FieldsOf(err) == nil || errs.FieldsOf(err)[0].Code != "duplicate" {
			t.Fatalf("a bill recorded twice: %v", err)
		}
		// With another problem, both are said at once.
		if _, err := s.UpdateDocument(ctx, dup.ID, sales.Input{IssueDate: ptr("2026-12-31")}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Issue(ctx, dup.ID); len(errs.FieldsOf(err)) != 2 || !errs.Is(err, errs.Invalid) {
			t.Fatalf("a bill from the future recorded twice: %v", err)
		}

		// To pay, then two instalments.
		toPay, err := s.ToPay(ctx)
		if err != nil || len(toPay.Bills) != 1 || toPay.Total != bill.GrossTotal || toPay.Bills[0].IBAN == "" || !toPay.Bills[0].Check {
			t.Fatalf("to pay %+v %v", toPay, err)
		}
		half := bill.GrossTotal / 2
		if _, err := s.RecordPayment(ctx, service.PaymentInput{Direction: sales.In, DocumentID: bill.ID, Date: "2026-03-20", Amount: half, Method: "transfer"}); !errs.Is(err, errs.Invalid) {
			t.Fatalf("a bill paid in: %v", err)
		}
		if _, err := s.RecordPayment(ctx, service.PaymentInput{Direction: sales.Out, DocumentID: bill.ID, Date: "2026-03-20", Amount: half, Method: "transfer"}); err != nil {
			t.Fatal(err)
		}
		if bill = doc(t, s, ctx, bill.ID); bill.Status != sales.PartlyPaid {
			t.Fatalf("after the first instalment: %s", bill.Status)
		}
		if _, err := s.RecordPayment(ctx, service.PaymentInput{DocumentID: bill.ID, Date: "2026-04-05",
			Amount: bill.GrossTotal - half, Method: "transfer", Reference: "VIR 2"}); err != nil {
			t.Fatal(err)
		}
		if bill = doc(t, s, ctx, bill.ID); bill.Status != sales.Paid {
			t.Fatalf("after the second instalment: %s", bill.Status)
		}
		if toPay, _ = s.ToPay(ctx); len(toPay.Bills) != 0 {
			t.Fatalf("a paid bill still to pay: %+v", toPay.Bills)
		}
		st, err := s.SupplierStatement(ctx, sup.ID, "", "")
		if err != nil || len(st.Rows) != 3 || st.Debits != bill.GrossTotal || st.Credits != bill.GrossTotal || st.Closing != 0 {
			t.Fatalf("supplier statement %+v %v", st, err)
		}
		if cs, _ := s.Statement(ctx, sup.ID, "", ""); len(cs.Rows) != 0 {
			t.Fatalf("the supplier's bills in a client statement: %+v", cs.Rows)
		}

		// The supplier's timeline: the order sent, two receipts, the bill,
		// two payments.
		conv, err := s.Conversations(ctx, sup.ID)
		if err != nil {
			t.Fatal(err)
		}
		var subjects []string
		for _, c := range conv {
			subjects = append(subjects, c.Subject)
		}
		joined := strings.Join(subjects, " | ")
		for _, want := range []string{"Bon de commande CF-2026-0001", "Réception BR-2026-0001", "Réception BR-2026-0003",
			"Facture fournisseur FF-2026-0001 (FAC-2026-118)", "Paiement " + half.Format("fr")} {
			if !strings.Contains(joined, want) {
				t.Errorf("timeline lacks %q: %s", want, joined)
			}
		}
		if len(conv) != 7 {
			t.Errorf("timeline has %d entries: %s", len(conv), joined)
		}
	})
}

// TestCloseShort: a partly received order is closed when the rest will
// not come: no more receipts, still billed, and a receipt cancelled
// afterwards leaves it closed.
func TestCloseShort(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := newService(t, db)
		ctx, _ := mustCreate(t, s, "Épicerie", "owner@epicerie.example")
		sellerReady(t, s, ctx)
		sup := supplier(t, s, ctx)
		po, err := s.CreateDocument(ctx, sales.Input{Kind: ptr(sales.PurchaseOrder), ContactID: &sup.ID, Lines: lines(item("Farine", 10_000, 120, 550))})
		if err == nil {
			po, err = s.Issue(ctx, po.ID)
		}
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.Close(ctx, po.ID); !errs.Is(err, errs.Conflict) {
			t.Fatalf("an order nothing was received of closed: %v", err)
		}
		r, err := s.Derive(ctx, po.ID, service.DeriveInput{Kind: sales.Receipt})
		if err != nil {
			t.Fatal(err)
		}
		r.Lines[0].Quantity = 4_000
		if _, err := s.UpdateDocument(ctx, r.ID, sales.Input{Lines: &r.Lines}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Issue(ctx, r.ID); err != nil {
			t.Fatal(err)
		}
		if po, err = s.Close(ctx, po.ID); err != nil || po.Status != sales.Closed {
			t.Fatalf("close: %s %v", po.Status, err)
		}
		if _, err := s.Derive(ctx, po.ID, service.DeriveInput{Kind: sales.Receipt}); !errs.Is(err, errs.Conflict) {
			t.Fatalf("a receipt of a closed order: %v", err)
		}
		bill, err := s.Derive(ctx, po.ID, service.DeriveInput{Kind: sales.Bill, Received: true})
		if err != nil || bill.Lines[0].Quantity != 4_000 {
			t.Fatalf("the bill of a closed order: %+v %v", bill.Lines, err)
		}
		if _, err := s.Cancel(ctx, r.ID); err != nil {
			t.Fatal(err)
		}
		if po = doc(t, s, ctx, po.ID); po.Status != sales.Closed {
			t.Fatalf("a closed order after its receipt was cancelled: %s", po.Status)
		}
	})
}

// TestPurchaseGuards: what a purchase document refuses.
func TestPurchaseGuards(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := newService(t, db)
		at(db, "2026-03-02")
		ctx, _ := mustCreate(t, s, "Épicerie", "owner@epicerie.example")
		sellerReady(t, s, ctx)
		sup := supplier(t, s, ctx)
		if _, err := s.CreateDocument(ctx, sales.Input{Kind: ptr(sales.Receipt), ContactID: &sup.ID}); !errs.Is(err, errs.Invalid) {
			t.Fatalf("a receipt without an order: %v", err)
		}
		if _, err := s.CreateDocument(ctx, sales.Input{Kind: ptr(sales.PurchaseOrder), ContactID: &sup.ID, IssueDate: ptr("2026-01-01")}); errs.FieldsOf(err) == nil {
			t.Fatalf("a purchase order backdated: %v", err)
		}
		bill, err := s.CreateDocument(ctx, sales.Input{Kind: ptr(sales.Bill), ContactID: &sup.ID, Lines: lines(item("Frais", 1000, 500, 2000))})
		if err != nil {
			t.Fatal(err)
		}
		_, err = s.Issue(ctx, bill.ID)
		got := map[string]bool{}
		for _, f := range errs.FieldsOf(err) {
			got[f.Field] = true
		}
		if !got["supplier_number"] || !got["issue_date"] {
			t.Fatalf("a bill without the supplier's number and date: %v", err)
		}
		if _, err := s.UpdateDocument(ctx, bill.ID, sales.Input{SupplierNumber: ptr("X1"), IssueDate: ptr("2026-03-03")}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Issue(ctx, bill.ID); errs.FieldsOf(err) == nil || errs.FieldsOf(err)[0].Code != "in_future" {
			t.Fatalf("a bill dated tomorrow: %v", err)
		}
		if _, err := s.UpdateDocument(ctx, bill.ID, sales.Input{IssueDate: ptr("2026-02-27"), DueDate: ptr("2026-03-15")}); err != nil {
			t.Fatal(err)
		}
		if bill, err = s.Issue(ctx, bill.ID); err != nil || bill.DueDate != "2026-03-15" {
			t.Fatalf("issue %+v %v", bill, err)
		}
		if _, _, err := s.DocumentPDF(ctx, bill.ID); !errs.Is(err, errs.Invalid) {
			t.Fatalf("a supplier's bill printed as ours: %v", err)
		}
		if _, err := s.SendReminder(ctx, bill.ID, 1); err == nil {
			t.Fatal("a reminder sent to a supplier")
		}
		if _, err := s.RecordPayment(ctx, service.PaymentInput{Direction: sales.Out, DocumentID: bill.ID, Date: "2026-03-02",
			Amount: money.Amount(100), Method: "card"}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Cancel(ctx, bill.ID); !errs.Is(err, errs.Conflict) {
			t.Fatalf("a bill with a payment cancelled: %v", err)
		}
		// Deleted, the payment is said so on the supplier's timeline.
		pays, err := s.SupplierPayments(ctx, sup.ID)
		if err != nil || len(pays) != 1 {
			t.Fatalf("supplier payments %v %v", pays, err)
		}
		if err := s.DeletePayment(ctx, pays[0].ID); err != nil {
			t.Fatal(err)
		}
		conv, err := s.Conversations(ctx, sup.ID)
		if err != nil || len(conv) != 3 || !strings.HasPrefix(conv[0].Subject, "Paiement supprimé (saisi par erreur) : 1,00 €") {
			t.Fatalf("timeline after a payment deleted: %+v %v", conv, err)
		}
		if _, err := s.AttachFile(ctx, bill.ID, "big.pdf", bytes.NewReader(append([]byte("%PDF-"), make([]byte, service.MaxAttachment)...))); errs.FieldsOf(err) == nil ||
			errs.FieldsOf(err)[0].Code != "too_large" {
			t.Fatalf("an 10 MB file attached: %v", err)
		}
	})
}

// TestPurchaseOrderFromCatalog: a product on a purchase order is bought
// at the supplier's price under the supplier's reference, or at the
// catalog's purchase price when the supplier has none.
func TestPurchaseOrderFromCatalog(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := newService(t, db)
		ctx, _ := mustCreate(t, s, "Épicerie", "owner@epicerie.example")
		sup := supplier(t, s, ctx)
		flour, err := s.CreateProduct(ctx, catalog.Input{Reference: ptr("FAR-T65"), Name: ptr("Farine T65"), Unit: ptr("kg"), Price: ptr(money.Amount(290)),
			PurchasePrice: ptr(money.Amount(130)), VATRate: ptr(vat.Rate(550))})
		if err != nil {
			t.Fatal(err)
		}
		sugar, err := s.CreateProduct(ctx, catalog.Input{Reference: ptr("SUC"), Name: ptr("Sucre"), Unit: ptr("kg"), Price: ptr(money.Amount(350)),
			PurchasePrice: ptr(money.Amount(210)), VATRate: ptr(vat.Rate(550))})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.SetProductSupplier(ctx, flour.ID, catalog.Supplier{ContactID: sup.ID, Reference: "MR-65-25", Price: 118}); err != nil {
			t.Fatal(err)
		}
		po, err := s.CreateDocument(ctx, sales.Input{Kind: ptr(sales.PurchaseOrder), ContactID: &sup.ID,
			Lines: lines(sales.Line{ProductID: flour.ID, Quantity: 25_000}, sales.Line{ProductID: sugar.ID, Quantity: 10_000})})
		if err != nil {
			t.Fatal(err)
		}
		got := []string{po.Lines[0].Reference, po.Lines[0].Description, po.Lines[0].UnitPrice.String(),
			po.Lines[1].Reference, po.Lines[1].UnitPrice.String()}
		want := []string{"MR-65-25", "Farine T65 (FAR-T65)", "1.18", "SUC", "2.10"}
		if strings.Join(got, "|") != strings.Join(want, "|") {
			t.Fatalf("lines %v, want %v", got, want)
		}
	})
}
