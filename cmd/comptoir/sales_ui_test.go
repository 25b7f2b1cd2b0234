package main

import (
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/comptoir/comptoir/storage/storagetest"
)

// TestSalesEditorKeepsTheFormOnError: a quantity that cannot be read
// comes back with its error on its own line, and every other line and
// field as typed; a good form saves and the page shows the server's totals.
func TestSalesEditorKeepsTheFormOnError(t *testing.T) {
	eachEngine(t, func(t *testing.T, a *app) {
		A := a.mustTenant("Alpha", "alpha@example.fr")
		var c struct{ ID int64 }
		a.api("POST", "/api/v1/contacts", A.Token, map[string]any{"last_name": "Durand"}).JSON(t, &c)
		form := url.Values{"contact_id": {formatInt(c.ID)}, "title": {"Pain <b>bio</b>"}, "payment_terms": {"30"}, "exemption": {""}, "operation": {"goods"}, "locale": {"fr"},
			"lines.0.kind": {"item"}, "lines.0.description": {"Farine T65"}, "lines.0.quantity": {"1,5"}, "lines.0.unit": {"kg"}, "lines.0.unit_price": {"2,40"}, "lines.0.vat_rate": {"5,5"},
			"lines.1.kind": {"item"}, "lines.1.description": {"Levain"}, "lines.1.quantity": {"deux"}, "lines.1.unit": {"piece"}, "lines.1.unit_price": {"3"}, "lines.1.vat_rate": {"5,5"},
			"lines.2.kind": {"item"}, "lines.2.description": {""}, "lines.2.quantity": {"1"}, "lines.2.unit": {"piece"}, "lines.2.unit_price": {""}, "lines.2.vat_rate": {"20"},
			"lines.3.kind": {"comment"}, "lines.3.description": {"Livré le matin"}}
		r := a.post(A.Browser, "/sales/quotes", form)
		if r.Status != 422 {
			t.Fatalf("bad quantity: %d", r.Status)
		}
		d := doc(t, r)
		rows := d.Find("#line-rows tr.doc-line")
		if rows.Length() != 3 {
			t.Fatalf("rows: %d, want 3 (the blank line dropped)", rows.Length())
		}
		bad := rows.Eq(1).Find(`[name="lines.1.quantity"]`)
		if v, _ := bad.Attr("value"); v != "deux" || !bad.HasClass("is-invalid") {
			t.Errorf("bad quantity: value %q, classes %q", v, bad.AttrOr("class", ""))
		}
		if msg := rows.Eq(1).Find(`[data-error=quantity]`).Text(); !strings.Contains(msg, "nombre") {
			t.Errorf("error next to the quantity: %q", msg)
		}
		if rows.Eq(0).Find(".is-invalid").Length() != 0 {
			t.Error("the good line is marked invalid")
		}
		if v, _ := rows.Eq(0).Find(`[name="lines.0.quantity"]`).Attr("value"); v != "1,5" {
			t.Errorf("first line's quantity = %q", v)
		}
		if got := rows.Eq(2).Find("textarea").Text(); got != "Livré le matin" {
			t.Errorf("comment line = %q", got)
		}
		if v, _ := d.Find("#f-title").Attr("value"); v != "Pain <b>bio</b>" {
			t.Errorf("title = %q", v)
		}
		if sel, _ := d.Find(`#f-contact_id option[selected]`).Attr("value"); sel != formatInt(c.ID) {
			t.Errorf("client = %q", sel)
		}
		if !strings.Contains(r.Body, "Pain &lt;b&gt;bio&lt;/b&gt;") {
			t.Error("the title is not escaped")
		}

		form.Set("lines.1.quantity", "2")
		r = a.post(A.Browser, "/sales/quotes", form)
		if r.Status != 303 {
			t.Fatalf("save: %d %.300s", r.Status, r.Body)
		}
		page := doc(t, a.get(A.Browser, r.Header.Get("Location")))
		// 1,5 × 2,40 + 2 × 3 = 9,60 at 5,5 %: VAT 0,53.
		if got := page.Find(`#totals [data-total=gross]`).Text(); got != "10,13\u00a0€" {
			t.Errorf("gross = %q", got)
		}
		if got := page.Find("#document-lines").Text(); !strings.Contains(got, "1,5") || !strings.Contains(got, "Livré le matin") {
			t.Errorf("lines: %q", got)
		}
	})
}

// TestSalesSettingsForm: a wrong numbering pattern is shown on its field
// and nothing is saved; a good one is saved and previewed.
func TestSalesSettingsForm(t *testing.T) {
	eachEngine(t, func(t *testing.T, a *app) {
		A := a.mustTenant("Alpha", "alpha@example.fr")
		form := url.Values{"patterns.quote": {"DV-{YYYY}"}, "payment_terms": {"45_eom"}, "quote_days": {"15"}, "operation": {"goods"}, "exemption": {"franchise"},
			"late_penalty_rate": {"12,15"}, "layout": {"modern"}, "accent": {"#aa3300"}, "auto_dunning": {"1"},
			"dunning.0.days": {"10"}, "dunning.0.channel": {"email"}, "dunning.0.tone": {"friendly"}}
		r := a.post(A.Browser, "/settings/sales", form)
		if r.Status != 422 || !doc(t, r).Find(`#f-pattern-quote`).HasClass("is-invalid") {
			t.Fatalf("bad pattern: %d", r.Status)
		}
		form.Set("patterns.quote", "DV-{YY}-{000}")
		if r := a.post(A.Browser, "/settings/sales", form); r.Status != 303 {
			t.Fatalf("save: %d %.300s", r.Status, r.Body)
		}
		d := doc(t, a.get(A.Browser, "/settings/sales"))
		if got := d.Find(`[data-preview=quote]`).Text(); !strings.HasPrefix(got, "DV-") || !strings.HasSuffix(got, "-001") {
			t.Errorf("preview %q", got)
		}
		if v, _ := d.Find(`#f-payment_terms option[selected]`).Attr("value"); v != "45_eom" {
			t.Errorf("terms %q", v)
		}
		if d.Find(`[name="dunning.1.days"]`).AttrOr("value", "x") != "" {
			t.Error("one reminder level saved, plus an empty row expected")
		}
		if body := a.api("GET", "/api/v1/activity?limit=5", A.Token, nil).Body; !strings.Contains(body, "sales_settings") {
			t.Errorf("no activity entry: %.300s", body)
		}
	})
}

// TestBrowserSales: in a real browser, a user creates a client, writes a
// quote of two lines (one of 1,5 kg) with the keyboard, sees the server's
// totals, is told what to fill in before issuing, issues it once the
// business's identity is complete, records the client's acceptance, and
// makes an order, a delivery note and an invoice along the flow.
func TestBrowserSales(t *testing.T) {
	a := startApp(t, storagetest.Engines()[0])
	A := a.mustTenant("Boulangerie Alpha", "alpha@example.fr")
	b := newBrowserSession(t)
	css := func(s string) chromedp.CSS { return chromedp.CSS(s) }
	b.run(t, "log in", b.login(a.URL, A.Email, A.Password)...)
	b.run(t, "create a client",
		chromedp.Navigate(a.URL+"/contacts/new"),
		chromedp.WaitVisible(css(`#f-last_name`)),
		chromedp.SendKeys(css(`#f-first_name`), "Alice"),
		chromedp.SendKeys(css(`#f-last_name`), "Durand"),
		chromedp.SendKeys(css(`[name="address.line1"]`), "3 rue des Halles"),
		chromedp.SendKeys(css(`[name="address.postal_code"]`), "64100"),
		chromedp.SendKeys(css(`[name="address.city"]`), "Bayonne"),
		chromedp.Submit(css(`#f-last_name`)),
		chromedp.WaitVisible(css(`#timeline`)),
	)
	b.run(t, "new quote",
		chromedp.Click(css(`nav a[href="/sales"]`)),
		chromedp.WaitVisible(css(`#new-document`)),
		chromedp.Click(css(`#new-document`)),
		chromedp.WaitVisible(css(`#document-form`)),
	)
	clientID := b.attr(t, `#f-contact_id option:nth-child(2)`, "value")
	b.run(t, "write the quote",
		chromedp.SetValue(css(`#f-contact_id`), clientID),
		chromedp.SendKeys(css(`#f-title`), "Pain et farine"),
		chromedp.SendKeys(css(`[name="lines.0.description"]`), "Farine T65"),
		chromedp.SendKeys(css(`[name="lines.0.quantity"]`), kb.End+kb.Backspace+"1,5"),
		chromedp.SetValue(css(`[name="lines.0.unit"]`), "kg"),
		chromedp.SetValue(css(`[name="lines.0.vat_rate"]`), "5,5"),
		// Enter in the last line adds the next one.
		chromedp.SendKeys(css(`[name="lines.0.unit_price"]`), "2,40"+kb.Enter),
		chromedp.WaitVisible(css(`[name="lines.1.description"]`)),
		chromedp.SendKeys(css(`[name="lines.1.description"]`), "Livraison"),
		chromedp.SendKeys(css(`[name="lines.1.unit_price"]`), "10"),
	)
	// Estimated while typing: 3,60 + 10,00 net, 0,20 + 2,00 VAT.
	b.waitText(t, `#live-totals [data-total=gross]`, func(s string) bool { return strings.Contains(s, "15,80") })
	b.screenshot(t, "editor")
	b.run(t, "save", chromedp.Click(css(`#save-document`)), chromedp.WaitVisible(css(`#totals`)))
	if got := b.text(t, `#totals [data-total=gross]`); got != "15,80\u00a0€" {
		t.Errorf("server gross = %q", got)
	}
	if got := b.text(t, `#totals tbody`); !strings.Contains(got, "5,5") || !strings.Contains(got, "0,20") || !strings.Contains(got, "2,00") {
		t.Errorf("VAT per rate: %q", got)
	}
	if got := b.text(t, `#document-lines`); !strings.Contains(got, "1,5") || !strings.Contains(got, "kg") {
		t.Errorf("lines: %q", got)
	}
	b.run(t, "issue without an address", chromedp.Click(css(`#issue-document`)), chromedp.WaitVisible(css(`#issue-problems`)))
	if got := b.text(t, `#issue-problems`); !strings.Contains(got, "adresse de votre entreprise") {
		t.Errorf("problems: %q", got)
	}
	if href := b.attr(t, `#issue-problems [data-field="seller.address"] a`, "href"); href != "/settings/account" {
		t.Errorf("link to fill the address: %q", href)
	}
	if r := a.api("PATCH", "/api/v1/account", A.Token, map[string]any{"legal_form": "EI", "siret": "55210055400013", "vat_number": "FR96552100554",
		"address": map[string]any{"line1": "1 place du Marché", "postal_code": "64100", "city": "Bayonne", "country": "FR"}}); r.Status != 200 {
		t.Fatalf("identity: %d %s", r.Status, r.Body)
	}
	b.screenshot(t, "problems")
	issue := func(step string) {
		t.Helper()
		b.run(t, step, chromedp.Click(css(`#issue-document`)), chromedp.WaitVisible(css(`#document-status[data-status=issued]`)))
	}
	issue("issue the quote")
	if got := b.text(t, `#document-number`); !strings.HasPrefix(got, "D-") {
		t.Errorf("quote number %q", got)
	}
	b.run(t, "accept", chromedp.Click(css(`#accept-quote`)), chromedp.WaitVisible(css(`#document-status[data-status=accepted]`)))
	b.screenshot(t, "quote")
	b.run(t, "make the order", chromedp.Click(css(`[data-derive=order]`)), chromedp.WaitVisible(css(`#document-status[data-status=draft]`)))
	if got := b.text(t, `#document-heading`); !strings.Contains(got, "Bon de commande") {
		t.Errorf("order heading %q", got)
	}
	issue("issue the order")
	b.run(t, "make the delivery note", chromedp.Click(css(`[data-derive=delivery]`)), chromedp.WaitVisible(css(`#document-status[data-status=draft]`)))
	issue("issue the delivery note")
	if got := b.text(t, `#document-chain`); !strings.Contains(got, "Devis D-") || !strings.Contains(got, "Bon de commande BC-") {
		t.Errorf("chain: %q", got)
	}
	b.run(t, "back to the order",
		chromedp.Click(css(`#document-chain li[data-chain=origin]:nth-last-child(2) a`)),
		chromedp.WaitVisible(css(`#document-status[data-status=delivered]`)),
		chromedp.Click(css(`[data-derive=invoice]`)),
		chromedp.WaitVisible(css(`#document-status[data-status=draft]`)),
	)
	issue("issue the invoice")
	if got := b.text(t, `#document-number`); !strings.HasPrefix(got, "F-") {
		t.Errorf("invoice number %q", got)
	}
	if got := b.text(t, `#totals [data-total=balance]`); got != "15,80\u00a0€" {
		t.Errorf("balance = %q", got)
	}
	b.screenshot(t, "invoice")
	b.run(t, "the invoice list", chromedp.Navigate(a.URL+"/sales/invoices"), chromedp.WaitVisible(css(`#sales-table`)))
	if got := b.text(t, `#sales-table tbody`); !strings.Contains(got, "Durand") || !strings.Contains(got, "15,80") {
		t.Errorf("invoice list: %q", got)
	}
	b.screenshot(t, "list")
	b.run(t, "settings", chromedp.Navigate(a.URL+"/settings/sales"), chromedp.WaitVisible(css(`#sales-settings`)))
	b.screenshot(t, "settings")

	// In English the editor's estimate writes amounts as every other page
	// does ("1,234.50 €"), and a list's dates are one format.
	if _, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](`document.cookie = "comptoir_lang=en; path=/"`)); err != nil {
		t.Fatal(err)
	}
	b.run(t, "in English",
		chromedp.Navigate(a.URL+"/sales/quotes/new"),
		chromedp.WaitVisible(css(`#document-form`)),
		chromedp.SendKeys(css(`[name="lines.0.description"]`), "Oven"),
		chromedp.SendKeys(css(`[name="lines.0.unit_price"]`), "1234.5"),
	)
	b.waitText(t, `#live-totals [data-total=net]`, func(s string) bool { return s == "1,234.50\u00a0€" })
	if got := b.text(t, `#doc-lines output[data-field=net]`); got != "1,234.50\u00a0€" {
		t.Errorf("line total in English: %q", got)
	}
	// At 1280 px the lines fit without scrolling, the amount column shown,
	// and a reference of a dozen characters is shown whole.
	b.run(t, "a long reference", chromedp.SendKeys(css(`[name="lines.0.reference"]`), "VR-CAF-ETH-01"))
	fits, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool](`(function () {
		var box = document.querySelector("#doc-lines").parentElement, ref = document.querySelector('[name="lines.0.reference"]');
		return box.scrollWidth <= box.clientWidth && ref.scrollWidth <= ref.clientWidth;
	})()`))
	if err != nil || !fits {
		b.screenshot(t, "editor-overflow")
		t.Errorf("the lines do not fit 1280 px, or the reference is cut (%v)", err)
	}
	b.run(t, "the English list", chromedp.Navigate(a.URL+"/sales/invoices"), chromedp.WaitVisible(css(`#sales-table`)))
	if got := b.text(t, `#sales-table tbody`); !strings.Contains(got, "15.80\u00a0€") || !regexp.MustCompile(`\d{1,2} [A-Z][a-z]{2} \d{4}`).MatchString(got) {
		t.Errorf("English invoice list: %q", got)
	}
	b.checkClean(t)
}

// TestSalesEditorPicksProducts: the editor offers the catalog's active
// products with what a line needs in data attributes (never a purchase
// price); a line saved with only a product and a quantity is completed by
// the server from the catalog, and a picked line the user changed keeps
// what it says, linked to its product.
func TestSalesEditorPicksProducts(t *testing.T) {
	eachEngine(t, func(t *testing.T, a *app) {
		A := a.mustTenant("Alpha", "alpha@example.fr")
		var c, coffee, old struct{ ID int64 }
		a.api("POST", "/api/v1/contacts", A.Token, map[string]any{"last_name": "Durand"}).JSON(t, &c)
		a.api("POST", "/api/v1/products", A.Token, map[string]any{"reference": "CAF-01", "name": "Café <b>en grains</b>", "description": "Sidamo",
			"unit": "kg", "price": 2490, "vat_rate": "5.5", "purchase_price": 1357}).JSON(t, &coffee)
		a.api("POST", "/api/v1/products", A.Token, map[string]any{"reference": "OLD", "name": "Ancien", "price": 100, "active": false}).JSON(t, &old)
		if coffee.ID == 0 || old.ID == 0 {
			t.Fatal("products not created")
		}

		r := a.get(A.Browser, "/sales/quotes/new")
		d := doc(t, r)
		opts := d.Find(`#catalog-products option`)
		if opts.Length() != 1 {
			t.Fatalf("picker options: %d, want the one active product", opts.Length())
		}
		o := opts.First()
		want := map[string]string{"value": "CAF-01 — Café <b>en grains</b>", "data-product-id": formatInt(coffee.ID), "data-reference": "CAF-01",
			"data-description": "Café <b>en grains</b>\nSidamo", "data-unit": "kg", "data-price": "24,90", "data-vat-rate": "5,5", "label": "24,90\u00a0€ / kg"}
		for k, v := range want {
			if got := o.AttrOr(k, ""); got != v {
				t.Errorf("option %s = %q, want %q", k, got, v)
			}
		}
		if strings.Contains(r.Body, "Café <b>") || strings.Contains(r.Body, "13,57") {
			t.Error("a product's name unescaped, or its purchase price, in the editor")
		}
		if d.Find(`#line-rows [data-field=product][list=catalog-products]`).Length() != 1 || d.Find(`#line-template [data-field=product]`).Length() != 1 {
			t.Error("no picker on the line or in the line template")
		}

		form := url.Values{"contact_id": {formatInt(c.ID)}, "payment_terms": {"30"}, "exemption": {""}, "operation": {"goods"}, "locale": {"fr"},
			// Only the product and the quantity: the server fills the rest.
			"lines.0.kind": {"item"}, "lines.0.product_id": {formatInt(coffee.ID)}, "lines.0.quantity": {"2"},
			// Picked in the browser, then the price changed by hand.
			"lines.1.kind": {"item"}, "lines.1.product_id": {formatInt(coffee.ID)}, "lines.1.reference": {"CAF-01"}, "lines.1.description": {"Café, prix d'ami"},
			"lines.1.quantity": {"1"}, "lines.1.unit": {"kg"}, "lines.1.unit_price": {"20"}, "lines.1.vat_rate": {"5,5"}}
		r = a.post(A.Browser, "/sales/quotes", form)
		if r.Status != 303 {
			t.Fatalf("save: %d %.500s", r.Status, r.Body)
		}
		id, _, _ := strings.Cut(strings.TrimPrefix(r.Header.Get("Location"), "/sales/documents/"), "?")
		var q struct {
			Lines []struct {
				ProductID   int64  `json:"product_id"`
				Reference   string `json:"reference"`
				Description string `json:"description"`
				Quantity    string `json:"quantity"`
				Unit        string `json:"unit"`
				UnitPrice   int64  `json:"unit_price"`
				VATRate     string `json:"vat_rate"`
			} `json:"lines"`
			Gross int64 `json:"gross"`
		}
		a.api("GET", "/api/v1/quotes/"+id, A.Token, nil).JSON(t, &q)
		if len(q.Lines) != 2 {
			t.Fatalf("lines: %+v", q.Lines)
		}
		if l := q.Lines[0]; l.ProductID != coffee.ID || l.Reference != "CAF-01" || l.Description != "Café <b>en grains</b>\nSidamo" ||
			l.Quantity != "2" || l.Unit != "kg" || l.UnitPrice != 2490 || l.VATRate != "5.5" {
			t.Errorf("line filled from the catalog: %+v", l)
		}
		if l := q.Lines[1]; l.ProductID != coffee.ID || l.Description != "Café, prix d'ami" || l.UnitPrice != 2000 {
			t.Errorf("picked line as the user left it: %+v", l)
		}

		// The draft's editor shows each line's product in its picker.
		d = doc(t, a.get(A.Browser, "/sales/documents/"+id+"/edit"))
		for i := range 2 {
			row := d.Find("#line-rows tr.doc-line").Eq(i)
			if got := row.Find(`[data-field=product]`).AttrOr("value", ""); got != "CAF-01 — Café <b>en grains</b>" {
				t.Errorf("line %d's picker: %q", i, got)
			}
			if got := row.Find(`[name="lines.`+formatInt(int64(i))+`.product_id"]`).AttrOr("value", ""); got != formatInt(coffee.ID) {
				t.Errorf("line %d's product id: %q", i, got)
			}
		}

		// A product that is not in the catalog is reported on its line.
		form.Set("lines.0.product_id", "999999")
		r = a.post(A.Browser, "/sales/quotes", form)
		if r.Status != 422 || !doc(t, r).Find(`#line-rows tr.doc-line`).First().Find(`[data-field=product]`).HasClass("is-invalid") {
			t.Errorf("unknown product: %d", r.Status)
		}
	})
}

// TestSalesEditorKeepsTypedLines: text typed in a line's catalog picker
// that names no product becomes the line's description, and a line the
// user typed anything into is kept (and reported if it lacks something),
// never dropped on save.
func TestSalesEditorKeepsTypedLines(t *testing.T) {
	eachEngine(t, func(t *testing.T, a *app) {
		A := a.mustTenant("Alpha", "alpha@example.fr")
		var c, coffee struct{ ID int64 }
		a.api("POST", "/api/v1/contacts", A.Token, map[string]any{"last_name": "Durand"}).JSON(t, &c)
		a.api("POST", "/api/v1/products", A.Token, map[string]any{"reference": "CAF-01", "name": "Café", "price": 2490}).JSON(t, &coffee)
		form := url.Values{"contact_id": {formatInt(c.ID)}, "payment_terms": {"30"}, "exemption": {""}, "operation": {"goods"}, "locale": {"fr"},
			// Typed in the picker, no product matched: the description.
			"lines.0.kind": {"item"}, "lines.0.product": {"Réglage du moulin"}, "lines.0.quantity": {"1"}, "lines.0.unit": {"piece"}, "lines.0.unit_price": {"45"}, "lines.0.vat_rate": {"20"},
			// A description and no price: kept (at 0).
			"lines.1.kind": {"item"}, "lines.1.description": {"Livraison offerte"}, "lines.1.quantity": {"1"}, "lines.1.unit": {"piece"}, "lines.1.unit_price": {""}, "lines.1.vat_rate": {"20"},
			// Picker text beside a description: both kept.
			"lines.2.kind": {"item"}, "lines.2.product": {"Détartrage"}, "lines.2.description": {"Machine du bar"}, "lines.2.quantity": {"1"}, "lines.2.unit": {"piece"}, "lines.2.unit_price": {"30"}, "lines.2.vat_rate": {"20"},
			// Left blank: dropped.
			"lines.3.kind": {"item"}, "lines.3.product": {""}, "lines.3.description": {""}, "lines.3.quantity": {"1"}, "lines.3.unit": {"piece"}, "lines.3.unit_price": {""}, "lines.3.vat_rate": {"20"}}
		r := a.post(A.Browser, "/sales/quotes", form)
		if r.Status != 303 {
			t.Fatalf("save: %d %.500s", r.Status, r.Body)
		}
		id, _, _ := strings.Cut(strings.TrimPrefix(r.Header.Get("Location"), "/sales/documents/"), "?")
		var q struct {
			Lines []struct {
				Description string `json:"description"`
				UnitPrice   int64  `json:"unit_price"`
			} `json:"lines"`
		}
		a.api("GET", "/api/v1/quotes/"+id, A.Token, nil).JSON(t, &q)
		if len(q.Lines) != 3 {
			t.Fatalf("lines: %+v, want 3", q.Lines)
		}
		if q.Lines[0].Description != "Réglage du moulin" || q.Lines[0].UnitPrice != 4500 {
			t.Errorf("picker text: %+v", q.Lines[0])
		}
		if q.Lines[1].Description != "Livraison offerte" || q.Lines[1].UnitPrice != 0 {
			t.Errorf("line without a price: %+v", q.Lines[1])
		}
		if q.Lines[2].Description != "Détartrage\nMachine du bar" {
			t.Errorf("picker text beside a description: %+v", q.Lines[2])
		}

		// A line with only a discount typed is reported, not dropped.
		bad := url.Values{"contact_id": {formatInt(c.ID)}, "payment_terms": {"30"}, "exemption": {""}, "operation": {"goods"}, "locale": {"fr"},
			"lines.0.kind": {"item"}, "lines.0.description": {"Café"}, "lines.0.quantity": {"1"}, "lines.0.unit": {"piece"}, "lines.0.unit_price": {"3"}, "lines.0.vat_rate": {"20"},
			"lines.1.kind": {"item"}, "lines.1.description": {""}, "lines.1.quantity": {"1"}, "lines.1.unit": {"piece"}, "lines.1.unit_price": {""}, "lines.1.discount": {"10"}, "lines.1.vat_rate": {"20"}}
		r = a.post(A.Browser, "/sales/quotes", bad)
		if r.Status != 422 {
			t.Fatalf("a line with only a discount: %d, want 422", r.Status)
		}
		d := doc(t, r)
		if n := d.Find("#line-rows tr.doc-line").Length(); n != 2 {
			t.Errorf("rows: %d, want 2", n)
		}
		if d.Find(`[name="lines.1.description"]`).HasClass("is-invalid") == false {
			t.Error("the line without a description is not marked")
		}
	})
}
