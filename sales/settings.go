package sales

import (
	"regexp"
	"strconv"
	"strings"

	"github.com/comptoir/comptoir/errs"
	"github.com/comptoir/comptoir/money"
	"github.com/comptoir/comptoir/vat"
)

// Settings are an account's choices for its sales documents.
type Settings struct {
	// Patterns number each series (see Series); missing ones use DefaultPatterns.
	Patterns     map[string]string `json:"patterns"`
	PaymentTerms string            `json:"payment_terms"` // default for new documents
	QuoteDays    int               `json:"quote_days"`    // validity of a quote
	// LatePenaltyRate is the yearly rate of late-payment penalties, in
	// hundredths of a percent. French law: at least three times the legal
	// interest rate; by default the ECB refinancing rate plus 10 points.
	LatePenaltyRate Percent `json:"late_penalty_rate"`
	// EarlyDiscount is the early-payment discount terms; empty prints "no
	// discount for early payment", which the law requires saying.
	EarlyDiscount string        `json:"early_discount"`
	Exemption     vat.Exemption `json:"exemption"` // default for new documents (franchise for micro-enterprises)
	VATOnDebits   bool          `json:"vat_on_debits"`
	Operation     string        `json:"operation"` // default category of operation; empty: from the lines
	Layout        string        `json:"layout"`    // classic or modern
	Accent        string        `json:"accent"`    // #RRGGBB
	Footer        string        `json:"footer"`    // extra text printed under the legal mentions
	Dunning       []Level       `json:"dunning"`
	AutoDunning   bool          `json:"auto_dunning"` // the daily job sends due reminders itself
}

// Level is one step of unpaid-invoice reminders.
type Level struct {
	Days    int    `json:"days"`    // after the due date
	Channel string `json:"channel"` // email, or letter (an e-mail with a formal notice PDF)
	Tone    string `json:"tone"`    // friendly, firm, formal
}

// DefaultSettings are what a new account starts with.
func DefaultSettings() Settings {
	return Settings{
		Patterns:        map[string]string{},
		PaymentTerms:    "30",
		QuoteDays:       30,
		LatePenaltyRate: 1215, // ECB rate of 2.15 % + 10 points
		Operation:       "",   // from each document's lines
		Layout:          "classic",
		Accent:          "#1f3a5f",
		Dunning: []Level{
			{Days: 7, Channel: "email", Tone: "friendly"},
			{Days: 15, Channel: "email", Tone: "firm"},
			{Days: 30, Channel: "letter", Tone: "formal"},
		},
		AutoDunning: true,
	}
}

// Pattern returns the numbering pattern of kind's series.
func (s Settings) Pattern(kind string) Pattern {
	if p := s.Patterns[Series(kind)]; p != "" {
		return Pattern(p)
	}
	return Pattern(DefaultPatterns[Series(kind)])
}

var colour = regexp.MustCompile(`^#[0-9a-fA-F]{6}$`)

// Validate checks the settings, reporting every problem at once.
func (s *Settings) Validate() error {
	var f errs.Fields
	for k, p := range s.Patterns {
		if _, ok := DefaultPatterns[k]; !ok {
			f.Add("patterns."+k, "invalid_kind", "patterns are set for quote, order, delivery, invoice, credit, supplier_quote, purchase_order, receipt or bill")
			continue
		}
		if p == "" {
			delete(s.Patterns, k)
			continue
		}
		if err := Pattern(p).Validate("patterns." + k); err != nil {
			f = append(f, errs.FieldsOf(err)...)
		}
	}
	seen := map[string]string{}
	for _, k := range []string{Quote, Order, Delivery, Invoice, Credit} {
		key := counterless(string(s.Pattern(k)))
		if other, dup := seen[key]; dup {
			f.Add("patterns."+k, "pattern_taken", "this pattern would give the same numbers as the "+other+"s': make them differ by their text")
		}
		seen[key] = k
	}
	if _, err := ParseTerms(s.PaymentTerms); err != nil {
		f.Add("payment_terms", "invalid_terms", "payment terms are 0 to 60 days, or up to 45 days end of month (45_eom)")
	}
	if s.QuoteDays < 1 || s.QuoteDays > 365 {
		f.Add("quote_days", "out_of_range", "a quote is valid 1 to 365 days")
	}
	if s.LatePenaltyRate < 0 || s.LatePenaltyRate > 10000 {
		f.Add("late_penalty_rate", "invalid_percent", "the penalty rate is a percentage between 0 and 100")
	}
	tooLong(&f, "early_discount", s.EarlyDiscount, 300)
	tooLong(&f, "footer", s.Footer, 500)
	if !s.Exemption.Valid() {
		f.Add("exemption", "invalid_exemption", "exemption must be empty, franchise, reverse_charge, intra_eu or export")
	}
	if s.Operation != "" && s.Operation != Goods && s.Operation != Services && s.Operation != Mixed {
		f.Add("operation", "invalid_operation", "operation must be empty (from the lines), goods, services or mixed")
	}
	if s.Layout != "classic" && s.Layout != "modern" {
		f.Add("layout", "invalid_layout", "the layout is classic or modern")
	}
	if !colour.MatchString(s.Accent) {
		f.Add("accent", "invalid_colour", "the colour is written #RRGGBB")
	}
	if len(s.Dunning) > 6 {
		f.Add("dunning", "too_many", "at most six reminder levels")
	}
	prev := -1
	for i, l := range s.Dunning {
		p := "dunning." + strconv.Itoa(i) + "."
		if l.Days <= prev || l.Days > 365 {
			f.Add(p+"days", "out_of_order", "each level comes 1 to 365 days after the due date, later than the one before")
		}
		prev = l.Days
		if l.Channel != "email" && l.Channel != "letter" {
			f.Add(p+"channel", "invalid_channel", "a reminder is an e-mail or a letter")
		}
		if l.Tone != "friendly" && l.Tone != "firm" && l.Tone != "formal" {
			f.Add(p+"tone", "invalid_tone", "the tone is friendly, firm or formal")
		}
	}
	return f.Err("sales.Settings.Validate")
}

// DueLevel returns the reminder level (1-based) an invoice overdue by
// overdueDays should receive now, given the highest level already sent
// and the days since that reminder; 0 when none is due. Levels go one at
// a time, polite before firm, each never twice: an invoice found long
// overdue gets the first level, and the next one only once as many days
// have passed since as the settings put between the two levels.
func (s Settings) DueLevel(overdueDays, sent, daysSinceLast int) int {
	next := sent + 1
	if sent < 0 || next > len(s.Dunning) || overdueDays < s.Dunning[next-1].Days {
		return 0
	}
	if sent > 0 && daysSinceLast < s.Dunning[next-1].Days-s.Dunning[sent-1].Days {
		return 0
	}
	return next
}

// Indemnity is the fixed recovery indemnity owed by a business client
// for every late invoice (art. L441-10 and D441-5 of the Code de commerce).
const Indemnity money.Amount = 4000

// Penalties are the late-payment penalties on amount for days late at a
// yearly rate, rounded to the cent.
func Penalties(amount money.Amount, rate Percent, days int) money.Amount {
	if days <= 0 || amount <= 0 {
		return 0
	}
	return money.Amount(vat.MulDiv(int64(amount)*int64(days), int64(rate), 10000*365))
}

// Merge replaces {name} fields in a template with values; unknown fields
// stay as typed so a typo shows. The result is plain text: e-mails are sent
// as text and PDFs print text, so nothing in a value is ever markup.
func Merge(template string, values map[string]string) string {
	var b strings.Builder
	for {
		i := strings.IndexByte(template, '{')
		if i < 0 {
			b.WriteString(template)
			return b.String()
		}
		j := strings.IndexByte(template[i:], '}')
		if j < 0 {
			b.WriteString(template)
			return b.String()
		}
		b.WriteString(template[:i])
		if v, ok := values[template[i+1:i+j]]; ok {
			b.WriteString(v)
		} else {
			b.WriteString(template[i : i+j+1])
		}
		template = template[i+j+1:]
	}
}

// counterless is a pattern with its counter's width forgotten: two
// patterns equal but for it can print the same number.
func counterless(p string) string {
	var b strings.Builder
	for {
		i := strings.IndexByte(p, '{')
		if i < 0 {
			return b.String() + p
		}
		j := strings.IndexByte(p[i:], '}')
		if j < 0 {
			return b.String() + p
		}
		tok := p[i+1 : i+j]
		b.WriteString(p[:i])
		if strings.Trim(tok, "0") == "" {
			b.WriteString("{0}")
		} else {
			b.WriteString("{" + tok + "}")
		}
		p = p[i+j+1:]
	}
}
