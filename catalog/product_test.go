package catalog

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/comptoir/comptoir/errs"
	"github.com/comptoir/comptoir/sheet"
	"github.com/comptoir/comptoir/vat"
)

func TestValidateReportsEveryField(t *testing.T) {
	p := Product{Reference: " ", Name: strings.Repeat("é", 201), Description: strings.Repeat("x", 2001), Unit: "crate",
		Price: -1, VATRate: 1960, PurchasePrice: MaxPrice + 1, Barcode: "4006381333932"}
	err := p.Validate()
	want := map[string]string{"reference": "required", "name": "too_long", "description": "too_long", "unit": "invalid_unit",
		"price": "negative", "vat_rate": "invalid_vat_rate", "purchase_price": "out_of_range", "barcode": "invalid_barcode"}
	got := map[string]string{}
	for _, f := range errs.FieldsOf(err) {
		got[f.Field] = f.Code
	}
	if len(got) != len(want) {
		t.Fatalf("fields %v, want %v", got, want)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s: %q, want %q", k, got[k], v)
		}
	}
	if !errs.Is(err, errs.Invalid) {
		t.Errorf("kind %v", errs.KindOf(err))
	}
}

func TestValidateNormalizes(t *testing.T) {
	p := New()
	p.Reference, p.Name, p.Unit, p.Price, p.Barcode = "  CAF-01 ", " Café en grains ", "kg", 2490, "4006 3813 3393 1"
	if err := p.Validate(); err != nil {
		t.Fatal(err)
	}
	if p.Reference != "CAF-01" || p.Name != "Café en grains" || p.Barcode != "4006381333931" || !p.SoldByWeight {
		t.Errorf("normalized: %+v", p)
	}
	if p.SortKey() != "cafe en grains" || !strings.Contains(p.SearchText(), "caf-01") {
		t.Errorf("keys: %q %q", p.SortKey(), p.SearchText())
	}
	if p.PriceInclVAT() != 2988 {
		t.Errorf("incl. VAT: %d", p.PriceInclVAT())
	}
	p.Unit = "hour"
	if err := p.ValidateRates([]vat.Rate{vat.Standard}); err != nil || p.SoldByWeight {
		t.Errorf("by the hour: %v %v", err, p.SoldByWeight)
	}
}

func TestMargins(t *testing.T) {
	p := Product{Price: 1500, PurchasePrice: 1000}
	if m := p.Margin(); m != 500 {
		t.Errorf("margin %d", m)
	}
	if r, ok := p.MarginRate(); !ok || r != 5000 {
		t.Errorf("margin rate %d %v", r, ok)
	}
	if r, ok := p.MarkupRate(); !ok || r != 3333 {
		t.Errorf("markup rate %d %v", r, ok)
	}
	// 2/3 of a percent rounds half away from zero, losses too.
	p = Product{Price: 100, PurchasePrice: 300}
	if r, _ := p.MarginRate(); r != -6667 {
		t.Errorf("loss rate %d", r)
	}
	if r, _ := p.MarkupRate(); r != -20000 {
		t.Errorf("loss markup %d", r)
	}
	if _, ok := (Product{Price: 100}).MarginRate(); ok {
		t.Error("a margin without a purchase price")
	}
	if _, ok := (Product{PurchasePrice: 100}).MarkupRate(); ok {
		t.Error("a markup rate on a zero price")
	}
	// The largest prices stay exact.
	p = Product{Price: MaxPrice, PurchasePrice: 1}
	if r, _ := p.MarginRate(); r != int64(MaxPrice-1)*10000 {
		t.Errorf("large rate %d", r)
	}
}

func TestCheckBarcode(t *testing.T) {
	for _, ok := range []string{"4006381333931", "96385074", "036000291452", "3 760 123 456 784"} {
		if _, err := CheckBarcode(ok); err != nil {
			t.Errorf("%s: %v", ok, err)
		}
	}
	for _, bad := range []string{"4006381333932", "96385075", "036000291453", "123", "40063813339a1", "", "12345678901234", "٤٠٠٦٣٨١٣٣٣٩٣١"} {
		if _, err := CheckBarcode(bad); !errors.Is(err, ErrBarcode) {
			t.Errorf("%s accepted", bad)
		}
	}
}

// FuzzCheckBarcode: whatever the input, no panic; an accepted code has 8,
// 12 or 13 digits and its own check digit, and any other last digit is
// refused.
func FuzzCheckBarcode(f *testing.F) {
	for _, s := range []string{"4006381333931", "96385074", "036000291452", "0", "", "4006-3813-3393-1", "\u00a0"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		code, err := CheckBarcode(s)
		if err != nil {
			return
		}
		if n := len(code); n != 8 && n != 12 && n != 13 {
			t.Fatalf("%q accepted with %d characters", s, n)
		}
		body := code[:len(code)-1]
		if CheckDigit(body) != code[len(code)-1] {
			t.Fatalf("%q: check digit", s)
		}
		for d := byte('0'); d <= '9'; d++ {
			if d != code[len(code)-1] {
				if _, err := CheckBarcode(body + string(d)); err == nil {
					t.Fatalf("%q accepted with check digit %c", body, d)
				}
			}
		}
	})
}

func TestMapHeaderAndRow(t *testing.T) {
	fields, unknown := MapHeader([]string{"\ufeffRéférence", "Désignation", "Unité", "Prix HT", "Taux de TVA", "Prix d'achat", "Code-barres", "Actif", "Couleur"})
	want := []string{"reference", "name", "unit", "price", "vat_rate", "purchase_price", "barcode", "active", ""}
	if strings.Join(fields, ",") != strings.Join(want, ",") || len(unknown) != 1 || unknown[0] != "Couleur" {
		t.Fatalf("fields %v unknown %v", fields, unknown)
	}
	in, fe := InputFromRow(fields, []string{"CAF-01", "Café", "Kilo", "1 234,56", "5,5 %", "12.5", "4006381333931", "non", "rouge"})
	if len(fe) != 0 {
		t.Fatal(fe)
	}
	p := New()
	in.Apply(&p)
	if err := p.Validate(); err != nil {
		t.Fatal(err)
	}
	if p.Unit != "kg" || p.Price != 123456 || p.VATRate != 550 || p.PurchasePrice != 1250 || p.Active {
		t.Errorf("row: %+v", p)
	}
	_, fe = InputFromRow(fields, []string{"X", "Y", "", "12,345", "vingt", "-", "", "peut-être"})
	codes := map[string]string{}
	for _, e := range fe {
		codes[e.Field] = e.Code
	}
	if codes["price"] != "too_many_decimals" || codes["vat_rate"] != "invalid_vat_rate" || codes["purchase_price"] != "not_a_number" || codes["active"] != "invalid_boolean" {
		t.Errorf("codes %v", codes)
	}
}

// FuzzImportRow reads arbitrary bytes as a products CSV, as an import
// does. Nothing may panic, and a row that validates must come back
// identical through Row and InputFromRow (what an export then an import
// does).
func FuzzImportRow(f *testing.F) {
	f.Add([]byte("Référence;Désignation;Unité;Prix HT;TVA\nCAF-01;Café;kg;24,90;5,5\n"))
	f.Add([]byte("reference,name,price,vat_rate,barcode,active\nA,B,1.5,20,96385074,yes\n"))
	f.Add([]byte("ref,nom,prix\n\"x\n\",\"=1+1\",-3\n"))
	f.Add([]byte("\xef\xbb\xbfcode\tlibellé\ttarif\r\n1\tthé\t1 000\r\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := sheet.NewReader(bytes.NewReader(data))
		if err != nil {
			return
		}
		header, _, err := r.Read()
		if err != nil {
			return
		}
		fields, _ := MapHeader(header)
		for range 50 {
			row, _, err := r.Read()
			if errors.Is(err, io.EOF) || err != nil {
				return
			}
			in, fe := InputFromRow(fields, row)
			p := New()
			in.Apply(&p)
			if err := p.Validate(); err != nil || len(fe) > 0 {
				continue
			}
			back, fe := InputFromRow(Columns, p.Row())
			q := New()
			back.Apply(&q)
			if err := q.Validate(); err != nil || len(fe) > 0 {
				t.Fatalf("%+v does not read back: %v %v", p, err, fe)
			}
			if q != p {
				t.Fatalf("round trip:\n%+v\n%+v", p, q)
			}
		}
	})
}
