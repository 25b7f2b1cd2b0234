package sales

import (
	"slices"

	"github.com/comptoir/comptoir/errs"
	"github.com/comptoir/comptoir/measure"
	"github.com/comptoir/comptoir/money"
	"github.com/comptoir/comptoir/vat"
)

// next lists, for each kind, the kinds that can be made from an issued
// document of it, and the statuses that allow it.
var next = map[string]struct {
	kinds    []string
	statuses []string
}{
	Quote:   {[]string{Order, Invoice, Deposit}, []string{Accepted}},
	Order:   {[]string{Delivery, Invoice, Deposit}, []string{Issued, PartDelivered, Delivered}},
	Invoice: {[]string{Credit}, []string{Issued, PartlyPaid, Paid}},
	Deposit: {[]string{Credit}, []string{Issued, PartlyPaid, Paid}},
	// Purchases: a supplier's quote becomes a purchase order, which is
	// received in one or more receipts and billed by the supplier.
	SupplierQuote: {[]string{PurchaseOrder}, []string{Issued, Accepted}},
	PurchaseOrder: {[]string{Receipt, Bill}, []string{Sent, Confirmed, PartReceived, Received, Closed}},
}

// CanDerive says whether a document of kind can be made from parent now,
// and if not, why.
func CanDerive(parent Document, kind string) error {
	const op = "sales.CanDerive"
	n, ok := next[parent.Kind]
	if !ok || !slices.Contains(n.kinds, kind) {
		return errs.E(op, errs.Invalid, "a "+kind+" cannot be made from a "+parent.Kind)
	}
	if parent.Status == Closed && kind == Receipt {
		return errs.E(op, errs.Conflict, "the purchase order is closed: nothing more is received of it")
	}
	if !slices.Contains(n.statuses, parent.Status) {
		if parent.Kind == SupplierQuote {
			return errs.E(op, errs.Conflict, "the supplier's quote must be recorded, and not refused or cancelled")
		}
		if parent.Kind == Quote {
			return errs.E(op, errs.Conflict, "the quote must be accepted first")
		}
		return errs.E(op, errs.Conflict, "the "+parent.Kind+" must be issued first, and not cancelled")
	}
	return nil
}

// Consumed adds up, per origin line, the quantities of children (delivery
// notes, invoices or credit notes made from one document) that count: drafts
// included, so that two drafts do not both take what remains; cancelled
// ones excluded.
func Consumed(children []Document) map[int64]measure.Quantity {
	out := map[int64]measure.Quantity{}
	for _, c := range children {
		if c.Status == Cancelled {
			continue
		}
		for _, l := range c.Lines {
			if l.OriginLineID != 0 && (l.Kind == Item || l.Kind == "") {
				out[l.OriginLineID] += l.Quantity
			}
		}
	}
	return out
}

// Remaining is, per line of parent, its quantity less what consumed took,
// never past zero: a deduction (a negative line) has a negative remainder.
func Remaining(parent Document, consumed map[int64]measure.Quantity) map[int64]measure.Quantity {
	out := map[int64]measure.Quantity{}
	for _, l := range parent.Lines {
		if l.Kind == Item || l.Kind == "" {
			if l.Quantity < 0 {
				out[l.ID] = min(l.Quantity-consumed[l.ID], 0)
			} else {
				out[l.ID] = max(l.Quantity-consumed[l.ID], 0)
			}
		}
	}
	return out
}

// Derive makes a draft of kind from parent: same client, terms and
// exemption; every item line refers to its origin line. With remaining
// set, item quantities are what remains and lines with nothing left are
// left out (sections and comments stay); with remaining nil, quantities
// are copied.
func Derive(parent Document, kind string, remaining map[int64]measure.Quantity) Document {
	d := Document{
		Kind: kind, Status: Draft, ContactID: parent.ContactID, Buyer: parent.Buyer,
		DeliveryAddress: parent.DeliveryAddress, OriginID: parent.ID, Title: parent.Title,
		PaymentTerms: parent.PaymentTerms, Discount: parent.Discount, Exemption: parent.Exemption,
		Operation: parent.Operation, VATOnDebits: parent.VATOnDebits, Notes: parent.Notes,
		Locale: parent.Locale, Currency: parent.Currency,
	}
	for _, l := range parent.Lines {
		nl := l
		nl.ID, nl.OriginLineID = 0, 0
		if l.Kind == Item || l.Kind == "" {
			nl.OriginLineID = l.ID
			if remaining != nil {
				nl.Quantity = remaining[l.ID]
				if nl.Quantity == 0 {
					continue
				}
			}
		}
		d.Lines = append(d.Lines, nl)
	}
	d.Compute()
	return d
}

// Duplicate copies a document as a new draft of the same kind, with no
// number, dates or origin: a starting point, not a correction.
func Duplicate(src Document) Document {
	d := Derive(src, src.Kind, nil)
	d.OriginID = 0
	lines := d.Lines[:0]
	for _, l := range d.Lines {
		if l.DepositID != 0 {
			continue // a deposit is deducted once, on its own final invoice
		}
		l.OriginLineID = 0
		lines = append(lines, l)
	}
	d.Lines = lines
	d.Compute()
	return d
}

// DepositFrom makes a deposit invoice of pct of parent's total: one line
// per VAT rate, each pct of that rate's base, so the VAT of the deposit is
// split exactly as the final invoice's will be. label describes the line
// ("Acompte de 30 % sur le devis D-2026-0001").
func DepositFrom(parent Document, pct Percent, label string) (Document, error) {
	if pct <= 0 || pct > 10000 {
		return Document{}, errs.E("sales.DepositFrom", errs.Invalid, "a deposit is a percentage above 0 and at most 100")
	}
	d := Derive(parent, Deposit, nil)
	d.Lines, d.Discount = nil, 0
	for _, row := range ComputeTotals(parent.Lines, parent.Discount, parent.Exemption).Taxes {
		price := money.Amount(vat.MulDiv(int64(row.Base), int64(pct), 10000))
		if price <= 0 {
			continue
		}
		d.Lines = append(d.Lines, Line{Kind: Item, Description: label, Quantity: measure.One, Unit: "flat", UnitPrice: price, VATRate: row.Rate})
	}
	d.Compute()
	return d, nil
}

// DeductDeposits adds to a final invoice one negative line per VAT rate of
// each issued deposit invoice, so that the VAT already invoiced is taken
// off rate by rate. label names each deposit ("Acompte F-2026-0004").
func DeductDeposits(inv *Document, deposits []Document, label func(Document) string) {
	for _, dep := range deposits {
		if dep.Kind != Deposit || dep.Status == Draft || dep.Status == Cancelled {
			continue
		}
		for _, l := range dep.Lines {
			if l.Kind != Item {
				continue
			}
			inv.Lines = append(inv.Lines, Line{Kind: Item, Description: label(dep), Quantity: -measure.One, Unit: "flat",
				UnitPrice: LineNet(l), VATRate: l.VATRate, DepositID: dep.ID})
		}
	}
	inv.Compute()
}

// CheckCredit refuses a credit note worth more than what remains of its
// invoice once earlier credit notes are deducted.
func CheckCredit(credit, invoice Document) error {
	if left := invoice.GrossTotal - invoice.Credited; credit.GrossTotal > left {
		return errs.E("sales.CheckCredit", errs.Invalid, "a credit note cannot exceed what remains of its invoice ("+left.String()+")")
	}
	return nil
}

// Decide moves an issued quote to accepted or refused.
func Decide(q *Document, status string) error {
	const op = "sales.Decide"
	if (q.Kind != Quote && q.Kind != SupplierQuote) || (status != Accepted && status != Refused) {
		return errs.E(op, errs.Invalid, "only a quote is accepted or refused")
	}
	if q.Status != Issued && q.Status != Expired {
		return errs.E(op, errs.Conflict, "only a quote that was issued, and not yet answered, can be accepted or refused")
	}
	q.Status = status
	return nil
}

// Cancel withdraws a quote that was issued (answered or not), an order
// nothing was delivered of, or a purchase order nothing was received of.
// Invoices are never cancelled this way: a credit note corrects them. A
// supplier's bill recorded by mistake is cancelled while nothing was paid
// on it, and recorded again; so is a receipt.
func Cancel(d *Document) error {
	const op = "sales.Cancel"
	switch {
	case (d.Kind == Quote || d.Kind == SupplierQuote) && (d.Status == Issued || d.Status == Accepted || d.Status == Expired):
	case d.Kind == Order && d.Status == Issued:
	case d.Kind == Order:
		return errs.E(op, errs.Conflict, "only an issued order nothing was delivered of can be cancelled")
	case d.Kind == PurchaseOrder && (d.Status == Sent || d.Status == Confirmed):
	case d.Kind == PurchaseOrder:
		return errs.E(op, errs.Conflict, "only a sent purchase order nothing was received of can be cancelled")
	case d.Kind == Bill && d.Status == Issued && d.Paid == 0:
	case d.Kind == Receipt && d.Status == Issued:
	case d.Kind == Bill:
		return errs.E(op, errs.Conflict, "only a recorded bill with nothing paid on it can be cancelled; delete its payments first")
	case Billing(d.Kind):
		return errs.E(op, errs.Conflict, "an invoice is never cancelled: correct it with a credit note")
	default:
		return errs.E(op, errs.Conflict, "only an issued quote or order can be cancelled; a draft is deleted")
	}
	d.Status = Cancelled
	return nil
}

// DeliveryStatus is an order's status once its deliveries consumed some
// of its lines.
func DeliveryStatus(order Document, delivered map[int64]measure.Quantity) string {
	some, all := false, true
	for _, l := range order.Lines {
		if l.Kind != Item && l.Kind != "" {
			continue
		}
		if delivered[l.ID] > 0 {
			some = true
		}
		if delivered[l.ID] < l.Quantity {
			all = false
		}
	}
	switch {
	case all && some:
		return Delivered
	case some:
		return PartDelivered
	}
	return Issued
}

// PaymentStatus is an invoice's status from what is left to pay.
func PaymentStatus(d Document) string {
	switch {
	case d.Status == Draft:
		return Draft
	case d.GrossTotal > 0 && d.Credited >= d.GrossTotal:
		return Cancelled
	case d.Balance() <= 0:
		return Paid
	case d.Paid > 0:
		return PartlyPaid
	}
	return Issued
}

// DropEmptySections removes the section headings with no item after them
// before the next heading or the end: on a delivery note, a heading whose
// lines were all left out (delivered already, or deductions) would head
// nothing.
func DropEmptySections(lines []Line) []Line {
	out := make([]Line, 0, len(lines))
	for i, l := range lines {
		if l.Kind == Section {
			items := false
			for _, next := range lines[i+1:] {
				if next.Kind == Section {
					break
				}
				items = items || next.Kind == Item || next.Kind == ""
			}
			if !items {
				continue
			}
		}
		out = append(out, l)
	}
	return out
}
