package main

import (
	"context"
	"strings"
	"testing"

	cdpbrowser "github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"

	"github.com/comptoir/comptoir/pdf/pdftest"
	"github.com/comptoir/comptoir/storage/storagetest"
)

// TestBrowserDemoRegister: in a real browser, the demo account's Privacy
// page leads to a complete register (every module in use has its sheet
// with a legal basis, retention periods, recipients and security
// measures; the DPO is named) and its PDF export downloads, with no
// console error or CSP violation.
func TestBrowserDemoRegister(t *testing.T) {
	a := startApp(t, storagetest.Engines()[0])
	out, err := a.cli("demo")
	if err != nil {
		t.Fatal(err)
	}
	var email, pw string
	for _, l := range strings.Split(out, "\n") {
		if v, ok := strings.CutPrefix(strings.TrimSpace(l), "e-mail:"); ok {
			email = strings.TrimSpace(v)
		}
		if v, ok := strings.CutPrefix(strings.TrimSpace(l), "password:"); ok {
			pw = strings.TrimSpace(v)
		}
	}
	b := newBrowserSession(t)
	css := func(s string) chromedp.CSS { return chromedp.CSS(s) }
	b.run(t, "log in", b.login(a.URL, email, pw)...)
	b.run(t, "privacy",
		press(`#nav-main a[href="/privacy"]`),
		chromedp.WaitVisible(css(`#privacy-sections`)),
		press(`#privacy-sections a[href="/privacy/register"]`),
		chromedp.WaitVisible(css(`.register-sheet`)),
	)
	keys := b.strings(t, `[...document.querySelectorAll('.register-sheet')].map(s => s.dataset.key)`)
	for _, want := range []string{"sales", "purchases", "users", "activity_log", "paper"} {
		if !strings.Contains(" "+strings.Join(keys, " ")+" ", " "+want+" ") {
			t.Errorf("the demo register has no %s sheet: %v", want, keys)
		}
	}
	bases := b.strings(t, `[...document.querySelectorAll('.register-sheet [data-field="legal_basis"]')].map(d => d.textContent.trim())`)
	for i, basis := range bases {
		if basis == "" {
			t.Errorf("sheet %s has no legal basis", keys[i])
		}
	}
	if got := b.text(t, "#controller"); !strings.Contains(got, "Etcheverry") || !strings.Contains(got, "L'Épicerie du Bocal") {
		t.Errorf("controller and DPO: %q", got)
	}
	codes := b.strings(t, `[...document.querySelectorAll('#findings [data-code]')].map(f => f.dataset.code)`)
	// The demo runs on a laptop: no backup destination, no TLS, no hosting
	// provider stated — the only things to fix.
	if strings.Join(codes, " ") != "backup_missing tls_missing hosting_unknown" {
		t.Errorf("findings on the demo register: %v", codes)
	}
	downloads := t.TempDir()
	progress := chromedp.Events(b.ctx, cdpbrowser.DownloadProgress)
	b.run(t, "allow downloads",
		chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
			_, err := chromedp.Call(ctx, cdpbrowser.SetDownloadBehavior, cdpbrowser.SetDownloadBehaviorParams{
				Behavior: cdpbrowser.SetDownloadBehaviorBehaviorAllowAndName, DownloadPath: downloads, EventsEnabled: new(true)})
			return err
		}),
	)
	file := downloadFile(t, b, progress, downloads, `#register-exports a[data-format="pdf"]`)
	text := pdftest.Text(t, []byte(file))
	for _, want := range []string{"Registre des activités de traitement de L'Épicerie du Bocal", "Etcheverry", "Archives papier", "Fiche de registre de l'activité 1"} {
		if !strings.Contains(text, want) {
			t.Errorf("the PDF lacks %q", want)
		}
	}
	b.checkClean(t)
}

// strings evaluates js, which gives a list of strings, in the page.
func (b *browser) strings(t *testing.T, js string) []string {
	t.Helper()
	out, err := chromedp.Run(b.ctx, chromedp.Evaluate[[]string](js))
	if err != nil {
		t.Fatalf("%s: %v", js, err)
	}
	return out
}
