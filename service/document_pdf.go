package service

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/comptoir/comptoir/access"
	"github.com/comptoir/comptoir/account"
	"github.com/comptoir/comptoir/errs"
	"github.com/comptoir/comptoir/legalid"
	"github.com/comptoir/comptoir/measure"
	"github.com/comptoir/comptoir/money"
	"github.com/comptoir/comptoir/pdf"
	"github.com/comptoir/comptoir/sales"
)

// words are the words of printed sales documents, per language.
var words = map[string]map[string]string{
	"fr": {
		"quote": "DEVIS", "order": "BON DE COMMANDE", "delivery": "BON DE LIVRAISON", "invoice": "FACTURE",
		"deposit": "FACTURE D'ACOMPTE", "credit": "AVOIR", "draft": "BROUILLON",
		"date": "Date", "delivery_date": "Date de la vente / livraison", "due": "Échéance", "valid": "Valable jusqu'au",
		"origin": "Référence", "corrects": "Avoir sur la facture", "client": "Client", "seller": "Vendeur",
		"deliver_to": "Adresse de livraison", "ref": "Réf.", "desc": "Désignation", "qty": "Qté", "unit": "Unité",
		"price": "PU HT", "disc": "Rem.", "vat": "TVA", "total_net_line": "Total HT", "rate": "Taux", "base": "Base HT",
		"lines_net": "Total des lignes HT", "allowance": "Remise", "net": "Total HT", "vat_total": "TVA", "gross": "Total TTC",
		"paid": "Déjà réglé", "credited": "Avoirs", "to_pay": "Net à payer", "left": "Reste à payer",
		"terms": "Conditions de paiement", "operation": "Catégorie de l'opération",
		"goods": "livraison de biens", "services": "prestation de services", "mixed": "livraison de biens et prestation de services",
		"debits":      "Option pour le paiement de la taxe d'après les débits",
		"penalties":   "En cas de retard de paiement, des pénalités sont dues au taux annuel de %s %% (art. L441-10 du Code de commerce).",
		"indemnity":   "Indemnité forfaitaire pour frais de recouvrement due en cas de retard de paiement : 40 € (art. D441-5 du Code de commerce).",
		"no_discount": "Pas d'escompte pour paiement anticipé.",
		"bank":        "Règlement par virement", "holder": "Titulaire", "payref": "Référence de paiement",
		"capital": "au capital de", "siret": "SIRET", "siren": "SIREN", "vatno": "N° TVA", "rcs": "RCS",
		"signature": "Bon pour accord — date et signature", "subject": "Objet", "colon": " : ",
		"purchase_order": "BON DE COMMANDE", "receipt": "BON DE RÉCEPTION", "supplier": "Fournisseur",
		"expected": "Livraison souhaitée", "received_on": "Date de réception", "supplier_ref": "Réf. fournisseur", "unit_piece": "u.", "unit_hour": "h", "unit_day": "j", "unit_month": "mois", "unit_flat": "forfait",
	},
	"en": {
		"quote": "QUOTE", "order": "SALES ORDER", "delivery": "DELIVERY NOTE", "invoice": "INVOICE",
		"deposit": "DEPOSIT INVOICE", "credit": "CREDIT NOTE", "draft": "DRAFT",
		"date": "Date", "delivery_date": "Date of sale / delivery", "due": "Due date", "valid": "Valid until",
		"origin": "Reference", "corrects": "Credit note for invoice", "client": "Bill to", "seller": "Seller",
		"deliver_to": "Deliver to", "ref": "Ref.", "desc": "Description", "qty": "Qty", "unit": "Unit",
		"price": "Unit price", "disc": "Disc.", "vat": "VAT", "total_net_line": "Amount", "rate": "Rate", "base": "Net",
		"lines_net": "Lines total excl. VAT", "allowance": "Discount", "net": "Total excl. VAT", "vat_total": "VAT", "gross": "Total incl. VAT",
		"paid": "Paid", "credited": "Credit notes", "to_pay": "Amount due", "left": "Left to pay",
		"terms": "Payment terms", "operation": "Category of operation",
		"goods": "supply of goods", "services": "supply of services", "mixed": "supply of goods and services",
		"debits":      "VAT paid on debits (option pour le paiement de la taxe d'après les débits)",
		"penalties":   "Late payment incurs penalties at a yearly rate of %s %% (art. L441-10 of the French Commercial Code).",
		"indemnity":   "A fixed indemnity of €40 for recovery costs is due on late payment (art. D441-5 of the French Commercial Code).",
		"no_discount": "No discount for early payment.",
		"bank":        "Payment by bank transfer", "holder": "Account holder", "payref": "Payment reference",
		"capital": "with a share capital of", "siret": "SIRET", "siren": "SIREN", "vatno": "VAT no.", "rcs": "RCS",
		"signature": "Accepted — date and signature", "subject": "Subject", "colon": ": ",
		"purchase_order": "PURCHASE ORDER", "receipt": "GOODS RECEIPT", "supplier": "Supplier",
		"expected": "Expected delivery", "received_on": "Received on", "supplier_ref": "Supplier's ref.", "unit_piece": "pc", "unit_hour": "h", "unit_day": "d", "unit_month": "month", "unit_flat": "flat",
	},
}

// printed holds what a document's PDF is made of besides the document.
type printed struct {
	seller   account.Account
	settings sales.Settings
	bank     *account.BankAccount
	logo     []byte
	origin   *sales.Document
	created  time.Time
}

// DocumentPDF renders a document as a PDF in its language, with the
// account's layout and colour. Drafts print with "DRAFT" for a number.
func (s *Service) DocumentPDF(ctx context.Context, id int64) ([]byte, string, error) {
	d, err := s.reachableDocument(ctx, id, access.View, false)
	if err != nil {
		return nil, "", errs.Wrap("service.DocumentPDF", err)
	}
	return s.documentPDF(ctx, d)
}

// documentPDF renders a document the caller has already read and checked.
func (s *Service) documentPDF(ctx context.Context, d sales.Document) ([]byte, string, error) {
	const op = "service.DocumentPDF"
	if sales.Recorded(d.Kind) {
		return nil, "", errs.E(op, errs.Invalid, "a supplier's quote or bill is not printed here: its original is the attached file")
	}
	p, err := s.printContext(ctx, d)
	if err != nil {
		return nil, "", errs.Wrap(op, err)
	}
	file, err := s.render(layoutDocument(d, p), p.settings, d.Locale, p.created)
	if err != nil {
		return nil, "", errs.Wrap(op, err)
	}
	return file, fileName(d), nil
}

// printable swaps the narrow no-break spaces that group French thousands
// for no-break spaces, which every PDF viewer's fonts show.
func printable(d pdf.Document) pdf.Document {
	fix := func(s string) string { return strings.ReplaceAll(s, "\u202f", "\u00a0") }
	for i := range d.Rows {
		for j := range d.Rows[i].Cells {
			d.Rows[i].Cells[j] = fix(d.Rows[i].Cells[j])
		}
	}
	if d.Taxes != nil {
		for i := range d.Taxes.Rows {
			for j := range d.Taxes.Rows[i].Cells {
				d.Taxes.Rows[i].Cells[j] = fix(d.Taxes.Rows[i].Cells[j])
			}
		}
	}
	for i := range d.Totals {
		d.Totals[i][1] = fix(d.Totals[i][1])
	}
	for _, list := range [][]string{d.Intro, d.Notes, d.Mentions, d.Footer} {
		for i := range list {
			list[i] = fix(list[i])
		}
	}
	return d
}

// PDFName is the name of a document's PDF, as attached to its e-mail and
// downloaded: "F-2026-0001.pdf".
func PDFName(d sales.Document) string { return fileName(d) }

// fileName is the PDF's name: its number, or the kind and id of a draft.
func fileName(d sales.Document) string {
	name := d.Number
	if name == "" {
		name = d.Kind + "-draft-" + strconv.FormatInt(d.ID, 10)
	}
	return strings.Map(func(r rune) rune {
		if r == '/' || r == '\\' || r == '"' || r < ' ' {
			return '-'
		}
		return r
	}, name) + ".pdf"
}

func (s *Service) printContext(ctx context.Context, d sales.Document) (printed, error) {
	var p printed
	var err error
	if p.seller, p.settings, err = s.db.SellerAndSettings(ctx); err != nil {
		return p, err
	}
	banks, err := s.db.ListBankAccounts(ctx, 0, 20)
	if err != nil {
		return p, err
	}
	for i, b := range banks {
		if b.IsDefault || p.bank == nil {
			p.bank = &banks[i]
		}
	}
	if p.seller.HasLogo {
		if p.logo, _, err = s.db.AccountLogo(ctx); err != nil {
			return p, err
		}
	}
	if d.OriginID != 0 {
		if o, err := s.db.Document(ctx, d.OriginID); err == nil {
			p.origin = &o
		}
	}
	p.created = d.UpdatedAt
	if d.IssuedAt != nil {
		p.created = *d.IssuedAt
	}
	return p, nil
}

// layoutDocument turns a document into what the PDF prints: every legal
// mention French law asks of its kind.
func layoutDocument(d sales.Document, p printed) pdf.Document {
	loc := d.Locale
	w := words[loc]
	amount := func(a money.Amount) string { return a.Format(loc) + " €" }
	out := pdf.Document{Title: w[d.Kind], Number: d.Number, Logo: p.logo}
	if d.Number == "" {
		out.Number = w["draft"]
	}
	date := d.IssueDate
	if date == "" {
		date = p.created.In(p.seller.Location()).Format(time.DateOnly)
	}
	fact := func(label, v string) {
		if v != "" {
			out.Facts = append(out.Facts, [2]string{w[label], v})
		}
	}
	fact("date", formatDate(date, loc))
	switch d.Kind {
	case sales.Quote, sales.Order:
	case sales.PurchaseOrder:
		fact("expected", formatDate(d.DeliveryDate, loc))
		fact("supplier_ref", d.SupplierNumber)
	case sales.Receipt:
		fact("received_on", formatDate(d.DeliveryDate, loc))
	default:
		fact("delivery_date", formatDate(d.DeliveryDate, loc))
	}
	if sales.Payable(d.Kind) {
		fact("due", formatDate(d.DueDate, loc))
	}
	if d.Kind == sales.Quote {
		fact("valid", formatDate(d.ValidUntil, loc))
	}
	if p.origin != nil && p.origin.Number != "" {
		switch {
		case d.Kind == sales.Credit:
			fact("corrects", p.origin.Number+" ("+formatDate(p.origin.IssueDate, loc)+")")
		case p.origin.SupplierNumber != "" && sales.Recorded(p.origin.Kind):
			// The supplier knows their quote by their own number.
			fact("origin", p.origin.SupplierNumber)
		default:
			fact("origin", p.origin.Number)
		}
	}
	out.Seller = sellerParty(p.seller, w)
	out.Buyer = buyerParty(d.Buyer, w)
	if d.Purchase() {
		out.Buyer.Title = w["supplier"]
	}
	switch {
	case d.Kind == sales.PurchaseOrder:
		// The supplier delivers to the business, or where the order says.
		to := p.seller.Address
		if d.DeliveryAddress != nil {
			to = *d.DeliveryAddress
		}
		out.Extra = &pdf.Party{Title: w["deliver_to"], Name: sellerName(p.seller), Lines: addressLines(to)}
	case d.DeliveryAddress != nil && (d.Kind == sales.Delivery || sales.Billing(d.Kind) || d.Kind == sales.Order):
		out.Extra = &pdf.Party{Title: w["deliver_to"], Name: d.Buyer.Name, Lines: addressLines(*d.DeliveryAddress)}
	}
	priced := d.Kind != sales.Delivery && d.Kind != sales.Receipt
	if d.Title != "" {
		out.Intro = append(out.Intro, w["subject"]+w["colon"]+d.Title)
	}
	out.Columns, out.Rows = lineTable(d, w, priced)
	if priced {
		t := sales.ComputeTotals(d.Lines, d.Discount, d.Exemption)
		out.Taxes = &pdf.Table{Columns: []pdf.Column{{Title: w["rate"], Align: "R"}, {Title: w["base"], Align: "R"}, {Title: w["vat"], Align: "R"}}}
		for _, row := range t.Taxes {
			out.Taxes.Rows = append(out.Taxes.Rows, pdf.Row{Cells: []string{row.Rate.Format(loc) + " %", amount(row.Base), amount(row.Tax)}})
		}
		if t.Allowance != 0 {
			out.Totals = append(out.Totals, [2]string{w["lines_net"], amount(t.LinesNet)},
				[2]string{w["allowance"] + " " + d.Discount.Format(loc) + " %", "-" + amount(t.Allowance)})
		}
		out.Totals = append(out.Totals, [2]string{w["net"], amount(t.Net)}, [2]string{w["vat_total"], amount(t.VAT)},
			[2]string{w["gross"], amount(t.Gross)})
		if sales.Payable(d.Kind) && d.Status != sales.Draft {
			if d.Paid != 0 {
				out.Totals = append(out.Totals, [2]string{w["paid"], "-" + amount(d.Paid)})
			}
			if d.Credited != 0 {
				out.Totals = append(out.Totals, [2]string{w["credited"], "-" + amount(d.Credited)})
			}
			out.Totals = append(out.Totals, [2]string{w["to_pay"], amount(d.Balance())})
		}
	}
	out.Notes = documentNotes(d, w)
	if sales.Billing(d.Kind) {
		out.Mentions = mentions(d, p.settings, w)
		if sales.Payable(d.Kind) && p.bank != nil {
			out.Bank = bankLines(*p.bank, d, w)
		}
	}
	if d.Kind == sales.Quote {
		out.Signature = w["signature"]
	}
	out.Footer = footer(p.seller, p.settings, w, loc)
	return out
}

func addressLines(a account.Address) []string {
	var out []string
	for _, l := range []string{a.Line1, a.Line2, strings.TrimSpace(a.PostalCode + " " + a.City)} {
		if l != "" {
			out = append(out, l)
		}
	}
	if a.Country != "" && a.Country != "FR" {
		out = append(out, a.Country)
	}
	return out
}

// sellerName adds "EI" after an individual entrepreneur's name, as the law
// asks since 2022.
func sellerName(a account.Account) string {
	if a.LegalForm == "EI" && !strings.HasSuffix(strings.TrimSpace(a.Name), "EI") {
		return a.Name + " EI"
	}
	return a.Name
}

func sellerParty(a account.Account, w map[string]string) pdf.Party {
	p := pdf.Party{Name: sellerName(a), Lines: addressLines(a.Address)}
	if a.SIRET != "" {
		p.Lines = append(p.Lines, whole(w["siret"]+" "+legalid.FormatSIRET(a.SIRET)))
	} else if a.SIREN != "" {
		p.Lines = append(p.Lines, whole(w["siren"]+" "+legalid.FormatSIREN(a.SIREN)))
	}
	if a.VATNumber != "" {
		p.Lines = append(p.Lines, w["vatno"]+" "+a.VATNumber)
	}
	for _, l := range []string{a.Email, a.Phone} {
		if l != "" {
			p.Lines = append(p.Lines, l)
		}
	}
	return p
}

func buyerParty(b sales.Party, w map[string]string) pdf.Party {
	p := pdf.Party{Title: w["client"], Name: b.Name, Lines: addressLines(b.Address)}
	if b.SIREN != "" {
		p.Lines = append(p.Lines, w["siren"]+" "+legalid.FormatSIREN(b.SIREN))
	}
	if b.VATNumber != "" {
		p.Lines = append(p.Lines, w["vatno"]+" "+b.VATNumber)
	}
	return p
}

func unitLabel(u string, w map[string]string) string {
	if l, ok := w["unit_"+u]; ok {
		return l
	}
	return u
}

func lineTable(d sales.Document, w map[string]string, priced bool) ([]pdf.Column, []pdf.Row) {
	loc := d.Locale
	// A reference of a dozen characters and amounts of ten digits fit
	// on one line; the description takes what is left.
	cols := []pdf.Column{{Title: w["ref"], Width: 1.6}, {Title: w["desc"], Width: 3.2}, {Title: w["qty"], Width: 0.95, Align: "R"},
		{Title: w["unit"], Width: 0.85}}
	if priced {
		cols = append(cols, pdf.Column{Title: w["price"], Width: 1.75, Align: "R"}, pdf.Column{Title: w["disc"], Width: 0.8, Align: "R"},
			pdf.Column{Title: w["vat"], Width: 0.8, Align: "R"}, pdf.Column{Title: w["total_net_line"], Width: 2.05, Align: "R"})
	}
	var rows []pdf.Row
	printed := d.Lines
	if d.Kind == sales.Delivery || d.Kind == sales.Receipt {
		printed = sales.DropEmptySections(printed)
	}
	for _, l := range printed {
		switch l.Kind {
		case sales.Section:
			rows = append(rows, pdf.Row{Kind: pdf.RowSection, Cells: []string{l.Description}})
			continue
		case sales.Comment:
			rows = append(rows, pdf.Row{Kind: pdf.RowComment, Cells: []string{l.Description}})
			continue
		}
		cells := []string{l.Reference, l.Description, quantity(l.Quantity, loc), unitLabel(l.Unit, w)}
		if priced {
			disc := ""
			if l.Discount != 0 {
				disc = l.Discount.Format(loc) + " %"
			}
			cells = append(cells, l.UnitPrice.Format(loc), disc, l.VATRate.Format(loc)+" %", l.Net.Format(loc))
		}
		rows = append(rows, pdf.Row{Kind: pdf.RowItem, Cells: cells})
	}
	return cols, rows
}

// quantity writes q for a printed document: thousands grouped the
// locale's way ("1 234,5", "1,234.5"). The editor keeps measure's SI
// grouping, which its parser reads back in both languages.
func quantity(q measure.Quantity, loc string) string {
	s := q.Format(loc)
	if loc == "en" {
		s = strings.ReplaceAll(s, "\u202f", ",")
	}
	return s
}

func documentNotes(d sales.Document, w map[string]string) []string {
	var out []string
	if sales.Payable(d.Kind) || d.Kind == sales.Quote || d.Kind == sales.Order || d.Kind == sales.PurchaseOrder {
		if t, err := sales.ParseTerms(d.PaymentTerms); err == nil && d.PaymentTerms != "" {
			out = append(out, w["terms"]+w["colon"]+t.Label(d.Locale))
		}
	}
	if sales.Billing(d.Kind) && d.Operation != "" {
		out = append(out, w["operation"]+w["colon"]+w[d.Operation])
	}
	if d.Notes != "" {
		out = append(out, d.Notes)
	}
	return out
}

// mentions are the legal mentions of an invoice or credit note.
func mentions(d sales.Document, s sales.Settings, w map[string]string) []string {
	var out []string
	if m := d.Exemption.Mention(d.Locale); m != "" {
		out = append(out, m)
	}
	if d.VATOnDebits {
		out = append(out, w["debits"])
	}
	if d.Kind == sales.Credit {
		return out
	}
	if s.LatePenaltyRate > 0 {
		out = append(out, strings.Replace(w["penalties"], "%s %%", s.LatePenaltyRate.Format(d.Locale)+" %", 1))
	}
	if d.Buyer.Business {
		out = append(out, w["indemnity"])
	}
	if s.EarlyDiscount != "" {
		out = append(out, s.EarlyDiscount)
	} else {
		out = append(out, w["no_discount"])
	}
	return out
}

func bankLines(b account.BankAccount, d sales.Document, w map[string]string) []string {
	out := []string{w["bank"]}
	if b.Holder != "" {
		out = append(out, w["holder"]+w["colon"]+b.Holder)
	}
	out = append(out, "IBAN"+w["colon"]+groupIBAN(b.IBAN))
	if b.BIC != "" {
		out = append(out, "BIC"+w["colon"]+b.BIC)
	}
	if d.Number != "" {
		out = append(out, w["payref"]+w["colon"]+d.Number)
	}
	return out
}

func groupIBAN(s string) string {
	var b strings.Builder
	for i, r := range s {
		if i > 0 && i%4 == 0 {
			b.WriteByte(' ')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// footer is the seller's legal identity on every page: name, legal form
// and share capital, RCS registration, SIRET and VAT number.
func footer(a account.Account, s sales.Settings, w map[string]string, loc string) []string {
	parts := []string{sellerName(a)}
	if a.LegalForm != "" && a.LegalForm != "EI" {
		form := a.LegalForm
		if a.ShareCapital > 0 {
			form += " " + w["capital"] + " " + a.ShareCapital.Format(loc) + " €"
		}
		parts = append(parts, form)
	}
	siren := a.SIREN
	if siren == "" && len(a.SIRET) == 14 {
		siren = a.SIRET[:9]
	}
	if a.RCSCity != "" && siren != "" {
		parts = append(parts, whole(w["rcs"]+" "+a.RCSCity+" "+legalid.FormatSIREN(siren)))
	}
	if a.SIRET != "" {
		parts = append(parts, whole(w["siret"]+" "+legalid.FormatSIRET(a.SIRET)))
	}
	if a.VATNumber != "" {
		parts = append(parts, whole(w["vatno"]+" "+a.VATNumber))
	}
	out := []string{strings.Join(parts, " · ")}
	if s.Footer != "" {
		out = append(out, s.Footer)
	}
	return out
}

// whole joins the words of an identifier ("SIRET 853 217 644 00014") by
// no-break spaces, so that a line never breaks inside it.
func whole(s string) string { return strings.ReplaceAll(s, " ", "\u00a0") }
