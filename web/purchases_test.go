package web

import (
	"bytes"
	"mime"
	"strings"
	"testing"
	"time"

	"github.com/comptoir/comptoir/account"
	"github.com/comptoir/comptoir/crm"
	"github.com/comptoir/comptoir/errs"
	"github.com/comptoir/comptoir/identity"
	"github.com/comptoir/comptoir/measure"
	"github.com/comptoir/comptoir/sales"
	"github.com/comptoir/comptoir/service"
	"github.com/comptoir/comptoir/vat"
)

// sampleBill is a supplier's bill made from purchase order 8, partly
// paid, one line dearer than ordered.
func sampleBill(at time.Time) sales.Document {
	d := sales.Document{ID: 12, Kind: sales.Bill, Status: sales.PartlyPaid, Number: "FF-2026-0001", SupplierNumber: "<b>FAC-118</b>", ContactID: 2,
		OriginID: 8, Buyer: sales.Party{Name: "<b>Moulins</b>", Address: account.Address{Line1: "Route", PostalCode: "26000", City: "Valence"}},
		IssueDate: "2026-11-20", DueDate: "2026-12-20", PaymentTerms: "30", Locale: "fr", CreatedAt: at, Paid: 1000,
		Lines: []sales.Line{{Kind: sales.Item, Description: "Farine", Quantity: 100_000, Unit: "kg", UnitPrice: 120, VATRate: 550, OriginLineID: 1}}}
	d.Compute()
	return d
}

func sampleMatch() *sales.Match {
	return &sales.Match{OrderTotal: 22000, BillTotal: 22100, Billed: 22100, Flags: []string{sales.OverBilled, sales.NotOrdered},
		Lines: []sales.MatchLine{{OrderLineID: 1, Description: "<b>Farine</b>", Ordered: 100_000, Received: 60_000, Billed: 100_000, ThisBill: 100_000,
			OrderPrice: 120, BillPrice: 121, Flags: []string{sales.PriceDiffers, sales.BeyondReceived, sales.BeyondOrdered}},
			{OrderLineID: 2, Description: "Sucre", Ordered: 50_000, Received: 50_000, Flags: []string{}}},
		Unordered: []sales.Line{{Description: "Port", Quantity: measure.One, UnitPrice: 1500}}}
}

// samplePurchasePage is the sample data of a purchases page.
func samplePurchasePage(p Page, name string, at time.Time) any {
	switch name {
	case "purchases_to_pay":
		bill := sampleBill(at)
		return &toPayPage{Page: p, Collections: purchaseCollections, Week: "2026-12-02", BankColumn: true,
			ToPay: service.ToPay{Today: "2026-11-25", Total: 30000, Overdue: 10000, ThisWeek: 5000,
				Bills: []service.ToPayBill{{Document: bill, Shown: sales.Overdue, Balance: 10000, IBAN: "FR7630006000011234567890189", BIC: "<b>AGRIFRPP</b>"},
					{Document: sales.Document{ID: 13, Kind: sales.Bill, Number: "FF-2", DueDate: "2026-11-30"}, Shown: sales.Issued, Balance: 5000}}}}
	case "supplier_statement":
		return &supplierStatementPage{Page: p, Statement: service.Statement{ContactID: 2, ContactName: "<b>Moulins</b>", From: "2026-01-01", To: "2026-12-31",
			Opening: 100, Debits: 22100, Credits: 11000, Closing: 11200, Credit: 50,
			Rows: []service.StatementRow{{Date: "2026-11-20", Kind: sales.Bill, Number: "FF-2026-0001", Label: "FAC-118", DocumentID: 12, DueDate: "2026-12-20", Debit: 22100, Balance: 22200},
				{Date: "2026-11-22", Kind: "payment", Label: "transfer VIR 1", PaymentID: 3, Credit: 11000, Balance: 11200}}}}
	}
	return nil
}

// TestPurchasePagesRender renders the sales pages as the Purchases menu
// shows them — a bill with its match, files and payments, a purchase
// order, the editor of a bill, the bills list, a supplier's record, the
// "to pay" list and the statement — in both languages: no template
// error, no message id left, nothing unescaped, and the purchase paths.
func TestPurchasePagesRender(t *testing.T) {
	s := newTestServer(t)
	at := time.Date(2026, 11, 25, 9, 30, 0, 0, time.UTC)
	acc := account.New("Épicerie")
	v := &viewer{User: identity.User{Email: "a@example.fr"}, Membership: identity.Membership{AccountName: acc.Name}, Account: acc}
	bills := purchaseCollections[3]
	orders := purchaseCollections[1]
	for _, lang := range []string{"fr", "en"} {
		p := owner(Page{translator: s.translator(lang), Viewer: v, Account: &acc, Path: "/purchases/bills", Version: "test", assets: s.assets,
			loc: acc.Location(), Notice: "notice.issued_bill"})
		bill := sampleBill(at)
		order := sales.Document{ID: 8, Kind: sales.PurchaseOrder, Status: sales.Sent, Number: "CF-2026-0001", ContactID: 2, DeliveryDate: "2026-12-01",
			Buyer: sales.Party{Name: "Moulins"}, Locale: "fr", CreatedAt: at, Lines: bill.Lines}
		billPage := &salesDocPage{Page: p, Doc: service.DocumentView{Document: bill, Status: sales.Overdue, Match: sampleMatch()}, Collection: bills,
			Totals: bill.Compute(), Ancestors: []sales.Document{order}, CanCancel: true,
			Problems:    []issueProblem{issueProblemOf(errs.FieldError{Field: "supplier_number", Code: "duplicate"}, bill), issueProblemOf(errs.FieldError{Field: "issue_date", Code: "in_future"}, bill)},
			Attachments: []sales.Attachment{{ID: 5, DocumentID: 12, Name: "<b>facture</b>.pdf", MediaType: "application/pdf", Size: 123456, CreatedAt: at}},
			CanAttach:   true, CanDetach: true, FileError: "purchases.file_error.unsupported_type",
			Extras: docExtras{Payable: true, Open: true, CanPay: true, Methods: sales.Methods, Credit: 300,
				Payments: []sales.Allocation{{ID: 1, PaymentID: 2, DocumentID: 12, Amount: 1000, Date: "2026-11-26", Method: "transfer"}}, PayForm: payForm{Date: "2026-11-27", Amount: "10", Method: "transfer"}}}
		orderPage := &salesDocPage{Page: p, Doc: service.DocumentView{Document: order, Status: sales.Sent, Match: &sales.Match{Lines: sampleMatch().Lines}}, Collection: orders,
			Totals: order.Compute(), CanConfirm: true, CanCancel: true, Derive: []docAction{{Kind: sales.Receipt, Label: "purchases.make.receipt"}, {Kind: sales.Bill, Received: true, Label: "purchases.make.bill"}},
			Extras: docExtras{CanSend: true}}
		draftOrder := order
		draftOrder.Status, draftOrder.Number = sales.Draft, ""
		draftPage := &salesDocPage{Page: p, Doc: service.DocumentView{Document: draftOrder, Status: sales.Draft}, Collection: orders, CanEdit: true, CanIssue: true, CanDelete: true,
			Extras: docExtras{CanSend: true, SendDraft: true}}
		editor := &salesEditorPage{Page: p, Collection: bills, Units: measure.Units, Exemptions: vat.Exemptions, Rates: []string{"20", "5,5"},
			Terms: []termChoice{{"30", "30 jours"}}, Clients: []crm.Contact{{ID: 2, Kind: crm.Company, CompanyName: "<b>Moulins</b>", IsSupplier: true}},
			Form: docForm{Kind: sales.Bill, ContactID: "2", SupplierNumber: "FAC-1", IssueDate: "2026-11-20", DueDate: "2026-12-20", PaymentTerms: "30", Locale: "fr",
				Lines: []lineForm{{Kind: "item", Quantity: "1", Unit: "kg", UnitPrice: "1,20", VATRate: "5,5", ProductID: "7"}}},
			Products: []productChoice{{ID: 7, Label: "FAR — Farine", Reference: "FAR", Description: "Farine", Unit: "kg", Price: "1,20", VATRate: "5,5"}},
			Errors:   salesErrors(errs.Fields{{Field: "supplier_number", Code: "too_long"}, {Field: "issue_date", Code: "not_recorded"}, {Field: "contact_id", Code: "not_supplier"}}.Err("t"))}
		list := &salesListPage{Page: p, Collection: bills, Collections: purchaseCollections, Items: []salesRow{{Document: bill, Shown: sales.Overdue}}}
		contact := &contactPage{Page: p, Form: crm.Contact{ID: 2, Kind: crm.Company, CompanyName: "Moulins", IsSupplier: true}, Kinds: crm.ConversationKinds,
			Purchases: &supplierPurchases{Documents: []salesRow{{Document: bill, Shown: sales.Overdue}, {Document: order, Shown: sales.Sent}}, Owed: 21100, Overdue: 21100, OpenBills: 1, Advance: 300, CanCreate: true,
				Payments: []sales.Payment{{ID: 2, Date: "2026-11-26", Amount: 1000, Method: "transfer", Reference: "<b>VIR</b>"}}},
			Timeline: []crm.Conversation{{ID: 1, Kind: crm.Document, Subject: "Bon de commande CF-2026-0001", DocumentID: 8}, {ID: 2, Kind: crm.Document, Subject: "Réception", DocumentID: 9}},
			DocPaths: map[int64]string{8: "/purchases/documents/8", 9: ""}}
		send := &sendPage{Page: p, Doc: service.DocumentView{Document: draftOrder}, Form: service.SendInput{To: "a@example.fr", Subject: "Commande {number}"}}
		pages := []struct {
			name string
			data any
			want []string
		}{
			{"sales_document", billPage, []string{`action="/purchases/documents/12/payments"`, `id="match-summary" data-ok="false"`, `action="/purchases/documents/12/files"`,
				`href="/purchases/documents/12/files/5"`, `href="/purchases/documents/8"`, `accept="application/pdf,image/png,image/jpeg"`, `id="file-error"`}},
			{"sales_document", orderPage, []string{`action="/purchases/documents/8/confirm"`, `data-derive="receipt"`, `data-derive="bill-received"`, `name="received"`, `href="/purchases/documents/8/pdf"`}},
			{"sales_document", draftPage, []string{`href="/purchases/documents/8/send"`, `action="/purchases/documents/8/issue"`}},
			{"sales_editor", editor, []string{`action="/purchases/bills"`, `name="supplier_number"`, `name="issue_date"`, `name="due_date"`, `data-purchase="1"`}},
			{"sales", list, []string{`href="/purchases/documents/12"`, `href="/purchases/to-pay"`, `action="/purchases/bills"`}},
			{"contact", contact, []string{`id="supplier-purchases"`, `href="/contacts/2/supplier-statement"`, `href="/purchases/documents/8" data-document-link`}},
			{"sales_send", send, []string{`action="/purchases/documents/8/send"`, `id="send-issues"`}},
			{"purchases_to_pay", samplePurchasePage(p, "purchases_to_pay", at), []string{`href="/purchases/documents/12#payment-form"`, `data-badge="overdue"`, `data-badge="due_soon"`}},
			{"supplier_statement", samplePurchasePage(p, "supplier_statement", at), []string{`href="/purchases/documents/12"`, `data-total="closing"`, p.T("sales.method.transfer") + " VIR 1"}},
		}
		for _, pg := range pages {
			var buf bytes.Buffer
			if err := s.pages[pg.name].Execute(&buf, pg.data); err != nil {
				t.Errorf("%s/%s: %v", lang, pg.name, err)
				continue
			}
			out := buf.String()
			if m := untranslated.FindString(out); m != "" {
				t.Errorf("%s/%s: untranslated message id %q", lang, pg.name, m)
			}
			if strings.Contains(out, "<b>") {
				t.Errorf("%s/%s: something is not escaped", lang, pg.name)
			}
			if strings.Contains(out, `"/sales/documents/`) {
				t.Errorf("%s/%s: a purchase links under /sales", lang, pg.name)
			}
			for _, w := range pg.want {
				if !strings.Contains(out, w) {
					t.Errorf("%s/%s lacks %s", lang, pg.name, w)
				}
			}
		}
		// A supplier's bill is not printed as the business's own, nor sent.
		var buf bytes.Buffer
		if err := s.pages["sales_document"].Execute(&buf, billPage); err != nil {
			t.Fatal(err)
		}
		if strings.Contains(buf.String(), `id="download-pdf"`) || strings.Contains(buf.String(), `id="document-reminders"`) {
			t.Errorf("%s: a bill offers its PDF or reminders", lang)
		}
	}
}

func TestContentDisposition(t *testing.T) {
	for name, want := range map[string]string{
		"facture mars.pdf":   `attachment; filename="facture mars.pdf"; filename*=UTF-8''facture%20mars.pdf`,
		"reçu été.png":       `attachment; filename="re_u _t_.png"; filename*=UTF-8''re%C3%A7u%20%C3%A9t%C3%A9.png`,
		`a"b\c;d.pdf`:        `attachment; filename="a_b_c;d.pdf"; filename*=UTF-8''a%22b%5Cc%3Bd.pdf`,
		"simple.jpg":         `attachment; filename=simple.jpg; filename*=UTF-8''simple.jpg`,
		"line\r\nbreak.pdf":  `attachment; filename=line__break.pdf; filename*=UTF-8''line%0D%0Abreak.pdf`,
		"x'y(z)&é+~.pdf":     `attachment; filename="x'y(z)&_+~.pdf"; filename*=UTF-8''x%27y%28z%29&%C3%A9+~.pdf`,
		"":                   `attachment; filename=""; filename*=UTF-8''`,
		"percent%20name.pdf": `attachment; filename=percent%20name.pdf; filename*=UTF-8''percent%2520name.pdf`,
	} {
		got := contentDisposition("attachment", name)
		if got != want {
			t.Errorf("%q:\n got %s\nwant %s", name, got, want)
		}
		// The header parses back to the exact name.
		if _, params, err := mime.ParseMediaType(got); err != nil || params["filename"] != name && name != "" {
			t.Errorf("%q parses as %q (%v)", name, params["filename"], err)
		}
	}
}

func TestFileSize(t *testing.T) {
	s := newTestServer(t)
	for _, c := range []struct {
		lang string
		n    int64
		want string
	}{{"fr", 840, "840\u00a0o"}, {"fr", 1025, "2\u00a0Ko"}, {"fr", 3 << 20, "3\u00a0Mo"}, {"fr", 3<<20 + 1<<19, "3,5\u00a0Mo"}, {"en", 3<<20 + 1<<19, "3.5\u00a0MB"}, {"en", 10, "10\u00a0B"}} {
		if got := (Page{translator: s.translator(c.lang)}).FileSize(c.n); got != c.want {
			t.Errorf("%s %d = %q, want %q", c.lang, c.n, got, c.want)
		}
	}
}
