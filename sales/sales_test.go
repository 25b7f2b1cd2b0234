package sales

import (
	"encoding/json"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/comptoir/comptoir/errs"
	"github.com/comptoir/comptoir/measure"
	"github.com/comptoir/comptoir/money"
	"github.com/comptoir/comptoir/vat"
)

func item(q measure.Quantity, price money.Amount, disc Percent, rate vat.Rate) Line {
	return Line{Kind: Item, Description: "x", Quantity: q, UnitPrice: price, Discount: disc, VATRate: rate, Unit: "piece"}
}

func TestLineNet(t *testing.T) {
	tests := []struct {
		name string
		line Line
		want money.Amount
	}{
		{"one at 10 €", item(1000, 1000, 0, 2000), 1000},
		{"1.5 kg at 12.99 €", item(1500, 1299, 0, 550), 1949},        // 19.485 rounds up
		{"0.333 h at 60 €", item(333, 6000, 0, 2000), 1998},          // 19.98
		{"3 at 9.99 € less 15 %", item(3000, 999, 1500, 2000), 2547}, // 25.4745
		{"deduction", item(-1000, 5000, 0, 2000), -5000},
		{"negative half rounds away", item(-1500, 1299, 0, 550), -1949},
		{"100 % discount", item(2000, 1000, 10000, 2000), 0},
		{"section", Line{Kind: Section, Description: "Lot 1"}, 0},
	}
	for _, tt := range tests {
		if got := LineNet(tt.line); got != tt.want {
			t.Errorf("%s: LineNet = %d, want %d", tt.name, got, tt.want)
		}
	}
}

func TestComputeTotalsEN16931(t *testing.T) {
	// Three lines at two rates and a 10 % document discount.
	lines := []Line{item(1000, 1999, 0, 2000), item(3000, 333, 0, 2000), item(2000, 455, 0, 550), {Kind: Comment, Description: "merci"}}
	got := ComputeTotals(lines, 1000, vat.None)
	// 20 %: 19.99 + 9.99 = 29.98, allowance 3.00 (2.998), base 26.98, VAT 5.40 (5.396)
	// 5.5 %: 9.10, allowance 0.91, base 8.19, VAT 0.45 (0.45045)
	if len(got.Taxes) != 2 {
		t.Fatalf("taxes = %+v", got.Taxes)
	}
	want := []TaxRow{
		{Rate: 2000, Category: "S", LinesNet: 2998, Allowance: 300, Base: 2698, Tax: 540},
		{Rate: 550, Category: "S", LinesNet: 910, Allowance: 91, Base: 819, Tax: 45},
	}
	for i, w := range want {
		if got.Taxes[i] != w {
			t.Errorf("rate %d: %+v, want %+v", i, got.Taxes[i], w)
		}
	}
	if got.Net != 3517 || got.VAT != 585 || got.Gross != 4102 || got.LinesNet != 3908 || got.Allowance != 391 {
		t.Errorf("totals = %+v", got)
	}
	if ex := ComputeTotals(lines[:1], 0, vat.Franchise); ex.Taxes[0].Category != "E" {
		t.Errorf("franchise category = %q", ex.Taxes[0].Category)
	}
}

// TestTotalsAreSumsOfLinesPerRate is the property: whatever the lines, the
// breakdown per rate adds up the line nets at that rate, and the grand
// totals add up the breakdown, to the cent.
func TestTotalsAreSumsOfLinesPerRate(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for n := 0; n < 5000; n++ {
		var lines []Line
		for range r.IntN(12) + 1 {
			q := measure.Quantity(r.Int64N(100_000) + 1)
			if r.IntN(10) == 0 {
				q = -q
			}
			lines = append(lines, item(q, money.Amount(r.Int64N(1_000_000)), Percent(r.Int64N(10001)), vat.FrenchRates[r.IntN(5)]))
		}
		disc := Percent(r.Int64N(5001))
		tot := ComputeTotals(lines, disc, vat.None)
		perRate := map[vat.Rate]money.Amount{}
		for _, l := range lines {
			perRate[l.VATRate] += LineNet(l)
		}
		var net, tax, lineSum money.Amount
		for _, row := range tot.Taxes {
			if row.LinesNet != perRate[row.Rate] {
				t.Fatalf("rate %s: lines net %d, sum of lines %d", row.Rate, row.LinesNet, perRate[row.Rate])
			}
			if row.Base != row.LinesNet-row.Allowance || row.Tax != row.Rate.Of(row.Base) {
				t.Fatalf("row %+v inconsistent", row)
			}
			delete(perRate, row.Rate)
			net += row.Base
			tax += row.Tax
			lineSum += row.LinesNet
		}
		if len(perRate) != 0 {
			t.Fatalf("rates missing from the breakdown: %v", perRate)
		}
		if tot.Net != net || tot.VAT != tax || tot.Gross != net+tax || tot.LinesNet != lineSum || tot.LinesNet-tot.Allowance != tot.Net {
			t.Fatalf("grand totals %+v do not add up (net %d, tax %d)", tot, net, tax)
		}
	}
}

// TestCreditNeverExceedsInvoice is the property: whatever credit notes are
// tried against an invoice, CheckCredit lets through only as much as the
// invoice is worth in all.
func TestCreditNeverExceedsInvoice(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for n := 0; n < 2000; n++ {
		inv := Document{ID: 1, Kind: Invoice, Status: Issued, Lines: []Line{
			{ID: 10, Kind: Item, Description: "a", Quantity: measure.Quantity(r.Int64N(10_000) + 1), UnitPrice: money.Amount(r.Int64N(100_000) + 1), VATRate: 2000},
			{ID: 11, Kind: Item, Description: "b", Quantity: measure.Quantity(r.Int64N(10_000) + 1), UnitPrice: money.Amount(r.Int64N(100_000) + 1), VATRate: 550},
		}}
		inv.Compute()
		for range 6 {
			c := Derive(inv, Credit, nil)
			for i := range c.Lines {
				c.Lines[i].Quantity = measure.Quantity(r.Int64N(int64(c.Lines[i].Quantity) + 1))
			}
			c.Compute()
			if CheckCredit(c, inv) == nil {
				inv.Credited += c.GrossTotal
			}
			if inv.Credited > inv.GrossTotal {
				t.Fatalf("credited %d on an invoice of %d", inv.Credited, inv.GrossTotal)
			}
		}
	}
}

func TestValidateReportsEveryField(t *testing.T) {
	d := Document{Kind: "receipe", Locale: "de", Discount: -1, ValidUntil: "2026-13-01", PaymentTerms: "90",
		Lines: []Line{{Kind: Item, Unit: "parsec", Quantity: 0, UnitPrice: -1, VATRate: 20000}, {Kind: Section}}}
	err := d.Validate()
	want := []string{"contact_id", "discount", "kind", "lines.0.description", "lines.0.quantity", "lines.0.unit",
		"lines.0.unit_price", "lines.0.vat_rate", "lines.1.description", "locale", "payment_terms", "valid_until"}
	got := map[string]bool{}
	for _, fe := range errs.FieldsOf(err) {
		got[fe.Field] = true
	}
	for _, w := range want {
		if !got[w] {
			t.Errorf("no error for %s; got %v", w, errs.FieldsOf(err))
		}
	}
	ok := Document{Kind: Invoice, ContactID: 1, Locale: "fr", Exemption: vat.Franchise, Lines: []Line{item(1000, 100, 0, 2000)}}
	if fe := errs.FieldsOf(ok.Validate()); len(fe) != 1 || fe[0].Code != "exempt" {
		t.Errorf("a rate on an exempt invoice: %v", fe)
	}
	neg := Document{Kind: Invoice, ContactID: 1, Locale: "fr", Lines: []Line{item(-1000, 100, 0, 2000)}}
	if fe := errs.FieldsOf(neg.Validate()); len(fe) != 1 || fe[0].Code != "negative_total" {
		t.Errorf("a negative invoice: %v", fe)
	}
}

func TestPattern(t *testing.T) {
	day := time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		p      Pattern
		n      int64
		want   string
		period string
	}{
		{"F-{YYYY}-{0000}", 7, "F-2026-0007", "2026"},
		{"F{YY}{MM}-{000}", 12345, "F2611-12345", "2026-11"},
		{"AV{00000}", 42, "AV00042", ""},
	}
	for _, tt := range tests {
		if err := tt.p.Validate("p"); err != nil {
			t.Errorf("%s: %v", tt.p, err)
		}
		if got := tt.p.Format(day, tt.n); got != tt.want {
			t.Errorf("%s(%d) = %q, want %q", tt.p, tt.n, got, tt.want)
		}
		if got := tt.p.Period(day); got != tt.period {
			t.Errorf("%s period = %q, want %q", tt.p, got, tt.period)
		}
	}
	for _, bad := range []Pattern{"F-{YYYY}", "F-{0000}-{00}", "F-{DD}-{000}", "F-{000", "F\n{000}"} {
		if bad.Validate("p") == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestTerms(t *testing.T) {
	tests := []struct {
		terms, issue, due string
	}{
		{"0", "2026-11-25", "2026-11-25"},
		{"30", "2026-11-25", "2026-12-25"},
		{"30_eom", "2026-11-25", "2026-12-31"},
		{"45_eom", "2026-01-20", "2026-03-31"},
		{"30_eom", "2026-01-31", "2026-03-31"},
	}
	for _, tt := range tests {
		tm, err := ParseTerms(tt.terms)
		if err != nil {
			t.Fatal(err)
		}
		if got := tm.Due(tt.issue); got != tt.due {
			t.Errorf("%s from %s = %s, want %s", tt.terms, tt.issue, got, tt.due)
		}
		if tm.String() != tt.terms {
			t.Errorf("round trip %q -> %q", tt.terms, tm.String())
		}
	}
	for _, bad := range []string{"61", "50_eom", "-1", "x", ""} {
		if _, err := ParseTerms(bad); err == nil {
			t.Errorf("%q accepted: beyond the legal cap or not terms", bad)
		}
	}
}

func TestDunning(t *testing.T) {
	s := DefaultSettings()
	tests := []struct {
		overdue, sent, since, want int
	}{
		{3, 0, 0, 0}, {7, 0, 0, 1}, {14, 1, 7, 0}, {15, 1, 8, 2}, {15, 1, 3, 0},
		{40, 0, 0, 1},  // found long overdue: the polite level first
		{41, 1, 1, 0},  // then the next one waits its gap (15 − 7 days)
		{48, 1, 8, 2},  //
		{63, 2, 15, 3}, // the formal notice 15 days after the firm reminder
		{90, 3, 30, 0}, // nothing after the last level
	}
	for _, tt := range tests {
		if got := s.DueLevel(tt.overdue, tt.sent, tt.since); got != tt.want {
			t.Errorf("DueLevel(%d, %d, %d) = %d, want %d", tt.overdue, tt.sent, tt.since, got, tt.want)
		}
	}
	// 1,000 € thirty days late at 12.15 % a year: 9.99 €.
	if got := Penalties(100000, 1215, 30); got != 999 {
		t.Errorf("penalties = %d", got)
	}
	if err := s.Validate(); err != nil {
		t.Errorf("default settings invalid: %v", err)
	}
	s.Dunning = append(s.Dunning, Level{Days: 10, Channel: "pigeon", Tone: "rude"})
	s.Accent = "blue"
	if len(errs.FieldsOf(s.Validate())) != 4 {
		t.Errorf("bad settings: %v", errs.FieldsOf(s.Validate()))
	}
}

func TestFlow(t *testing.T) {
	order := Document{ID: 5, Kind: Order, Status: Issued, ContactID: 9, Locale: "fr", Lines: []Line{
		{ID: 1, Kind: Section, Description: "Lot"},
		{ID: 2, Kind: Item, Description: "café", Quantity: 10_000, UnitPrice: 2500, VATRate: 550, Unit: "kg"},
		{ID: 3, Kind: Item, Description: "pose", Quantity: 2000, UnitPrice: 6000, VATRate: 2000, Unit: "hour"},
	}}
	order.Compute()
	if err := CanDerive(Document{Kind: Quote, Status: Issued}, Order); !errs.Is(err, errs.Conflict) {
		t.Errorf("order from an unanswered quote: %v", err)
	}
	if err := CanDerive(order, Credit); !errs.Is(err, errs.Invalid) {
		t.Errorf("credit note from an order: %v", err)
	}
	first := Derive(order, Delivery, Remaining(order, nil))
	first.Lines[1].Quantity = 4000 // ship 4 kg of 10
	first.Lines = first.Lines[:2]  // not the labour yet
	done := Consumed([]Document{first})
	if st := DeliveryStatus(order, done); st != PartDelivered {
		t.Errorf("after the first delivery: %s", st)
	}
	second := Derive(order, Delivery, Remaining(order, done))
	if len(second.Lines) != 3 || second.Lines[1].Quantity != 6000 || second.Lines[2].Quantity != 2000 {
		t.Fatalf("second delivery lines = %+v", second.Lines)
	}
	if st := DeliveryStatus(order, Consumed([]Document{first, second})); st != Delivered {
		t.Errorf("after both deliveries: %s", st)
	}
	dep, err := DepositFrom(order, 3000, "Acompte 30 %")
	if err != nil {
		t.Fatal(err)
	}
	if len(dep.Lines) != 2 || dep.NetTotal != money.Amount(vat.MulDiv(int64(order.NetTotal), 3000, 10000)) {
		t.Errorf("deposit = %+v", dep)
	}
	dep.Status, dep.Number = Issued, "F-2026-0001"
	inv := Derive(order, Invoice, nil)
	DeductDeposits(&inv, []Document{dep}, func(d Document) string { return "Acompte " + d.Number })
	// The nets deduct exactly; the VAT, computed once per rate on what is
	// left, may differ from a subtraction by a cent of rounding per rate.
	if inv.NetTotal != order.NetTotal-dep.NetTotal {
		t.Errorf("final invoice net %d, want order %d less deposit %d", inv.NetTotal, order.NetTotal, dep.NetTotal)
	}
	if diff := inv.GrossTotal - (order.GrossTotal - dep.GrossTotal); diff < -2 || diff > 2 {
		t.Errorf("final invoice %d, order %d less deposit %d", inv.GrossTotal, order.GrossTotal, dep.GrossTotal)
	}
	if dup := Duplicate(order); dup.OriginID != 0 || dup.Lines[1].OriginLineID != 0 || dup.GrossTotal != order.GrossTotal {
		t.Errorf("duplicate = %+v", dup)
	}
}

func TestCheckIssue(t *testing.T) {
	inv := Document{Kind: Invoice, Buyer: Party{Name: "Durand SARL", Business: true}, Lines: []Line{item(1000, 100, 0, 2000)}}
	err := CheckIssue(inv, Seller(), DefaultSettings())
	got := map[string]bool{}
	for _, fe := range errs.FieldsOf(err) {
		got[fe.Field] = true
	}
	for _, w := range []string{"buyer.address", "buyer.siren", "payment_terms"} {
		if !got[w] {
			t.Errorf("no error for %s: %v", w, errs.FieldsOf(err))
		}
	}
	if got["seller.siret"] || got["seller.vat_number"] {
		t.Errorf("complete seller reported: %v", errs.FieldsOf(err))
	}
	inv.Buyer.Address.Line1, inv.Buyer.Address.City, inv.Buyer.SIREN, inv.PaymentTerms, inv.Operation = "1 rue", "Lyon", "732829320", "30", Services
	if err := CheckIssue(inv, Seller(), DefaultSettings()); err != nil {
		t.Errorf("complete invoice refused: %v", err)
	}
}

// FuzzLineJSON: a line body from outside never panics, and every quantity,
// rate and discount accepted survives a round trip exactly.
func FuzzLineJSON(f *testing.F) {
	f.Add(`{"quantity":1.5,"unit_price":1250,"vat_rate":"5,5","discount":10}`)
	f.Add(`{"quantity":"0.001","vat_rate":20,"discount":"12.5"}`)
	f.Add(`{"quantity":1e3}`)
	f.Fuzz(func(t *testing.T, body string) {
		var l Line
		if json.Unmarshal([]byte(body), &l) != nil {
			return
		}
		out, err := json.Marshal(l)
		if err != nil {
			t.Fatal(err)
		}
		var back Line
		if err := json.Unmarshal(out, &back); err != nil || back != l {
			t.Fatalf("%s -> %s -> %+v, %v", body, out, back, err)
		}
	})
}

func TestShownStatus(t *testing.T) {
	tests := []struct {
		d    Document
		want string
	}{
		{Document{Kind: Quote, Status: Issued, ValidUntil: "2026-11-24"}, Expired},
		{Document{Kind: Quote, Status: Issued, ValidUntil: "2026-11-25"}, Issued},
		{Document{Kind: Quote, Status: Accepted, ValidUntil: "2026-01-01"}, Accepted},
		{Document{Kind: Invoice, Status: Issued, DueDate: "2026-11-24", GrossTotal: 100}, Overdue},
		{Document{Kind: Invoice, Status: PartlyPaid, DueDate: "2026-11-24", GrossTotal: 100, Paid: 100}, PartlyPaid},
		{Document{Kind: Invoice, Status: Issued, DueDate: "2026-11-25", GrossTotal: 100}, Issued},
	}
	for _, tt := range tests {
		if got := tt.d.Shown("2026-11-25"); got != tt.want {
			t.Errorf("%+v shown %s, want %s", tt.d, got, tt.want)
		}
	}
}

func TestCancel(t *testing.T) {
	tests := []struct {
		kind, status string
		ok           bool
	}{
		{Quote, Issued, true}, {Quote, Accepted, true}, {Quote, Draft, false}, {Quote, Refused, false},
		{Order, Issued, true}, {Order, PartDelivered, false}, {Order, Delivered, false},
		{Invoice, Issued, false}, {Credit, Issued, false},
	}
	for _, tt := range tests {
		d := Document{Kind: tt.kind, Status: tt.status}
		err := Cancel(&d)
		if (err == nil) != tt.ok || (tt.ok && d.Status != Cancelled) {
			t.Errorf("cancel a %s %s: %v (status %s)", tt.status, tt.kind, err, d.Status)
		}
	}
}

// TestDiscountSparesDeductions: the document discount applies to what is
// sold; a deposit deducted on the final invoice is not discounted again,
// so a discounted quote with a deposit is billed exactly once.
func TestDiscountSparesDeductions(t *testing.T) {
	got := ComputeTotals([]Line{item(1000, 100000, 0, 2000), item(-1000, 27000, 0, 2000)}, 1000, vat.None)
	if got.Allowance != 10000 || got.Net != 63000 {
		t.Errorf("totals = %+v: want an allowance of 100.00 on the 1,000.00 sold, net 630.00", got)
	}
	quote := Document{ID: 1, Kind: Quote, Status: Accepted, Discount: 1000, Lines: []Line{{ID: 1, Kind: Item, Description: "x", Quantity: 1000, UnitPrice: 100000, VATRate: 2000}}}
	quote.Compute() // 1,000 − 10 % = 900 net, 1,080 gross
	dep, err := DepositFrom(quote, 3000, "Acompte")
	if err != nil {
		t.Fatal(err)
	}
	dep.Status = Issued
	final := Derive(quote, Invoice, nil)
	DeductDeposits(&final, []Document{dep}, func(Document) string { return "Acompte" })
	if billed := dep.GrossTotal + final.GrossTotal; billed != quote.GrossTotal {
		t.Errorf("deposit %d + final %d = %d billed for a quote of %d", dep.GrossTotal, final.GrossTotal, billed, quote.GrossTotal)
	}
	// The credit note of that final invoice keeps the deduction.
	final.ID = 2
	for i := range final.Lines {
		final.Lines[i].ID = int64(10 + i)
	}
	credit := Derive(final, Credit, Remaining(final, nil))
	if credit.GrossTotal != final.GrossTotal {
		t.Errorf("credit note of the final invoice: %d, want %d", credit.GrossTotal, final.GrossTotal)
	}
}

func TestSettingsRefuseCollidingPatterns(t *testing.T) {
	s := DefaultSettings()
	s.Patterns = map[string]string{Credit: "F-{YYYY}-{00000}"}
	if fe := errs.FieldsOf(s.Validate()); len(fe) != 1 || fe[0].Code != "pattern_taken" {
		t.Errorf("credit notes numbered like invoices: %v", fe)
	}
}

func TestCheckIssueVATReasons(t *testing.T) {
	inv := Document{Kind: Invoice, PaymentTerms: "30", Operation: Services,
		Buyer: Party{Name: "Jean Dupont", Address: Seller().Address}, Lines: []Line{item(1000, 100, 0, 0)}}
	if fe := errs.FieldsOf(CheckIssue(inv, Seller(), DefaultSettings())); len(fe) != 1 || fe[0].Code != "exemption_required" {
		t.Errorf("a line at 0 %% without a reason: %v", fe)
	}
	inv.Exemption = vat.IntraEU
	if fe := errs.FieldsOf(CheckIssue(inv, Seller(), DefaultSettings())); len(fe) != 1 || fe[0].Field != "buyer.vat_number" {
		t.Errorf("intra-EU without the client's VAT number: %v", fe)
	}
}

func TestInferOperation(t *testing.T) {
	kg := Line{Kind: Item, Unit: "kg", Quantity: 1000}
	hour := Line{Kind: Item, Unit: "hour", Quantity: 1000}
	for _, tt := range []struct {
		lines []Line
		want  string
	}{
		{[]Line{kg}, Goods}, {[]Line{hour}, Services}, {[]Line{kg, hour}, Mixed}, {nil, Services},
		{[]Line{kg, {Kind: Item, Unit: "flat", Quantity: -1000}}, Goods}, // a deduction is not a sale
	} {
		if got := InferOperation(tt.lines); got != tt.want {
			t.Errorf("%v: %s, want %s", tt.lines, got, tt.want)
		}
	}
}

func TestDropEmptySections(t *testing.T) {
	sec := func(s string) Line { return Line{Kind: Section, Description: s} }
	com := Line{Kind: Comment, Description: "note"}
	in := []Line{sec("Goods"), item(1000, 100, 0, 2000), sec("Services"), com, sec("Last")}
	got := DropEmptySections(in)
	if len(got) != 3 || got[0].Description != "Goods" || got[2].Kind != Comment {
		t.Errorf("got %+v", got)
	}
}
