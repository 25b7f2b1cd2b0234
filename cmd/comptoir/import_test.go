package main

import (
	"bytes"
	"encoding/csv"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"golang.org/x/text/encoding/charmap"

	"github.com/comptoir/comptoir/storage/storagetest"
)

// frenchExcel is what French Excel saves as "CSV (séparateur: point-virgule)":
// Windows-1252, ';', CRLF, a quoted newline.
const frenchExcel = "Civilité;Nom;Prénom;Société;E-mail;Téléphone;Adresse;Code postal;Ville;Étiquettes;Rôle;Commentaires\r\n" +
	"Mme;Dupré;Hélène;;helene@example.fr;06 12 34 56 78;\"12 rue du Port\r\nBâtiment B\";64100;Bayonne;bio, vrac;client;Préfère le mardi\r\n" +
	"M.;Lefèvre;Jérôme;Épicerie Lefèvre;jerome@example.fr;;;33000;Bordeaux;;prospect;\r\n" +
	";;;Moulin de l'Ouest;contact@moulin.example;;;;Nantes;;fournisseur;\r\n" +
	"M.;Martin;Paul;;HELENE@example.fr;;;;;;client;\r\n"

func writeLatin1(t *testing.T, s string) string {
	t.Helper()
	b, err := charmap.Windows1252.NewEncoder().String(s)
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "contacts.csv")
	if err := os.WriteFile(p, []byte(b), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestImportExportCommands(t *testing.T) {
	eachEngine(t, func(t *testing.T, a *app) {
		A := a.mustTenant("Alpha", "alpha@example.fr")
		// A bad row rejects the whole file: nothing is written.
		bad := writeLatin1(t, frenchExcel+"M.;Bad;Row;;not-an-email;;;;;;;\r\n")
		out, err := a.cli("import", "contacts", bad, "--account", A.ID)
		if err == nil || !strings.Contains(err.Error(), "nothing imported") {
			t.Fatalf("bad file: %q %v", out, err)
		}
		if r := a.api("GET", "/api/v1/contacts", A.Token, nil); !strings.Contains(r.Body, `"data":[]`) {
			t.Fatalf("half import: %s", r.Body)
		}
		out, err = a.cli("import", "contacts", bad, "--account", A.ID, "--skip-bad")
		if err != nil || !strings.Contains(out, "5 rows (windows-1252, delimiter \";\"): 3 created, 1 duplicates skipped, 1 with errors") {
			t.Fatalf("import: %q %v", out, err)
		}
		r := a.api("GET", "/api/v1/contacts?q=helene", A.Token, nil)
		if !strings.Contains(r.Body, `"line1":"12 rue du Port\nBâtiment B"`) || !strings.Contains(r.Body, `"tags":["bio","vrac"]`) || !strings.Contains(r.Body, `"civility":"Mme"`) {
			t.Errorf("imported contact: %s", r.Body)
		}
		csvOut, err := a.cli("export", "contacts", "--account", A.ID)
		if err != nil {
			t.Fatal(err)
		}
		rows, err := csv.NewReader(strings.NewReader(csvOut)).ReadAll()
		if err != nil || len(rows) != 4 || rows[0][2] != "last_name" {
			t.Fatalf("export: %v %v", rows, err)
		}
		// What Comptoir exports imports again as duplicates only.
		again := filepath.Join(t.TempDir(), "again.csv")
		_ = os.WriteFile(again, []byte(csvOut), 0o600)
		out, err = a.cli("import", "contacts", again, "--account", A.ID)
		if err != nil || !strings.Contains(out, "0 created, 3 duplicates") {
			t.Errorf("round trip: %q %v", out, err)
		}
		log := activityOf(t, a, A.Token)
		if log[0] != "contacts import contact" || log[1] != "contacts export contact" {
			t.Errorf("activity: %v", log[:3])
		}
	})
}

func uploadCSV(t *testing.T, a *app, tn *tenant, data []byte, mode string) response {
	t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	_ = w.WriteField("mode", mode)
	fw, _ := w.CreateFormFile("file", "contacts.csv")
	if _, err := fw.Write(data); err != nil {
		t.Fatal(err)
	}
	_ = w.Close()
	req, _ := http.NewRequest("POST", a.URL+"/contacts/import", &body)
	req.Header.Set("Content-Type", w.FormDataContentType())
	return a.do(tn.Browser, req)
}

// importThroughMapping uploads a CSV, checks the mapping step, then
// imports with the suggested fields, changed by override (column → field).
func importThroughMapping(t *testing.T, a *app, tn *tenant, data []byte, mode string, override map[int]string) response {
	t.Helper()
	r := uploadCSV(t, a, tn, data, mode)
	page := doc(t, r)
	if r.Status != 200 || page.Find("#import-mapping").Length() != 1 {
		t.Fatalf("mapping step: %d %s", r.Status, page.Find("main").Text())
	}
	form := url.Values{"upload": {page.Find("input[name=upload]").AttrOr("value", "")}, "mode": {mode}}
	page.Find("#import-mapping select[name=field]").Each(func(i int, sel *goquery.Selection) {
		v := sel.Find("option[selected]").AttrOr("value", "")
		if f, ok := override[i]; ok {
			v = f
		}
		form.Add("field", v)
	})
	return a.post(tn.Browser, "/contacts/import/apply", form)
}

// TestImportExportInTheBrowser: the same through the Contacts screen, with
// its mapping step.
func TestImportExportInTheBrowser(t *testing.T) {
	a := startApp(t, storagetest.Engines()[0])
	A := a.mustTenant("Alpha", "alpha@example.fr")
	B := a.mustTenant("Beta", "beta@example.fr")
	latin1, _ := charmap.Windows1252.NewEncoder().String(frenchExcel + "M.;Bad;Row;;not-an-email;;;;;;;\r\n")

	// The mapping step reads the header and shows the first rows; nothing
	// is written yet.
	r := uploadCSV(t, a, A, []byte(latin1), "all")
	page := doc(t, r)
	if got := page.Find("#field-1 option[selected]").AttrOr("value", ""); got != "last_name" {
		t.Errorf("Nom is suggested as %q", got)
	}
	if sample := page.Find("#import-mapping tbody tr").Eq(1).Find("td").Last().Text(); !strings.Contains(sample, "Dupré · Lefèvre") {
		t.Errorf("preview of Nom: %q", sample)
	}
	if list := a.api("GET", "/api/v1/contacts", A.Token, nil); !strings.Contains(list.Body, `"data":[]`) {
		t.Fatalf("the mapping step wrote: %s", list.Body)
	}
	// Another account cannot use the upload's token.
	token := page.Find("input[name=upload]").AttrOr("value", "")
	if r := a.post(B.Browser, "/contacts/import/apply", url.Values{"upload": {token}, "field": {"last_name"}}); r.Status != 422 || doc(t, r).Find("#import-problem").Length() != 1 {
		t.Errorf("another account's token: %d", r.Status)
	}

	r = importThroughMapping(t, a, A, []byte(latin1), "all", nil)
	report := doc(t, r)
	if r.Status != 422 || report.Find("#import-report[data-applied=false]").Length() != 1 || report.Find("#import-errors tbody tr").Length() != 1 {
		t.Fatalf("all or nothing: %d %s", r.Status, report.Find("main").Text())
	}
	if report.Find("#import-mapping").Length() != 1 {
		t.Error("a rejected import does not offer to fix the mapping")
	}
	// The user maps "Commentaires" to the source instead of the notes.
	r = importThroughMapping(t, a, A, []byte(latin1), "skip", map[int]string{11: "source"})
	if report := doc(t, r); r.Status != 200 || !strings.Contains(report.Find("#import-report").Text(), "3 contacts créés") {
		t.Fatalf("skip bad rows: %d %s", r.Status, report.Find("#import-report").Text())
	}
	if got := a.api("GET", "/api/v1/contacts?q=dupre", A.Token, nil); !strings.Contains(got.Body, `"source":"Préfère le mardi"`) || !strings.Contains(got.Body, `"notes":""`) {
		t.Errorf("the user's mapping was not applied: %s", got.Body)
	}
	if r := uploadCSV(t, a, A, []byte("foo,bar\n1,2\n"), "all"); r.Status != 200 {
		t.Errorf("upload of an unknown file: %d", r.Status)
	} else if r := importThroughMapping(t, a, A, []byte("foo,bar\n1,2\n"), "all", nil); r.Status != 422 || doc(t, r).Find("#import-problem").Length() != 1 {
		t.Errorf("not a contacts file: %d", r.Status)
	}
	if r := importThroughMapping(t, a, A, []byte("foo,bar\n1,2\n"), "all", map[int]string{0: "email", 1: "email"}); r.Status != 422 || doc(t, r).Find("#import-problem").Length() != 1 {
		t.Errorf("one field for two columns: %d", r.Status)
	}
	exp := a.get(A.Browser, "/contacts/export.csv?excel=1&role=client")
	if exp.Status != 200 || !strings.HasPrefix(exp.Body, "\ufeffkind;civility;last_name") || !strings.Contains(exp.Body, "Dupré") || strings.Contains(exp.Body, "Lefèvre") {
		t.Errorf("export: %d %.200q", exp.Status, exp.Body)
	}
}

// TestVCardCommands: a phone's .vcf imports, and the export reads back.
func TestVCardCommands(t *testing.T) {
	a := startApp(t, storagetest.Engines()[0])
	A := a.mustTenant("Alpha", "alpha@example.fr")
	p := filepath.Join(t.TempDir(), "contacts.vcf")
	card := "BEGIN:VCARD\r\nVERSION:3.0\r\nN:Dupré;Hélène;;;\r\nFN:Hélène Dupré\r\nEMAIL:helene@example.fr\r\nEND:VCARD\r\n"
	if err := os.WriteFile(p, []byte(card), 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := a.cli("import", "contacts", p, "--account", A.ID)
	if err != nil || !strings.Contains(out, "1 created") {
		t.Fatalf("import: %q %v", out, err)
	}
	vcf, err := a.cli("export", "contacts", "--account", A.ID, "--vcard")
	if err != nil || !strings.Contains(vcf, "BEGIN:VCARD") || !strings.Contains(vcf, "EMAIL:helene@example.fr") {
		t.Fatalf("export: %q %v", vcf, err)
	}
	if r := a.get(A.Browser, "/contacts/export.vcf"); r.Status != 200 || !strings.Contains(r.Body, "FN:Hélène Dupré") {
		t.Errorf("web export: %d %.200q", r.Status, r.Body)
	}
}
