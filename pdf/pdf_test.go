package pdf

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"codeberg.org/go-pdf/fpdf"
)

// invoice is a realistic one-page invoice of n rows.
func invoice(n int) Document {
	d := Document{
		Title:  "FACTURE",
		Number: "F-2026-0042",
		Facts: [][2]string{
			{"Date de facture", "15/03/2026"},
			{"Échéance", "14/04/2026"},
			{"Référence client", "CL-0007"},
			{"Référence de paiement", "RF18 5390 0754 7034"},
		},
		Seller: Party{Name: "Atelier Dupré & Fils SARL", Lines: []string{
			"12 rue de l'Église", "69002 Lyon", "SIRET 123 456 789 00012", "TVA FR40 123456789"}},
		Buyer: Party{Title: "Client", Name: "Дмитрий Ωμέγα Œuvres", Lines: []string{
			"8 avenue des Cœurs", "75011 Paris", "France"}},
		Extra: &Party{Title: "Livraison", Name: "Entrepôt Nord", Lines: []string{"ZI des Forges", "59000 Lille"}},
		Columns: []Column{
			{Title: "Désignation", Width: 50},
			{Title: "Qté", Width: 8, Align: "R"},
			{Title: "Unité", Width: 9},
			{Title: "PU HT", Width: 13, Align: "R"},
			{Title: "TVA", Width: 8, Align: "R"},
			{Title: "Total HT", Width: 14, Align: "R"},
		},
		Taxes: &Table{
			Columns: []Column{{Title: "Taux"}, {Title: "Base HT", Align: "R"}, {Title: "TVA", Align: "R"}},
			Rows: []Row{
				{Cells: []string{"20 %", "1 000,00 €", "200,00 €"}},
				{Cells: []string{"5,5 %", "100,00 €", "5,50 €"}},
			},
		},
		Totals: [][2]string{
			{"Total HT", "1 100,00 €"}, {"TVA", "205,50 €"}, {"Net à payer", "1 305,50 €"},
		},
		Notes:    []string{"« Société » : paiement à 30 jours par virement. Pas d'escompte pour paiement anticipé."},
		Mentions: []string{"En cas de retard de paiement, une pénalité égale à trois fois le taux d'intérêt légal est exigible, ainsi qu'une indemnité forfaitaire de 40 € pour frais de recouvrement."},
		Bank:     []string{"IBAN FR76 3000 6000 0112 3456 7890 189", "BIC AGRIFRPP", "Référence à rappeler : RF18 5390 0754 7034"},
		Footer:   []string{"Atelier Dupré & Fils SARL au capital de 10 000 € · RCS Lyon 123 456 789 · SIRET 123 456 789 00012 · TVA FR40 123456789"},
	}
	for i := range n {
		d.Rows = append(d.Rows, Row{Kind: RowItem, Cells: []string{
			fmt.Sprintf("Prestation n° %d : réglage de la bobineuse", i+1), "2", "h", "55,00 €", "20 %", "110,00 €"}})
	}
	return d
}

func render(t testing.TB, d Document, o Options) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := Render(&buf, d, o); err != nil {
		t.Fatalf("Render: %v", err)
	}
	return buf.Bytes()
}

// tool returns the path of a poppler or qpdf command; the tests that need it
// are skipped without it, except in CI, which installs it.
func tool(t *testing.T, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is required in CI: %v", name, err)
		}
		t.Skipf("%s not installed", name)
	}
	return p
}

// check runs qpdf --check on a file.
func check(t *testing.T, file string) {
	t.Helper()
	if out, err := exec.Command(tool(t, "qpdf"), "--check", file).CombinedOutput(); err != nil {
		t.Fatalf("qpdf --check: %v\n%s", err, out)
	}
}

// text extracts the text of pages first to last (0: all) of a file.
func text(t *testing.T, file string, first, last int) string {
	t.Helper()
	args := []string{"-layout", "-enc", "UTF-8"}
	if first > 0 {
		args = append(args, "-f", strconv.Itoa(first), "-l", strconv.Itoa(last))
	}
	out, err := exec.Command(tool(t, "pdftotext"), append(args, file, "-")...).Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return string(out)
}

// write saves a PDF in a temporary file, and in COMPTOIR_TEST_ARTIFACTS when set.
func write(t *testing.T, name string, b []byte) string {
	t.Helper()
	file := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(file, b, 0o600); err != nil {
		t.Fatal(err)
	}
	if dir := os.Getenv("COMPTOIR_TEST_ARTIFACTS"); dir != "" {
		_ = os.WriteFile(filepath.Join(dir, name), b, 0o600)
	}
	return file
}

func logo(t testing.TB, format string) []byte {
	img := image.NewNRGBA(image.Rect(0, 0, 240, 80))
	for y := range 80 {
		for x := range 240 {
			img.Set(x, y, color.NRGBA{uint8(x), 60, 140, uint8(255 - y)})
		}
	}
	var buf bytes.Buffer
	var err error
	if format == "png" {
		err = png.Encode(&buf, img)
	} else {
		err = jpeg.Encode(&buf, img, nil)
	}
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestRender(t *testing.T) {
	want := []string{"FACTURE", "N° F-2026-0042", "Échéance", "€", "é", "Ωμέγα", "Дмитрий", "Œuvres", "« Société »",
		"Cœurs", "Désignation", "réglage de la bobineuse", "Net à payer", "1 305,50 €", "IBAN FR76", "RCS Lyon",
		"Entrepôt Nord", "Page 1/1", "<script>alert('x')</script>", "Taux"}
	for _, layout := range []string{"classic", "modern"} {
		for _, lg := range []string{"", "png", "jpeg"} {
			for _, locale := range []string{"fr", "en"} {
				name := fmt.Sprintf("%s-%s-%s", layout, locale, lg)
				t.Run(name, func(t *testing.T) {
					d := invoice(10)
					d.Notes = append(d.Notes, "<script>alert('x')</script>")
					if lg != "" {
						d.Logo = logo(t, lg)
					}
					file := write(t, "invoice-"+name+".pdf", render(t, d, Options{Layout: layout, Locale: locale, Accent: "#0B6E4F"}))
					check(t, file)
					got := text(t, file, 0, 0)
					for _, w := range want {
						if locale == "en" {
							w = strings.NewReplacer("Page 1/1", "Page 1 of 1", "N°", "No.").Replace(w)
						}
						if !strings.Contains(got, w) {
							t.Errorf("%q missing from the text:\n%s", w, got)
						}
					}
				})
			}
		}
	}
}

// TestFontPath checks that a document all in Windows-1252 is rendered with
// the classic fonts and any other with the Unicode ones, and that both give
// back their text.
func TestFontPath(t *testing.T) {
	latinWords := []string{"Dumont’s Œuvres", "€", "é", "œ", "« Société »", "’", "Net à payer", "1 305,50 €", "Page 1/1"}
	tests := []struct {
		name   string
		edit   func(d *Document)
		locale string
		simple bool
		want   []string
	}{
		{"French", func(*Document) {}, "fr", true, latinWords},
		{"English words", func(*Document) {}, "en", true, []string{"Dumont’s Œuvres", "No. F-2026-0042", "Page 1 of 1"}},
		{"every Windows-1252 character", func(d *Document) {
			d.Notes = append(d.Notes, "€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ", "x\u00a0¡¢£¤¥¦§¨©ª«¬\u00ad®¯°±²³´µ¶·¸¹º»¼½¾¿",
				"ÀÁÂÃÄÅÆÇÈÉÊËÌÍÎÏÐÑÒÓÔÕÖ×ØÙÚÛÜÝÞßàáâãäåæçèéêëìíîïðñòóôõö÷øùúûüýþÿ")
		}, "fr", true, []string{"€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ", "¡¢£¤¥¦§¨©ª«¬", "®¯°±²³´µ¶·¸¹º»¼½¾¿",
			"ÀÁÂÃÄÅÆÇÈÉÊËÌÍÎÏÐÑÒÓÔÕÖ×ØÙÚÛÜÝÞßàáâãäåæçèéêëìíîïðñòóôõö÷øùúûüýþÿ"}},
		{"italic comment", func(d *Document) {
			d.Rows = append(d.Rows, Row{Kind: RowComment, Cells: []string{"« l’œuvre » coûte 5 €"}})
		}, "fr", true, []string{"« l’œuvre » coûte 5 €"}},
		{"control characters cleaned", func(d *Document) { d.Notes = []string{"a\x00b\tc\u0085d"} }, "fr", true, []string{"ab cd"}},
		{"Cyrillic buyer", func(d *Document) { d.Buyer.Name = "Дмитрий Œuvres" }, "fr", false, []string{"Дмитрий Œuvres", "€", "« Société »"}},
		{"Greek in a row", func(d *Document) { d.Rows[0].Cells[0] = "Ωμέγα" }, "fr", false, []string{"Ωμέγα", "Dumont’s Œuvres"}},
		{"Polish in the footer", func(d *Document) { d.Footer = []string{"Łódź"} }, "fr", false, []string{"Łódź"}},
		{"character out of the fonts", func(d *Document) { d.Notes = []string{"中文"} }, "fr", false, []string{"\ufffd\ufffd"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := latinInvoice(3)
			tt.edit(&d)
			b := render(t, d, Options{Locale: tt.locale})
			if simple := bytes.Contains(b, []byte("/BaseFont /CPTRAA+DejaVuSans")); simple != tt.simple {
				t.Errorf("classic fonts used: %v, want %v", simple, tt.simple)
			}
			if unicode := bytes.Contains(b, []byte("/Subtype /Type0")); unicode == tt.simple {
				t.Errorf("Unicode fonts used: %v, want %v", unicode, !tt.simple)
			}
			file := write(t, "path-"+strings.ReplaceAll(tt.name, " ", "-")+".pdf", b)
			check(t, file)
			got := text(t, file, 0, 0)
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("%q missing from the text:\n%s", w, got)
				}
			}
		})
	}
}

// TestSplitText checks that the classic fonts break lines where fpdf breaks
// them with the Unicode fonts, so that both paths lay a page out alike.
func TestSplitText(t *testing.T) {
	f := fpdf.New("P", "mm", "A4", "")
	f.SetCellMargin(0) // as the renderer does
	ff := fonts()
	texts := []string{
		"Une note très longue qui doit passer à la ligne plusieurs fois, avec des guillemets « français », des apostrophes ’ et des œufs.",
		"Prestation n° 10 : réglage de la bobineuse — 1 305,50 € … «fin»",
		"Motsansespacesbeaucouptroplongpourtenirdanslacellulemêmesurtouteunelargeur",
		"  espaces  multiples\u00a0insécables   ",
		"SIRET\u00a0853\u00a0217\u00a0644\u00a000014 · N° TVA FR12853217644 · 1\u00a0828\u00a0657,86\u00a0€",
		"",
	}
	for _, st := range []string{"", "B", "I"} {
		f.AddUTF8FontFromBytes(family, st, ff[st])
		for _, size := range []float64{7, 9, 11, 22} {
			f.SetFont(family, st, size)
			_, unit := f.GetFontSize()
			for _, s := range texts {
				for _, w := range []float64{3, 12.5, 30, 47.3, 90, 180} {
					want := splitUTF8(f, s, w)
					got := splitText(s, w, unit, &simpleFonts()[st].w)
					if !slices.Equal(got, want) {
						t.Errorf("style %q size %v width %v: %q\n got %q\nwant %q", st, size, w, s, got, want)
					}
					// fpdf breaks at no-break spaces too; elsewhere the same.
					if !strings.ContainsRune(s, '\u00a0') {
						if fp := f.SplitText(s, w); !slices.Equal(want, fp) {
							t.Errorf("style %q size %v width %v: %q\n got %q\nfpdf %q", st, size, w, s, want, fp)
						}
					}
				}
			}
		}
	}
}

// TestNoBreakSpacesHold: a line never breaks at a no-break space, so an
// identifier or an amount written with them stays whole.
func TestNoBreakSpacesHold(t *testing.T) {
	f := fpdf.New("P", "mm", "A4", "")
	f.SetCellMargin(0)
	f.AddUTF8FontFromBytes(family, "", fonts()[""])
	f.SetFont(family, "", 9)
	_, unit := f.GetFontSize()
	s := "Société · SIRET\u00a0853\u00a0217\u00a0644\u00a000014 · 1\u00a0828\u00a0657,86\u00a0€"
	for _, w := range []float64{25, 40, 60} {
		for _, lines := range [][]string{splitUTF8(f, s, w), splitText(s, w, unit, &simpleFonts()[""].w)} {
			for _, l := range lines {
				if strings.HasPrefix(l, "853") || strings.HasPrefix(l, "00014") || strings.HasPrefix(l, "657") {
					t.Errorf("width %v: broken at a no-break space: %q", w, lines)
				}
			}
		}
	}
}

func TestPages(t *testing.T) {
	long := strings.Repeat("Une description très longue qui doit passer à la ligne plusieurs fois. ", 12)
	tall := strings.Repeat("ligne\n", 150) + "fin de la ligne géante"
	tests := []struct {
		name   string
		rows   func(d *Document)
		pages  int    // at least
		expect string // somewhere in the text
	}{
		{"120 rows", func(d *Document) { *d = invoice(120) }, 3, "Prestation n° 120"},
		{"sections and comments", func(d *Document) {
			*d = invoice(60)
			d.Rows = append([]Row{{Kind: RowSection, Cells: []string{"Lot 1 :", "atelier"}}, {Kind: RowComment, Cells: []string{"Selon devis D-12"}}}, d.Rows...)
			d.Rows = append(d.Rows, Row{Kind: RowSubtotal, Cells: []string{"Sous-total lot 1", "", "", "", "", "6 600,00 €"}})
		}, 2, "Lot 1 : atelier"},
		{"long descriptions", func(d *Document) {
			*d = invoice(30)
			for i := range d.Rows {
				d.Rows[i].Cells[0] = long
			}
		}, 4, "plusieurs fois"},
		{"row taller than a page", func(d *Document) {
			*d = invoice(3)
			d.Rows[1].Cells[0] = tall
		}, 2, "fin de la ligne géante"},
	}
	for _, tt := range tests {
		for _, layout := range []string{"classic", "modern"} {
			t.Run(tt.name+"/"+layout, func(t *testing.T) {
				var d Document
				tt.rows(&d)
				file := write(t, strings.ReplaceAll(tt.name, " ", "-")+"-"+layout+".pdf", render(t, d, Options{Layout: layout}))
				check(t, file)
				all := text(t, file, 0, 0)
				if !strings.Contains(all, tt.expect) {
					t.Errorf("%q missing", tt.expect)
				}
				n := pageCount(t, all)
				if n < tt.pages {
					t.Fatalf("%d pages, want at least %d", n, tt.pages)
				}
				for p := 1; p <= n; p++ {
					page := text(t, file, p, p)
					for _, w := range []string{fmt.Sprintf("Page %d/%d", p, n), "RCS Lyon"} {
						if !strings.Contains(page, w) {
							t.Errorf("page %d: %q missing", p, w)
						}
					}
					// Every page but the last holds table rows under a repeated header.
					if p < n && !strings.Contains(page, "Désignation") {
						t.Errorf("page %d: table header missing:\n%s", p, page)
					}
					if p > 1 && !strings.Contains(page, "(suite)") {
						t.Errorf("page %d: compact header missing", p)
					}
				}
				if tt.name == "120 rows" {
					// Rows are whole and in order: every number once.
					for i := 1; i <= 120; i++ {
						if c := strings.Count(all, fmt.Sprintf("Prestation n° %d :", i)); c != 1 {
							t.Errorf("row %d printed %d times", i, c)
						}
					}
				}
			})
		}
	}
}

var pageRE = regexp.MustCompile(`Page 1/(\d+)`)

func pageCount(t *testing.T, s string) int {
	m := pageRE.FindStringSubmatch(s)
	if m == nil {
		t.Fatalf("no page number in:\n%s", s)
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

func TestMinimalAndEmpty(t *testing.T) {
	for name, d := range map[string]Document{
		"empty":      {},
		"letter":     {Title: "MISE EN DEMEURE", Seller: Party{Name: "A"}, Intro: []string{"Madame, Monsieur,", "", strings.Repeat("Par la présente, nous vous mettons en demeure. ", 200)}, Signature: "Le gérant"},
		"no columns": {Rows: []Row{{Cells: []string{"a", "b", "c"}}, {Cells: []string{"d"}}}},
	} {
		t.Run(name, func(t *testing.T) {
			file := write(t, name+".pdf", render(t, d, Options{}))
			check(t, file)
		})
	}
}

func TestOptions(t *testing.T) {
	d := invoice(1)
	for _, tt := range []struct {
		o    Options
		want string
	}{
		{Options{Accent: "blue"}, "#RRGGBB"},
		{Options{Accent: "#12345"}, "#RRGGBB"},
		{Options{Accent: "#12345G"}, "hexadecimal"},
		{Options{Layout: "fancy"}, `"classic" or "modern"`},
		{Options{Locale: "de"}, `"fr" or "en"`},
	} {
		err := Render(&bytes.Buffer{}, d, tt.o)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%+v: error %v, want it to mention %s", tt.o, err, tt.want)
		}
	}
	d.Logo = []byte("GIF89a")
	if err := Render(&bytes.Buffer{}, d, Options{}); err == nil || !strings.Contains(err.Error(), "logo") {
		t.Errorf("GIF logo: error %v", err)
	}
	d.Logo = logo(t, "png")[:100]
	if err := Render(&bytes.Buffer{}, d, Options{}); err == nil {
		t.Error("truncated PNG logo: no error")
	}
	if err := Render(&bytes.Buffer{}, invoice(1), Options{Accent: "#a1B2c3", Layout: "modern", Locale: "en"}); err != nil {
		t.Errorf("valid options: %v", err)
	}
}

func TestDeterministicAndMetadata(t *testing.T) {
	d := invoice(5)
	a, b := render(t, d, Options{}), render(t, d, Options{})
	if !bytes.Equal(a, b) {
		t.Error("two renders of the same document differ")
	}
	created := time.Date(2026, 3, 15, 10, 30, 0, 0, time.UTC)
	c := render(t, d, Options{Created: created})
	if !bytes.Contains(c, []byte("D:20260315103000")) {
		t.Error("creation date not written")
	}
	file := write(t, "meta.pdf", c)
	out, err := exec.Command(tool(t, "pdfinfo"), file).Output()
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range []string{`Title: +FACTURE F-2026-0042\n`, `Author: +Atelier Dupré & Fils SARL\n`, `Pages: +1\n`, `\(A4\)`} {
		if !regexp.MustCompile(w).Match(out) {
			t.Errorf("pdfinfo: %q missing:\n%s", w, out)
		}
	}
}

func sane(b []byte) bool {
	return bytes.HasPrefix(b, []byte("%PDF-")) && bytes.HasSuffix(bytes.TrimRight(b, "\r\n"), []byte("%%EOF"))
}

func FuzzRender(f *testing.F) {
	f.Add("FACTURE", "Ωμέγα Дмитрий € œ « »", "<script>alert(1)</script>", "#1F3A5F", 3)
	f.Add("", "\x00\xff\xfe\n\r\t", "{nb} (paren) \\ back", "", 0)
	f.Add("😀 𝔘 中文 عربى", strings.Repeat("x", 600), "\u202e\ue000", "#ffffff", 40)
	f.Fuzz(func(t *testing.T, title, cell, note, accent string, n int) {
		// Keep each run small: 5,000 characters in seven narrow cells of
		// many rows make thousands of pages, slowly but correctly.
		cut := func(s string) string { return s[:min(len(s), 600)] }
		title, cell, note = cut(title), cut(cell), cut(note)
		d := invoice(min(max(n, 0), 40))
		d.Title, d.Number, d.Buyer.Name = title, cell, cell
		d.Facts = append(d.Facts, [2]string{title, note})
		d.Rows = append(d.Rows, Row{Kind: RowSection, Cells: []string{title}}, Row{Kind: RowComment, Cells: []string{note}},
			Row{Cells: []string{cell, note, title, cell, cell, cell, cell}})
		d.Columns[0].Title = note
		d.Totals = append(d.Totals, [2]string{title, cell})
		d.Notes, d.Mentions, d.Footer, d.Bank = []string{note}, []string{cell}, []string{title}, []string{note}
		d.Signature = note
		var buf bytes.Buffer
		if err := Render(&buf, d, Options{Layout: []string{"classic", "modern"}[n&1]}); err != nil {
			t.Fatalf("Render: %v", err)
		}
		if !sane(buf.Bytes()) {
			t.Fatal("output is not a PDF")
		}
		// A bad accent is an error, never a panic.
		_ = Render(&bytes.Buffer{}, Document{Title: title}, Options{Accent: accent})
	})
}

// latinInvoice is invoice(n) with only characters of Windows-1252 (French
// text with €, œ, « » and ’), the common case.
func latinInvoice(n int) Document {
	d := invoice(n)
	d.Buyer.Name = "Dumont’s Œuvres"
	return d
}

// BenchmarkRender renders a one-page invoice in each layout, in French
// ("latin": Windows-1252 only) and with a Greek and Cyrillic buyer ("mixed").
func BenchmarkRender(b *testing.B) {
	for _, layout := range []string{"classic", "modern"} {
		for _, text := range []string{"latin", "mixed"} {
			b.Run(layout+"/"+text, func(b *testing.B) {
				d := invoice(10)
				if text == "latin" {
					d = latinInvoice(10)
				}
				d.Logo = logo(b, "png")
				b.ReportAllocs()
				for b.Loop() {
					render(b, d, Options{Layout: layout})
				}
				b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "renders/s")
			})
		}
	}
}

// BenchmarkRenderUncutFonts is BenchmarkRender/classic/mixed with the whole
// DejaVu files given to fpdf, as before they were cut once per process.
func BenchmarkRenderUncutFonts(b *testing.B) {
	saved := fonts
	fonts = func() map[string][]byte {
		return map[string][]byte{"": sansTTF, "B": sansBoldTTF, "I": sansObliqueTTF}
	}
	defer func() { fonts = saved }()
	d := invoice(10)
	d.Logo = logo(b, "png")
	b.ReportAllocs()
	for b.Loop() {
		render(b, d, Options{})
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "renders/s")
}

// BenchmarkRender10000 renders 10,000 invoices and reports the heap in use
// before and after (run with -benchtime=1x): it must stay flat.
func BenchmarkRender10000(b *testing.B) {
	d := latinInvoice(10)
	d.Logo = logo(b, "png")
	heap := func() float64 {
		runtime.GC()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		return float64(m.HeapInuse) / (1 << 20)
	}
	render(b, d, Options{}) // the fonts are prepared once per process
	before := heap()
	start := time.Now()
	for b.Loop() {
		for range 10000 {
			render(b, d, Options{})
		}
	}
	b.ReportMetric(10000*float64(b.N)/time.Since(start).Seconds(), "renders/s")
	b.ReportMetric(before, "MiB-heap-before")
	b.ReportMetric(heap(), "MiB-heap-after")
}
