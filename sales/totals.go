package sales

import (
	"sort"

	"github.com/comptoir/comptoir/money"
	"github.com/comptoir/comptoir/vat"
)

// TaxRow is the VAT breakdown of one rate (EN 16931 BG-23).
type TaxRow struct {
	Rate      vat.Rate     `json:"rate"`
	Category  string       `json:"category"`  // BT-118, UNTDID 5305
	LinesNet  money.Amount `json:"lines_net"` // sum of the line nets at this rate
	Allowance money.Amount `json:"allowance"` // the document discount at this rate (BT-92)
	Base      money.Amount `json:"base"`      // BT-116
	Tax       money.Amount `json:"tax"`       // BT-117
}

// Totals are a document's amounts as EN 16931 defines them.
type Totals struct {
	LinesNet  money.Amount `json:"lines_net"` // BT-106
	Allowance money.Amount `json:"allowance"` // BT-107
	Net       money.Amount `json:"net"`       // BT-109
	VAT       money.Amount `json:"vat"`       // BT-110
	Gross     money.Amount `json:"gross"`     // BT-112
	Taxes     []TaxRow     `json:"taxes"`
}

// LineNet is a line's net amount (BT-131): quantity × unit price less the
// line discount, rounded half away from zero to the cent once.
func LineNet(l Line) money.Amount {
	if l.Kind != Item && l.Kind != "" {
		return 0
	}
	// quantity is in thousandths and the discount in hundredths of a
	// percent, so the exact product is scaled by 1000 × 10000.
	// The limits Validate enforces keep quantity × price within int64
	// (10^9 × 10^9); the discount is applied with a 128-bit product.
	return money.Amount(vat.MulDiv(int64(l.Quantity)*int64(l.UnitPrice), int64(10000-l.Discount), 10_000_000))
}

// ComputeTotals adds up lines the EN 16931 way: line nets are summed per
// VAT rate; the document discount is an allowance per rate on the lines
// sold (not on deductions), rounded once per rate; the VAT of each rate is computed once on its base; the grand
// totals are sums of those rounded amounts, so they always match the
// breakdown.
func ComputeTotals(lines []Line, discount Percent, ex vat.Exemption) Totals {
	byRate := map[vat.Rate]*TaxRow{}
	// The document discount applies to what is sold, not to deductions
	// (negative lines: a deposit already invoiced, a trade-in), which
	// would otherwise be discounted a second time.
	sold := map[vat.Rate]money.Amount{}
	for _, l := range lines {
		if l.Kind != Item && l.Kind != "" {
			continue
		}
		row := byRate[l.VATRate]
		if row == nil {
			row = &TaxRow{Rate: l.VATRate, Category: vat.Category(l.VATRate, ex)}
			byRate[l.VATRate] = row
		}
		net := LineNet(l)
		row.LinesNet += net
		if net > 0 {
			sold[l.VATRate] += net
		}
	}
	var t Totals
	for _, row := range byRate {
		row.Allowance = money.Amount(vat.MulDiv(int64(sold[row.Rate]), int64(discount), 10000))
		row.Base = row.LinesNet - row.Allowance
		row.Tax = row.Rate.Of(row.Base)
		t.LinesNet += row.LinesNet
		t.Allowance += row.Allowance
		t.Net += row.Base
		t.VAT += row.Tax
		t.Taxes = append(t.Taxes, *row)
	}
	sort.Slice(t.Taxes, func(i, j int) bool { return t.Taxes[i].Rate > t.Taxes[j].Rate })
	t.Gross = t.Net + t.VAT
	return t
}

// Compute sets each line's net and the document's totals.
func (d *Document) Compute() Totals {
	for i := range d.Lines {
		d.Lines[i].Net = LineNet(d.Lines[i])
	}
	t := ComputeTotals(d.Lines, d.Discount, d.Exemption)
	d.NetTotal, d.VATTotal, d.GrossTotal = t.Net, t.VAT, t.Gross
	return t
}
