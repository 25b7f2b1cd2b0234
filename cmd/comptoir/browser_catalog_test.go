package main

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/comptoir/comptoir/storage/storagetest"
)

// TestBrowserCatalog: in a real browser, a product is added through the
// form with a French price and the VAT rate select, its page shows the
// margin, and the list narrows as you type, with no console error or CSP
// violation.
func TestBrowserCatalog(t *testing.T) {
	a := startApp(t, storagetest.Engines()[0])
	A := a.mustTenant("Alpha", "alpha@example.fr")
	if r := a.api("POST", "/api/v1/products", A.Token, map[string]any{"reference": "LIV", "name": "Livraison", "unit": "flat", "price": 1200}); r.Status != 201 {
		t.Fatalf("create: %d %s", r.Status, r.Body)
	}
	b := newBrowserSession(t)
	css := func(s string) chromedp.CSS { return chromedp.CSS(s) }
	b.run(t, "log in", b.login(a.URL, A.Email, A.Password)...)
	b.run(t, "new product",
		chromedp.Click(css(`#nav-main a[href="/products"]`)),
		chromedp.WaitVisible(css(`#product-rows tbody tr`)),
		chromedp.Navigate(a.URL+"/products/new"),
		chromedp.WaitVisible(css(`#f-reference`)),
		chromedp.SendKeys(css(`#f-reference`), "CAF-01"),
		chromedp.SendKeys(css(`#f-name`), "Café en grains"),
		chromedp.SendKeys(css(`#f-price`), "24,90"),
		chromedp.SetValue(css(`#f-vat_rate`), "5.5"),
		chromedp.SetValue(css(`#f-unit`), "kg"),
		chromedp.SendKeys(css(`#f-purchase_price`), "14"),
		chromedp.Submit(css(`#product-form button[type=submit]`)),
		chromedp.WaitVisible(css(`#product-margin`)),
	)
	if got := b.text(t, "#product-margin"); !strings.Contains(got, "10,90") {
		t.Errorf("margin: %q", got)
	}
	b.run(t, "to the list",
		chromedp.Navigate(a.URL+"/products"),
		chromedp.WaitVisible(css(`#product-rows tbody tr`)),
		chromedp.SendKeys(css(`#product-search`), "cafe"),
	)
	b.waitText(t, "#product-rows", func(rows string) bool {
		return strings.Contains(rows, "Café en grains") && !strings.Contains(rows, "Livraison")
	})
	b.checkClean(t)
}
