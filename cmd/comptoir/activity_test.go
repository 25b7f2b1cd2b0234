package main

import (
	"encoding/csv"
	"net/url"
	"strings"
	"testing"
)

// TestActivityPage covers the "Suivi d'activité": the log by day, filtered
// by user and module, a record's own history, the CSV export and the
// integrity check from the screen and the command line.
func TestActivityPage(t *testing.T) {
	eachEngine(t, func(t *testing.T, a *app) {
		A := a.mustTenant("Alpha", "alpha@example.fr")
		r := a.post(A.Browser, "/settings/bank-accounts", url.Values{"label": {"Courant"}, "iban": {"FR7630006000011234567890189"}})
		if r.Status != 303 {
			t.Fatalf("create: %d", r.Status)
		}
		var list struct{ Data []struct{ ID int64 } }
		a.api("GET", "/api/v1/bank-accounts", A.Token, nil).JSON(t, &list)
		id := formatInt(list.Data[0].ID)
		a.post(A.Browser, "/settings/bank-accounts/"+id, url.Values{"label": {"Principal"}, "iban": {"FR7630006000011234567890189"}})

		page := doc(t, a.get(A.Browser, "/activity?module=account"))
		// The account's creation and the two bank account writes.
		if n := page.Find(".activity-entries li").Length(); n != 3 {
			t.Errorf("module filter shows %d entries, want 3", n)
		}
		if page.Find("main section h2").Length() != 1 {
			t.Error("entries not grouped by day")
		}
		history := doc(t, a.get(A.Browser, "/settings/bank-accounts/"+id))
		if n := history.Find("#history li").Length(); n != 2 || !strings.Contains(history.Find("#history").Text(), "Principal") {
			t.Errorf("record history: %d entries: %s", n, history.Find("#history").Text())
		}

		exp := a.get(A.Browser, "/activity/export.csv?module=account")
		if exp.Status != 200 || !strings.HasPrefix(exp.Body, "\ufeff") || !strings.HasPrefix(exp.Header.Get("Content-Type"), "text/csv") {
			t.Fatalf("export: %d %s", exp.Status, exp.Header.Get("Content-Type"))
		}
		rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(exp.Body, "\ufeff"))).ReadAll()
		if err != nil || len(rows) != 4 || rows[0][0] != "id" || rows[2][5] != "create" || !strings.Contains(rows[3][9], "label: Courant → Principal") {
			t.Fatalf("CSV: %v %v", rows, err)
		}
		if log := activityOf(t, a, A.Token); log[0] != "activity export activity" {
			t.Errorf("the export is not in the log: %v", log[0])
		}

		v := doc(t, a.get(A.Browser, "/activity?verify=1"))
		if ok, _ := v.Find("#verify-result").Attr("data-ok"); ok != "true" {
			t.Errorf("verify on screen: %q", v.Find("#verify-result").Text())
		}
		out, err := a.cli("activity", "verify", "--account", A.ID)
		if err != nil || !strings.Contains(out, "intact") {
			t.Errorf("CLI verify: %q %v", out, err)
		}
		if r := a.get(A.Browser, "/activity?day=25-11-2026"); r.Status != 422 {
			t.Errorf("bad day: %d", r.Status)
		}
	})
}
