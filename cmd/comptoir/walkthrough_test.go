package main

import (
	"context"
	"encoding/csv"
	"iter"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	cdpbrowser "github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"
	"golang.org/x/text/encoding/charmap"

	"github.com/comptoir/comptoir/storage/storagetest"
)

// crmSteps are the activity entries the CRM walk-through must leave, one
// per step a new user takes.
var crmSteps = []string{
	"contacts import contact", "contacts add_call contact", "contacts add_appointment contact",
	"contacts add_task contact", "support create case", "contacts merge contact", "contacts export contact",
}

// missingSteps lists the steps the activity log lacks.
func missingSteps(log []string) []string {
	var missing []string
	for _, s := range crmSteps {
		if !slices.Contains(log, s) {
			missing = append(missing, s)
		}
	}
	return missing
}

// TestCRMWalkthroughAPI is the CRM issue's acceptance, through the API on
// every engine: import a French spreadsheet, find a contact without
// accents, log a call, plan an appointment and a task, open a service
// case, merge two duplicates, export the list — and see each step in the
// activity log.
func TestCRMWalkthroughAPI(t *testing.T) {
	eachEngine(t, func(t *testing.T, a *app) {
		A := a.mustTenant("Alpha", "alpha@example.fr")
		latin1, _ := charmap.Windows1252.NewEncoder().String(frenchExcel)
		r := a.api("POST", "/api/v1/contacts/import", A.Token, latin1, "Content-Type", "text/csv")
		var rep struct {
			Created, Duplicates int
			Encoding            string
			Applied             bool
		}
		r.JSON(t, &rep)
		if r.Status != 200 || !rep.Applied || rep.Created != 3 || rep.Duplicates != 1 || rep.Encoding != "windows-1252" {
			t.Fatalf("import: %d %s", r.Status, r.Body)
		}
		var found struct {
			Data []struct {
				ID        int64
				FirstName string `json:"first_name"`
			}
		}
		a.api("GET", "/api/v1/contacts?q=helen", A.Token, nil).JSON(t, &found)
		if len(found.Data) != 1 || found.Data[0].FirstName != "Hélène" {
			t.Fatalf("search without accents: %+v", found)
		}
		id := formatInt(found.Data[0].ID)
		for _, body := range []map[string]any{
			{"kind": "call", "subject": "Commande de noël"},
			{"kind": "appointment", "subject": "Dégustation", "at": "2026-12-03T09:30:00Z", "duration_min": 45, "place": "Boutique"},
			{"kind": "task", "subject": "Rappeler", "due_at": "2026-12-01T00:00:00Z"},
		} {
			if r := a.api("POST", "/api/v1/contacts/"+id+"/conversations", A.Token, body); r.Status != 201 {
				t.Fatalf("%s: %d %s", body["kind"], r.Status, r.Body)
			}
		}
		if r := a.api("POST", "/api/v1/contacts/"+id+"/cases", A.Token, map[string]any{"subject": "Bocal fêlé"}); r.Status != 201 {
			t.Fatalf("case: %d %s", r.Status, r.Body)
		}
		var dup struct{ ID int64 }
		a.api("POST", "/api/v1/contacts", A.Token, map[string]any{"first_name": "Helene", "last_name": "Dupre", "phone": "07 00 00 00 01"}).JSON(t, &dup)
		if r := a.api("POST", "/api/v1/contacts/"+id+"/merge", A.Token, map[string]any{"duplicate_id": dup.ID, "take": []string{"phone"}}); r.Status != 200 {
			t.Fatalf("merge: %d %s", r.Status, r.Body)
		}
		exp := a.api("GET", "/api/v1/contacts/export?excel=true&role=client", A.Token, nil)
		if exp.Status != 200 || !strings.HasPrefix(exp.Body, "\ufeffkind;civility;last_name") || !strings.Contains(exp.Body, "07 00 00 00 01") || strings.Contains(exp.Body, "Lefèvre") {
			t.Errorf("export: %d %.300q", exp.Status, exp.Body)
		}
		if missing := missingSteps(activityOf(t, a, A.Token)); len(missing) > 0 {
			t.Errorf("steps missing from the activity log: %v", missing)
		}
	})
}

// TestCRMWalkthroughBrowser is the same acceptance in a real browser: the
// import with its mapping step, search as you type, the record's forms,
// ticking two duplicates to merge them, and the Excel export's download.
func TestCRMWalkthroughBrowser(t *testing.T) {
	a := startApp(t, storagetest.Engines()[0])
	A := a.mustTenant("Alpha", "alpha@example.fr")
	// A duplicate the import cannot tell (no shared e-mail, SIRET or phone).
	if r := a.api("POST", "/api/v1/contacts", A.Token, map[string]any{"first_name": "Helene", "last_name": "Dupre", "phone": "07 00 00 00 01"}); r.Status != 201 {
		t.Fatalf("duplicate: %d", r.Status)
	}
	upload := writeLatin1(t, frenchExcel)
	downloads := t.TempDir()
	b := newBrowserSession(t)
	css := func(s string) chromedp.CSS { return chromedp.CSS(s) }
	b.run(t, "log in", b.login(a.URL, A.Email, A.Password)...)
	b.run(t, "import",
		chromedp.Navigate(a.URL+"/contacts/import"),
		chromedp.WaitVisible(css(`#import-file`)),
		chromedp.SetUploadFiles(css(`#import-file`), []string{upload}),
		chromedp.Submit(css(`#import-form button[type=submit]`)),
		chromedp.WaitVisible(css(`#import-mapping`)),
		chromedp.Submit(css(`#mapping-form button[type=submit]`)),
		chromedp.WaitVisible(css(`#import-report[data-applied=true]`)),
	)
	if got := b.text(t, "#import-report"); !strings.Contains(got, "3 contacts créés") || !strings.Contains(got, "1 doublons") {
		t.Errorf("import report: %q", got)
	}
	b.run(t, "search", chromedp.Navigate(a.URL+"/contacts"), chromedp.WaitVisible(css(`#contact-search`)),
		chromedp.SendKeys(css(`#contact-search`), "helen"))
	b.waitText(t, "#contact-rows", func(s string) bool { return strings.Contains(s, "Hélène") && !strings.Contains(s, "Jérôme") })
	b.run(t, "open the record",
		chromedp.Click(css(`#contact-rows tbody a[href^="/contacts/"]`)),
		chromedp.WaitVisible(css(`#cv-kind`)),
	)
	for _, step := range []struct{ kind, subject string }{
		{"call", "Commande de noël"}, {"appointment", "Dégustation"}, {"task", "Rappeler pour la commande"},
	} {
		actions := []chromedp.Action[chromedp.Void]{
			chromedp.WaitVisible(css(`#cv-kind`)),
			chromedp.SetValue(css(`#cv-kind`), step.kind),
			chromedp.SendKeys(css(`#cv-subject`), step.subject),
		}
		switch step.kind {
		case "appointment":
			actions = append(actions, chromedp.SetValue(css(`#cv-date`), "2026-12-03"), chromedp.SetValue(css(`#cv-time`), "10:30"),
				chromedp.SendKeys(css(`#cv-place`), "Boutique"))
		case "task":
			actions = append(actions, chromedp.SetValue(css(`#cv-due`), "2026-12-01"))
		}
		actions = append(actions, chromedp.Submit(css(`form[action$="/conversations"] button[type=submit]`)),
			chromedp.WaitVisible(css(`#conversations li[data-kind=`+step.kind+`]`)))
		b.run(t, step.kind, actions...)
	}
	b.run(t, "service case",
		chromedp.SendKeys(css(`#case-subject`), "Bocal fêlé"),
		chromedp.Submit(css(`form[action$="/cases"] button[type=submit]`)),
		chromedp.WaitVisible(css(`#case-client`)),
	)
	b.run(t, "tick the duplicates",
		chromedp.Navigate(a.URL+"/contacts?q=dupre"),
		chromedp.WaitVisible(css(`#contact-rows tbody tr:nth-child(2)`)),
		chromedp.Click(css(`#contact-rows tbody tr:nth-child(1) input[name=id]`)),
		chromedp.Click(css(`#contact-rows tbody tr:nth-child(2) input[name=id]`)),
		chromedp.Click(css(`#merge-selected`)),
		chromedp.WaitVisible(css(`#merge-fields`)),
		// The kept contact is the one typed without accents: take the
		// imported name and phone; its empty e-mail and address take the
		// duplicate's by default.
		chromedp.Click(css(`#merge-fields tr[data-field=last_name] input[value=dup]`)),
		chromedp.Click(css(`#merge-fields tr[data-field=first_name] input[value=dup]`)),
		chromedp.Click(css(`#merge-fields tr[data-field=phone] input[value=dup]`)),
		chromedp.Submit(css(`main form[action="/contacts/merge"] button[type=submit]`)),
		chromedp.WaitVisible(css(`#conversations li[data-kind=call]`)),
	)
	if got := b.text(t, "#conversations"); !strings.Contains(got, "Dégustation") || !strings.Contains(got, "Rappeler pour la commande") {
		t.Errorf("the survivor's timeline: %q", got)
	}
	progress := chromedp.Events(b.ctx, cdpbrowser.DownloadProgress)
	b.run(t, "export",
		chromedp.Navigate(a.URL+"/contacts"),
		chromedp.WaitVisible(css(`#contact-rows tbody tr`)),
		chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
			_, err := chromedp.Call(ctx, cdpbrowser.SetDownloadBehavior, cdpbrowser.SetDownloadBehaviorParams{
				Behavior: cdpbrowser.SetDownloadBehaviorBehaviorAllowAndName, DownloadPath: downloads, EventsEnabled: new(true)})
			return err
		}),
		chromedp.Click(css(`a[href^="/contacts/export.csv"]`)),
	)
	file := waitDownload(t, progress, downloads)
	cr := csv.NewReader(strings.NewReader(strings.TrimPrefix(file, "\ufeff")))
	cr.Comma = ';'
	rows, err := cr.ReadAll()
	if !strings.HasPrefix(file, "\ufeffkind;civility;last_name") || err != nil || len(rows) != 4 ||
		!strings.Contains(file, "person;Mme;Dupré;Hélène;;;helene@example.fr;06 12 34 56 78;") || !strings.Contains(file, "Bayonne") {
		t.Errorf("downloaded export (%d rows, %v): %q", len(rows), err, file)
	}
	b.run(t, "activity", chromedp.Navigate(a.URL+"/activity"), chromedp.WaitVisible(css(`main table`)))
	if missing := missingSteps(activityOf(t, a, A.Token)); len(missing) > 0 {
		t.Errorf("steps missing from the activity log: %v", missing)
	}
	b.checkClean(t)
}

// waitDownload waits for the browser's download to complete and returns
// the file's content.
func waitDownload(t *testing.T, progress iter.Seq2[cdpbrowser.EventDownloadProgress, error], dir string) string {
	t.Helper()
	done := make(chan string, 1)
	go func() {
		for ev, err := range progress {
			if err != nil {
				done <- ""
				return
			}
			if ev.State == cdpbrowser.DownloadProgressStateCompleted {
				b, _ := os.ReadFile(filepath.Join(dir, ev.GUID))
				done <- string(b)
				return
			}
		}
	}()
	select {
	case s := <-done:
		return s
	case <-time.After(20 * time.Second):
		t.Fatal("the export was not downloaded")
		return ""
	}
}
