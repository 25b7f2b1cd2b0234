package service_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/comptoir/comptoir/account"
	"github.com/comptoir/comptoir/crm"
	"github.com/comptoir/comptoir/files"
	"github.com/comptoir/comptoir/mail"
	"github.com/comptoir/comptoir/privacy"
	"github.com/comptoir/comptoir/sales"
	"github.com/comptoir/comptoir/service"
	"github.com/comptoir/comptoir/storage/storagetest"
)

// canary is written into every field of the person the canary test
// erases; the other needles are the values that cannot hold it (checked
// identifiers, a date).
const canary = "Qzxcanary"

// TestErasureCanary creates a person with the canary in every field of
// their contact and of everything about them — an extra address, an
// exchange, a case, a saved search, an e-mail, a draft quote, an issued
// quote, its order and delivery note, an issued invoice and its payment,
// a supplier's bill with its original attached, a supplier's quote with
// another, an API call replayable by its Idempotency-Key — then executes
// an erasure request for them and reads every column of every table and
// every stored file: only the records under a legal hold (the invoice,
// the chain it came from, the bill and their lines, payments and files)
// and the request itself (the proof it was handled) may still hold them.
func TestErasureCanary(t *testing.T) {
	for _, e := range storagetest.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			t.Parallel()
			db, raw := storagetest.OpenWithRaw(t, e)
			s := service.New(db, slog.New(slog.NewTextHandler(io.Discard, nil)))
			s.Password = fast
			dataDir := t.TempDir()
			s.Files = files.Store{Dir: dataDir}
			s.Mailer = mail.LogSender{Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
			ctx, _ := mustCreate(t, s, "Atelier", "owner@atelier.example")
			sellerReady(t, s, ctx)
			at(db, "2026-03-02")
			c, needles := canaryPerson(t, s, ctx)
			keptFiles := canaryRecords(t, s, ctx, c)

			r, err := s.CreatePrivacyRequest(ctx, privacy.RequestInput{Kind: ptr(privacy.ErasureRequest),
				Name: ptr("Zélie " + canary), Email: ptr(c.Email), Channel: ptr("email"), Details: ptr("Effacez tout, " + canary)})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := s.SendRequestCode(ctx, r.ID); err != nil {
				t.Fatal(err)
			}
			if _, err := s.LinkRequestContact(ctx, r.ID, c.ID, true); err != nil {
				t.Fatal(err)
			}
			if _, err := s.VerifyRequestOtherwise(ctx, r.ID, "signed letter"); err != nil {
				t.Fatal(err)
			}
			r, err = s.EraseForRequest(ctx, r.ID)
			if err != nil {
				t.Fatal(err)
			}
			if r.Report == nil || r.Report.Count(privacy.Kept) == 0 {
				t.Fatalf("report %+v", r.Report)
			}

			held := map[string]map[string]bool{"documents": {}, "document_lines": {}, "attachments": {}, "payments": {}}
			for _, q := range []struct{ table, query string }{
				{"documents", `SELECT id FROM documents WHERE restricted`},
				{"document_lines", `SELECT l.id FROM document_lines l JOIN documents d ON d.account_id = l.account_id AND d.id = l.document_id WHERE d.restricted`},
				{"attachments", `SELECT a.id FROM attachments a JOIN documents d ON d.account_id = a.account_id AND d.id = a.document_id WHERE d.restricted`},
				{"payments", `SELECT id FROM payments WHERE contact_id = ` + strconv.FormatInt(c.ID, 10)},
			} {
				for _, id := range storagetest.Strings(t, raw, q.query) {
					held[q.table][id] = true
				}
			}
			if len(held["documents"]) < 3 || len(held["attachments"]) != 1 {
				t.Errorf("held records %v: want the invoice, its order and quote, the bill and its file", held)
			}
			stillHeld := 0
			for _, hit := range storagetest.Find(t, raw, e.Name, needles) {
				if hit.Table == "privacy_requests" || held[hit.Table][hit.ID] {
					stillHeld++
					continue
				}
				t.Errorf("%s row %s column %s still holds %q: %.200s", hit.Table, hit.ID, hit.Column, hit.Needle, hit.Value)
			}
			if stillHeld == 0 {
				t.Error("the scan found the canary nowhere, not even in the held invoice: it reads nothing")
			}
			err = filepath.WalkDir(dataDir, func(path string, d fs.DirEntry, err error) error {
				if err != nil || d.IsDir() {
					return err
				}
				b, err := os.ReadFile(path)
				if err != nil {
					return err
				}
				if bytes.Contains(bytes.ToLower(b), []byte(strings.ToLower(canary))) && !keptFiles[filepath.Base(path)] {
					t.Errorf("file %s still holds the canary", path)
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
		})
	}
}

// canaryPerson creates the person: the canary in every free-text field,
// valid identifiers that are needles of their own.
func canaryPerson(t *testing.T, s *service.Service, ctx context.Context) (crm.Contact, []string) {
	t.Helper()
	siren := luhnComplete("73941528")
	siret := luhnComplete(siren + "0001")
	vatNo := fmt.Sprintf("FR%02d%s", (12+3*(atoi(siren)%97))%97, siren)
	ibanNo, bic := "FR7630006000011234567890189", "AGRIFRPP882"
	c, err := s.CreateContact(ctx, crm.Input{Kind: ptr(crm.Person), Civility: ptr("Mme"), FirstName: ptr("Zélie-" + canary),
		LastName: ptr(canary), CompanyName: ptr(canary + " SARL"), ShopName: ptr("Boutique " + canary),
		Email: ptr(strings.ToLower(canary) + "@example.net"), Phone: ptr("06 98 76 54 32 " + canary),
		Address:   &account.Address{Line1: "1 rue " + canary, Line2: "Bât. " + canary, PostalCode: "75011", City: canary + "ville", Country: "FR"},
		BirthDate: ptr("1979-04-23"), SIREN: ptr(siren), SIRET: ptr(siret), VATNumber: ptr(vatNo), IBAN: ptr(ibanNo), BIC: ptr(bic),
		IsClient: ptr(true), IsSupplier: ptr(true), Tags: &[]string{strings.ToLower(canary)}, Notes: ptr("Notes " + canary),
		Source: ptr("Salon " + canary), MarketingConsent: ptr(true), ConsentProof: ptr("Formulaire " + canary)})
	if err != nil {
		t.Fatal(err)
	}
	return c, []string{canary, siren, ibanNo[4:], "1979-04-23", bic}
}

// canaryRecords writes everything about c, and returns the checksums of
// the files that must stay (those of held documents).
func canaryRecords(t *testing.T, s *service.Service, ctx context.Context, c crm.Contact) map[string]bool {
	t.Helper()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	_, err := s.AddAddress(ctx, c.ID, crm.AddressInput{Kind: ptr("delivery"), Label: ptr("Chez " + canary), Line1: ptr("2 allée " + canary),
		Line2: ptr("Esc. " + canary), PostalCode: ptr("75011"), City: ptr(canary + "bourg")})
	must(err)
	_, err = s.AddConversation(ctx, c.ID, crm.ConversationInput{Kind: ptr("appointment"), Subject: ptr("Rendez-vous " + canary),
		Body: ptr("Parlé de " + canary), Place: ptr("Café " + canary), At: ptr(time.Date(2026, 3, 3, 9, 0, 0, 0, time.UTC)), DurationMin: ptr(30)})
	must(err)
	_, err = s.OpenCase(ctx, c.ID, "Colis "+canary, "normal", "Abîmé, dit "+canary)
	must(err)
	_, _, err = s.SaveContactView(ctx, crm.SavedViewInput{Name: "Vue " + canary, Query: "q=" + strings.ToLower(canary)})
	must(err)
	line := func(desc string) *[]sales.Line { return lines(item(desc+" "+canary, 1000, 10000, 2000)) }
	_, err = s.CreateDocument(ctx, sales.Input{Kind: ptr(sales.Quote), ContactID: &c.ID, Title: ptr("Brouillon " + canary),
		Notes: ptr("Note " + canary), Lines: line("Ligne brouillon")})
	must(err)
	q, err := s.CreateDocument(ctx, sales.Input{Kind: ptr(sales.Quote), ContactID: &c.ID, Title: ptr("Devis " + canary),
		Notes: ptr("Note " + canary), Lines: line("Ligne devis")})
	must(err)
	q, err = s.Issue(ctx, q.ID)
	must(err)
	mail, err := s.DocumentMail(ctx, q.ID)
	must(err)
	mail.Subject += " " + canary
	_, err = s.SendDocument(ctx, q.ID, mail)
	must(err)
	_, err = s.Decide(ctx, q.ID, sales.Accepted)
	must(err)
	order, err := s.Derive(ctx, q.ID, service.DeriveInput{Kind: sales.Order})
	must(err)
	order, err = s.Issue(ctx, order.ID)
	must(err)
	dn, err := s.Derive(ctx, order.ID, service.DeriveInput{Kind: sales.Delivery})
	must(err)
	_, err = s.Issue(ctx, dn.ID)
	must(err)
	inv, err := s.Derive(ctx, order.ID, service.DeriveInput{Kind: sales.Invoice})
	must(err)
	inv, err = s.Issue(ctx, inv.ID)
	must(err)
	_, err = s.RecordPayment(ctx, service.PaymentInput{ContactID: c.ID, DocumentID: inv.ID, Date: "2026-03-02", Amount: 500,
		Method: "transfer", Reference: "VIR " + canary, Note: "Reçu de " + canary})
	must(err)

	bill, err := s.CreateDocument(ctx, sales.Input{Kind: ptr(sales.Bill), ContactID: &c.ID, SupplierNumber: ptr("F-77"),
		IssueDate: ptr("2026-03-01"), Title: ptr("Facture " + canary), Lines: line("Achat")})
	must(err)
	bill, err = s.Issue(ctx, bill.ID)
	must(err)
	kept, err := s.AttachFile(ctx, bill.ID, "facture "+canary+".pdf", strings.NewReader("%PDF-1.4\n% "+canary+" bill\n%%EOF\n"))
	must(err)
	sq, err := s.CreateDocument(ctx, sales.Input{Kind: ptr(sales.SupplierQuote), ContactID: &c.ID, Title: ptr("Offre " + canary),
		Lines: line("Offre")})
	must(err)
	_, err = s.AttachFile(ctx, sq.ID, "offre "+canary+".pdf", strings.NewReader("%PDF-1.4\n% "+canary+" quote\n%%EOF\n"))
	must(err)

	_, _, err = s.Idempotent(ctx, "key-"+canary, "hash", func(ctx context.Context) service.Response {
		conv, err := s.AddConversation(ctx, c.ID, crm.ConversationInput{Kind: ptr("call"), Subject: ptr("API " + canary)})
		must(err)
		body, _ := json.Marshal(conv)
		return service.Response{Status: 201, ContentType: "application/json", Body: body}
	})
	must(err)
	return map[string]bool{kept.Checksum: true}
}

// luhnComplete appends the digit that makes prefix pass the Luhn check.
func luhnComplete(prefix string) string {
	for d := '0'; d <= '9'; d++ {
		s := prefix + string(d)
		sum, double := 0, false
		for i := len(s) - 1; i >= 0; i-- {
			n := int(s[i] - '0')
			if double {
				n *= 2
				if n > 9 {
					n -= 9
				}
			}
			sum += n
			double = !double
		}
		if sum%10 == 0 {
			return s
		}
	}
	panic("unreachable")
}

func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}
