package service

import (
	"context"
	"strconv"
	"strings"

	"github.com/comptoir/comptoir/access"
	"github.com/comptoir/comptoir/account"
	"github.com/comptoir/comptoir/activity"
	"github.com/comptoir/comptoir/crm"
	"github.com/comptoir/comptoir/errs"
	"github.com/comptoir/comptoir/identity"
	"github.com/comptoir/comptoir/money"
	"github.com/comptoir/comptoir/sales"
)

// Purchases are the sales machinery seen from the other side: the same
// documents, numbering, PDF and e-mail, with the supplier as the party.
// What differs is here: a supplier's quote or bill is recorded from the
// supplier's paper (their number and date), a purchase order is "sent"
// when issued, receipts track what arrived, bills are matched against
// the order and receipts, and payments go out.

// checkPurchaseInput refuses fields that do not belong to the kind: the
// supplier's number and date are written only on what the supplier
// issued (and a purchase order's confirmation, for the number).
func checkPurchaseInput(kind string, in sales.Input) error {
	var f errs.Fields
	if in.IssueDate != nil && *in.IssueDate != "" && !sales.Recorded(kind) {
		f.Add("issue_date", "not_recorded", "the date is set when the document is issued; only a supplier's quote or bill takes the date printed on it")
	}
	if in.SupplierNumber != nil && *in.SupplierNumber != "" && !sales.Purchase(kind) {
		f.Add("supplier_number", "purchases_only", "only a purchase document has a supplier's number")
	}
	return f.Err("service.checkPurchaseInput")
}

// preparePurchase sets what issuing a purchase document fixes and checks
// it: the business's own date for what it writes (a purchase order, a
// receipt), the supplier's for what it records, a bill's due date from
// the terms when none is written, and a supplier's number recorded once.
func (s *Service) preparePurchase(ctx context.Context, d *sales.Document, acc account.Account, today string) error {
	if !sales.Recorded(d.Kind) {
		d.IssueDate = today
	}
	if d.Kind == sales.Receipt && d.DeliveryDate == "" {
		d.DeliveryDate = today
	}
	if d.Kind == sales.Bill && d.DueDate == "" {
		d.DueDate = sales.DueFrom(d.IssueDate, d.PaymentTerms)
	}
	// Every problem at once, the supplier's number recorded twice included.
	f := errs.Fields(errs.FieldsOf(sales.CheckPurchase(*d, acc, today)))
	if sales.Recorded(d.Kind) && d.SupplierNumber != "" {
		taken, err := s.db.SupplierNumberTaken(ctx, d.ContactID, d.Kind, d.SupplierNumber, d.ID)
		if err != nil {
			return err
		}
		if taken != "" {
			f.Add("supplier_number", "duplicate", "the supplier's "+d.SupplierNumber+" is already recorded ("+taken+"): the same document is not recorded twice")
			if len(f) == 1 { // alone, it is a conflict with what is recorded
				return &errs.Error{Op: "service.Issue", Kind: errs.Conflict, Message: "this supplier's number is already recorded", Fields: f}
			}
		}
	}
	return f.Err("service.Issue")
}

// purchaseLabels name purchase documents on the supplier's timeline.
var purchaseLabels = map[string]map[string]string{
	"fr": {sales.SupplierQuote: "Devis fournisseur", sales.PurchaseOrder: "Bon de commande", sales.Receipt: "Réception",
		sales.Bill: "Facture fournisseur", "payment": "Paiement", "payment_deleted": "Paiement supprimé (saisi par erreur) :"},
	"en": {sales.SupplierQuote: "Supplier quote", sales.PurchaseOrder: "Purchase order", sales.Receipt: "Receipt",
		sales.Bill: "Supplier bill", "payment": "Payment", "payment_deleted": "Payment deleted (recorded by mistake):"},
}

func purchaseLabel(kind, locale string) string {
	if l, ok := purchaseLabels[locale]; ok {
		return l[kind]
	}
	return purchaseLabels["fr"][kind]
}

// purchaseTimeline puts what the supplier sent or delivered on their
// timeline when it is recorded: a quote, a receipt, a bill. A purchase
// order is there when it is e-mailed.
func (s *Service) purchaseTimeline(ctx context.Context, d sales.Document) error {
	if d.Kind != sales.SupplierQuote && d.Kind != sales.Receipt && d.Kind != sales.Bill {
		return nil
	}
	subject := purchaseLabel(d.Kind, d.Locale) + " " + d.Number
	if d.SupplierNumber != "" {
		subject += " (" + d.SupplierNumber + ")"
	}
	if d.Kind != sales.Receipt {
		subject += " — " + d.GrossTotal.Format(d.Locale) + " €"
	}
	return s.timeline(ctx, d.ContactID, d.ID, subject, d.Notes)
}

// timeline adds a "document" entry to a contact's timeline.
func (s *Service) timeline(ctx context.Context, contactID, documentID int64, subject, body string) error {
	c := crm.Conversation{ContactID: contactID, Kind: crm.Document, Subject: truncate(subject, 200), Body: body,
		At: s.db.Now(ctx), AuthorID: identity.ActorFrom(ctx).UserID, DocumentID: documentID}
	return s.db.CreateConversation(ctx, &c)
}

// Confirm records that the supplier acknowledged a purchase order, with
// their confirmation's number when they gave one.
func (s *Service) Confirm(ctx context.Context, id int64, supplierNumber string) (sales.Document, error) {
	return s.changeStatus(ctx, "service.Confirm", id, "confirm", func(_ context.Context, d *sales.Document) error {
		if err := sales.Confirm(d); err != nil {
			return err
		}
		if n := strings.TrimSpace(supplierNumber); n != "" {
			d.SupplierNumber = n
		}
		return sales.CheckSupplierNumber(d.SupplierNumber)
	})
}

// Close ends a partly received purchase order: the rest will not come.
func (s *Service) Close(ctx context.Context, id int64) (sales.Document, error) {
	return s.changeStatus(ctx, "service.Close", id, "close", func(_ context.Context, d *sales.Document) error { return sales.Close(d) })
}

// billMatch compares a supplier's bill with the purchase order it comes
// from (already read, with its lines) and what was received of it.
func (s *Service) billMatch(ctx context.Context, order, bill sales.Document) (*sales.Match, error) {
	kids, err := s.db.Children(ctx, order.ID)
	if err != nil {
		return nil, err
	}
	m := sales.MatchBill(order, kidsOf(kids, sales.Receipt), kidsOf(kids, sales.Bill), bill)
	return &m, nil
}

// ToPay is the list of suppliers' bills left to pay, soonest due first,
// with what is overdue and due within a week.
type ToPay struct {
	Today    string       `json:"today"`
	Bills    []ToPayBill  `json:"bills"`
	Total    money.Amount `json:"total"`
	Overdue  money.Amount `json:"overdue"`
	ThisWeek money.Amount `json:"this_week"` // due in the next seven days, not yet overdue
	// Truncated says the list stopped at its limit: the sums are of the
	// bills listed, the soonest due.
	Truncated bool `json:"truncated"`
}

// ToPayBill is one bill of the list, with the supplier's bank details
// for a transfer when the viewer may see them.
type ToPayBill struct {
	sales.Document
	Shown   string       `json:"shown_status"`
	Balance money.Amount `json:"balance"`
	IBAN    string       `json:"iban,omitempty"`
	BIC     string       `json:"bic,omitempty"`
	// Check says the bill does not match its order and receipts (see
	// sales.MatchBill): look before paying.
	Check bool `json:"check"`
}

// maxToPay bounds the "to pay" list; a business with more bills open at
// once reads them through the bills list's filters.
const maxToPay = 500

// ToPay lists the bills left to pay, soonest due first.
func (s *Service) ToPay(ctx context.Context) (ToPay, error) {
	acc, err := s.db.Account(ctx)
	if err != nil {
		return ToPay{}, err
	}
	today, now := s.today(ctx, acc)
	out := ToPay{Today: today, Bills: []ToPayBill{}}
	bills, err := s.Documents(ctx, sales.Filter{Kinds: []string{sales.Bill}, Status: "unpaid", ByDueDate: true, Limit: maxToPay})
	if err != nil {
		return out, err
	}
	out.Truncated = len(bills) == maxToPay
	week := now.AddDate(0, 0, 7).Format("2006-01-02")
	banks := map[int64]crm.Contact{}
	seeBank := access.From(ctx).Sees(access.Bank)
	for _, b := range bills {
		row := ToPayBill{Document: b, Shown: b.Shown(today), Balance: b.Balance()}
		if row.Balance <= 0 {
			continue
		}

		out.Total += row.Balance
		switch {
		case row.Shown == sales.Overdue:
			out.Overdue += row.Balance
		case b.DueDate <= week:
			out.ThisWeek += row.Balance
		}
		if seeBank {
			c, ok := banks[b.ContactID]
			if !ok {
				if c, err = s.db.Contact(ctx, b.ContactID); err != nil {
					return out, err
				}
				banks[b.ContactID] = c
			}
			row.IBAN, row.BIC = c.IBAN, c.BIC
		}
		out.Bills = append(out.Bills, row)
	}
	return out, s.checkBills(ctx, out.Bills)
}

// checkBills matches each bill made from an order against the order and
// its receipts, reading them all in three queries whatever their number.
func (s *Service) checkBills(ctx context.Context, rows []ToPayBill) error {
	var billIDs, orderIDs []int64
	for _, r := range rows {
		if r.OriginID != 0 {
			billIDs, orderIDs = append(billIDs, r.ID), append(orderIDs, r.OriginID)
		}
	}
	bills, err := s.db.DocumentsByID(ctx, billIDs)
	if err != nil {
		return err
	}
	orders, err := s.db.DocumentsByID(ctx, orderIDs)
	if err != nil {
		return err
	}
	kids, err := s.db.ChildrenOfMany(ctx, orderIDs)
	if err != nil {
		return err
	}
	byID := map[int64]sales.Document{}
	for _, d := range append(bills, orders...) {
		byID[d.ID] = d
	}
	children := map[int64][]sales.Document{}
	for _, k := range kids {
		children[k.OriginID] = append(children[k.OriginID], k)
	}
	for i, r := range rows {
		order, ok := byID[r.OriginID]
		if r.OriginID == 0 || !ok || order.Kind != sales.PurchaseOrder {
			continue
		}
		of := children[order.ID]
		m := sales.MatchBill(order, kidsOf(of, sales.Receipt), kidsOf(of, sales.Bill), byID[r.ID])
		rows[i].Check = !m.OK
	}
	return nil
}

// directionOf is the way a payment on a document goes: out for a
// supplier's bill, in otherwise.
func directionOf(kind string) string {
	if sales.Purchase(kind) {
		return sales.Out
	}
	return sales.In
}

// paymentModule is the rights module of payments in a direction.
func paymentModule(direction string) access.Module {
	if direction == sales.Out {
		return access.Purchases
	}
	return access.Sales
}

// attachEntry is the activity entry of a file attached to a document or
// removed from it.
func attachEntry(d sales.Document, action string, a sales.Attachment) activity.Entry {
	e := documentEntry(d, action, "")
	e.Changes = []activity.Change{{Field: "attachment", After: a.Name + " (" + a.MediaType + ", " + strconv.FormatInt(a.Size, 10) + " bytes, sha256 " + a.Checksum + ")"}}
	if action == "detach" {
		e.Changes[0].Before, e.Changes[0].After = e.Changes[0].After, ""
	}
	return e
}

// paymentTimeline puts a payment made to a supplier on their timeline, or
// its deletion (a payment recorded by mistake).
func (s *Service) paymentTimeline(ctx context.Context, p sales.Payment, bill sales.Document, deleted bool) error {
	locale := bill.Locale
	if locale == "" {
		acc, err := s.db.Account(ctx)
		if err != nil {
			return err
		}
		locale = acc.Locale
	}
	label := "payment"
	if deleted {
		label = "payment_deleted"
	}
	subject := purchaseLabel(label, locale) + " " + p.Amount.Format(locale) + " €"
	if bill.Number != "" {
		subject += " — " + bill.Number
		if bill.SupplierNumber != "" {
			subject += " (" + bill.SupplierNumber + ")"
		}
	}
	return s.timeline(ctx, p.ContactID, bill.ID, subject, p.Note)
}
