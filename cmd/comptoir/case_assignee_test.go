package main

import (
	"net/url"
	"strings"
	"testing"
)

// TestCaseAssignee: on a case's page, assign it to a member; the queue
// filters "assigned to me" in the page and the API; unassign; a stranger
// cannot be assigned.
func TestCaseAssignee(t *testing.T) {
	eachEngine(t, func(t *testing.T, a *app) {
		A := a.mustTenant("Alpha", "alpha@example.fr")
		spec := openAPIValidator(t, a)
		var c, mine, other struct{ ID int64 }
		a.api("POST", "/api/v1/contacts", A.Token, map[string]any{"last_name": "Dupré"}).JSON(t, &c)
		a.api("POST", "/api/v1/contacts/"+formatInt(c.ID)+"/cases", A.Token, map[string]any{"subject": "Colis abîmé"}).JSON(t, &mine)
		a.api("POST", "/api/v1/contacts/"+formatInt(c.ID)+"/cases", A.Token, map[string]any{"subject": "Facture en double"}).JSON(t, &other)
		var members struct {
			Data []struct {
				UserID int64 `json:"user_id"`
			}
		}
		a.api("GET", "/api/v1/users", A.Token, nil).JSON(t, &members)
		owner := formatInt(members.Data[0].UserID)

		page := doc(t, a.get(A.Browser, "/support/"+formatInt(mine.ID)))
		if page.Find(`#k-assignee option[value="`+owner+`"]`).Length() != 1 {
			t.Fatalf("no member to choose: %s", page.Find("form").First().Text())
		}
		form := url.Values{"status": {"open"}, "priority": {"high"}, "assignee_id": {owner}}
		if r := a.post(A.Browser, "/support/"+formatInt(mine.ID), form); r.Status != 303 {
			t.Fatalf("assign: %d", r.Status)
		}
		if log := activityOf(t, a, A.Token); log[0] != "support update case" {
			t.Errorf("activity: %v", log[:1])
		}
		if sel, _ := doc(t, a.get(A.Browser, "/support/"+formatInt(mine.ID))).Find(`#k-assignee option[selected]`).Attr("value"); sel != owner {
			t.Errorf("selected assignee %q", sel)
		}
		queue := doc(t, a.get(A.Browser, "/support?mine=1"))
		if rows := queue.Find("#cases tbody tr"); rows.Length() != 1 || !strings.Contains(rows.Text(), "Colis abîmé") || !strings.Contains(rows.Find(".case-assignee").Text(), "alpha@example.fr") {
			t.Errorf("assigned to me: %s", queue.Find("main").Text())
		}
		if doc(t, a.get(A.Browser, "/support")).Find("#cases tbody tr").Length() != 2 {
			t.Error("the queue lost a case")
		}
		sc := scenario{name: "mine", method: "GET", path: "/api/v1/cases?mine=true"}
		r := a.api("GET", sc.path, A.Token, nil)
		if r.Status != 200 || !strings.Contains(r.Body, `"assignee_name":"alpha@example.fr"`) || strings.Contains(r.Body, "Facture") {
			t.Errorf("API mine: %d %s", r.Status, r.Body)
		}
		checkResponseMatchesSpec(t, spec, sc, a.URL+sc.path, r)

		if r := a.post(A.Browser, "/support/"+formatInt(mine.ID), url.Values{"status": {"open"}, "priority": {"high"}, "assignee_id": {"999999"}}); r.Status != 422 {
			t.Errorf("a stranger assigned: %d", r.Status)
		}
		if r := a.post(A.Browser, "/support/"+formatInt(mine.ID), url.Values{"status": {"open"}, "priority": {"high"}, "assignee_id": {"0"}}); r.Status != 303 {
			t.Fatalf("unassign: %d", r.Status)
		}
		if n := doc(t, a.get(A.Browser, "/support?mine=1")).Find("#cases tbody tr").Length(); n != 0 {
			t.Errorf("%d cases still mine after unassigning", n)
		}
	})
}
