package main

import (
	"net/url"
	"strings"
	"testing"
)

// TestCustomerService: open a case from a client's record, answer it,
// solve it; the queue, the figures and the activity log follow.
func TestCustomerService(t *testing.T) {
	eachEngine(t, func(t *testing.T, a *app) {
		A := a.mustTenant("Alpha", "alpha@example.fr")
		var c struct{ ID int64 }
		a.api("POST", "/api/v1/contacts", A.Token, map[string]any{"first_name": "Iñaki", "last_name": "Etxeberria", "is_client": true}).JSON(t, &c)
		id := formatInt(c.ID)
		r := a.post(A.Browser, "/contacts/"+id+"/cases", url.Values{"subject": {"Bocal fêlé"}, "priority": {"high"}, "request": {"Le bocal de 1 L est arrivé fêlé."}})
		if r.Status != 303 || !strings.HasPrefix(r.Header.Get("Location"), "/support/") {
			t.Fatalf("open: %d %s", r.Status, r.Header.Get("Location"))
		}
		caseURL := r.Header.Get("Location")
		queue := doc(t, a.get(A.Browser, "/support"))
		if queue.Find("#cases tbody tr").Length() != 1 {
			t.Fatal("case not in the queue")
		}
		if r := a.post(A.Browser, caseURL+"/answer", url.Values{"kind": {"email"}, "body": {"Nous vous en envoyons un autre."}}); r.Status != 303 {
			t.Fatalf("answer: %d", r.Status)
		}
		page := doc(t, a.get(A.Browser, caseURL))
		if page.Find("#thread li").Length() != 2 || !strings.Contains(page.Find("main").Text(), "première réponse en") {
			t.Errorf("thread: %s", page.Find("main").Text())
		}
		if v, _ := page.Find("#k-status option[selected]").Attr("value"); v != "open" {
			t.Errorf("an answered new case is %q, want open", v)
		}
		if r := a.post(A.Browser, caseURL, url.Values{"status": {"solved"}, "priority": {"high"}}); r.Status != 303 {
			t.Fatalf("solve: %d", r.Status)
		}
		if doc(t, a.get(A.Browser, "/support")).Find("#cases tbody tr").Length() != 0 {
			t.Error("a solved case is still in the queue")
		}
		caseID := strings.TrimPrefix(caseURL, "/support/")
		got := a.api("GET", "/api/v1/cases/"+caseID, A.Token, nil)
		if !strings.Contains(got.Body, `"status":"solved"`) || !strings.Contains(got.Body, `"solved_at"`) || !strings.Contains(got.Body, `"first_answer_at"`) {
			t.Errorf("API case: %s", got.Body)
		}
		if r := a.api("PATCH", "/api/v1/cases/"+caseID, A.Token, map[string]any{"status": "lost"}); r.Status != 422 {
			t.Errorf("unknown status: %d", r.Status)
		}
		log := activityOf(t, a, A.Token)
		if log[0] != "support update case" || log[1] != "support answer case" || log[2] != "support create case" {
			t.Errorf("activity: %v", log[:3])
		}
	})
}
