package sales

import (
	"slices"
	"testing"

	"github.com/comptoir/comptoir/account"
	"github.com/comptoir/comptoir/errs"
	"github.com/comptoir/comptoir/measure"
	"github.com/comptoir/comptoir/money"
)

// order is a sent purchase order of two lines: 100 kg at 1.20 and 50 kg
// at 2.00 less 10 %.
func order() Document {
	o := Document{ID: 1, Kind: PurchaseOrder, Status: Sent, Lines: []Line{
		{ID: 11, Kind: Item, Description: "Farine", Quantity: 100_000, UnitPrice: 120, VATRate: 550, Unit: "kg"},
		{ID: 12, Kind: Section, Description: "Épicerie"},
		{ID: 13, Kind: Item, Description: "Sucre", Quantity: 50_000, UnitPrice: 200, Discount: 1000, VATRate: 550, Unit: "kg"},
	}}
	o.Compute()
	return o
}

func child(id int64, kind, status string, qty map[int64]measure.Quantity, price map[int64]money.Amount) Document {
	d := Document{ID: id, Kind: kind, Status: status, OriginID: 1}
	for _, l := range order().Lines {
		if q, ok := qty[l.ID]; ok {
			nl := l
			nl.ID, nl.OriginLineID, nl.Quantity = 0, l.ID, q
			if p, ok := price[l.ID]; ok {
				nl.UnitPrice, nl.Discount = p, 0
			}
			d.Lines = append(d.Lines, nl)
		}
	}
	d.Compute()
	return d
}

func TestMatchBill(t *testing.T) {
	full := map[int64]measure.Quantity{11: 100_000, 13: 50_000}
	tests := []struct {
		name      string
		receipts  []Document
		others    []Document
		bill      Document
		lineFlags map[int64][]string
		flags     []string
	}{
		{"received and billed as ordered", []Document{child(2, Receipt, Issued, full, nil)}, nil,
			child(3, Bill, Draft, full, nil), nil, nil},
		{"billed before anything arrived", nil, nil, child(3, Bill, Draft, full, nil),
			map[int64][]string{11: {BeyondReceived}, 13: {BeyondReceived}}, nil},
		{"a draft receipt is not received", []Document{child(2, Receipt, Draft, full, nil)}, nil,
			child(3, Bill, Draft, map[int64]measure.Quantity{11: 100_000}, nil), map[int64][]string{11: {BeyondReceived}}, nil},
		{"the same price without the discount is a price difference (1.80 net)", []Document{child(2, Receipt, Issued, full, nil)}, nil,
			child(3, Bill, Draft, full, map[int64]money.Amount{13: 180}), nil, nil},
		{"a dearer price", []Document{child(2, Receipt, Issued, full, nil)}, nil,
			child(3, Bill, Draft, full, map[int64]money.Amount{11: 121}), map[int64][]string{11: {PriceDiffers}}, []string{OverBilled}},
		{"a second bill of the same goods", []Document{child(2, Receipt, Issued, full, nil)},
			[]Document{child(4, Bill, Issued, full, nil)}, child(3, Bill, Draft, full, nil),
			map[int64][]string{11: {BeyondOrdered, BeyondReceived}, 13: {BeyondOrdered, BeyondReceived}}, []string{OverBilled}},
		{"a cancelled bill does not count", []Document{child(2, Receipt, Issued, full, nil)},
			[]Document{child(4, Bill, Cancelled, full, nil)}, child(3, Bill, Draft, full, nil), nil, nil},
		{"a line not on the order", []Document{child(2, Receipt, Issued, full, nil)}, nil,
			func() Document {
				b := child(3, Bill, Draft, full, nil)
				b.Lines = append(b.Lines, Line{Kind: Item, Description: "Transport", Quantity: measure.One, UnitPrice: 2500, Unit: "flat"})
				b.Compute()
				return b
			}(), nil, []string{OverBilled, NotOrdered}},
		{"one order line billed on two lines, one dearer", []Document{child(2, Receipt, Issued, full, nil)}, nil,
			func() Document {
				b := child(3, Bill, Draft, map[int64]measure.Quantity{11: 50_000, 13: 50_000}, nil)
				extra := b.Lines[0]
				extra.UnitPrice = 150
				b.Lines = append(b.Lines, extra)
				b.Compute()
				return b
			}(), map[int64][]string{11: {PriceDiffers}}, []string{OverBilled}},
		{"a cancelled bill does not count itself", []Document{child(2, Receipt, Issued, full, nil)},
			[]Document{child(4, Bill, Issued, full, nil)}, child(3, Bill, Cancelled, full, nil), nil, nil},
		{"a partial bill of a partial receipt", []Document{child(2, Receipt, Issued, map[int64]measure.Quantity{11: 60_000}, nil)}, nil,
			child(3, Bill, Draft, map[int64]measure.Quantity{11: 60_000}, nil), nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := MatchBill(order(), tt.receipts, append(tt.others, tt.bill), tt.bill)
			if len(m.Lines) != 2 {
				t.Fatalf("%d lines, want the order's 2 items", len(m.Lines))
			}
			ok := len(tt.flags) == 0
			for _, l := range m.Lines {
				want := tt.lineFlags[l.OrderLineID]
				if !sameFlags(l.Flags, want) {
					t.Errorf("line %d flags %v, want %v", l.OrderLineID, l.Flags, want)
				}
				ok = ok && len(want) == 0
			}
			if !sameFlags(m.Flags, tt.flags) {
				t.Errorf("flags %v, want %v", m.Flags, tt.flags)
			}
			if m.OK != ok {
				t.Errorf("ok = %v, want %v", m.OK, ok)
			}
		})
	}
}

// sameFlags compares flags, an empty list and none being the same.
func sameFlags(a, b []string) bool { return len(a) == 0 && len(b) == 0 || slices.Equal(a, b) }

func TestReceiptStatus(t *testing.T) {
	tests := []struct {
		status   string
		received map[int64]measure.Quantity
		want     string
	}{
		{Sent, nil, Sent},
		{Confirmed, nil, Confirmed},
		{Confirmed, map[int64]measure.Quantity{11: 1}, PartReceived},
		{PartReceived, map[int64]measure.Quantity{11: 100_000}, PartReceived},
		{PartReceived, map[int64]measure.Quantity{11: 100_000, 13: 50_000}, Received},
	}
	for _, tt := range tests {
		o := order()
		o.Status = tt.status
		if got := ReceiptStatus(o, tt.received); got != tt.want {
			t.Errorf("%s with %v = %s, want %s", tt.status, tt.received, got, tt.want)
		}
	}
}

func TestPurchaseStatusChanges(t *testing.T) {
	o := order()
	if err := Confirm(&o); err != nil || o.Status != Confirmed {
		t.Fatalf("confirm: %v %s", err, o.Status)
	}
	if err := Confirm(&o); !errs.Is(err, errs.Conflict) {
		t.Fatalf("confirmed twice: %v", err)
	}
	o.Status = PartReceived
	if err := Cancel(&o); !errs.Is(err, errs.Conflict) {
		t.Fatalf("a partly received order cancelled: %v", err)
	}
	o.Status = Confirmed
	if err := Cancel(&o); err != nil || o.Status != Cancelled {
		t.Fatalf("cancel: %v", err)
	}
	b := child(3, Bill, Issued, map[int64]measure.Quantity{11: 1000}, nil)
	b.Paid = 1
	if err := Cancel(&b); !errs.Is(err, errs.Conflict) {
		t.Fatalf("a bill with a payment cancelled: %v", err)
	}
	b.Paid = 0
	if err := Cancel(&b); err != nil {
		t.Fatal(err)
	}
	q := Document{Kind: SupplierQuote, Status: Issued}
	if err := Decide(&q, Accepted); err != nil || CanDerive(q, PurchaseOrder) != nil {
		t.Fatalf("an accepted supplier quote is not ordered: %v", err)
	}
	if err := CanDerive(order(), Delivery); err == nil {
		t.Fatal("a delivery note made from a purchase order")
	}
	if Payable(Bill) != true || Receivable(Bill) || !Purchase(Receipt) || Purchase(Invoice) {
		t.Fatal("kinds misclassified")
	}
}

func TestCheckPurchase(t *testing.T) {
	buyer := account.Account{Name: "Épicerie", Address: account.Address{Line1: "1 rue", PostalCode: "69001", City: "Lyon"}}
	one := []Line{{Kind: Item, Quantity: 1000, UnitPrice: 100, Unit: "piece", Description: "x"}}
	tests := []struct {
		name  string
		doc   Document
		buyer account.Account
		want  []string
	}{
		{"a complete purchase order", Document{Kind: PurchaseOrder, Lines: one}, buyer, nil},
		{"a purchase order without the business's address", Document{Kind: PurchaseOrder, Lines: one}, account.Account{Name: "x"}, []string{"seller.address"}},
		{"an empty purchase order", Document{Kind: PurchaseOrder}, buyer, []string{"lines"}},
		{"a complete bill", Document{Kind: Bill, Lines: one, SupplierNumber: "F1", IssueDate: "2026-03-01", DueDate: "2026-03-31"}, buyer, nil},
		{"a bill without number or date", Document{Kind: Bill, Lines: one}, buyer, []string{"issue_date", "supplier_number"}},
		{"a bill from tomorrow", Document{Kind: Bill, Lines: one, SupplierNumber: "F1", IssueDate: "2026-03-03"}, buyer, []string{"issue_date"}},
		{"a bill due before its date", Document{Kind: Bill, Lines: one, SupplierNumber: "F1", IssueDate: "2026-03-01", DueDate: "2026-02-01"}, buyer, []string{"due_date"}},
		{"a receipt needs only its lines", Document{Kind: Receipt, Lines: one}, account.Account{}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, f := range errs.FieldsOf(CheckPurchase(tt.doc, tt.buyer, "2026-03-02")) {
				got = append(got, f.Field)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("fields %v, want %v", got, tt.want)
			}
		})
	}
}

func TestDueFrom(t *testing.T) {
	for _, tt := range []struct{ date, terms, want string }{
		{"2026-03-09", "", "2026-04-08"}, {"2026-03-09", "45_eom", "2026-04-30"}, {"2026-03-09", "0", "2026-03-09"}, {"bad", "30", ""},
	} {
		if got := DueFrom(tt.date, tt.terms); got != tt.want {
			t.Errorf("DueFrom(%s, %s) = %s, want %s", tt.date, tt.terms, got, tt.want)
		}
	}
}

// BenchmarkMatchBill matches a bill of 1,000 lines against its order and
// ten partial receipts.
func BenchmarkMatchBill(b *testing.B) {
	o := Document{ID: 1, Kind: PurchaseOrder, Status: Sent}
	for i := range 1000 {
		o.Lines = append(o.Lines, Line{ID: int64(i + 1), Kind: Item, Quantity: 10_000, UnitPrice: money.Amount(100 + i), Unit: "piece"})
	}
	var receipts []Document
	for r := range 10 {
		d := Document{ID: int64(10 + r), Kind: Receipt, Status: Issued}
		for _, l := range o.Lines {
			d.Lines = append(d.Lines, Line{Kind: Item, OriginLineID: l.ID, Quantity: 1000})
		}
		receipts = append(receipts, d)
	}
	bill := Derive(o, Bill, nil)
	bill.ID = 99
	b.ReportAllocs()
	for b.Loop() {
		MatchBill(o, receipts, []Document{bill}, bill)
	}
}
