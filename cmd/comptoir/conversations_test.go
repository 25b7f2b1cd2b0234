package main

import (
	"net/url"
	"strings"
	"testing"
	"time"
)

// TestConversations: log a call, plan an appointment and a task on a
// contact, find them on the timeline and in "My tasks and appointments",
// mark the task done; the contact's last contact date moves.
func TestConversations(t *testing.T) {
	eachEngine(t, func(t *testing.T, a *app) {
		A := a.mustTenant("Alpha", "alpha@example.fr")
		spec := openAPIValidator(t, a)
		var c struct{ ID int64 }
		a.api("POST", "/api/v1/contacts", A.Token, map[string]any{"first_name": "Hélène", "last_name": "Dupré"}).JSON(t, &c)
		id := formatInt(c.ID)
		loc, _ := time.LoadLocation("Europe/Paris")
		today := time.Now().In(loc).Format("2006-01-02")

		if r := a.post(A.Browser, "/contacts/"+id+"/conversations", url.Values{"kind": {"call"}, "subject": {"Commande de noël"}, "body": {"Veut 20 kg de farine <b>bio</b>"}}); r.Status != 303 {
			t.Fatalf("call: %d %.300s", r.Status, r.Body)
		}
		if r := a.post(A.Browser, "/contacts/"+id+"/conversations", url.Values{"kind": {"appointment"}, "subject": {"Dégustation"}, "date": {today}, "time": {"23:30"}, "duration": {"2"}}); r.Status != 422 {
			t.Errorf("appointment of 2 minutes: %d", r.Status)
		}
		if r := a.post(A.Browser, "/contacts/"+id+"/conversations", url.Values{"kind": {"appointment"}, "subject": {"Dégustation"}, "date": {today}, "time": {"23:30"}, "duration": {"30"}, "place": {"https://visio.example/abc"}}); r.Status != 303 {
			t.Fatalf("appointment: %d", r.Status)
		}
		task := a.api("POST", "/api/v1/contacts/"+id+"/conversations", A.Token, map[string]any{"kind": "task", "subject": "Envoyer le devis", "due_at": time.Now().Add(2 * time.Hour).UTC().Format(time.RFC3339)})
		if task.Status != 201 {
			t.Fatalf("task: %d %s", task.Status, task.Body)
		}
		checkResponseMatchesSpec(t, spec, scenario{name: "add task", method: "POST", path: "/api/v1/contacts/x/conversations"}, a.URL+"/api/v1/contacts/"+id+"/conversations", task)

		record := doc(t, a.get(A.Browser, "/contacts/"+id))
		if n := record.Find("#conversations li").Length(); n != 3 {
			t.Fatalf("timeline has %d entries", n)
		}
		if strings.Contains(record.Find("#conversations").Text(), "bio") == false || record.Find("#conversations b").Length() != 0 {
			t.Error("HTML in a note is not shown as text")
		}
		agenda := doc(t, a.get(A.Browser, "/agenda"))
		if agenda.Find(`#agenda li[data-kind=task]`).Length() != 1 || agenda.Find(`#agenda li[data-kind=appointment]`).Length() != 1 {
			t.Fatalf("agenda: %s", agenda.Find("main").Text())
		}
		done, _ := agenda.Find(`#agenda form[action$="/done"]`).Attr("action")
		if r := a.post(A.Browser, done, url.Values{"next": {"/agenda"}}); r.Status != 303 || r.Header.Get("Location") != "/agenda" {
			t.Fatalf("done: %d %s", r.Status, r.Header.Get("Location"))
		}
		if doc(t, a.get(A.Browser, "/agenda")).Find(`#agenda li[data-kind=task]`).Length() != 0 {
			t.Error("a done task is still in the agenda")
		}
		var got struct {
			LastContactAt *time.Time `json:"last_contact_at"`
		}
		a.api("GET", "/api/v1/contacts/"+id, A.Token, nil).JSON(t, &got)
		if got.LastContactAt == nil {
			t.Error("last contact date not set")
		}
		log := activityOf(t, a, A.Token)
		if log[0] != "contacts update_task contact" || log[1] != "contacts add_task contact" || log[2] != "contacts add_appointment contact" || log[3] != "contacts add_call contact" {
			t.Errorf("activity: %v", log[:4])
		}
	})
}
