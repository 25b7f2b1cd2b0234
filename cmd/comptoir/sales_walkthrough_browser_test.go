package main

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	cdpbrowser "github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/comptoir/comptoir/access"
	"github.com/comptoir/comptoir/mail/mailtest"
	"github.com/comptoir/comptoir/pdf/pdftest"
	"github.com/comptoir/comptoir/storage/storagetest"
)

// TestSalesWalkthroughBrowser is TestSalesWalkthroughAPI's story as a new
// user lives it in Chromium, every step through the pages: the business's
// legal identity and bank account in Settings, a product in the catalog, a
// client company, a quote written in the editor, sent from the document
// page with an edited message, accepted, ordered, delivered in two notes
// (4 kg, then the 6 kg that remain), invoiced from what was delivered,
// partly paid, reminded twice by the daily job, paid; then the client's
// timeline, the Activity page and the downloaded invoice PDF.
//
// The quote's catalog line is picked in the line's product picker by
// typing the product's reference and Enter, which fills the line.
func TestSalesWalkthroughBrowser(t *testing.T) {
	smtp := mailtest.Start(t)
	a := startApp(t, storagetest.Engines()[0], "--smtp", smtp.URL())
	A := a.mustTenant("Atelier Dupont", "owner@dupont.example")
	b := newBrowserSession(t)
	css := func(s string) chromedp.CSS { return chromedp.CSS(s) }
	// fill replaces what a field holds with what the user types.
	fill := func(sel, text string) chromedp.Action[chromedp.Void] {
		return chromedp.Steps(chromedp.Clear(css(sel)), chromedp.SendKeys(css(sel), text))
	}
	status := func(s string) chromedp.Action[chromedp.Void] {
		return chromedp.WaitVisible(css(`#document-status[data-status=` + s + `]`))
	}
	issue := func(step string) {
		t.Helper()
		b.run(t, step, chromedp.Click(css(`#issue-document`)), status("issued"))
	}
	const saved = `.alert-success[role=status]`
	const firstLine = `#document-lines tbody tr:first-child`

	b.run(t, "log in", b.login(a.URL, A.Email, A.Password)...)

	// 1. The business's legal identity and its bank account.
	b.run(t, "legal identity",
		chromedp.Navigate(a.URL+"/settings/account"),
		chromedp.WaitVisible(css(`#f-siren`)),
		fill(`#f-legal_form`, "SARL"),
		fill(`#f-siren`, "732829320"),
		fill(`#f-siret`, "73282932000074"),
		fill(`#f-vat_number`, "FR44732829320"),
		fill(`#f-share_capital`, "10000"),
		fill(`#f-rcs_city`, "Lyon"),
		fill(`[name="address.line1"]`, "3 rue des Lilas"),
		fill(`[name="address.postal_code"]`, "69003"),
		fill(`[name="address.city"]`, "Lyon"),
		fill(`[name="address.country"]`, "FR"),
		chromedp.Click(css(`form[action="/settings/account"] button[type=submit]`)),
		chromedp.WaitVisible(css(saved)),
	)
	if got := b.attr(t, `#f-share_capital`, "value"); !strings.HasPrefix(got, "10") {
		t.Errorf("share capital after saving: %q", got)
	}
	b.run(t, "bank account",
		chromedp.Navigate(a.URL+"/settings/bank-accounts"),
		chromedp.WaitVisible(css(`#f-iban`)),
		chromedp.SendKeys(css(`#f-label`), "Compte courant"),
		chromedp.SendKeys(css(`#f-holder`), "Atelier Dupont"),
		chromedp.SendKeys(css(`#f-iban`), "FR76 3000 6000 0112 3456 7890 189"),
		chromedp.SendKeys(css(`#f-bic`), "AGRIFRPP"),
		chromedp.Click(css(`#f-is_default`)),
		chromedp.Submit(css(`#f-iban`)),
		chromedp.WaitVisible(css(`#bank-accounts`)),
	)

	// 2. The product.
	b.run(t, "product",
		chromedp.Navigate(a.URL+"/products/new"),
		chromedp.WaitVisible(css(`#f-reference`)),
		chromedp.SendKeys(css(`#f-reference`), "CAF-ETH"),
		chromedp.SendKeys(css(`#f-name`), "Café d'Éthiopie"),
		chromedp.SendKeys(css(`#f-price`), "24,90"),
		chromedp.SetValue(css(`#f-vat_rate`), "5.5"),
		chromedp.SetValue(css(`#f-unit`), "kg"),
		chromedp.Submit(css(`#product-form button[type=submit]`)),
		chromedp.WaitVisible(css(`#product-form[action^="/products/"]`)),
	)

	// 3. The client company.
	b.run(t, "client",
		chromedp.Navigate(a.URL+"/contacts/new"),
		chromedp.WaitVisible(css(`#f-company_name`)),
		chromedp.Click(css(`#c-client`)),
		chromedp.SetValue(css(`#f-kind`), "company"),
		chromedp.SendKeys(css(`#f-company_name`), "Durand SARL"),
		chromedp.SendKeys(css(`#f-email`), "compta@durand.example"),
		chromedp.SendKeys(css(`[name="address.line1"]`), "1 place Bellecour"),
		chromedp.SendKeys(css(`[name="address.postal_code"]`), "69002"),
		chromedp.SendKeys(css(`[name="address.city"]`), "Lyon"),
		chromedp.SendKeys(css(`#f-siret`), "55210055400013"),
		chromedp.Submit(css(`#f-company_name`)),
		chromedp.WaitVisible(css(`#client-sales`)),
	)
	clientPage, err := chromedp.Run(b.ctx, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}

	// 4. The quote, from the client's record.
	b.run(t, "new quote",
		chromedp.Click(css(`#client-sales a[href^="/sales/quotes/new"]`)),
		chromedp.WaitVisible(css(`#document-form`)),
	)
	if got, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](`document.querySelector('#f-contact_id').selectedOptions[0].textContent`)); err != nil || !strings.HasPrefix(got, "Durand SARL") {
		t.Errorf("the quote's client: %q (%v)", got, err)
	}
	b.run(t, "write the quote",
		chromedp.SendKeys(css(`#f-title`), "Café pour la rentrée"),
		// The reference and Enter pick the product and go on to the quantity.
		chromedp.SendKeys(css(`#line-rows tr:first-child [data-field=product]`), "caf-eth"+kb.Enter),
	)
	// The line is the product's: reference, name, unit, price and rate.
	for sel, want := range map[string]string{`[data-field=product]`: "CAF-ETH — Café d'Éthiopie", `[name="lines.0.reference"]`: "CAF-ETH",
		`[name="lines.0.description"]`: "Café d'Éthiopie", `[name="lines.0.unit"]`: "kg", `[name="lines.0.unit_price"]`: "24,90",
		`[name="lines.0.vat_rate"]`: "5,5", `[name="lines.0.quantity"]`: "1"} {
		got, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](`document.querySelector('#line-rows tr:first-child `+sel+`').value`))
		if err != nil || got != want {
			t.Errorf("picked line's %s = %q (%v), want %q", sel, got, err, want)
		}
	}
	if got, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](`document.activeElement.name + "/" + document.querySelector('[name="lines.0.product_id"]').value`)); err != nil || !strings.HasPrefix(got, "lines.0.quantity/") || strings.HasSuffix(got, "/") {
		t.Errorf("after picking, focus and product id: %q (%v)", got, err)
	}
	// 24,90 at 5,5 %: 1,37 of VAT.
	b.waitText(t, `#live-totals [data-total=gross]`, func(s string) bool { return strings.Contains(s, "26,27") })
	b.run(t, "quantity and a second line",
		// The quantity, selected, is typed over; Enter in the last line
		// adds the next one.
		chromedp.SendKeys(css(`[name="lines.0.quantity"]`), "10"+kb.Enter),
		chromedp.WaitVisible(css(`[name="lines.1.description"]`)),
		chromedp.SendKeys(css(`[name="lines.1.description"]`), "Livraison"),
		chromedp.SetValue(css(`[name="lines.1.vat_rate"]`), "20"),
		chromedp.SendKeys(css(`[name="lines.1.unit_price"]`), "15"),
	)
	// 249,00 at 5,5 % (13,70) and 15,00 at 20 % (3,00).
	b.waitText(t, `#live-totals [data-total=gross]`, func(s string) bool { return strings.Contains(s, "280,70") })
	b.run(t, "save the quote", chromedp.Click(css(`#save-document`)), chromedp.WaitVisible(css(`#totals`)))
	if got := b.text(t, `#totals [data-total=gross]`); got != "280,70\u00a0€" {
		t.Errorf("the quote's gross total: %q", got)
	}
	if got := b.text(t, `#totals tbody`); !strings.Contains(got, "5,5") || !strings.Contains(got, "13,70") || !strings.Contains(got, "3,00") {
		t.Errorf("VAT per rate: %q", got)
	}
	issue("issue the quote")
	quoteNumber := b.text(t, `#document-number`)
	if !strings.HasPrefix(quoteNumber, "D-") {
		t.Errorf("quote number %q", quoteNumber)
	}

	// 5. Sent from the send form, with the message edited.
	b.run(t, "send the quote",
		chromedp.Click(css(`#send-document`)),
		chromedp.WaitVisible(css(`#send-form`)),
	)
	if got := b.attr(t, `#f-to`, "value"); got != "compta@durand.example" {
		t.Errorf("send to %q", got)
	}
	b.run(t, "edit the message",
		fill(`#f-body`, "Bonjour,\nvoici notre devis pour le café de la rentrée.\nÀ bientôt."),
		chromedp.Click(css(`#send-submit`)),
		chromedp.WaitVisible(css(`#document-sent-at`)),
	)
	m := smtp.WaitFor(t, "compta@durand.example")
	if !strings.Contains(m.Subject, quoteNumber) || !hasPDF(m) || !strings.Contains(m.Text, "café de la rentrée") {
		t.Errorf("the quote's e-mail %q (PDF attached: %v): %q", m.Subject, hasPDF(m), m.Text)
	}

	// 6. Accepted, ordered, delivered in two notes.
	b.run(t, "accept", chromedp.Click(css(`#accept-quote`)), status("accepted"))
	b.run(t, "make the order", chromedp.Click(css(`[data-derive=order]`)), status("draft"))
	issue("issue the order")
	b.run(t, "first delivery note",
		chromedp.Click(css(`[data-derive=delivery]`)), status("draft"),
		chromedp.Click(css(`#edit-document`)),
		chromedp.WaitVisible(css(`#document-form`)),
		fill(`[name="lines.0.quantity"]`, "4"),
		chromedp.Click(css(`#save-document`)),
		status("draft"),
	)
	if got, qty := b.text(t, firstLine+` td:nth-child(2)`), b.text(t, firstLine+` td:nth-child(3)`); got != "Café d'Éthiopie" || qty != "4" {
		t.Errorf("the first delivery's line: %q, %q", got, qty)
	}
	issue("issue the first delivery note")
	toOrder := chromedp.Steps(
		chromedp.Click(css(`#document-chain li[data-chain=origin]:nth-last-child(2) a`)),
		chromedp.WaitVisible(css(`[data-derive=delivery], [data-derive=invoice-delivered]`)),
	)
	b.run(t, "second delivery note",
		toOrder, status("partially_delivered"),
		chromedp.Click(css(`[data-derive=delivery]`)), status("draft"),
	)
	if got := b.text(t, firstLine+` td:nth-child(3)`); got != "6" {
		t.Errorf("the second delivery proposes %q, not the 6 that remain", got)
	}
	issue("issue the second delivery note")
	b.run(t, "the order is delivered", toOrder, status("delivered"))
	if got := b.text(t, `#document-status`); got != "Livrée" {
		t.Errorf("order status %q", got)
	}

	// 7. The invoice of what was delivered, partly paid.
	b.run(t, "invoice the deliveries", chromedp.Click(css(`[data-derive=invoice-delivered]`)), status("draft"))
	issue("issue the invoice")
	invoiceNumber := b.text(t, `#document-number`)
	invoicePage, err := chromedp.Run(b.ctx, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	if got := b.text(t, `#totals [data-total=balance]`); !strings.HasPrefix(invoiceNumber, "F-") || got != "280,70\u00a0€" {
		t.Errorf("invoice %q, balance %q", invoiceNumber, got)
	}
	due, err := time.Parse(time.DateOnly, b.attr(t, `#document-due-date`, "data-date"))
	if err != nil {
		t.Fatalf("due date: %v", err)
	}
	b.run(t, "partial payment",
		fill(`#f-amount`, "100,00"),
		chromedp.SendKeys(css(`#f-reference`), "VIR 1"),
		chromedp.Click(css(`#record-payment`)),
		status("partially_paid"),
	)
	if got := b.text(t, `#totals [data-total=balance]`); got != "180,70\u00a0€" {
		t.Errorf("balance after 100,00: %q", got)
	}

	// 8. The daily job, run by a second instance whose clock stands 7,
	// then 15 days after the due date.
	job := jobService(t, a, smtp.URL())
	for _, days := range []int{7, 15} {
		job.DB().SetClock(func() time.Time { return due.AddDate(0, 0, days).Add(9 * time.Hour) })
		if n, err := job.RunDunning(access.AsSystem(context.Background())); err != nil || n != 1 {
			t.Fatalf("the daily job %d days after the due date: %d reminders, %v", days, n, err)
		}
	}
	b.run(t, "reminder history",
		chromedp.Reload(),
		chromedp.WaitVisible(css(`#reminder-list tr[data-level="2"]`)),
	)
	if got := b.text(t, `#reminder-list tbody`); !strings.Contains(got, "1") || !strings.Contains(got, "2") {
		t.Errorf("reminder history: %q", got)
	}
	for range 2 {
		if m := smtp.WaitFor(t, "compta@durand.example"); !strings.Contains(m.Subject+m.Text, invoiceNumber) {
			t.Errorf("a reminder e-mail that does not name the invoice: %q", m.Subject)
		}
	}

	// 9. The rest: the form proposes the balance.
	if got := b.attr(t, `#f-amount`, "value"); got != "180,70" {
		t.Errorf("proposed amount %q", got)
	}
	b.run(t, "pay the rest",
		chromedp.SetValue(css(`#f-method`), "cheque"),
		chromedp.SendKeys(css(`#f-reference`), "CHQ 2"),
		chromedp.Click(css(`#record-payment`)),
		status("paid"),
	)
	if got := b.text(t, `#document-status`); got != "Payée" {
		t.Errorf("invoice status %q", got)
	}

	// 10. The client's record, the Activity page and the invoice's PDF.
	b.run(t, "client record", chromedp.Navigate(clientPage), chromedp.WaitVisible(css(`#conversations`)))
	sent, err := chromedp.Run(b.ctx, chromedp.Evaluate[int](`document.querySelectorAll('#conversations li[data-kind=document]').length`))
	if err != nil || sent != 3 {
		t.Errorf("documents sent on the timeline: %d (%v), want the quote and two reminders", sent, err)
	}
	if got := b.text(t, `#client-documents`); !strings.Contains(got, quoteNumber) || !strings.Contains(got, invoiceNumber) {
		t.Errorf("the client's documents: %q", got)
	}
	actions, issues := b.activityActions(t, a.URL+"/activity")
	for _, want := range []string{"update", "create", "issue", "send", "accepted", "pay", "remind"} {
		if !slices.Contains(actions, want) {
			t.Errorf("the Activity page lacks %q: %v", want, actions)
		}
	}
	// The quote, the order, two delivery notes and the invoice.
	if issues != 5 {
		t.Errorf("%d issues on the Activity page, want 5: %v", issues, actions)
	}

	downloads := t.TempDir()
	progress := chromedp.Events(b.ctx, cdpbrowser.DownloadProgress)
	b.run(t, "download the invoice PDF",
		chromedp.Navigate(invoicePage),
		chromedp.WaitVisible(css(`#download-pdf`)),
		chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
			_, err := chromedp.Call(ctx, cdpbrowser.SetDownloadBehavior, cdpbrowser.SetDownloadBehaviorParams{
				Behavior: cdpbrowser.SetDownloadBehaviorBehaviorAllowAndName, DownloadPath: downloads, EventsEnabled: new(true)})
			return err
		}),
		chromedp.Click(css(`#download-pdf`)),
	)
	text := pdftest.Text(t, []byte(waitDownload(t, progress, downloads)))
	for _, want := range []string{"FACTURE", invoiceNumber, "SIRET", "TVA", "Durand SARL", "Échéance", "pénalités", "40 €", "IBAN", "Net à payer"} {
		if !strings.Contains(text, want) {
			t.Errorf("the invoice PDF lacks %q", want)
		}
	}
	b.checkClean(t)
}
