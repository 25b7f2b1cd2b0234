package service

import (
	"bytes"
	"context"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/comptoir/comptoir/access"
	"github.com/comptoir/comptoir/account"
	"github.com/comptoir/comptoir/errs"
	"github.com/comptoir/comptoir/money"
	"github.com/comptoir/comptoir/pdf"
	"github.com/comptoir/comptoir/sales"
)

var letterWords = map[string]map[string]string{
	"fr": {"notice": "MISE EN DEMEURE", "reminder": "RELANCE", "statement": "RELEVÉ DE COMPTE", "invoice": "Facture",
		"date": "Date", "due": "Échéance", "days": "Jours de retard", "gross": "Montant TTC", "left": "Reste dû",
		"penalties": "Pénalités de retard", "indemnity": "Indemnité forfaitaire de recouvrement", "total": "Total réclamé",
		"period": "Période", "opening": "Solde au début de la période", "closing": "Solde à payer", "debit": "Débit",
		"credit": "Crédit", "balance": "Solde", "document": "Pièce", "label": "Libellé", "unallocated": "Avoir disponible",
		"payment": "Règlement", "since": "depuis l'origine jusqu'au", "from": "du", "to": "au",
		"transfer": "Virement", "card": "Carte bancaire", "cheque": "Chèque", "cash": "Espèces", "direct_debit": "Prélèvement",
		"paying": "règle"},
	"en": {"notice": "FORMAL NOTICE", "reminder": "PAYMENT REMINDER", "statement": "STATEMENT OF ACCOUNT", "invoice": "Invoice",
		"date": "Date", "due": "Due date", "days": "Days late", "gross": "Amount incl. VAT", "left": "Left to pay",
		"penalties": "Late-payment penalties", "indemnity": "Fixed recovery indemnity", "total": "Total claimed",
		"period": "Period", "opening": "Opening balance", "closing": "Balance due", "debit": "Debit",
		"credit": "Credit", "balance": "Balance", "document": "Document", "label": "Description", "unallocated": "Credit available",
		"payment": "Payment", "since": "since the beginning to", "from": "from", "to": "to",
		"transfer": "Transfer", "card": "Card", "cheque": "Cheque", "cash": "Cash", "direct_debit": "Direct debit",
		"paying": "pays"},
}

// render lays d out with the account's layout, in locale.
func (s *Service) render(d pdf.Document, st sales.Settings, locale string, created time.Time) ([]byte, error) {
	var buf bytes.Buffer
	err := pdf.Render(&buf, printable(d), pdf.Options{Layout: st.Layout, Accent: st.Accent, Locale: locale, Created: created})
	return buf.Bytes(), err
}

// ReminderLetter renders the letter of a reminder (the formal notice of a
// "letter" level): the invoice, what is left to pay, the late penalties and
// the fixed indemnity, with the same words as the e-mail.
func (s *Service) ReminderLetter(ctx context.Context, d sales.Document, r sales.Reminder, acc account.Account) ([]byte, error) {
	st, err := s.db.SalesSettings(ctx)
	if err != nil {
		return nil, err
	}
	loc := d.Locale
	w := letterWords[loc]
	amount := func(a money.Amount) string { return a.Format(loc) + " €" }
	sent := r.SentAt.In(acc.Location()).Format(time.DateOnly)
	days := sales.DaysBetween(d.DueDate, sent)
	title := w["reminder"]
	if r.Channel == "letter" {
		title = w["notice"]
	}
	out := pdf.Document{Title: title, Number: d.Number, Seller: sellerParty(acc, words[loc]), Buyer: buyerParty(d.Buyer, words[loc]),
		Facts: [][2]string{{w["date"], formatDate(sent, loc)}, {w["due"], formatDate(d.DueDate, loc)}, {w["days"], strconv.Itoa(days)}},
		Columns: []pdf.Column{{Title: w["invoice"], Width: 2}, {Title: w["date"], Width: 1.5}, {Title: w["due"], Width: 1.5},
			{Title: w["gross"], Width: 1.6, Align: "R"}, {Title: w["left"], Width: 1.6, Align: "R"}},
		Rows:   []pdf.Row{{Cells: []string{d.Number, formatDate(d.IssueDate, loc), formatDate(d.DueDate, loc), amount(d.GrossTotal), amount(r.Balance)}}},
		Footer: footer(acc, st, words[loc], loc)}
	body := reminderMail(d, r, acc, st, days, d.Buyer.Email).Text
	for _, p := range strings.Split(strings.TrimSpace(body), "\n\n") {
		out.Intro = append(out.Intro, strings.TrimSpace(p))
	}
	out.Totals = [][2]string{{w["left"], amount(r.Balance)}}
	if r.Penalties > 0 {
		out.Totals = append(out.Totals, [2]string{w["penalties"], amount(r.Penalties)})
	}
	if r.Indemnity > 0 {
		out.Totals = append(out.Totals, [2]string{w["indemnity"], amount(r.Indemnity)})
	}
	out.Totals = append(out.Totals, [2]string{w["total"], amount(r.Balance + r.Penalties + r.Indemnity)})
	return s.render(out, st, loc, r.SentAt)
}

// paymentLabel is a statement's payment in words: its method translated,
// its reference, and the invoices it paid ("Virement VIR-778 — règle
// F-2026-0001").
func (s *Service) paymentLabel(ctx context.Context, r StatementRow, w map[string]string, numbers map[int64]string) (string, error) {
	method, ref, _ := strings.Cut(r.Label, " ")
	label := w["payment"]
	if m, ok := w[method]; ok && slices.Contains(sales.Methods, method) {
		label = m
	} else if r.Label != "" {
		ref = r.Label
	}
	if ref != "" {
		label += " " + ref
	}
	allocs, err := s.db.PaymentAllocations(ctx, r.PaymentID)
	if err != nil {
		return "", err
	}
	var paid []string
	for _, a := range allocs {
		if n := numbers[a.DocumentID]; n != "" && !slices.Contains(paid, n) {
			paid = append(paid, n)
		}
	}
	if len(paid) > 0 {
		label += " — " + w["paying"] + " " + strings.Join(paid, ", ")
	}
	return label, nil
}

// StatementPDF renders a client's statement of account between from and
// to in the account's language.
func (s *Service) StatementPDF(ctx context.Context, contactID int64, from, to string) ([]byte, string, error) {
	const op = "service.StatementPDF"
	stm, err := s.Statement(ctx, contactID, from, to)
	if err != nil {
		return nil, "", errs.Wrap(op, err)
	}
	if err := access.Require(ctx, access.Sales, access.View); err != nil {
		return nil, "", err
	}
	acc, err := s.db.Account(ctx)
	if err != nil {
		return nil, "", errs.Wrap(op, err)
	}
	st, err := s.db.SalesSettings(ctx)
	if err != nil {
		return nil, "", errs.Wrap(op, err)
	}
	c, err := s.reachable(ctx, contactID)
	if err != nil {
		return nil, "", errs.Wrap(op, err)
	}
	buyer, _, err := s.buyerOf(ctx, c)
	if err != nil {
		return nil, "", errs.Wrap(op, err)
	}
	loc := acc.Locale
	w, dw := letterWords[loc], words[loc]
	amount := func(a money.Amount) string {
		if a == 0 {
			return ""
		}
		return a.Format(loc)
	}
	today, now := s.today(ctx, acc)
	end := today
	if stm.To != "" {
		end = stm.To
	}
	period := w["since"] + " " + formatDate(end, loc)
	if stm.From != "" {
		period = w["from"] + " " + formatDate(stm.From, loc) + " " + w["to"] + " " + formatDate(end, loc)
	}
	out := pdf.Document{Title: w["statement"], Seller: sellerParty(acc, dw), Buyer: buyerParty(buyer, dw),
		Facts: [][2]string{{w["date"], formatDate(today, loc)}, {w["period"], period}},
		// Dates on one line, amounts of ten digits too.
		// In millimetres: dates on one line, amounts of ten digits too (in
		// euros, said in the column titles).
		Columns: []pdf.Column{{Title: w["date"], Width: 22}, {Title: w["document"], Width: 24}, {Title: w["label"], Width: 28},
			{Title: w["due"], Width: 22}, {Title: w["debit"] + " (€)", Width: 28, Align: "R"}, {Title: w["credit"] + " (€)", Width: 28, Align: "R"},
			{Title: w["balance"] + " (€)", Width: 28, Align: "R"}},
		Footer: footer(acc, st, dw, loc)}
	out.Rows = append(out.Rows, pdf.Row{Kind: pdf.RowSubtotal, Cells: []string{"", "", w["opening"], "", "", "", stm.Opening.Format(loc)}})
	numbers := map[int64]string{}
	for _, r := range stm.Rows {
		if r.DocumentID != 0 {
			numbers[r.DocumentID] = r.Number
		}
	}
	for _, r := range stm.Rows {
		label := r.Label
		if r.Kind == "payment" {
			if label, err = s.paymentLabel(ctx, r, w, numbers); err != nil {
				return nil, "", errs.Wrap(op, err)
			}
		}
		out.Rows = append(out.Rows, pdf.Row{Cells: []string{formatDate(r.Date, loc), r.Number, label, formatDate(r.DueDate, loc),
			amount(r.Debit), amount(r.Credit), r.Balance.Format(loc)}})
	}
	out.Totals = [][2]string{{w["debit"], stm.Debits.Format(loc) + " €"}, {w["credit"], stm.Credits.Format(loc) + " €"}}
	if stm.Credit > 0 {
		out.Totals = append(out.Totals, [2]string{w["unallocated"], stm.Credit.Format(loc) + " €"})
	}
	out.Totals = append(out.Totals, [2]string{w["closing"], stm.Closing.Format(loc) + " €"})
	file, err := s.render(out, st, loc, now)
	if err != nil {
		return nil, "", errs.Wrap(op, err)
	}
	name := "releve-" + strings.ReplaceAll(strings.ToLower(stm.ContactName), " ", "-")
	if loc == "en" {
		name = "statement-" + strings.ReplaceAll(strings.ToLower(stm.ContactName), " ", "-")
	}
	return file, fileName(sales.Document{Number: name + "-" + end}), nil
}
