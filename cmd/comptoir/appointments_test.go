package main

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/comptoir/comptoir/ical"
	"github.com/comptoir/comptoir/mail/mailtest"
	"github.com/comptoir/comptoir/storage/storagetest"
)

// TestAppointmentInvitation: from an appointment on a contact's timeline,
// send the invitation through the API and the page; the contact receives
// invite.ics; a task or a contact without e-mail is refused clearly.
func TestAppointmentInvitation(t *testing.T) {
	smtp := mailtest.Start(t)
	a := startApp(t, storagetest.Engines()[0], "--smtp", smtp.URL())
	A := a.mustTenant("Alpha", "alpha@example.fr")
	spec := openAPIValidator(t, a)
	var c, bare struct{ ID int64 }
	a.api("POST", "/api/v1/contacts", A.Token, map[string]any{"first_name": "Hélène", "last_name": "Dupré", "email": "helene@example.fr"}).JSON(t, &c)
	a.api("POST", "/api/v1/contacts", A.Token, map[string]any{"last_name": "Sans adresse"}).JSON(t, &bare)
	start := time.Date(2026, 6, 1, 8, 0, 0, 0, time.UTC)
	add := func(contact int64, body map[string]any) string {
		var e struct{ ID int64 }
		r := a.api("POST", "/api/v1/contacts/"+formatInt(contact)+"/conversations", A.Token, body)
		if r.Status != 201 {
			t.Fatalf("add: %d %s", r.Status, r.Body)
		}
		r.JSON(t, &e)
		return formatInt(e.ID)
	}
	appt := add(c.ID, map[string]any{"kind": "appointment", "subject": "Visite, atelier; dégustation", "at": start.Format(time.RFC3339), "duration_min": 90, "place": "12, rue des Lilas; 64000 Pau"})
	task := add(c.ID, map[string]any{"kind": "task", "subject": "Rappeler"})
	apptBare := add(bare.ID, map[string]any{"kind": "appointment", "subject": "RDV", "at": start.Format(time.RFC3339), "duration_min": 30})

	for _, sc := range []scenario{
		{name: "invitation", method: "POST", path: "/api/v1/conversations/" + appt + "/invitation", body: map[string]any{"lang": "en", "message": "See you there"},
			status: 201, contains: []string{`"mail_sent":true`, `"kind":"email"`}},
		{name: "a task has no invitation", method: "POST", path: "/api/v1/conversations/" + task + "/invitation", body: map[string]any{},
			status: 422, contains: []string{`"code":"not_appointment"`}},
		{name: "a contact without e-mail", method: "POST", path: "/api/v1/conversations/" + apptBare + "/invitation", body: map[string]any{},
			status: 422, contains: []string{`"code":"no_email"`}},
	} {
		r := a.api(sc.method, sc.path, A.Token, sc.body)
		if r.Status != sc.status {
			t.Fatalf("%s: %d %s", sc.name, r.Status, r.Body)
		}
		for _, s := range sc.contains {
			if !strings.Contains(r.Body, s) {
				t.Errorf("%s: body lacks %s: %s", sc.name, s, r.Body)
			}
		}
		checkResponseMatchesSpec(t, spec, sc, a.URL+sc.path, r)
	}
	m := smtp.WaitFor(t, "helene@example.fr")
	var data string
	for _, p := range m.Parts {
		if p.Filename == "invite.ics" && strings.Contains(p.ContentType, "method=REQUEST") {
			data = string(p.Body)
		}
	}
	got := map[string]string{}
	for _, p := range ical.Properties(data) {
		got[p.Name] = p.Value
	}
	if got["DTSTART"] != "20260601T080000Z" || got["DTEND"] != "20260601T093000Z" || got["LOCATION"] != `12\, rue des Lilas\; 64000 Pau` ||
		!strings.HasPrefix(got["UID"], "appointment-"+appt+".account-") || got["DESCRIPTION"] != "See you there" || !strings.Contains(m.Subject, "Invitation:") {
		t.Errorf("received %q:\n%s", m.Subject, data)
	}
	if log := activityOf(t, a, A.Token); log[0] != "contacts send_invitation contact" {
		t.Errorf("activity: %v", log[:2])
	}

	// The page: a button on the appointment, a notice after sending, the
	// reason of a refusal on the contact's page.
	record := doc(t, a.get(A.Browser, "/contacts/"+formatInt(c.ID)))
	action, _ := record.Find(`#conversations li[data-kind=appointment] form[action$="/invitation"]`).Attr("action")
	if action != "/conversations/"+appt+"/invitation" {
		t.Fatalf("no invitation button: %q", action)
	}
	r := a.post(A.Browser, action, url.Values{"lang": {"fr"}, "message": {"À bientôt"}})
	if r.Status != 303 || !strings.Contains(r.Header.Get("Location"), "notice=invitation_sent") {
		t.Fatalf("send from the page: %d %s", r.Status, r.Header.Get("Location"))
	}
	if m := smtp.WaitFor(t, "helene@example.fr"); !strings.Contains(m.Text, "lundi 1 juin 2026 à 10:00") {
		t.Errorf("French invitation: %s", m.Text)
	}
	r = a.post(A.Browser, "/conversations/"+apptBare+"/invitation", url.Values{})
	if r.Status != 422 || !strings.Contains(doc(t, r).Find(".alert-danger").Text(), "e-mail") {
		t.Errorf("refusal on the page: %d", r.Status)
	}
}

// TestTaskReminderFields: a task's reminder is set through the API and the
// form, shown on the timeline, and refused on anything but a task.
func TestTaskReminderFields(t *testing.T) {
	a := startApp(t, storagetest.Engines()[0])
	A := a.mustTenant("Alpha", "alpha@example.fr")
	spec := openAPIValidator(t, a)
	var c struct{ ID int64 }
	a.api("POST", "/api/v1/contacts", A.Token, map[string]any{"last_name": "Dupré"}).JSON(t, &c)
	id := formatInt(c.ID)
	remind := time.Now().Add(time.Hour).UTC().Truncate(time.Second)
	sc := scenario{name: "task with a reminder", method: "POST", path: "/api/v1/contacts/" + id + "/conversations"}
	r := a.api("POST", sc.path, A.Token, map[string]any{"kind": "task", "subject": "Relancer", "remind_at": remind.Format(time.RFC3339)})
	if r.Status != 201 || !strings.Contains(r.Body, `"remind_at":"`+remind.Format(time.RFC3339)) {
		t.Fatalf("%d %s", r.Status, r.Body)
	}
	checkResponseMatchesSpec(t, spec, sc, a.URL+sc.path, r)
	if r := a.api("POST", sc.path, A.Token, map[string]any{"kind": "call", "subject": "x", "remind_at": remind.Format(time.RFC3339)}); r.Status != 422 || !strings.Contains(r.Body, "reminder_on_task") {
		t.Errorf("reminder on a call: %d %s", r.Status, r.Body)
	}
	if r := a.post(A.Browser, "/contacts/"+id+"/conversations", url.Values{"kind": {"task"}, "subject": {"Rappeler"}, "remind": {"2030-01-02T08:15"}}); r.Status != 303 {
		t.Fatalf("form: %d", r.Status)
	}
	if text := doc(t, a.get(A.Browser, "/contacts/"+id)).Find("#conversations").Text(); !strings.Contains(text, "02/01/2030 08:15") {
		t.Errorf("timeline does not show the reminder: %s", text)
	}
}

// TestCalendar: the month grid and the week list show appointments and
// tasks due on their day in the account's time zone, with links to the
// contact and to the previous and next month or week.
func TestCalendar(t *testing.T) {
	eachEngine(t, func(t *testing.T, a *app) {
		A := a.mustTenant("Alpha", "alpha@example.fr")
		var c struct{ ID int64 }
		a.api("POST", "/api/v1/contacts", A.Token, map[string]any{"first_name": "Hélène", "last_name": "Dupré"}).JSON(t, &c)
		paris, _ := time.LoadLocation("Europe/Paris")
		// 00:30 on 20 March in Paris is 23:30 on the 19th in UTC: it belongs
		// on the 20th, the account's day.
		appt := time.Date(2030, 3, 20, 0, 30, 0, 0, paris)
		due := time.Date(2030, 3, 14, 23, 30, 0, 0, paris)
		for _, body := range []map[string]any{
			{"kind": "appointment", "subject": "Dégustation", "at": appt.Format(time.RFC3339), "duration_min": 60},
			{"kind": "task", "subject": "Envoyer le devis", "due_at": due.Format(time.RFC3339)},
		} {
			if r := a.api("POST", "/api/v1/contacts/"+formatInt(c.ID)+"/conversations", A.Token, body); r.Status != 201 {
				t.Fatalf("%d %s", r.Status, r.Body)
			}
		}
		month := doc(t, a.get(A.Browser, "/calendar?month=2030-03"))
		cell := month.Find(`#calendar td[data-date="2030-03-20"] li[data-kind=appointment]`)
		if href, _ := cell.Find("a").Attr("href"); href != "/contacts/"+formatInt(c.ID) || !strings.Contains(cell.Text(), "00:30") {
			t.Errorf("appointment cell: %q %q", cell.Text(), href)
		}
		if month.Find(`#calendar td[data-date="2030-03-14"] li[data-kind=task]`).Length() != 1 {
			t.Error("the task is not on its due day")
		}
		if month.Find("#calendar caption").Length() != 1 || month.Find(`#calendar thead th[scope=col]`).Length() != 7 {
			t.Error("table markup")
		}
		prev, _ := month.Find("#cal-prev").Attr("href")
		next, _ := month.Find("#cal-next").Attr("href")
		if prev != "/calendar?month=2030-02" || next != "/calendar?month=2030-04" || !strings.Contains(month.Find("#cal-label").Text(), "mars 2030") {
			t.Errorf("navigation %q %q, label %q", prev, next, month.Find("#cal-label").Text())
		}
		week := doc(t, a.get(A.Browser, "/calendar?week=2030-03-20"))
		if week.Find(`#calendar-week li[data-date="2030-03-18"]`).Length() != 1 || week.Find(`#calendar-week li[data-date="2030-03-20"] li[data-kind=appointment]`).Length() != 1 {
			t.Errorf("week: %s", week.Find("main").Text())
		}
		if next, _ := week.Find("#cal-next").Attr("href"); next != "/calendar?week=2030-03-25" {
			t.Errorf("next week %q", next)
		}
		if href, _ := week.Find("#cal-who").Attr("href"); href != "/calendar?all=1" {
			t.Errorf("an owner can see everyone's: %q", href)
		}
		if all := doc(t, a.get(A.Browser, "/calendar?month=2030-03&all=1")); all.Find(`#calendar li`).Length() != 2 {
			t.Error("everyone's calendar")
		}
		if href, _ := doc(t, a.get(A.Browser, "/agenda")).Find("#to-calendar").Attr("href"); href != "/calendar" {
			t.Error("the agenda does not link to the calendar")
		}
	})
}
