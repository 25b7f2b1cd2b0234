package main

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/comptoir/comptoir/pdf/pdftest"
)

// uploadAs posts a file in a multipart form with client's session.
func (a *app) uploadAs(c *http.Client, path, field, name string, content []byte) response {
	a.t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	w, err := mw.CreateFormFile(field, name)
	if err != nil {
		a.t.Fatal(err)
	}
	_, _ = w.Write(content)
	if err := mw.Close(); err != nil {
		a.t.Fatal(err)
	}
	req, err := http.NewRequest(http.MethodPost, a.URL+path, &buf)
	if err != nil {
		a.t.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return a.do(c, req)
}

// TestRegisterPages walks the register's pages as a user: the Privacy hub,
// the generated register and its checks, a sheet added and completed, the
// controller and DPO, the history, the exports and an import.
func TestRegisterPages(t *testing.T) {
	eachEngine(t, func(t *testing.T, a *app) {
		A := a.mustTenant("Alpha", "alpha@example.fr")
		c := A.Browser
		home := doc(t, a.get(c, "/"))
		if home.Find(`nav a[href="/privacy"]`).Length() != 1 || home.Find(`main a[href="/privacy"]`).Length() != 1 {
			t.Fatal("no Privacy entry in the navigation or on the home page")
		}
		hub := doc(t, a.get(c, "/privacy"))
		for _, href := range []string{"/privacy/register", "/privacy/retention", "/privacy/requests", "/privacy/breaches", "/privacy/account"} {
			if hub.Find(`#privacy-sections a[href="`+href+`"]`).Length() != 1 {
				t.Errorf("the hub has no card for %s", href)
			}
		}
		reg := doc(t, a.get(c, "/privacy/register"))
		if reg.Find(".register-sheet").Length() != 2 || reg.Find(`#sheet-users`).Length() != 1 || reg.Find(`#findings [data-code="backup_missing"]`).Length() != 1 {
			t.Fatalf("register page: %s", reg.Find("main").Text())
		}

		// A sheet added by hand: the check asks for its legal basis and
		// links to the field.
		r := a.post(c, "/privacy/register/sheets", url.Values{"name": {"Archives papier"}})
		if r.Status != 303 || r.Header.Get("Location") != "/privacy/register/sheets/archives-papier?notice=created" {
			t.Fatalf("add sheet: %d %s", r.Status, r.Header.Get("Location"))
		}
		reg = doc(t, a.get(c, "/privacy/register"))
		link := reg.Find(`#findings [data-code="legal_basis_missing"] a`)
		if href, _ := link.Attr("href"); href != "/privacy/register/sheets/archives-papier#f-legal_basis" {
			t.Fatalf("finding link %q: %s", href, reg.Find("#findings").Text())
		}
		form := doc(t, a.get(c, "/privacy/register/sheets/archives-papier"))
		if form.Find(`#f-legal_basis`).Length() != 1 || form.Find(`input[name="retention_category"]`).Length() != 1 {
			t.Fatalf("sheet form: %s", form.Find("main").Text())
		}
		basedOn, _ := form.Find(`input[name="based_on"]`).Attr("value")
		sheet := url.Values{"based_on": {basedOn}, "name": {"Archives papier"}, "legal_basis": {"Obligation légale"}, "purposes": {"Conserver les bons signés\nClasser les factures"},
			"subjects": {"Clients"}, "data": {"Identité : nom, prénom"}, "retention_category": {"Pièces comptables"}, "retention_text": {"12 ans"},
			"retention_policy": {"accounting_documents"}, "retention_years": {"12"}, "transfer_recipient": {""}, "security": {"Armoire fermée à clé"}}
		if r := a.post(c, "/privacy/register/sheets/archives-papier", sheet); r.Status != 303 {
			t.Fatalf("save sheet: %d %.300s", r.Status, r.Body)
		}
		reg = doc(t, a.get(c, "/privacy/register"))
		if got := reg.Find(`#sheet-archives-papier [data-field="legal_basis"]`).Text(); got != "Obligation légale" {
			t.Errorf("legal basis shown %q", got)
		}
		// Twelve years where the policy enforces ten: flagged.
		if reg.Find(`#findings [data-code="retention_exceeds_policy"]`).Length() != 1 {
			t.Errorf("findings: %s", reg.Find("#findings").Text())
		}
		sheet.Set("retention_years", "douze")
		if r := a.post(c, "/privacy/register/sheets/archives-papier", sheet); r.Status != 422 || doc(t, r).Find("#retention-error").Length() != 1 {
			t.Errorf("bad number: %d", r.Status)
		} else if cell := doc(t, r).Find(`input[name="retention_years"].is-invalid`); cell.AttrOr("value", "") != "douze" {
			t.Errorf("the refused cell is not shown back as typed: %d cells marked", cell.Length())
		}

		// The form was made from the version before: saving it again would
		// undo what was saved since.
		sheet.Set("retention_years", "12")
		if r := a.post(c, "/privacy/register/sheets/archives-papier", sheet); r.Status != 409 {
			t.Errorf("stale form: %d", r.Status)
		}
		sheet.Del("based_on")

		// The controller and DPO.
		ctl := url.Values{"title": {"Registre d'Alpha"}, "controller_organisation": {"Alpha"}, "controller_email": {"contact@alpha.fr"},
			"dpo_last_name": {"Martin"}, "dpo_email": {"dpo@alpha.fr"}, "preamble": {"Ce registre est tenu par Alpha."},
			"sections": {"# Mesures de sécurité\n## Accès sécurisé\nMots de passe hachés."}}
		if r := a.post(c, "/privacy/register/controller", ctl); r.Status != 303 {
			t.Fatalf("controller: %d %.300s", r.Status, r.Body)
		}
		reg = doc(t, a.get(c, "/privacy/register"))
		if !strings.Contains(reg.Find("#controller").Text(), "dpo@alpha.fr") || reg.Find(".register-section").Length() != 2 {
			t.Errorf("controller: %s", reg.Find("#controller").Text())
		}

		// History: three versions, each with its author, each exportable.
		hist := doc(t, a.get(c, "/privacy/register/history"))
		rows := hist.Find("#versions tbody tr")
		if rows.Length() != 3 || !strings.Contains(rows.First().Text(), "alpha@example.fr") {
			t.Fatalf("history: %s", hist.Find("main").Text())
		}
		first, _ := rows.Last().Attr("data-version")
		old := doc(t, a.get(c, "/privacy/register/history/"+first))
		if old.Find("#register-version").Length() != 1 || strings.Contains(old.Find("#controller").Text(), "dpo@alpha.fr") ||
			old.Find(`#history li[data-action="update"]`).Length() != 1 {
			t.Errorf("old version: %s", old.Find("main").Text())
		}
		for format, ctype := range map[string]string{"pdf": "application/pdf", "md": "text/markdown; charset=utf-8", "json": "application/json"} {
			r := a.get(c, "/privacy/register/export?format="+format)
			if r.Status != 200 || r.Header.Get("Content-Type") != ctype || !strings.HasPrefix(r.Header.Get("Content-Disposition"), "attachment") {
				t.Errorf("export %s: %d %s", format, r.Status, r.Header.Get("Content-Type"))
			}
			if format == "pdf" {
				if text := pdftest.Text(t, []byte(r.Body)); !strings.Contains(text, "Armoire fermée à clé") || !strings.Contains(text, "Martin") {
					t.Errorf("pdf: %s", text)
				}
			}
		}
		if r := a.get(c, "/privacy/register/export?format=md&version="+first); r.Status != 200 || strings.Contains(r.Body, "dpo@alpha.fr") {
			t.Errorf("export of the first version: %d", r.Status)
		}

		// Import: a bad file says where; seed 004 replaces the register.
		if r := a.uploadAs(c, "/privacy/register/import", "file", "r.json", []byte(`{"activities":[{"key":"a","name":"A","purpose":"x"}]}`)); r.Status != 422 ||
			!strings.Contains(doc(t, r).Find("#import-error").Text(), "activities[0].purpose") {
			t.Errorf("bad import: %d %s", r.Status, doc(t, r).Find("#import-error").Text())
		}
		seed, err := os.ReadFile("../../privacy/testdata/seed004.json")
		if err != nil {
			t.Fatal(err)
		}
		if r := a.uploadAs(c, "/privacy/register/import", "file", "seed004.json", seed); r.Status != 303 {
			t.Fatalf("import: %d %.300s", r.Status, r.Body)
		}
		reg = doc(t, a.get(c, "/privacy/register"))
		if reg.Find(".register-sheet").Length() != 5 || !strings.Contains(reg.Find("h1").Text(), "VRACOOP") {
			t.Errorf("after import: %s", reg.Find("h1").Text())
		}
		if r := a.post(c, "/privacy/register/sheets/consumer-app/delete", nil); r.Status != 303 {
			t.Errorf("delete: %d", r.Status)
		}
		if doc(t, a.get(c, "/privacy/register")).Find("#sheet-consumer-app").Length() != 0 {
			t.Error("deleted sheet still shown")
		}
		if r := a.get(c, "/privacy/register/sheets/nothing"); r.Status != 404 {
			t.Errorf("unknown sheet: %d", r.Status)
		}

		// The operator's register as a processor.
		if _, err := a.cli("operator", "create", "--email", "ops@example.fr", "--password", "Operer-2026-nuit"); err != nil {
			t.Fatal(err)
		}
		op := newBrowser()
		if r := a.post(op, "/operator/login", url.Values{"email": {"ops@example.fr"}, "password": {"Operer-2026-nuit"}}); r.Status != 303 {
			t.Fatalf("operator login: %d", r.Status)
		}
		if doc(t, a.get(op, "/operator")).Find(`a#processor-register`).Length() != 1 {
			t.Error("no link to the processor's register in the console")
		}
		opReg := doc(t, a.get(op, "/operator/register"))
		if opReg.Find(`#controllers li[data-account]`).Length() != 1 || !strings.Contains(opReg.Find("#controllers").Text(), "Alpha") {
			t.Errorf("processor register: %s", opReg.Find("main").Text())
		}
		if r := a.get(op, "/operator/register/export?format=pdf"); r.Status != 200 || r.Header.Get("Content-Type") != "application/pdf" {
			t.Errorf("processor pdf: %d", r.Status)
		}
		if r := a.get(c, "/operator/register"); r.Status != 303 {
			t.Errorf("a user reads the processor's register: %d", r.Status)
		}
	})
}
