package service_test

import (
	"bytes"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/comptoir/comptoir/account"
	"github.com/comptoir/comptoir/crm"
	"github.com/comptoir/comptoir/pdf/pdftest"
	"github.com/comptoir/comptoir/sales"
	"github.com/comptoir/comptoir/service"
	"github.com/comptoir/comptoir/storage"
	"github.com/comptoir/comptoir/storage/storagetest"
)

// TestInvoicePDFHasEveryMention issues an invoice and reads its PDF back:
// every mention French law asks for is printed, and markup is only text.
func TestInvoicePDFHasEveryMention(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := newService(t, db)
		srv := withSMTP(t, s)
		ctx, _ := mustCreate(t, s, "Atelier <b>Dupont</b>", "owner@atelier.example")
		c := sellerReady(t, s, ctx)
		if _, err := s.CreateBankAccount(ctx, account.BankAccountInput{Label: ptr("Courant"), Holder: ptr("Atelier Dupont"),
			IBAN: ptr("FR7630006000011234567890189"), BIC: ptr("AGRIFRPP"), IsDefault: ptr(true)}); err != nil {
			t.Fatal(err)
		}
		d, err := s.CreateDocument(ctx, sales.Input{Kind: ptr(sales.Invoice), ContactID: &c.ID, Notes: ptr("<script>alert(1)</script>"),
			DeliveryAddress: &account.Address{Line1: "Entrepôt 4", PostalCode: "69007", City: "Lyon", Country: "FR"},
			Lines:           lines(item("Café d'Éthiopie — œuvre «moka»", 2500, 2490, 550), item("Дмитрий consulting", 1000, 60000, 2000))})
		if err != nil {
			t.Fatal(err)
		}
		if d, err = s.Issue(ctx, d.ID); err != nil {
			t.Fatal(err)
		}
		file, name, err := s.DocumentPDF(ctx, d.ID)
		if err != nil {
			t.Fatal(err)
		}
		if name != d.Number+".pdf" {
			t.Errorf("file name %q", name)
		}
		if dump := os.Getenv("COMPTOIR_PDF_DUMP"); dump != "" { // to look at the page
			_ = os.WriteFile(dump, file, 0o600)
		}
		flat := pdftest.Text(t, file)
		text := flat
		for _, want := range []string{
			"FACTURE", d.Number, "Atelier <b>Dupont</b>", "SARL au capital de 10 000,00 €", "RCS Lyon 732 829 320",
			"SIRET 732 829 320 00074", "N° TVA FR44732829320", "3 rue des Lilas", "Durand SARL", "1 place Bellecour",
			"SIREN 552 100 554", "Adresse de livraison", "Entrepôt 4", "Échéance", "Date de la vente / livraison",
			"Café d'Éthiopie — œuvre", "«moka»", "Дмитрий consulting", "5,5 %", "20 %", "Total HT", "Total TTC", "Net à payer",
			"pénalités", "12,15 %", "40 €", "Pas d'escompte", "livraison de biens", "IBAN : FR76 3000 6000 0112 3456 7890 189",
			"Référence de paiement : " + d.Number, "<script>alert(1)</script>", "Page 1/1",
		} {
			if !strings.Contains(flat, want) {
				t.Errorf("the PDF lacks %q:\n%s", want, text)
			}
		}
		proposal, err := s.DocumentMail(ctx, d.ID)
		if err != nil || proposal.To != "compta@durand.example" || !strings.Contains(proposal.Body, d.Number) {
			t.Fatalf("proposal = %+v, %v", proposal, err)
		}
		proposal.Body += "\n<img src=x onerror=alert(1)>"
		sent, err := s.SendDocument(ctx, d.ID, proposal)
		if err != nil || !sent.MailSent || sent.Entry.Kind != crm.Document || sent.Entry.DocumentID != d.ID {
			t.Fatalf("SendDocument = %+v, %v", sent, err)
		}
		m := srv.WaitFor(t, "compta@durand.example")
		if !strings.Contains(m.Subject, d.Number) || !strings.Contains(m.Text, "<img src=x") {
			t.Errorf("mail %q:\n%s", m.Subject, m.Text)
		}
		var attached []byte
		for _, p := range m.Parts {
			if strings.HasPrefix(p.ContentType, "application/pdf") {
				attached = p.Body
			}
		}
		if !bytes.HasPrefix(attached, []byte("%PDF-")) {
			t.Fatalf("no PDF attached: %+v", m.Parts)
		}
		if v, _ := s.Document(ctx, d.ID); v.SentTo != "compta@durand.example" || v.MailStatus != "sent" || v.SentAt == nil {
			t.Errorf("sending not recorded on the invoice: %q %q %v", v.SentTo, v.MailStatus, v.SentAt)
		}
		timeline, err := s.Conversations(ctx, c.ID)
		if err != nil || len(timeline) == 0 || timeline[0].DocumentID != d.ID {
			t.Errorf("timeline = %+v, %v", timeline, err)
		}
		if _, err := s.SendDocument(ctx, d.ID, service.SendInput{To: "not an address", Subject: "x"}); err == nil {
			t.Error("a bad recipient was accepted")
		}
	})
}

// TestLettersPDF reads back a formal notice and a client statement.
func TestLettersPDF(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := newService(t, db)
		ctx, _ := mustCreate(t, s, "Atelier", "owner@atelier.example")
		c := sellerReady(t, s, ctx)
		d, err := s.CreateDocument(ctx, sales.Input{Kind: ptr(sales.Invoice), ContactID: &c.ID, Lines: lines(item("Café", 10_000, 2490, 550))})
		if err != nil {
			t.Fatal(err)
		}
		if d, err = s.Issue(ctx, d.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := s.RecordPayment(ctx, service.PaymentInput{ContactID: c.ID, DocumentID: d.ID, Date: d.IssueDate, Amount: 10000,
			Method: "transfer", Reference: "VIR-778"}); err != nil {
			t.Fatal(err)
		}
		acc, _ := s.Account(ctx)
		r := sales.Reminder{DocumentID: d.ID, Level: 3, Channel: "letter", Tone: "formal", Balance: d.GrossTotal - 10000,
			Penalties: 123, Indemnity: sales.Indemnity, SentAt: db.Now(ctx).AddDate(0, 0, 60)}
		file, err := s.ReminderLetter(ctx, d, r, acc)
		if err != nil {
			t.Fatal(err)
		}
		flat := pdftest.Text(t, file)
		for _, want := range []string{"MISE EN DEMEURE", d.Number, "Durand SARL", "Pénalités de retard", "1,23 €", "40,00 €", "Total réclamé"} {
			if !strings.Contains(flat, want) {
				t.Errorf("the notice lacks %q:\n%s", want, flat)
			}
		}
		file, name, err := s.StatementPDF(ctx, c.ID, "", "")
		if err != nil {
			t.Fatal(err)
		}
		flat = pdftest.Text(t, file)
		for _, want := range []string{"RELEVÉ DE COMPTE", d.Number, "VIR-778", "100,00 €", "Solde à payer", (d.GrossTotal - 10000).Format("fr")} {
			if !strings.Contains(flat, strings.Join(strings.Fields(want), " ")) {
				t.Errorf("the statement lacks %q:\n%s", want, flat)
			}
		}
		if !strings.HasPrefix(name, "releve-durand-sarl-") {
			t.Errorf("statement file %q", name)
		}
	})
}

// TestPDFKeepsWordsWhole: a reference, an amount of ten digits, the date
// and the seller's identifiers each print on one line; the subject is
// labelled near the top; an English document writes English colons and
// groups thousands the English way; a statement names payment methods and
// the invoices paid.
func TestPDFKeepsWordsWhole(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := newService(t, db)
		ctx, _ := mustCreate(t, s, "Atelier", "owner@atelier.example")
		c := sellerReady(t, s, ctx)
		big := item("Torréfacteur industriel", 1_234_000, 10_000_00, 2000)
		big.Reference = "VR-CAF-ETH"
		d, err := s.CreateDocument(ctx, sales.Input{Kind: ptr(sales.Invoice), ContactID: &c.ID, Title: ptr("Roastery refit"),
			Locale: ptr("en"), PaymentTerms: ptr("30"), Lines: lines(big)})
		if err != nil {
			t.Fatal(err)
		}
		if d, err = s.Issue(ctx, d.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := s.RecordPayment(ctx, service.PaymentInput{ContactID: c.ID, DocumentID: d.ID, Date: d.IssueDate, Amount: 10000,
			Method: "transfer", Reference: "VIR-778"}); err != nil {
			t.Fatal(err)
		}
		file, _, err := s.DocumentPDF(ctx, d.ID)
		if err != nil {
			t.Fatal(err)
		}
		if dump := os.Getenv("COMPTOIR_PDF_DUMP"); dump != "" {
			_ = os.WriteFile(dump, file, 0o600)
		}
		printed := pdftest.Lines(t, file)
		onOneLine := func(what string, lines []string, want ...string) {
			t.Helper()
			for _, w := range want {
				if !slices.ContainsFunc(lines, func(l string) bool { return strings.Contains(l, w) }) {
					t.Errorf("%s: %q is not on one line:\n%s", what, w, strings.Join(lines, "\n"))
				}
			}
		}
		onOneLine("invoice", printed, "VR-CAF-ETH", "12,340,000.00", "SIRET 732 829 320 00074", "RCS Lyon 732 829 320",
			"Subject: Roastery refit", "Payment terms: 30 days", "1,234")
		flat := strings.Join(printed, " ")
		if strings.Contains(flat, " :") || strings.Contains(flat, "1 234") {
			t.Errorf("French punctuation or grouping in an English PDF:\n%s", flat)
		}
		if i := strings.Index(flat, "Subject:"); i < 0 || i > strings.Index(flat, "VR-CAF-ETH") {
			t.Error("the subject is not above the lines")
		}

		file, _, err = s.StatementPDF(ctx, c.ID, "", "")
		if err != nil {
			t.Fatal(err)
		}
		printed = pdftest.Lines(t, file)
		onOneLine("statement", printed, "depuis l'origine jusqu'au", formatFR(d.IssueDate)+" Virement", "14 808 000,00", "14 807 900,00")
		flat = strings.Join(printed, " ")
		if !strings.Contains(flat, "VIR-778 — règle "+d.Number) || strings.Contains(flat, "transfer") {
			t.Errorf("the payment's label:\n%s", flat)
		}
	})
}

func formatFR(iso string) string { return iso[8:10] + "/" + iso[5:7] + "/" + iso[:4] }

// TestDeliveryNoteDropsEmptySections: a heading all of whose lines are
// left out of a delivery note (deductions are not delivered) is left out
// too, in the draft and on the PDF.
func TestDeliveryNoteDropsEmptySections(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := newService(t, db)
		ctx, _ := mustCreate(t, s, "Atelier", "owner@atelier.example")
		c := sellerReady(t, s, ctx)
		o, err := s.CreateDocument(ctx, sales.Input{Kind: ptr(sales.Order), ContactID: &c.ID, Lines: lines(
			sales.Line{Kind: sales.Section, Description: "Matériel"}, item("Moulin", 1000, 50000, 2000),
			sales.Line{Kind: sales.Section, Description: "Gestes commerciaux"}, item("Reprise de l'ancien moulin", -1000, 5000, 2000))})
		if err != nil {
			t.Fatal(err)
		}
		if o, err = s.Issue(ctx, o.ID); err != nil {
			t.Fatal(err)
		}
		d, err := s.Derive(ctx, o.ID, service.DeriveInput{Kind: sales.Delivery})
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range d.Lines {
			if l.Description == "Gestes commerciaux" {
				t.Errorf("empty heading kept: %+v", d.Lines)
			}
		}
		file, _, err := s.DocumentPDF(ctx, d.ID)
		if err != nil {
			t.Fatal(err)
		}
		if flat := pdftest.Text(t, file); !strings.Contains(flat, "Matériel") || strings.Contains(flat, "Gestes commerciaux") {
			t.Errorf("delivery note PDF:\n%s", flat)
		}
	})
}
