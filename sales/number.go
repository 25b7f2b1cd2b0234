package sales

import (
	"strconv"
	"strings"
	"time"

	"github.com/comptoir/comptoir/errs"
)

// DefaultPatterns number each kind of document. Deposit invoices share the
// invoices' series: French law wants one unbroken chronological sequence of
// invoices; credit notes may have their own.
var DefaultPatterns = map[string]string{
	Quote:    "D-{YYYY}-{0000}",
	Order:    "BC-{YYYY}-{0000}",
	Delivery: "BL-{YYYY}-{0000}",
	Invoice:  "F-{YYYY}-{0000}",
	Credit:   "AV-{YYYY}-{0000}",
	// Purchases: the business's own numbers; a supplier's quote or bill
	// keeps the supplier's number beside it.
	SupplierQuote: "DF-{YYYY}-{0000}",
	PurchaseOrder: "CF-{YYYY}-{0000}",
	Receipt:       "BR-{YYYY}-{0000}",
	Bill:          "FF-{YYYY}-{0000}",
}

// Series is the numbering series a kind draws from.
func Series(kind string) string {
	if kind == Deposit {
		return Invoice
	}
	return kind
}

// Pattern is a numbering pattern: literal text with {YYYY}, {YY}, {MM}
// and one counter {0…0} whose width is the number of zeros. The counter
// resets when the period the pattern shows changes: every year with
// {YYYY} or {YY}, every month when {MM} is there too, never otherwise.
type Pattern string

// Validate checks the pattern has exactly one counter and only known
// placeholders, and is short enough to print.
func (p Pattern) Validate(field string) error {
	var f errs.Fields
	counters := 0
	s := string(p)
	for {
		i := strings.IndexByte(s, '{')
		if i < 0 {
			break
		}
		j := strings.IndexByte(s[i:], '}')
		if j < 0 {
			f.Add(field, "invalid_pattern", "a { is not closed")
			break
		}
		tok := s[i+1 : i+j]
		switch {
		case tok == "YYYY" || tok == "YY" || tok == "MM":
		case tok != "" && strings.Trim(tok, "0") == "" && len(tok) <= 10:
			counters++
		default:
			f.Add(field, "invalid_pattern", "unknown placeholder {"+tok+"}: use {YYYY}, {YY}, {MM} and a counter such as {0000}")
		}
		s = s[i+j+1:]
	}
	if counters != 1 && !f.Has(field) {
		f.Add(field, "invalid_pattern", "a numbering pattern needs exactly one counter such as {0000}")
	}
	if len(p) > 40 || strings.ContainsAny(string(p), "\r\n\t") {
		f.Add(field, "invalid_pattern", "a numbering pattern is at most 40 characters on one line")
	}
	return f.Err("sales.Pattern.Validate")
}

// Period is the key of the counter a document issued on day draws from:
// "2026" for a yearly pattern, "2026-11" for a monthly one, "" if never reset.
func (p Pattern) Period(day time.Time) string {
	s := string(p)
	switch {
	case strings.Contains(s, "{MM}") && (strings.Contains(s, "{YYYY}") || strings.Contains(s, "{YY}")):
		return day.Format("2006-01")
	case strings.Contains(s, "{YYYY}") || strings.Contains(s, "{YY}"):
		return day.Format("2006")
	}
	return ""
}

// Format returns the number n issued on day.
func (p Pattern) Format(day time.Time, n int64) string {
	var b strings.Builder
	s := string(p)
	for {
		i := strings.IndexByte(s, '{')
		if i < 0 {
			b.WriteString(s)
			break
		}
		j := strings.IndexByte(s[i:], '}')
		if j < 0 {
			b.WriteString(s)
			break
		}
		b.WriteString(s[:i])
		switch tok := s[i+1 : i+j]; tok {
		case "YYYY":
			b.WriteString(day.Format("2006"))
		case "YY":
			b.WriteString(day.Format("06"))
		case "MM":
			b.WriteString(day.Format("01"))
		default:
			num := strconv.FormatInt(n, 10)
			if len(num) < len(tok) {
				b.WriteString(strings.Repeat("0", len(tok)-len(num)))
			}
			b.WriteString(num)
		}
		s = s[i+j+1:]
	}
	return b.String()
}
