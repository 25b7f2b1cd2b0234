package main

import (
	"context"
	"io"
	"log/slog"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/comptoir/comptoir/access"
	"github.com/comptoir/comptoir/mail"
	"github.com/comptoir/comptoir/mail/mailtest"
	"github.com/comptoir/comptoir/pdf/pdftest"
	"github.com/comptoir/comptoir/service"
	"github.com/comptoir/comptoir/storage"
	"github.com/comptoir/comptoir/storage/storagetest"
)

// TestSalesWalkthroughAPI is the sale a new user makes through the API,
// on both engines: a product, a quote for a client e-mailed with its PDF,
// accepted, delivered in two parts, invoiced, partly paid, reminded twice
// by the daily job, paid; then the client's timeline, the activity log and
// the invoice's PDF tell the whole story.
func TestSalesWalkthroughAPI(t *testing.T) {
	for _, e := range storagetest.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			t.Parallel()
			smtp := mailtest.Start(t)
			a := startApp(t, e, "--smtp", smtp.URL())
			A := a.mustTenant("Atelier Dupont", "owner@dupont.example")
			spec := openAPIValidator(t, a)
			call := func(method, path string, body any, status int, out any) response {
				t.Helper()
				r := a.api(method, path, A.Token, body)
				if r.Status != status {
					t.Fatalf("%s %s = %d, want %d: %s", method, path, r.Status, status, r.Body)
				}
				checkResponseMatchesSpec(t, spec, scenario{name: method + " " + path, method: method, path: path}, a.URL+path, r)
				if out != nil {
					r.JSON(t, out)
				}
				return r
			}
			call("PATCH", "/api/v1/account", sellerIdentity, 200, nil)
			call("POST", "/api/v1/bank-accounts", map[string]any{"label": "Courant", "holder": "Atelier Dupont",
				"iban": "FR7630006000011234567890189", "bic": "AGRIFRPP", "is_default": true}, 201, nil)
			var product, client struct{ ID int64 }
			call("POST", "/api/v1/products", map[string]any{"reference": "CAF-ETH", "name": "Café d'Éthiopie", "unit": "kg",
				"price": 2490, "vat_rate": "5.5"}, 201, &product)
			call("POST", "/api/v1/contacts", map[string]any{"kind": "company", "company_name": "Durand SARL", "siret": "55210055400013",
				"email": "compta@durand.example", "is_client": true,
				"address": map[string]any{"line1": "1 place Bellecour", "postal_code": "69002", "city": "Lyon", "country": "FR"}}, 201, &client)

			type doc struct {
				ID         int64
				Number     string
				Status     string
				GrossTotal int64  `json:"gross_total"`
				DueDate    string `json:"due_date"`
				Lines      []struct {
					ID           int64
					Quantity     string
					Description  string
					OriginLineID int64 `json:"origin_line_id"`
				}
			}
			var quote doc
			call("POST", "/api/v1/quotes", map[string]any{"contact_id": client.ID, "title": "Café pour la rentrée", "lines": []map[string]any{
				{"product_id": product.ID, "quantity": "10"},
				{"description": "Livraison", "quantity": 1, "unit_price": 1500, "vat_rate": "20"},
			}}, 201, &quote)
			if quote.Lines[0].Description != "Café d'Éthiopie" || quote.GrossTotal != 26270+1800 {
				t.Fatalf("quote from the catalog: %+v", quote)
			}
			call("POST", "/api/v1/quotes/"+itoa(quote.ID)+"/issue", nil, 200, &quote)
			var proposal service.SendInput
			call("GET", "/api/v1/quotes/"+itoa(quote.ID)+"/mail", nil, 200, &proposal)
			proposal.Body += "\nÀ bientôt."
			call("POST", "/api/v1/quotes/"+itoa(quote.ID)+"/send", proposal, 200, nil)
			m := smtp.WaitFor(t, "compta@durand.example")
			if !strings.Contains(m.Subject, quote.Number) || !hasPDF(m) {
				t.Fatalf("quote e-mail %q without its PDF", m.Subject)
			}
			call("POST", "/api/v1/quotes/"+itoa(quote.ID)+"/accept", nil, 200, nil)

			var order, first, second, invoice doc
			call("POST", "/api/v1/quotes/"+itoa(quote.ID)+"/derive", map[string]any{"kind": "order"}, 201, &order)
			call("POST", "/api/v1/orders/"+itoa(order.ID)+"/issue", nil, 200, &order)
			call("POST", "/api/v1/orders/"+itoa(order.ID)+"/derive", map[string]any{"kind": "delivery"}, 201, &first)
			call("PATCH", "/api/v1/deliveries/"+itoa(first.ID), map[string]any{"lines": []map[string]any{
				{"description": first.Lines[0].Description, "quantity": "4", "unit": "kg", "origin_line_id": first.Lines[0].OriginLineID}}}, 200, nil)
			call("POST", "/api/v1/deliveries/"+itoa(first.ID)+"/issue", nil, 200, nil)
			call("POST", "/api/v1/orders/"+itoa(order.ID)+"/derive", map[string]any{"kind": "delivery"}, 201, &second)
			if len(second.Lines) != 2 || second.Lines[0].Quantity != "6" {
				t.Fatalf("the second delivery does not take what remains: %+v", second.Lines)
			}
			call("POST", "/api/v1/deliveries/"+itoa(second.ID)+"/issue", nil, 200, nil)
			call("GET", "/api/v1/orders/"+itoa(order.ID), nil, 200, &order)
			if order.Status != "delivered" {
				t.Errorf("order after two deliveries: %s", order.Status)
			}
			call("POST", "/api/v1/orders/"+itoa(order.ID)+"/derive", map[string]any{"kind": "invoice", "delivered": true}, 201, &invoice)
			call("POST", "/api/v1/invoices/"+itoa(invoice.ID)+"/issue", nil, 200, &invoice)
			call("POST", "/api/v1/payments", map[string]any{"document_id": invoice.ID, "date": time.Now().UTC().Format(time.DateOnly),
				"amount": 10000, "method": "transfer", "reference": "VIR 1"}, 201, nil)

			// The daily job, run by a second instance on the same database
			// whose clock stands 7, then 15 days after the due date.
			due, _ := time.Parse(time.DateOnly, invoice.DueDate)
			job := jobService(t, a, smtp.URL())
			for _, days := range []int{7, 10, 15} {
				job.DB().SetClock(func() time.Time { return due.AddDate(0, 0, days).Add(9 * time.Hour) })
				if _, err := job.RunDunning(access.AsSystem(context.Background())); err != nil {
					t.Fatal(err)
				}
			}
			var reminders []struct {
				Level   int
				Tone    string
				Balance int64
			}
			call("GET", "/api/v1/invoices/"+itoa(invoice.ID)+"/reminders", nil, 200, &reminders)
			if len(reminders) != 2 || reminders[0].Level != 1 || reminders[1].Level != 2 || reminders[0].Balance != invoice.GrossTotal-10000 {
				t.Fatalf("reminders = %+v", reminders)
			}
			var mails []string
			for _, m := range smtp.Messages() {
				mails = append(mails, m.Subject)
			}
			if len(mails) != 2 { // the quote's was taken by WaitFor
				t.Errorf("e-mails after the quote's: %q, want two reminders", mails)
			}
			call("POST", "/api/v1/payments", map[string]any{"document_id": invoice.ID, "date": time.Now().UTC().Format(time.DateOnly),
				"amount": invoice.GrossTotal - 10000, "method": "cheque", "reference": "CHQ 2"}, 201, nil)
			call("GET", "/api/v1/invoices/"+itoa(invoice.ID), nil, 200, &invoice)
			if invoice.Status != "paid" {
				t.Errorf("invoice after the second payment: %s", invoice.Status)
			}
			job.DB().SetClock(func() time.Time { return due.AddDate(0, 0, 40) })
			if n, err := job.RunDunning(access.AsSystem(context.Background())); err != nil || n != 0 {
				t.Errorf("a paid invoice reminded: %d, %v", n, err)
			}

			var timeline struct {
				Data []struct {
					Kind       string
					Subject    string
					DocumentID int64 `json:"document_id"`
				}
			}
			call("GET", "/api/v1/contacts/"+itoa(client.ID)+"/conversations", nil, 200, &timeline)
			sent := 0
			for _, e := range timeline.Data {
				if e.Kind == "document" {
					sent++
				}
			}
			if sent != 3 {
				t.Errorf("timeline has %d documents sent, want the quote and two reminders: %+v", sent, timeline)
			}
			log := activityOf(t, a, A.Token)
			for _, want := range []string{"sales create product", "sales issue quote", "sales send quote", "sales accepted quote",
				"sales issue order", "deliveries issue delivery", "sales issue invoice", "sales pay invoice", "sales remind invoice"} {
				if !slices.Contains(log, want) {
					t.Errorf("activity lacks %q: %v", want, log)
				}
			}
			// A second quote is withdrawn: it stays, cancelled, and leads nowhere.
			var withdrawn doc
			call("POST", "/api/v1/quotes/"+itoa(quote.ID)+"/derive", map[string]any{"kind": "duplicate"}, 201, &withdrawn)
			call("POST", "/api/v1/quotes/"+itoa(withdrawn.ID)+"/issue", nil, 200, nil)
			call("POST", "/api/v1/quotes/"+itoa(withdrawn.ID)+"/cancel", nil, 200, &withdrawn)
			if withdrawn.Status != "cancelled" {
				t.Errorf("withdrawn quote: %s", withdrawn.Status)
			}
			call("POST", "/api/v1/quotes/"+itoa(withdrawn.ID)+"/derive", map[string]any{"kind": "order"}, 409, nil)
			if r := a.api("POST", "/api/v1/invoices/"+itoa(invoice.ID)+"/cancel", A.Token, nil); r.Status != 404 {
				t.Errorf("an invoice cancelled: %d (it is corrected by a credit note)", r.Status)
			}
			r := call("GET", "/api/v1/invoices/"+itoa(invoice.ID)+"/pdf", nil, 200, nil)
			text := pdftest.Text(t, []byte(r.Body))
			for _, want := range []string{"FACTURE", invoice.Number, "SIRET", "TVA", "Durand SARL", "SIREN 552 100 554", "Échéance",
				"pénalités", "40 €", "escompte", "IBAN", "Net à payer"} {
				if !strings.Contains(text, want) {
					t.Errorf("the invoice PDF lacks %q", want)
				}
			}
		})
	}
}

// jobService opens the app's database as a second instance would, to run
// the daily job with a clock of the test's choosing.
func jobService(t *testing.T, a *app, smtpURL string) *service.Service {
	t.Helper()
	opts := storage.Options{}
	if a.args[0] == "--database" {
		opts.URL = a.args[1]
	} else {
		opts.DataDir = a.args[1]
	}
	db, err := storage.Open(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	s := service.New(db, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if s.Mailer, err = mail.ParseURL(smtpURL, "comptoir@dupont.example"); err != nil {
		t.Fatal(err)
	}
	return s
}

func hasPDF(m mailtest.Received) bool {
	for _, p := range m.Parts {
		if strings.HasPrefix(p.ContentType, "application/pdf") && strings.HasPrefix(string(p.Body), "%PDF-") {
			return true
		}
	}
	return false
}
