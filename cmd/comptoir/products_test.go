package main

import (
	"bytes"
	"encoding/csv"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"golang.org/x/text/encoding/charmap"

	"github.com/comptoir/comptoir/mail/mailtest"
	"github.com/comptoir/comptoir/storage/storagetest"
)

// TestProductsInTheBrowser: the form takes French amounts and reports
// every bad field at once; the record shows its margin and history; the
// list finds a product without accents and hides those taken off sale.
func TestProductsInTheBrowser(t *testing.T) {
	eachEngine(t, func(t *testing.T, a *app) {
		A := a.mustTenant("Alpha", "alpha@example.fr")
		if nav := doc(t, a.get(A.Browser, "/")).Find(`nav a[href="/products"]`); nav.Length() != 1 {
			t.Error("no catalog entry in the navigation")
		}
		r := a.post(A.Browser, "/products", url.Values{"reference": {""}, "name": {"Café <script>alert(1)</script>"}, "price": {"12,345"},
			"vat_rate": {"19,6"}, "unit": {"kg"}, "purchase_price": {"abc"}, "barcode": {"123"}})
		page := doc(t, r)
		for _, f := range []string{"reference", "price", "purchase_price", "barcode"} {
			if page.Find("#f-"+f+"-error").Length() != 1 {
				t.Errorf("no error shown for %s", f)
			}
		}
		if r.Status != 422 || page.Find("#f-vat_rate.is-invalid").Length() != 1 {
			t.Fatalf("bad form: %d", r.Status)
		}
		if v, _ := page.Find("#f-price").Attr("value"); v != "12,345" {
			t.Errorf("typed price not kept: %q", v)
		}
		r = a.post(A.Browser, "/products", url.Values{"reference": {"CAF-01"}, "name": {"Café <script>alert(1)</script>"}, "price": {"24,90"},
			"vat_rate": {"5,5"}, "unit": {"kg"}, "purchase_price": {"14"}, "barcode": {"4006381333931"}, "active": {"1"}})
		if r.Status != 303 {
			t.Fatalf("create: %d %.300s", r.Status, r.Body)
		}
		href := strings.TrimSuffix(r.Header.Get("Location"), "?notice=saved")
		record := doc(t, a.get(A.Browser, href))
		margin := record.Find("#product-margin").Text()
		if !strings.Contains(margin, "10,90") || !strings.Contains(margin, "77,86") || !strings.Contains(margin, "43,78") {
			t.Errorf("margin: %q", margin)
		}
		if v, _ := record.Find(`#f-vat_rate option[selected]`).Attr("value"); v != "5.5" {
			t.Errorf("VAT rate selected: %q", v)
		}
		if record.Find("main script").Length() != 0 {
			t.Error("HTML in a name is not escaped")
		}
		list := doc(t, a.get(A.Browser, "/products?q=CAFE"))
		if rows := list.Find("#product-rows tbody tr"); rows.Length() != 1 || !strings.Contains(rows.Text(), "24,90") {
			t.Errorf("search without accents: %d rows %q", rows.Length(), rows.Text())
		}
		if r := a.post(A.Browser, href+"/active", url.Values{"active": {"0"}}); r.Status != 303 {
			t.Fatalf("deactivate: %d", r.Status)
		}
		if rows := doc(t, a.get(A.Browser, "/products?active=true")).Find("#product-rows tbody tr"); rows.Length() != 0 {
			t.Errorf("an inactive product is listed as on sale")
		}
		if h := doc(t, a.get(A.Browser, href)).Find("#history li").Length(); h != 2 {
			t.Errorf("history: %d entries", h)
		}
		if r := a.post(A.Browser, href+"/delete", nil); r.Status != 303 {
			t.Fatalf("delete: %d", r.Status)
		}
		if r := a.get(A.Browser, href); r.Status != 404 {
			t.Errorf("deleted product: %d", r.Status)
		}
	})
}

// catalogExcel is a catalog as French Excel saves it: Windows-1252, ';',
// French headers and amounts.
const catalogExcel = "Référence;Désignation;Unité;Prix HT;TVA;Prix d'achat;Code-barres;Actif\r\n" +
	"CAF-01;Café en grains \"Éthiopie\";kilo;24,90;5,5;14,00;4006381333931;oui\r\n" +
	"HUI-01;Huile d'olive;litre;18,50;5,5;;;oui\r\n" +
	"CON-01;Conseil;heure;60;20;;;oui\r\n" +
	"=cmd|' /C calc'!A0;Formule;;1;0;;;non\r\n"

func uploadProducts(t *testing.T, a *app, tn *tenant, data []byte, mode string) response {
	t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	_ = w.WriteField("mode", mode)
	fw, _ := w.CreateFormFile("file", "catalogue.csv")
	if _, err := fw.Write(data); err != nil {
		t.Fatal(err)
	}
	_ = w.Close()
	req, _ := http.NewRequest("POST", a.URL+"/products/import", &body)
	req.Header.Set("Content-Type", w.FormDataContentType())
	return a.do(tn.Browser, req)
}

// TestProductsImportExportRoundTrip: a French Excel file imports through
// the screen (a bad row rejects it, line numbers shown), exports through
// the API formula-safe, and the export imports back as updates that change
// nothing.
func TestProductsImportExportRoundTrip(t *testing.T) {
	eachEngine(t, func(t *testing.T, a *app) {
		A := a.mustTenant("Alpha", "alpha@example.fr")
		spec := openAPIValidator(t, a)
		latin1 := func(s string) []byte {
			b, err := charmap.Windows1252.NewEncoder().String(s)
			if err != nil {
				t.Fatal(err)
			}
			return []byte(b)
		}
		r := uploadProducts(t, a, A, latin1(catalogExcel+"BAD;Mauvais;kilo;-3;7;;123;oui\r\n"), "all")
		page := doc(t, r)
		if r.Status != 422 || page.Find("#import-report[data-applied=false]").Length() != 1 || !strings.Contains(page.Find("#import-errors").Text(), "6") {
			t.Fatalf("bad file: %d %s", r.Status, page.Find("main").Text())
		}
		if list := a.api("GET", "/api/v1/products", A.Token, nil); !strings.Contains(list.Body, `"data":[]`) {
			t.Fatalf("half import: %s", list.Body)
		}
		r = uploadProducts(t, a, A, latin1(catalogExcel), "all")
		if page := doc(t, r); r.Status != 200 || page.Find("#import-report[data-applied=true]").Length() != 1 {
			t.Fatalf("import: %d %s", r.Status, page.Find("main").Text())
		}
		coffee := a.api("GET", "/api/v1/products?q=ethiopie", A.Token, nil)
		if !strings.Contains(coffee.Body, `"name":"Café en grains \"Éthiopie\""`) || !strings.Contains(coffee.Body, `"price":2490`) ||
			!strings.Contains(coffee.Body, `"purchase_price":1400`) || !strings.Contains(coffee.Body, `"unit":"kg"`) {
			t.Errorf("imported: %s", coffee.Body)
		}
		export := a.api("GET", "/api/v1/products/export", A.Token, nil)
		checkResponseMatchesSpec(t, spec, scenario{name: "export products", method: "GET", path: "/api/v1/products/export"}, a.URL+"/api/v1/products/export", export)
		rows, err := csv.NewReader(strings.NewReader(export.Body)).ReadAll()
		if err != nil || len(rows) != 5 || strings.Join(rows[0], ",") != "reference,name,description,unit,price,vat_rate,purchase_price,barcode,active" {
			t.Fatalf("export: %v %v", rows, err)
		}
		if !strings.Contains(export.Body, "'=cmd") || !strings.Contains(export.Body, "CAF-01,\"Café en grains \"\"Éthiopie\"\"\",,kg,24.90,5.5,14.00,4006381333931,yes") {
			t.Errorf("export content: %s", export.Body)
		}
		before := a.api("GET", "/api/v1/products", A.Token, nil).Body
		back := a.api("POST", "/api/v1/products/import", A.Token, export.Body, "Content-Type", "text/csv")
		if back.Status != 200 || !strings.Contains(back.Body, `"created":0,"updated":4`) {
			t.Fatalf("import the export: %d %s", back.Status, back.Body)
		}
		checkResponseMatchesSpec(t, spec, scenario{name: "import products", method: "POST", path: "/api/v1/products/import"}, a.URL+"/api/v1/products/import", back)
		after := a.api("GET", "/api/v1/products", A.Token, nil).Body
		strip := func(s string) string {
			// updated_at moves with every write; the rest must not.
			out := []string{}
			for _, part := range strings.Split(s, `"updated_at":"`) {
				if i := strings.IndexByte(part, '"'); i >= 0 && len(out) > 0 {
					part = part[i:]
				}
				out = append(out, part)
			}
			return strings.Join(out, "")
		}
		if strip(before) != strip(after) {
			t.Errorf("the round trip changed the catalog:\n%s\n%s", before, after)
		}
		if ui := a.get(A.Browser, "/products/export.csv?excel=1&q=huile"); ui.Status != 200 || !strings.HasPrefix(ui.Body, "\ufeffreference;") || !strings.Contains(ui.Body, "HUI-01;") {
			t.Errorf("UI export: %d %q", ui.Status, ui.Body)
		}
		log := activityOf(t, a, A.Token)
		if log[0] != "sales export product" || log[1] != "sales import product" || log[2] != "sales export product" || log[3] != "sales import product" {
			t.Errorf("activity: %v", log[:4])
		}
	})
}

// TestProductSuppliersInTheBrowser: the product's page lists its
// suppliers and offers only contacts marked as suppliers; the form shows
// its problems beside its fields and keeps what was typed; a supplier is
// added, updated and removed. An accountant reads them, prices included,
// and changes nothing.
func TestProductSuppliersInTheBrowser(t *testing.T) {
	for _, e := range storagetest.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			t.Parallel()
			smtp := mailtest.Start(t)
			a := startApp(t, e, "--smtp", smtp.URL())
			A := a.mustTenant("Alpha", "alpha@example.fr")
			var product, mill, client struct{ ID int64 }
			a.api("POST", "/api/v1/products", A.Token, map[string]any{"reference": "CAF-01", "name": "Café", "price": 2490}).JSON(t, &product)
			a.api("POST", "/api/v1/contacts", A.Token, map[string]any{"kind": "company", "company_name": "Moulin <b>de l'Ouest</b>", "is_supplier": true}).JSON(t, &mill)
			a.api("POST", "/api/v1/contacts", A.Token, map[string]any{"last_name": "Dupré", "is_client": true}).JSON(t, &client)
			href := "/products/" + formatInt(product.ID)

			page := doc(t, a.get(A.Browser, href))
			if page.Find("#suppliers-none").Length() != 1 {
				t.Error("no empty state")
			}
			options := page.Find("#s-contact_id option[value]")
			if v, _ := options.Last().Attr("value"); options.Length() != 2 || v != formatInt(mill.ID) {
				t.Errorf("supplier choices: %d, last %q", options.Length(), v)
			}

			// A client is not a supplier; a price must be an amount.
			r := a.post(A.Browser, href+"/suppliers", url.Values{"contact_id": {formatInt(client.ID)}, "reference": {"X-1"}, "price": {"12"}})
			if r.Status != 422 || doc(t, r).Find("#s-contact_id-error").Length() != 1 {
				t.Errorf("a client as supplier: %d", r.Status)
			}
			r = a.post(A.Browser, href+"/suppliers", url.Values{"contact_id": {formatInt(mill.ID)}, "reference": {strings.Repeat("x", 65)}, "price": {"douze"}})
			page = doc(t, r)
			if r.Status != 422 || page.Find("#s-price-error").Length() != 1 || page.Find("#s-reference-error").Length() != 1 {
				t.Errorf("bad form: %d", r.Status)
			}
			if v, _ := page.Find("#s-price").Attr("value"); v != "douze" {
				t.Errorf("typed price not kept: %q", v)
			}
			if v, _ := page.Find("#s-contact_id option[selected]").Attr("value"); v != formatInt(mill.ID) {
				t.Errorf("chosen supplier not kept: %q", v)
			}

			for _, price := range []string{"12,50", "13"} {
				r = a.post(A.Browser, href+"/suppliers", url.Values{"contact_id": {formatInt(mill.ID)}, "reference": {"MO-250"}, "price": {price}})
				if r.Status != 303 || r.Header.Get("Location") != href+"?notice=saved#suppliers" {
					t.Fatalf("set: %d %s %.300s", r.Status, r.Header.Get("Location"), r.Body)
				}
			}
			rows := doc(t, a.get(A.Browser, href)).Find("#supplier-rows tbody tr")
			if rows.Length() != 1 || !strings.Contains(rows.Text(), "MO-250") || !strings.Contains(rows.Text(), "13,00") ||
				rows.Find(`a[href="/contacts/`+formatInt(mill.ID)+`"]`).Length() != 1 || rows.Find("b").Length() != 0 {
				t.Errorf("supplier rows: %d %q", rows.Length(), rows.Text())
			}

			// The writes are in the log, under Purchases.
			log := a.get(A.Browser, "/activity?module=purchases")
			if entries := doc(t, log).Find(".activity-entries li"); entries.Length() != 2 || strings.Contains(log.Body, "activity.record.") ||
				strings.Contains(log.Body, "activity.module.") || !strings.Contains(entries.Text(), "CAF-01 Café · Moulin") {
				t.Errorf("activity: %d entries %q", entries.Length(), entries.Text())
			}

			// An accountant reads the suppliers and their prices, and may
			// not change them.
			link := a.invite(t, smtp, A, "compta@example.fr", "accountant")
			if r := a.post(newBrowser(), link, url.Values{"password": {"Compta-2026-ok"}}); r.Status != 303 {
				t.Fatalf("join: %d", r.Status)
			}
			compta := a.login("compta@example.fr", "Compta-2026-ok")
			page = doc(t, a.get(compta, href))
			if rows := page.Find("#supplier-rows tbody tr"); rows.Length() != 1 || !strings.Contains(rows.Text(), "13,00") {
				t.Errorf("accountant's rows: %q", rows.Text())
			}
			if page.Find("#supplier-form").Length() != 0 || page.Find(".supplier-remove").Length() != 0 {
				t.Error("the accountant is offered to change suppliers")
			}
			if r := a.post(compta, href+"/suppliers/"+formatInt(mill.ID)+"/delete", nil); r.Status != 403 {
				t.Errorf("accountant removes: %d", r.Status)
			}

			r = a.post(A.Browser, href+"/suppliers/"+formatInt(mill.ID)+"/delete", nil)
			if r.Status != 303 || doc(t, a.get(A.Browser, href)).Find("#supplier-rows").Length() != 0 {
				t.Errorf("remove: %d", r.Status)
			}
			if r := a.post(A.Browser, href+"/suppliers/"+formatInt(mill.ID)+"/delete", nil); r.Status != 404 {
				t.Errorf("removed twice: %d", r.Status)
			}
		})
	}
}
