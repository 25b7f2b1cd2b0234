package main

import (
	"archive/zip"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"io"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/comptoir/comptoir/mail/mailtest"
	"github.com/comptoir/comptoir/pdf/pdftest"
	"github.com/comptoir/comptoir/storage/storagetest"
)

// unzip reads an account export back, file by file.
func unzip(t *testing.T, data []byte) map[string][]byte {
	t.Helper()
	z, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatalf("not a ZIP file (%d bytes): %v", len(data), err)
	}
	out := map[string][]byte{}
	for _, f := range z.File {
		r, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(r)
		_ = r.Close()
		if err != nil {
			t.Fatal(err)
		}
		out[f.Name] = b
	}
	return out
}

func jsonCount(t *testing.T, files map[string][]byte, entity string) int {
	t.Helper()
	var items []map[string]any
	if err := json.Unmarshal(files["json/"+entity+".json"], &items); err != nil {
		t.Fatalf("json/%s.json: %v", entity, err)
	}
	return len(items)
}

// TestAccountClosureWalkthrough follows the "done when" as a new
// user would: sign up, create a client and an invoice, export the account,
// close it with the e-mailed code, find nothing works any more, reopen it,
// close it again, and after the grace period find only the issued invoice
// left, in a restricted archive that the operator exports.
func TestAccountClosureWalkthrough(t *testing.T) {
	for _, e := range storagetest.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			t.Parallel()
			smtp := mailtest.Start(t)
			a := startAppWithFiles(t, e, "--smtp", smtp.URL())
			const email = "lou@example.fr"
			c := newBrowser()
			form := url.Values{"business_name": {"Atelier Lou"}, "name": {"Lou"}, "email": {email}, "password": {"Atelier-Lou-2026"}}
			if r := a.post(c, "/signup", form); r.Status != 303 {
				t.Fatalf("sign-up: %d %.300s", r.Status, r.Body)
			}
			code := eightDigits.FindString(smtp.WaitFor(t, email).Text)
			if r := a.post(c, "/verify-email", url.Values{"code": {code}}); r.Status != 303 {
				t.Fatalf("verify: %d", r.Status)
			}
			tok, err := a.cli("token", "create", "--email", email)
			if err != nil {
				t.Fatal(err)
			}
			lou := &tenant{Email: email, Token: strings.TrimSpace(tok), Browser: c}
			client := salesSetup(t, a, lou, "alice@example.fr")
			invoice := newDocument(t, a, lou, "invoices", client, "Mission conseil", true)
			quote := newDocument(t, a, lou, "quotes", client, "Devis suivant", false)
			var acc struct{ ID int64 }
			a.api("GET", "/api/v1/account", lou.Token, nil).JSON(t, &acc)

			// Export: the page's button downloads the whole account.
			page := doc(t, a.get(c, "/privacy/account"))
			if held := page.Find("#held").Text(); !strings.Contains(held, " 1 ") {
				t.Errorf("the page does not say one document would be kept: %q", held)
			}
			href, _ := page.Find("#export").Attr("href")
			r := a.get(c, href)
			if r.Status != 200 || r.Header.Get("Content-Type") != "application/zip" {
				t.Fatalf("export: %d %s %.200s", r.Status, r.Header.Get("Content-Type"), r.Body)
			}
			files := unzip(t, []byte(r.Body))
			contacts, err := csv.NewReader(bytes.NewReader(files["csv/contacts.csv"])).ReadAll()
			if err != nil || len(contacts) != 2 || !strings.Contains(string(files["csv/contacts.csv"]), "alice@example.fr") {
				t.Fatalf("contacts.csv: %q %v", contacts, err)
			}
			if n := jsonCount(t, files, "documents"); n != 2 {
				t.Fatalf("%d documents in the export", n)
			}
			pdfs := 0
			for name, data := range files {
				if strings.HasPrefix(name, "pdf/") {
					pdfs++
					if txt := pdftest.Text(t, data); !strings.Contains(txt, "Atelier Lou") {
						t.Errorf("%s: %q", name, txt)
					}
				}
			}
			if pdfs != 2 || !strings.Contains(string(files["README.txt"]), "Atelier Lou") {
				t.Fatalf("%d PDFs; README %q", pdfs, files["README.txt"])
			}
			// The API gives the same export.
			if r := a.api("GET", "/api/v1/account/export", lou.Token, nil); r.Status != 200 || len(unzip(t, []byte(r.Body))) != len(files) {
				t.Fatalf("API export: %d", r.Status)
			}

			// Close: a code by e-mail, a wrong one refused, the right one closes.
			closeWithCode := func() {
				t.Helper()
				if r := a.post(c, "/privacy/account/close", nil); r.Status != 303 {
					t.Fatalf("ask to close: %d %.300s", r.Status, r.Body)
				}
				m := smtp.WaitFor(t, email)
				code := eightDigits.FindString(m.Subject)
				if doc(t, a.get(c, "/privacy/account")).Find("#confirm-close").Length() != 1 {
					t.Fatal("no code form after the code was sent")
				}
				wrong := "00000000"
				if code == wrong {
					wrong = "11111111"
				}
				if r := a.post(c, "/privacy/account/close/confirm", url.Values{"code": {wrong}}); r.Status != 422 ||
					doc(t, r).Find("#f-code-error").Length() != 1 {
					t.Fatalf("wrong code: %d", r.Status)
				}
				if r := a.post(c, "/privacy/account/close/confirm", url.Values{"code": {code}}); r.Status != 303 {
					t.Fatalf("confirm: %d %.300s", r.Status, r.Body)
				}
				if m := smtp.WaitFor(t, email); !strings.Contains(m.Text, "/privacy/account") {
					t.Fatalf("closing mail: %s", m.Text)
				}
			}
			closeWithCode()
			// Nothing works any more but the closure page.
			if r := a.get(c, "/sales/documents/"+formatInt(invoice)); r.Status != 303 || r.Header.Get("Location") != "/privacy/account" {
				t.Fatalf("a closing account's page: %d %s", r.Status, r.Header.Get("Location"))
			}
			if r := a.api("GET", "/api/v1/contacts", lou.Token, nil); r.Status != 403 || !strings.Contains(r.Body, "closing") {
				t.Fatalf("a closing account's API: %d %s", r.Status, r.Body)
			}
			if r := a.get(c, "/privacy/account/export.zip"); r.Status != 200 || len(unzip(t, []byte(r.Body))) != len(files) {
				t.Fatalf("the owner's export of a closing account: %d", r.Status)
			}
			closing := doc(t, a.get(c, "/privacy/account"))
			if closing.Find("#closing").Length() != 1 || closing.Find("#reopen").Length() != 1 {
				t.Fatal("the closure page does not say the account is closing")
			}
			var state struct {
				Closing  bool      `json:"closing"`
				ClosesAt time.Time `json:"closes_at"`
			}
			a.api("GET", "/api/v1/account/closure", lou.Token, nil).JSON(t, &state)
			if !state.Closing || state.ClosesAt.Before(time.Now().AddDate(0, 0, 29)) {
				t.Fatalf("closure state %+v", state)
			}
			// Reopen: one click, the account works again.
			if r := a.post(c, "/privacy/account/reopen", nil); r.Status != 303 {
				t.Fatalf("reopen: %d", r.Status)
			}
			if m := smtp.WaitFor(t, email); !strings.Contains(m.Subject, "rouvert") && !strings.Contains(m.Subject, "open again") {
				t.Fatalf("reopened mail: %s", m.Subject)
			}
			if r := a.get(c, "/sales/documents/"+formatInt(invoice)); r.Status != 200 {
				t.Fatalf("after reopening: %d", r.Status)
			}
			// Close again, for good; the grace period ends.
			closeWithCode()
			a.api("GET", "/api/v1/account/closure", lou.Token, nil).JSON(t, &state)
			before := state.ClosesAt.AddDate(0, 0, -1).UTC().Format(time.DateOnly)
			if out, err := a.cli("account", "purge-closed", "--as-of", before); err != nil || !strings.HasPrefix(out, "0 accounts closed") {
				t.Fatalf("purge the day before: %q %v", out, err)
			}
			after := state.ClosesAt.AddDate(0, 0, 1).UTC().Format(time.DateOnly)
			out, err := a.cli("account", "purge-closed", "--as-of", after, "--smtp", smtp.URL())
			if err != nil || !strings.HasPrefix(out, "1 accounts closed, 0 deleted, 1 documents still held") {
				t.Fatalf("purge after the grace period: %q %v", out, err)
			}
			if m := smtp.WaitFor(t, email); !strings.Contains(m.Text, "1 pièces") {
				t.Fatalf("deleted mail: %s", m.Text)
			}
			// The owner cannot log in; the session and the token are gone.
			if r := a.post(newBrowser(), "/login", url.Values{"email": {email}, "password": {"Atelier-Lou-2026"}}); r.Status == 303 {
				t.Fatal("logged in to a closed account")
			}
			if r := a.get(c, "/privacy/account"); r.Status != 303 || !strings.HasPrefix(r.Header.Get("Location"), "/login") {
				t.Fatalf("the session survived: %d %s", r.Status, r.Header.Get("Location"))
			}
			if r := a.api("GET", "/api/v1/account", lou.Token, nil); r.Status != 401 {
				t.Fatalf("the token survived: %d", r.Status)
			}
			// Only the issued invoice is left, in the archive the operator exports.
			zipped, err := a.cli("export", "account", "--account", formatInt(acc.ID))
			if err != nil {
				t.Fatal(err)
			}
			archive := unzip(t, []byte(zipped))
			var docs []struct {
				ID   int64  `json:"id"`
				Kind string `json:"kind"`
			}
			if err := json.Unmarshal(archive["json/documents.json"], &docs); err != nil || len(docs) != 1 || docs[0].ID != invoice {
				t.Fatalf("archive documents %+v (quote %d) %v", docs, quote, err)
			}
			if n := jsonCount(t, archive, "members"); n != 0 {
				t.Fatalf("%d members left", n)
			}
			if bytes.Contains(archive["csv/contacts.csv"], []byte("alice@example.fr")) {
				t.Fatal("the archive keeps the client's e-mail")
			}
		})
	}
}
