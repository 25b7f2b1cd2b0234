package main

import (
	"slices"
	"strings"
	"testing"
)

// TestDocumentExport: an owner exports invoices as CSV with the list's
// filters, and the export is in the activity log (TestExportNeedsTheRight
// refuses a role without the export right).
func TestDocumentExport(t *testing.T) {
	eachEngine(t, func(t *testing.T, a *app) {
		A := a.mustTenant("Alpha", "alpha@example.fr")
		chain := salesChain(t, a, A.Token)
		var inv struct{ Number string }
		a.api("GET", "/api/v1/invoices/"+itoa(chain["invoices"]), A.Token, nil).JSON(t, &inv)
		r := a.api("GET", "/api/v1/invoices/export?status=unpaid", A.Token, nil)
		if r.Status != 200 || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/csv") {
			t.Fatalf("export: %d %s", r.Status, r.Body)
		}
		lines := strings.Split(strings.TrimSpace(r.Body), "\n")
		if len(lines) != 2 || !strings.HasPrefix(lines[0], "number,kind,status") || !strings.HasPrefix(lines[1], inv.Number+",invoice,issued") {
			t.Errorf("export:\n%s", r.Body)
		}
		if r := a.api("GET", "/api/v1/invoices/export?status=paid", A.Token, nil); strings.Count(strings.TrimSpace(r.Body), "\n") != 0 {
			t.Errorf("the filter is not applied:\n%s", r.Body)
		}
		if r := a.api("GET", "/api/v1/invoices/export?status=nonsense", A.Token, nil); r.Status != 422 {
			t.Errorf("bad status: %d", r.Status)
		}
		if log := activityOf(t, a, A.Token); !slices.Contains(log, "sales export invoice") {
			t.Errorf("the export is not in the activity log: %v", log)
		}
	})
}
