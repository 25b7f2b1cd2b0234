package web

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/comptoir/comptoir/errs"
	"github.com/comptoir/comptoir/money"
	"github.com/comptoir/comptoir/sales"
	"github.com/comptoir/comptoir/vat"
)

// salesSeries are the numbering series, in the order the form shows them.
var salesSeries = []string{sales.Quote, sales.Order, sales.Delivery, sales.Invoice, sales.Credit,
	sales.SupplierQuote, sales.PurchaseOrder, sales.Receipt, sales.Bill}

type seriesRow struct {
	Kind, Pattern, Default, Preview string
}

type dunningRow struct {
	Days, Channel, Tone string
}

type salesSettingsPage struct {
	Page
	Series      []seriesRow
	Form        sales.Settings
	PenaltyRate string
	Dunning     []dunningRow
	Terms       []termChoice
	Exemptions  []vat.Exemption
	Errors      formErrors
}

// Mention is the legal mention of an exemption in the page's language.
func (p salesSettingsPage) Mention(e vat.Exemption) string { return e.Mention(p.lang) }

// DunningErr returns the message id of the error on field of level i.
func (p salesSettingsPage) DunningErr(i int, field string) string {
	return p.Errors["dunning."+strconv.Itoa(i)+"."+field]
}

func (s *Server) salesSettingsPageOf(r *http.Request, st sales.Settings, penalty string, dunning []dunningRow) *salesSettingsPage {
	p := &salesSettingsPage{Page: s.basePage(r), Form: st, PenaltyRate: penalty, Dunning: dunning, Exemptions: vat.Exemptions}
	now := time.Now().In(p.loc)
	for _, k := range salesSeries {
		row := seriesRow{Kind: k, Pattern: st.Patterns[k], Default: sales.DefaultPatterns[k]}
		pat := sales.Pattern(row.Pattern)
		if row.Pattern == "" {
			pat = sales.Pattern(row.Default)
		}
		if pat.Validate("pattern") == nil {
			row.Preview = pat.Format(now, 1)
		}
		p.Series = append(p.Series, row)
	}
	for _, t := range sales.TermsChoices {
		terms, _ := sales.ParseTerms(t)
		p.Terms = append(p.Terms, termChoice{t, terms.Label(p.lang)})
	}
	// Room for one more reminder level, up to six.
	if len(p.Dunning) < 6 {
		p.Dunning = append(p.Dunning, dunningRow{Channel: "email", Tone: "firm"})
	}
	return p
}

func (s *Server) salesSettingsForm(w http.ResponseWriter, r *http.Request) error {
	st, err := s.svc.SalesSettings(r.Context())
	if err != nil {
		return err
	}
	lang := negotiate(r)
	var rows []dunningRow
	for _, l := range st.Dunning {
		rows = append(rows, dunningRow{Days: strconv.Itoa(l.Days), Channel: l.Channel, Tone: l.Tone})
	}
	return s.render(w, r, "sales_settings", s.salesSettingsPageOf(r, st, st.LatePenaltyRate.Format(lang), rows))
}

func (s *Server) salesSettingsSave(w http.ResponseWriter, r *http.Request) error {
	v := func(k string) string { return strings.TrimSpace(r.PostFormValue(k)) }
	var fe errs.Fields
	st := sales.Settings{Patterns: map[string]string{}, PaymentTerms: v("payment_terms"), EarlyDiscount: v("early_discount"),
		Exemption: vat.Exemption(v("exemption")), VATOnDebits: r.PostFormValue("vat_on_debits") != "", Operation: v("operation"),
		Layout: v("layout"), Accent: v("accent"), Footer: v("footer"), AutoDunning: r.PostFormValue("auto_dunning") != ""}
	for _, k := range salesSeries {
		if p := v("patterns." + k); p != "" {
			st.Patterns[k] = p
		}
	}
	days, err := strconv.Atoi(v("quote_days"))
	if err != nil {
		days = 0 // out of range: Validate says so
	}
	st.QuoteDays = days
	penalty := v("late_penalty_rate")
	if rate, err := money.ParseDecimal(strings.TrimSuffix(penalty, "%"), 2); err != nil {
		fe.Add("late_penalty_rate", err.Error(), "not a percentage")
	} else {
		st.LatePenaltyRate = sales.Percent(rate)
	}
	var rows []dunningRow
	for i := range 6 {
		p := "dunning." + strconv.Itoa(i) + "."
		row := dunningRow{Days: v(p + "days"), Channel: v(p + "channel"), Tone: v(p + "tone")}
		if row.Days == "" {
			continue
		}
		rows = append(rows, row)
		n, err := strconv.Atoi(row.Days)
		if err != nil {
			fe.Add("dunning."+strconv.Itoa(len(rows)-1)+".days", "not_a_number", "a number of days")
		}
		st.Dunning = append(st.Dunning, sales.Level{Days: n, Channel: row.Channel, Tone: row.Tone})
	}
	err = fe.Err("web.salesSettingsSave")
	if err == nil {
		_, err = s.svc.UpdateSalesSettings(r.Context(), st)
	}
	if errs.Is(err, errs.Invalid) {
		p := s.salesSettingsPageOf(r, st, penalty, rows)
		p.Errors = salesErrors(err)
		s.renderPage(w, r, http.StatusUnprocessableEntity, "sales_settings", p)
		return nil
	}
	if err != nil {
		return err
	}
	return redirectAfterPost(w, r, "/settings/sales?notice=saved")
}

// Inc numbers reminder levels from 1.
func (p salesSettingsPage) Inc(i int) int { return i + 1 }
