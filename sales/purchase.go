package sales

import (
	"slices"
	"strings"
	"time"
	"unicode"

	"github.com/comptoir/comptoir/account"
	"github.com/comptoir/comptoir/errs"
	"github.com/comptoir/comptoir/measure"
	"github.com/comptoir/comptoir/money"
)

// Kinds of purchase document. A purchase is a sale seen from the other
// side: the same Document, lines, totals, numbering, PDF and e-mail, with
// the supplier as the other party.
const (
	SupplierQuote = "supplier_quote" // devis fournisseur, recorded from the supplier's paper
	PurchaseOrder = "purchase_order" // bon de commande fournisseur, written and sent by the business
	Receipt       = "receipt"        // bon de réception: what arrived of a purchase order
	Bill          = "bill"           // facture fournisseur, recorded from the supplier's paper
)

// PurchaseKinds lists the purchase kinds in the order of the flow.
var PurchaseKinds = []string{SupplierQuote, PurchaseOrder, Receipt, Bill}

// Statuses of a purchase order once issued. Sent is what issuing a
// purchase order gives: it is final and goes to the supplier, by e-mail
// from the application or otherwise.
const (
	Sent         = "sent"
	Confirmed    = "confirmed" // the supplier acknowledged it
	PartReceived = "partially_received"
	Received     = "received"
	Closed       = "closed" // partly received, and the rest will not come
)

// Purchase reports whether kind is a purchase document.
func Purchase(kind string) bool { return slices.Contains(PurchaseKinds, kind) }

// Purchase reports whether the document is a purchase document.
func (d Document) Purchase() bool { return Purchase(d.Kind) }

// Recorded reports whether kind is copied from a supplier's document
// (their number, their dates) rather than written by the business.
func Recorded(kind string) bool { return kind == SupplierQuote || kind == Bill }

// Receivable reports whether the kind is money a client owes, which
// reminders chase.
func Receivable(kind string) bool { return kind == Invoice || kind == Deposit }

// ReceiptStatus is a purchase order's status once its receipts took some
// of its lines; with nothing received it stays sent or confirmed.
func ReceiptStatus(order Document, received map[int64]measure.Quantity) string {
	switch DeliveryStatus(order, received) {
	case Delivered:
		return Received
	case PartDelivered:
		return PartReceived
	}
	if order.Status == Confirmed {
		return Confirmed
	}
	return Sent
}

// Confirm records that the supplier acknowledged a sent purchase order.
func Confirm(d *Document) error {
	if d.Kind != PurchaseOrder || d.Status != Sent {
		return errs.E("sales.Confirm", errs.Conflict, "only a purchase order that was sent, and not yet confirmed or received, can be confirmed")
	}
	d.Status = Confirmed
	return nil
}

// Close ends a partly received purchase order: the rest will not come.
// It can still be billed, not received.
func Close(d *Document) error {
	if d.Kind != PurchaseOrder || d.Status != PartReceived {
		return errs.E("sales.Close", errs.Conflict, "only a partly received purchase order is closed; one nothing was received of is cancelled")
	}
	d.Status = Closed
	return nil
}

// CheckPurchase lists what a purchase document lacks to be issued:
// a purchase order needs the business's name and address to deliver to;
// a supplier's quote or bill needs the supplier's number and date.
func CheckPurchase(d Document, buyer account.Account, today string) error {
	var f errs.Fields
	if !hasItem(d.Lines) {
		f.Add("lines", "required", "add at least one line")
	}
	switch d.Kind {
	case PurchaseOrder:
		if buyer.Name == "" {
			f.Add("seller.name", "required", "your business name is missing: fill it in Settings › Business identity")
		}
		if buyer.Address.Line1 == "" || buyer.Address.City == "" || buyer.Address.PostalCode == "" {
			f.Add("seller.address", "required", "your business address is missing: fill it in Settings › Business identity (the supplier delivers there)")
		}
	case SupplierQuote, Bill:
		if d.SupplierNumber == "" {
			f.Add("supplier_number", "required", "write the supplier's number for this document, as printed on it")
		}
		switch {
		case d.IssueDate == "":
			f.Add("issue_date", "required", "write the date printed on the supplier's document")
		case d.IssueDate > today:
			f.Add("issue_date", "in_future", "the supplier's document cannot be dated after today")
		}
		if d.Kind == Bill && d.DueDate != "" && d.IssueDate != "" && d.DueDate < d.IssueDate {
			f.Add("due_date", "before_issue", "the due date cannot be before the bill's date")
		}
	}
	return f.Err("sales.CheckPurchase")
}

// CheckSupplierNumber checks a supplier's number as typed from their
// paper: one printable line of at most 64 characters.
func CheckSupplierNumber(n string) error {
	var f errs.Fields
	tooLong(&f, "supplier_number", n, 64)
	if strings.ContainsFunc(n, unicode.IsControl) {
		f.Add("supplier_number", "invalid_characters", "the supplier's number is one line of printable characters")
	}
	return f.Err("sales.CheckSupplierNumber")
}

func hasItem(lines []Line) bool {
	for _, l := range lines {
		if (l.Kind == Item || l.Kind == "") && l.Quantity != 0 {
			return true
		}
	}
	return false
}

// Match is how a supplier's bill agrees with the purchase order it comes
// from and what was received of it (three-way matching): line by line,
// the quantities ordered, received and billed and the prices, with what
// differs flagged for someone to look at before paying.
type Match struct {
	Lines []MatchLine `json:"lines"`
	// Unordered are the bill's lines that name no line of the order.
	Unordered  []Line       `json:"unordered"`
	OrderTotal money.Amount `json:"order_total"` // the order's net total
	BillTotal  money.Amount `json:"bill_total"`  // the bill's net total
	// Billed is the net total of every bill of the order that counts,
	// this one included.
	Billed money.Amount `json:"billed"`
	Flags  []string     `json:"flags"` // over_billed: more billed than ordered in all
	OK     bool         `json:"ok"`    // nothing flagged
}

// MatchLine is one line of the order as the bills see it.
type MatchLine struct {
	OrderLineID int64            `json:"order_line_id"`
	Description string           `json:"description"`
	Ordered     measure.Quantity `json:"ordered"`
	Received    measure.Quantity `json:"received"` // by issued receipts
	Billed      measure.Quantity `json:"billed"`   // by this bill and the other bills that count
	ThisBill    measure.Quantity `json:"this_bill"`
	OrderPrice  money.Amount     `json:"order_price"` // unit price, net of the line discount
	BillPrice   money.Amount     `json:"bill_price"`  // on this bill, 0 when the bill leaves the line out
	// Flags: billed_beyond_received, billed_beyond_ordered, price_differs.
	Flags []string `json:"flags"`
}

// Match codes.
const (
	BeyondReceived = "billed_beyond_received"
	BeyondOrdered  = "billed_beyond_ordered"
	PriceDiffers   = "price_differs"
	NotOrdered     = "not_ordered"
	OverBilled     = "over_billed"
)

// MatchBill compares bill with order, the receipts made from the order and
// the other bills of it. Drafts of receipts do not count as received;
// cancelled bills do not count as billed; draft bills do, as this one may
// be a draft.
func MatchBill(order Document, receipts, bills []Document, bill Document) Match {
	var issued []Document
	for _, r := range receipts {
		if r.Status != Draft && r.Status != Cancelled {
			issued = append(issued, r)
		}
	}
	received := Consumed(issued)
	others := make([]Document, 0, len(bills)+1)
	m := Match{OrderTotal: order.NetTotal, BillTotal: bill.NetTotal, Lines: []MatchLine{}, Unordered: []Line{}, Flags: []string{}}
	for _, b := range bills {
		if b.ID != bill.ID && b.Status != Cancelled {
			others = append(others, b)
			m.Billed += b.NetTotal
		}
	}
	if bill.Status != Cancelled {
		m.Billed += bill.NetTotal
		others = append(others, bill)
	}
	billed := Consumed(others)
	// What this bill takes of each order line, and whether every line of
	// it that does is priced as ordered.
	this := map[int64]Line{}
	dearer := map[int64]bool{}
	unit := map[int64]money.Amount{}
	for _, ol := range order.Lines {
		unit[ol.ID] = netUnit(ol)
	}
	for _, l := range bill.Lines {
		if l.Kind != Item && l.Kind != "" {
			continue
		}
		if l.OriginLineID == 0 {
			m.Unordered = append(m.Unordered, l)
			continue
		}
		dearer[l.OriginLineID] = dearer[l.OriginLineID] || netUnit(l) != unit[l.OriginLineID]
		if prev, ok := this[l.OriginLineID]; ok {
			l.Quantity += prev.Quantity
		}
		this[l.OriginLineID] = l
	}
	for _, ol := range order.Lines {
		if ol.Kind != Item && ol.Kind != "" {
			continue
		}
		ml := MatchLine{OrderLineID: ol.ID, Description: lineLabel(ol), Ordered: ol.Quantity, Received: received[ol.ID],
			Billed: billed[ol.ID], OrderPrice: netUnit(ol), Flags: []string{}}
		if bl, ok := this[ol.ID]; ok {
			ml.ThisBill, ml.BillPrice = bl.Quantity, netUnit(bl)
			if dearer[ol.ID] {
				ml.Flags = append(ml.Flags, PriceDiffers)
			}
		}
		if ml.ThisBill != 0 || ml.Billed != 0 {
			if ml.Billed > ml.Ordered {
				ml.Flags = append(ml.Flags, BeyondOrdered)
			}
			if ml.Billed > ml.Received {
				ml.Flags = append(ml.Flags, BeyondReceived)
			}
		}
		m.Lines = append(m.Lines, ml)
	}
	if m.Billed > m.OrderTotal {
		m.Flags = append(m.Flags, OverBilled)
	}
	if len(m.Unordered) > 0 {
		m.Flags = append(m.Flags, NotOrdered)
	}
	m.OK = len(m.Flags) == 0
	for _, l := range m.Lines {
		m.OK = m.OK && len(l.Flags) == 0
	}
	return m
}

// netUnit is a line's unit price after its discount, to the cent: two
// lines agree on price when they cost the same per unit.
func netUnit(l Line) money.Amount {
	one := l
	one.Quantity = measure.One
	return LineNet(one)
}

func lineLabel(l Line) string {
	if l.Description != "" {
		return l.Description
	}
	return l.Reference
}

// DueFrom is a supplier's bill's due date when none is written: its date
// plus the terms (30 days by default, the legal maximum being 60).
func DueFrom(issueDate, terms string) string {
	t, err := ParseTerms(terms)
	if err != nil || terms == "" {
		t, _ = ParseTerms("30")
	}
	if _, err := time.Parse(time.DateOnly, issueDate); err != nil {
		return ""
	}
	return t.Due(issueDate)
}

// Attachment is a file attached to a document: the original of a
// supplier's bill or quote, a photo of a delivery slip. The content is
// kept apart, under its checksum.
type Attachment struct {
	ID         int64     `json:"id"`
	DocumentID int64     `json:"document_id"`
	Name       string    `json:"name"` // a label, made safe; never a path
	MediaType  string    `json:"media_type"`
	Size       int64     `json:"size"`
	Checksum   string    `json:"checksum"` // SHA-256, hex
	CreatedBy  int64     `json:"created_by"`
	CreatedAt  time.Time `json:"created_at"`
}
