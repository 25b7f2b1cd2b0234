package main

import (
	"bytes"
	"context"
	"io"
	"iter"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	cdpbrowser "github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/comptoir/comptoir/mail/mailtest"
	"github.com/comptoir/comptoir/storage/storagetest"
)

// rawMessageID is a message id left untranslated in a page's text.
var rawMessageID = regexp.MustCompile(`\b(nav|notice|activity|error|sales|purchases|contacts|conv|products|unit)\.[a-z_]+(\.[a-z_-]+)*\b`)

// TestPurchasesWalkthroughBrowser follows a purchase as a new user lives
// it in Chromium, on each engine: the business's address, a supplier with
// their bank details, a product bought from them at their own price and
// reference; a purchase order of two lines written in the editor (one
// picked from the catalog), e-mailed from the send form (which issues it,
// with the PDF attached), confirmed with the supplier's number, received
// in two parts (the first receipt edited down to 60 of the 100 kg), the
// supplier's bill recorded from the order with their number and date and
// its original PDF uploaded, downloaded back, listed to pay, paid in two
// instalments; then the "to pay" list without it, the supplier's record
// (documents, payments, the timeline of the order sent, the receipts, the
// bill and the payments, each linked to its page), the supplier's
// statement and the Activity page's purchase entries.
func TestPurchasesWalkthroughBrowser(t *testing.T) {
	for _, e := range storagetest.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			smtp := mailtest.Start(t)
			// Attached files are kept under the data directory, which a
			// PostgreSQL instance has too.
			a := startApp(t, e, "--smtp", smtp.URL(), "--data", t.TempDir())
			purchasesWalkthrough(t, a, smtp)
		})
	}
}

func purchasesWalkthrough(t *testing.T, a *app, smtp *mailtest.Server) {
	A := a.mustTenant("Boulangerie Martin", "owner@martin.example")
	b := newBrowserSession(t)
	css := func(s string) chromedp.CSS { return chromedp.CSS(s) }
	fill := func(sel, text string) chromedp.Action[chromedp.Void] {
		return chromedp.Steps(chromedp.Clear(css(sel)), chromedp.SendKeys(css(sel), text))
	}
	status := func(s string) chromedp.Action[chromedp.Void] {
		return chromedp.WaitVisible(css(`#document-status[data-status=` + s + `]`))
	}
	location := func() string {
		t.Helper()
		u, err := chromedp.Run(b.ctx, chromedp.Location())
		if err != nil {
			t.Fatal(err)
		}
		return strings.SplitN(u, "?", 2)[0]
	}
	eval := func(js string) string {
		t.Helper()
		v, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](js))
		if err != nil {
			t.Fatalf("%s: %v", js, err)
		}
		return v
	}
	// clean checks that the page shows no message id left untranslated.
	clean := func(step string) {
		t.Helper()
		if m := rawMessageID.FindString(eval(`document.body.innerText`)); m != "" {
			b.screenshot(t, step)
			t.Errorf("%s: untranslated message id %q on %s", step, m, location())
		}
	}
	shots := os.Getenv("COMPTOIR_TEST_SCREENSHOTS") // a directory, while developing
	shot := func(name string) {
		if shots == "" {
			return
		}
		png, err := chromedp.Run(b.ctx, chromedp.FullScreenshot(100))
		if err == nil {
			_ = os.WriteFile(filepath.Join(shots, name+".png"), png, 0o644)
		}
	}
	// editorReady waits for the editor to be shown and settled: htmx
	// focuses its autofocus field once swapped in, and keys typed before
	// that would land in the supplier picker.
	editorReady := chromedp.Steps(
		chromedp.WaitVisible(css(`#document-form`)),
		chromedp.Poll[chromedp.Void](`document.activeElement && document.activeElement.id === "f-contact_id"`),
	)
	const notice = `.alert-success[role=status]`
	const origin = `#document-chain li[data-chain=origin] a`

	// Bootstrap scrolls smoothly unless the user asks for less motion: a
	// click computed mid-scroll lands beside its button on a loaded
	// machine. This user asks for less motion.
	b.run(t, "reduced motion", chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		_, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
			Features: []*emulation.MediaFeature{{Name: "prefers-reduced-motion", Value: "reduce"}}})
		return err
	}))
	b.run(t, "log in", b.login(a.URL, A.Email, A.Password)...)
	if eval(`String(matchMedia("(prefers-reduced-motion: reduce)").matches && getComputedStyle(document.documentElement).scrollBehavior)`) != "auto" {
		t.Fatal("the page still scrolls smoothly")
	}
	if got := b.text(t, `#nav-main a[href="/purchases"]`); got != "Achats" {
		t.Errorf("the menu's purchases entry: %q", got)
	}

	// 1. Where suppliers deliver: the business's address.
	b.run(t, "business address",
		chromedp.Navigate(a.URL+"/settings/account"),
		chromedp.WaitVisible(css(`#f-siren`)),
		fill(`[name="address.line1"]`, "12 rue du Four"),
		fill(`[name="address.postal_code"]`, "26000"),
		fill(`[name="address.city"]`, "Valence"),
		fill(`[name="address.country"]`, "FR"),
		press(`form[action="/settings/account"] button[type=submit]`),
		chromedp.WaitVisible(css(notice)),
	)

	// 2. The supplier, with their bank details.
	b.run(t, "supplier",
		chromedp.Navigate(a.URL+"/contacts/new"),
		chromedp.WaitVisible(css(`#f-company_name`)),
		press(`#c-prospect`),
		press(`#c-supplier`),
		chromedp.SetValue(css(`#f-kind`), "company"),
		chromedp.SendKeys(css(`#f-company_name`), "Moulins Réunis"),
		chromedp.SendKeys(css(`#f-email`), "commandes@moulins.example"),
		chromedp.SendKeys(css(`[name="address.line1"]`), "Route du Moulin"),
		chromedp.SendKeys(css(`[name="address.postal_code"]`), "26300"),
		chromedp.SendKeys(css(`[name="address.city"]`), "Alixan"),
		chromedp.SendKeys(css(`#f-iban`), "FR76 3000 6000 0112 3456 7890 189"),
		chromedp.Submit(css(`#f-company_name`)),
		chromedp.WaitVisible(css(`#supplier-purchases`)),
	)
	supplierPage := location()
	supplierID := strings.TrimPrefix(supplierPage, a.URL+"/contacts/")

	// 3. A product bought from them, at their price under their reference.
	b.run(t, "product",
		chromedp.Navigate(a.URL+"/products/new"),
		chromedp.WaitVisible(css(`#f-reference`)),
		chromedp.SendKeys(css(`#f-reference`), "FAR-T65"),
		chromedp.SendKeys(css(`#f-name`), "Farine T65"),
		chromedp.SendKeys(css(`#f-price`), "2,90"),
		chromedp.SendKeys(css(`#f-purchase_price`), "1,30"),
		chromedp.SetValue(css(`#f-vat_rate`), "5.5"),
		chromedp.SetValue(css(`#f-unit`), "kg"),
		chromedp.Submit(css(`#product-form button[type=submit]`)),
		chromedp.WaitVisible(css(`#supplier-form`)),
		chromedp.SetValue(css(`#s-contact_id`), supplierID),
		chromedp.SendKeys(css(`#s-reference`), "MR-65-25"),
		chromedp.SendKeys(css(`#s-price`), "1,20"),
		chromedp.Submit(css(`#s-reference`)),
		chromedp.WaitVisible(css(`#supplier-rows`)),
	)

	// 4. The purchase order, from the supplier's record: the product
	// picked by its reference, a line typed by hand.
	b.run(t, "new purchase order",
		chromedp.Navigate(supplierPage),
		chromedp.WaitVisible(css(`#new-purchase-order`)),
		press(`#new-purchase-order`),
		editorReady,
	)
	if got := eval(`document.querySelector('#f-contact_id').selectedOptions[0].textContent`); !strings.HasPrefix(got, "Moulins Réunis") {
		t.Errorf("the order's supplier: %q", got)
	}
	if n := eval(`String(document.querySelectorAll('#f-contact_id option[value]:not([value=""])').length)`); n != "1" {
		t.Errorf("the supplier picker offers %s contacts, want the one supplier", n)
	}
	if eval(`String(!!document.querySelector('#f-exemption, #f-operation, #f-vat_on_debits'))`) != "false" {
		t.Error("the purchase editor shows the sales VAT choices")
	}
	clean("editor")
	shot("01-editor")
	b.run(t, "write the order",
		chromedp.SendKeys(css(`#f-title`), "Farines de printemps"),
		chromedp.SetValue(css(`#f-delivery_date`), time.Now().AddDate(0, 0, 7).Format(time.DateOnly)),
		chromedp.SendKeys(css(`#line-rows tr:first-child [data-field=product]`), "far-t65"+kb.Enter),
		fill(`[name="lines.0.quantity"]`, "100"),
		press(`#add-line`),
		chromedp.WaitVisible(css(`[name="lines.1.description"]`)),
		chromedp.SendKeys(css(`[name="lines.1.description"]`), "Sucre de canne"),
		fill(`[name="lines.1.quantity"]`, "50"),
		chromedp.SetValue(css(`[name="lines.1.unit"]`), "kg"),
		chromedp.SendKeys(css(`[name="lines.1.unit_price"]`), "2"),
		chromedp.SetValue(css(`[name="lines.1.vat_rate"]`), "5,5"),
		press(`#save-document`),
		status("draft"),
	)
	orderPage := location()
	if !strings.HasPrefix(orderPage, a.URL+"/purchases/documents/") {
		t.Fatalf("the order's page is %s", orderPage)
	}
	// The picked product is bought at the supplier's price, under their
	// reference: 100 kg at 1,20 and 50 kg at 2,00, 220,00 before VAT.
	if ref, price := b.text(t, `#document-lines tbody tr:first-child td:nth-child(1)`), b.text(t, `#document-lines tbody tr:first-child td:nth-child(5)`); ref != "MR-65-25" || price != "1,20\u00a0€" {
		t.Errorf("the picked line: reference %q, price %q", ref, price)
	}
	if got := b.text(t, `#totals [data-total=net]`); got != "220,00\u00a0€" {
		t.Errorf("the order's net total: %q", got)
	}
	if got := b.text(t, `#issue-document`); got != "Marquer comme envoyée" {
		t.Errorf("the draft order's issue button: %q", got)
	}
	clean("draft order")

	// 5. E-mailed from the send form: sending issues it.
	b.run(t, "send the order",
		press(`#send-document`),
		chromedp.WaitVisible(css(`#send-form`)),
	)
	if got := b.attr(t, `#f-to`, "value"); got != "commandes@moulins.example" {
		t.Errorf("send to %q", got)
	}
	clean("send form")
	b.run(t, "send",
		press(`#send-submit`),
		status("sent"),
		chromedp.WaitVisible(css(`#document-sent-at`)),
	)
	orderNumber := b.text(t, `#document-number`)
	if !strings.HasPrefix(orderNumber, "CF-") {
		t.Errorf("the order's number: %q", orderNumber)
	}
	m := smtp.WaitFor(t, "commandes@moulins.example")
	var pdfAttached bool
	for _, p := range m.Parts {
		pdfAttached = pdfAttached || (strings.HasPrefix(p.ContentType, "application/pdf") && bytes.HasPrefix(p.Body, []byte("%PDF")))
	}
	if !pdfAttached || !strings.Contains(m.Subject, orderNumber) {
		t.Errorf("the order's e-mail %q: PDF attached %v", m.Subject, pdfAttached)
	}

	// 6. Confirmed by the supplier, with their number.
	b.run(t, "confirm",
		chromedp.SendKeys(css(`#confirm-number`), "AR-7781"),
		press(`#confirm-order`),
		status("confirmed"),
	)
	if got := b.text(t, `#document-supplier-number`); got != "AR-7781" {
		t.Errorf("the confirmation's number: %q", got)
	}
	shot("02-order-confirmed")

	// 7. Received in two parts: 60 kg of flour, then the rest.
	b.run(t, "first receipt",
		press(`[data-derive=receipt]`), status("draft"),
		press(`#edit-document`),
		editorReady,
		fill(`[name="lines.0.quantity"]`, "60"),
		press(`#save-document`),
		status("draft"),
	)
	if got := b.text(t, `#issue-document`); got != "Valider la réception" {
		t.Errorf("the receipt's issue button: %q", got)
	}
	b.run(t, "record the first receipt", press(`#issue-document`), status("issued"))
	clean("receipt")
	b.run(t, "back to the order", press(origin), status("partially_received"))
	if got := b.text(t, `#match-table tr[data-line]:first-child [data-qty=received]`); got != "60" {
		t.Errorf("received on the order's first line: %q", got)
	}
	b.run(t, "second receipt", press(`[data-derive=receipt]`), status("draft"))
	if got := b.text(t, `#document-lines tbody tr:first-child td:nth-child(3)`); got != "40" {
		t.Errorf("the second receipt proposes %q, not the 40 kg left", got)
	}
	b.run(t, "record the second receipt", press(`#issue-document`), status("issued"))
	b.run(t, "the order is received", press(origin), status("received"))
	if got := b.text(t, `#document-status`); got != "Reçue" {
		t.Errorf("the received order's status: %q", got)
	}
	if eval(`String(!!document.querySelector('[data-derive=receipt]'))`) != "false" {
		t.Error("a received order still offers a receipt")
	}

	// 8. The supplier's bill, from what was received, with their number
	// and date, and its original attached.
	billDate := time.Now().AddDate(0, 0, -2).Format(time.DateOnly)
	b.run(t, "record the bill",
		press(`[data-derive=bill-received]`), status("draft"),
		press(`#edit-document`),
		editorReady,
		chromedp.SendKeys(css(`#f-supplier_number`), "FAC-2026-118"),
		chromedp.SetValue(css(`#f-issue_date`), billDate),
		press(`#save-document`),
		status("draft"),
	)
	billPage := location()
	if got := b.text(t, `#document-supplier-number`); got != "FAC-2026-118" {
		t.Errorf("the bill's supplier number: %q", got)
	}
	if got := b.text(t, `#match-summary`); !strings.Contains(got, "Concorde") {
		t.Errorf("the bill's match: %q", got)
	}
	original := []byte("%PDF-1.4\n% the supplier's bill, scanned\n%%EOF\n")
	upload := filepath.Join(t.TempDir(), "facture mars.pdf")
	if err := os.WriteFile(upload, original, 0o600); err != nil {
		t.Fatal(err)
	}
	b.run(t, "attach the original",
		chromedp.SetUploadFiles(css(`#f-file`), []string{upload}),
		press(`#attach-file`),
		chromedp.WaitVisible(css(`#file-list tr[data-file] a[data-download]`)),
	)
	if got := b.text(t, `#file-list tr[data-file] a[data-download]`); got != "facture mars.pdf" {
		t.Errorf("the attached file's name: %q", got)
	}
	fileHref := b.attr(t, `#file-list tr[data-file] a[data-download]`, "href")
	downloads := t.TempDir()
	progress := chromedp.Events(b.ctx, cdpbrowser.DownloadProgress)
	b.run(t, "allow downloads",
		chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
			_, err := chromedp.Call(ctx, cdpbrowser.SetDownloadBehavior, cdpbrowser.SetDownloadBehaviorParams{
				Behavior: cdpbrowser.SetDownloadBehaviorBehaviorAllowAndName, DownloadPath: downloads, EventsEnabled: new(true)})
			return err
		}),
	)
	if got := downloadFile(t, b, progress, downloads, `#file-list tr[data-file] a[data-download]`); got != string(original) {
		t.Errorf("the downloaded file differs: %q", got)
	}
	// Served as kept: its type, never sniffed nor run, under its name.
	r := httpGet(t, A.Browser, a.URL+fileHref)
	for k, want := range map[string]string{"Content-Type": "application/pdf", "X-Content-Type-Options": "nosniff", "Content-Security-Policy": "sandbox allow-downloads",
		"Content-Disposition": `attachment; filename="facture mars.pdf"; filename*=UTF-8''facture%20mars.pdf`} {
		if got := r.Header.Get(k); got != want {
			t.Errorf("the file's %s: %q, want %q", k, got, want)
		}
	}
	if !bytes.Equal(r.Body, original) {
		t.Errorf("the file's bytes differ: %q", r.Body)
	}
	clean("draft bill")
	shot("03-bill-draft")
	b.run(t, "record the bill as to pay", press(`#issue-document`), status("issued"))
	billNumber := b.text(t, `#document-number`)
	if got := b.text(t, `#document-status`); got != "À payer" || !strings.HasPrefix(billNumber, "FF-") {
		t.Errorf("the recorded bill %q: status %q", billNumber, got)
	}
	if got := b.text(t, `#totals [data-total=balance]`); got != "232,10\u00a0€" {
		t.Errorf("the bill's balance: %q", got)
	}
	if eval(`String(!!document.querySelector('#download-pdf, #document-reminders, #file-list form'))`) != "false" {
		t.Error("a recorded bill offers a PDF of ours, reminders or deleting its original")
	}

	// 9. To pay: listed with the supplier's number and bank details.
	b.run(t, "to pay", chromedp.Navigate(a.URL+"/purchases"), chromedp.WaitVisible(css(`#to-pay-link`)),
		press(`#to-pay-link`), chromedp.WaitVisible(css(`#to-pay-table`)))
	row := b.text(t, `#to-pay-table tbody tr`)
	for _, want := range []string{billNumber, "FAC-2026-118", "Moulins Réunis", "232,10", "FR76"} {
		if !strings.Contains(row, want) {
			t.Errorf("the to-pay row lacks %q: %q", want, row)
		}
	}
	if got := b.text(t, `#to-pay-totals [data-total=total]`); got != "232,10\u00a0€" {
		t.Errorf("total to pay: %q", got)
	}
	clean("to pay")
	shot("04-to-pay")

	// 10. Paid in two instalments, from the list's Pay button.
	b.run(t, "first instalment",
		press(`#to-pay-table [data-pay]`),
		chromedp.WaitVisible(css(`#payment-form`)),
		fill(`#f-amount`, "100,00"),
		chromedp.SendKeys(css(`#f-reference`), "VIR 1"),
		press(`#record-payment`),
		status("partially_paid"),
	)
	if got := b.attr(t, `#f-amount`, "value"); got != "132,10" {
		t.Errorf("the second instalment proposed: %q", got)
	}
	b.run(t, "second instalment",
		chromedp.SendKeys(css(`#f-reference`), "VIR 2"),
		press(`#record-payment`),
		status("paid"),
	)
	if got := b.text(t, `#document-status`); got != "Payée" {
		t.Errorf("the bill's status: %q", got)
	}
	if n := eval(`String(document.querySelectorAll('#payment-list tr[data-payment]').length)`); n != "2" {
		t.Errorf("%s payments on the bill", n)
	}
	if location() != billPage {
		t.Errorf("the payments left the bill's page: %s", location())
	}
	shot("07-bill-paid")
	b.run(t, "nothing left to pay", chromedp.Navigate(a.URL+"/purchases/to-pay"), chromedp.WaitVisible(css(`#nothing-to-pay`)))

	// 11. The supplier's record: documents, payments, and a timeline of
	// the order sent, two receipts, the bill and two payments, each
	// linked to its page.
	b.run(t, "supplier record", chromedp.Navigate(supplierPage), chromedp.WaitVisible(css(`#conversations`)))
	if got := b.text(t, `#supplier-documents`); !strings.Contains(got, orderNumber) || !strings.Contains(got, billNumber) || !strings.Contains(got, "FAC-2026-118") {
		t.Errorf("the supplier's documents: %q", got)
	}
	if got := b.text(t, `#supplier-payments`); !strings.Contains(got, "100,00") || !strings.Contains(got, "132,10") {
		t.Errorf("the payments made: %q", got)
	}
	if got := b.text(t, `#supplier-owed`); got != "Rien à payer à ce fournisseur." {
		t.Errorf("owed: %q", got)
	}
	timeline := b.text(t, `#conversations`)
	for _, want := range []string{"Bon de commande " + orderNumber, "Réception BR-", "Facture fournisseur " + billNumber + " (FAC-2026-118)", "Paiement 100,00", "Paiement 132,10"} {
		if !strings.Contains(timeline, want) {
			t.Errorf("the timeline lacks %q: %q", want, timeline)
		}
	}
	links, err := chromedp.Run(b.ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll('#conversations li[data-kind=document] a[data-document-link]')].map(a => a.getAttribute('href'))`))
	if err != nil || len(links) != 6 {
		t.Errorf("timeline links: %v (%v), want 6", links, err)
	}
	for _, l := range links {
		if !strings.HasPrefix(l, "/purchases/documents/") {
			t.Errorf("a timeline entry links to %s", l)
		}
	}
	// Badged as purchases, not as documents the business sent.
	badges, err := chromedp.Run(b.ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll('#conversations li[data-kind=document] .badge')].map(e => e.textContent.trim())`))
	if err != nil || len(badges) != 6 || slices.ContainsFunc(badges, func(s string) bool { return s != "Achats" }) {
		t.Errorf("timeline badges: %v (%v), want 6 × Achats", badges, err)
	}
	clean("supplier record")
	shot("05-supplier")
	b.run(t, "supplier statement", press(`#supplier-statement-link`), chromedp.WaitVisible(css(`#statement-table`)))
	if got := b.text(t, `#statement-table [data-total=closing]`); got != "0,00\u00a0€" {
		t.Errorf("the statement's closing balance: %q", got)
	}
	if got := b.text(t, `#statement-table [data-total=billed]`); got != "232,10\u00a0€" {
		t.Errorf("billed on the statement: %q", got)
	}
	clean("statement")

	// 12. The Activity page, filtered on Purchases.
	actions, issues := b.activityActions(t, a.URL+"/activity?module=purchases")
	for _, want := range []string{"create", "update", "issue", "send", "confirm", "attach", "pay"} {
		if !slices.Contains(actions, want) {
			t.Errorf("the Activity page lacks %q: %v", want, actions)
		}
	}
	// The order, two receipts and the bill.
	if issues != 4 {
		t.Errorf("%d issues on the Activity page, want 4: %v", issues, actions)
	}
	log := b.text(t, `main`)
	for _, want := range []string{"commande fournisseur", "bon de réception", "facture fournisseur", "Fichier joint", "Confirmé"} {
		if !strings.Contains(log, want) {
			t.Errorf("the Activity page does not say %q", want)
		}
	}
	clean("activity")
	shot("06-activity")
	b.checkClean(t)
}

// fetched is a response read whole.
type fetched struct {
	Status int
	Header http.Header
	Body   []byte
}

func httpGet(t *testing.T, c *http.Client, url string) fetched {
	t.Helper()
	resp, err := c.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return fetched{Status: resp.StatusCode, Header: resp.Header, Body: body}
}

// downloadFile clicks the link sel and returns the file it downloads. A
// click that starts no download (it can fall while the page settles on a
// loaded machine) is tried again, as a user would, and logged.
func downloadFile(t *testing.T, b *browser, progress iter.Seq2[cdpbrowser.EventDownloadProgress, error], dir, sel string) string {
	t.Helper()
	events := make(chan cdpbrowser.EventDownloadProgress, 64)
	go func() {
		for ev, err := range progress { // ends with the browser's context
			if err != nil {
				return
			}
			events <- ev
		}
	}()
	for attempt := 1; attempt <= 3; attempt++ {
		b.run(t, "download", press(sel))
		timeout := time.After(10 * time.Second)
	wait:
		for {
			select {
			case ev := <-events:
				switch ev.State {
				case cdpbrowser.DownloadProgressStateCompleted:
					data, err := os.ReadFile(filepath.Join(dir, ev.GUID))
					if err != nil {
						t.Fatal(err)
					}
					return string(data)
				case cdpbrowser.DownloadProgressStateCanceled:
					t.Fatalf("the download of %s was canceled", sel)
				}
			case <-timeout:
				t.Logf("clicking %s started no download (attempt %d)", sel, attempt)
				break wait
			}
		}
	}
	b.screenshot(t, "download")
	t.Fatalf("%s was not downloaded", sel)
	return ""
}

// press clicks an element the way its own click() does: a mouse click at
// coordinates taken a moment earlier lands beside a button when the page
// still moves, which a loaded machine made happen.
func press(sel string) chromedp.Action[chromedp.Void] {
	return chromedp.Steps(chromedp.WaitVisible(chromedp.CSS(sel)), chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := chromedp.Evaluate[bool](`(el => { el.click(); return true })(document.querySelector(`+strconv.Quote(sel)+`))`)(ctx, tg)
		return err
	}))
}
