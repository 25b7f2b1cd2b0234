package sales

import (
	"slices"
	"strconv"

	"github.com/comptoir/comptoir/account"
	"github.com/comptoir/comptoir/errs"
)

// companyForms are legal forms of commercial companies, which print their
// share capital and RCS registration.
var companyForms = []string{"EURL", "SARL", "SAS", "SASU", "SA", "SNC", "SCOP", "SELARL", "SELAS", "SCA"}

// IsCompanyForm reports whether form is a commercial company's.
func IsCompanyForm(form string) bool { return slices.Contains(companyForms, form) }

// CheckIssue lists what a document lacks to be issued lawfully in France
// (articles L441-9 and R123-237 of the Code de commerce, 242 nonies A of
// annex II of the CGI, and the e-invoicing reform's new mentions). Each
// field error names the field and says where to fill it in; nothing is
// issued until the list is empty.
func CheckIssue(d Document, seller account.Account, s Settings) error {
	var f errs.Fields
	settings := "Settings › Business identity"
	need := func(ok bool, field, code, msg string) {
		if !ok {
			f.Add(field, code, msg)
		}
	}
	need(seller.Name != "", "seller.name", "required", "your business name is missing: fill it in "+settings)
	need(seller.Address.Line1 != "" && seller.Address.City != "" && seller.Address.PostalCode != "",
		"seller.address", "required", "your business address is missing: fill it in "+settings)
	items := 0
	for _, l := range d.Lines {
		if l.Kind == Item || l.Kind == "" {
			items++
		}
	}
	need(items > 0, "lines", "required", "the document has no line to sell")
	need(d.Buyer.Name != "", "buyer.name", "required", "the client has no name: fill it in on the client's record")
	if !d.Billing() {
		return f.Err("sales.CheckIssue")
	}
	need(seller.SIREN != "" || seller.SIRET != "", "seller.siret", "required", "your SIREN or SIRET is missing: fill it in "+settings)
	need(seller.LegalForm != "", "seller.legal_form", "required", "your legal form (EI, SARL, SAS…) is missing: fill it in "+settings)
	if IsCompanyForm(seller.LegalForm) {
		need(seller.ShareCapital > 0, "seller.share_capital", "required", "a company prints its share capital: fill it in "+settings)
		need(seller.RCSCity != "", "seller.rcs_city", "required", "a company prints the city of its RCS registration: fill it in "+settings)
	}
	need(seller.VATNumber != "" || d.Exemption == "franchise", "seller.vat_number", "required",
		"your VAT number is missing: fill it in "+settings+", or choose the VAT exemption of art. 293 B")
	b := d.Buyer
	need(b.Address.Line1 != "" && b.Address.City != "", "buyer.address", "required",
		"the client's address is missing: fill it in on the client's record")
	if d.Exemption == "reverse_charge" || d.Exemption == "intra_eu" {
		need(b.VATNumber != "", "buyer.vat_number", "required", "a reverse-charge or intra-EU invoice prints the client's VAT number: fill it in on the client's record")
	}
	if d.Exemption == "" {
		for i, l := range d.Lines {
			if (l.Kind == Item || l.Kind == "") && l.VATRate == 0 && l.Quantity > 0 {
				f.Add("lines."+strconv.Itoa(i)+".vat_rate", "exemption_required",
					"a line without VAT needs the reason printed on the invoice: choose the document's VAT exemption")
				break
			}
		}
	}
	if b.Business && (b.Address.Country == "FR" || b.Address.Country == "") {
		need(b.SIREN != "", "buyer.siren", "required", "since the e-invoicing reform an invoice to a French business prints its SIREN: fill it in on the client's record")
	}
	need(d.Operation != "", "operation", "required", "choose the category of operation: goods, services or both")
	if d.Kind != Credit {
		need(d.PaymentTerms != "", "payment_terms", "required", "choose the payment terms")
		if b.Business {
			need(s.LatePenaltyRate > 0, "settings.late_penalty_rate", "required", "set the late-payment penalty rate in Settings › Sales documents")
		}
	}
	if d.Kind == Credit {
		need(d.OriginID != 0, "origin_id", "required", "a credit note corrects an invoice: create it from the invoice")
	}
	return f.Err("sales.CheckIssue")
}

// serviceUnits are the units of services; everything else is goods.
var serviceUnits = map[string]bool{"hour": true, "day": true, "month": true, "flat": true}

// InferOperation is the category of operation the lines show: services
// when every item is sold by the hour, day, month or as a flat fee, goods
// when none is, both otherwise.
func InferOperation(lines []Line) string {
	goods, services := false, false
	for _, l := range lines {
		if (l.Kind == Item || l.Kind == "") && l.Quantity > 0 {
			if serviceUnits[l.Unit] {
				services = true
			} else {
				goods = true
			}
		}
	}
	switch {
	case goods && services:
		return Mixed
	case goods:
		return Goods
	}
	return Services
}
