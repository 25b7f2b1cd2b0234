package service_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/comptoir/comptoir/access"
	"github.com/comptoir/comptoir/crm"
	"github.com/comptoir/comptoir/errs"
	"github.com/comptoir/comptoir/ical"
	"github.com/comptoir/comptoir/mail/mailtest"
	"github.com/comptoir/comptoir/service"
	"github.com/comptoir/comptoir/storage"
	"github.com/comptoir/comptoir/storage/storagetest"
)

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// invite returns the invite.ics of a received message.
func invite(t *testing.T, m mailtest.Received) (string, mailtest.Part) {
	t.Helper()
	for _, p := range m.Parts {
		if p.Filename == "invite.ics" {
			return string(p.Body), p
		}
	}
	t.Fatalf("no invite.ics among %d parts", len(m.Parts))
	return "", mailtest.Part{}
}

// TestSendInvitation sends an appointment's invitation through a real SMTP
// server and reads the received .ics back: fields, escaping and folding;
// the e-mail joins the timeline, the activity log and the delivery log.
func TestSendInvitation(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := newService(t, db)
		srv := withSMTP(t, s)
		ctx, acc := mustCreate(t, s, "Fromagerie Alpha", "owner@example.fr")
		contact, err := s.CreateContact(ctx, crm.Input{FirstName: ptr("Hélène"), LastName: ptr("Dupré"), Email: ptr("helene@example.fr")})
		if err != nil {
			t.Fatal(err)
		}
		start := time.Date(2026, 5, 4, 7, 30, 0, 0, time.UTC)
		appt, err := s.AddConversation(ctx, contact.ID, crm.ConversationInput{Kind: ptr(crm.Appointment),
			Subject: ptr("Dégustation, vins; fromages"), At: &start, DurationMin: ptr(45),
			Place: ptr("https://visio.example/abc"), Body: ptr("client difficile")})
		if err != nil {
			t.Fatal(err)
		}
		message := "Apportez vos échantillons.\nCode d'accès : 12;34, porte B. " + strings.Repeat("Très long texte ", 10)
		sent, err := s.SendInvitation(ctx, appt.ID, service.InvitationInput{Lang: "fr", Message: message})
		if err != nil || !sent.MailSent || sent.Entry.Kind != crm.Email {
			t.Fatalf("SendInvitation = %+v, %v", sent, err)
		}
		m := srv.WaitFor(t, "helene@example.fr")
		if !strings.Contains(m.Subject, "Dégustation") || !strings.Contains(m.Text, "lundi 4 mai 2026 à 09:30") ||
			strings.Contains(m.Text, "client difficile") || m.Header.Get("Reply-To") != "<owner@example.fr>" {
			t.Errorf("mail: %q\n%s\nreply-to %q", m.Subject, m.Text, m.Header.Get("Reply-To"))
		}
		data, part := invite(t, m)
		if !strings.Contains(part.ContentType, "text/calendar") || !strings.Contains(part.ContentType, "method=REQUEST") {
			t.Errorf("content type %q", part.ContentType)
		}
		for _, l := range strings.Split(strings.TrimSuffix(data, "\r\n"), "\r\n") {
			if len(l) > 75 {
				t.Errorf("line of %d octets: %q", len(l), l)
			}
		}
		if strings.Contains(data, "client difficile") {
			t.Error("the appointment's private notes were sent")
		}
		props := map[string]ical.Property{}
		for _, p := range ical.Properties(data) {
			props[p.Name] = p
		}
		uid := "appointment-" + itoa(appt.ID) + ".account-" + itoa(acc.ID) + "@comptoir.example.fr"
		for name, want := range map[string]string{"METHOD": "REQUEST", "UID": uid, "DTSTART": "20260504T073000Z", "DTEND": "20260504T081500Z",
			"LOCATION": "https://visio.example/abc", "ORGANIZER": "mailto:owner@example.fr", "ATTENDEE": "mailto:helene@example.fr"} {
			if props[name].Value != want {
				t.Errorf("%s = %q, want %q", name, props[name].Value, want)
			}
		}
		if got := ical.UnescapeText(props["SUMMARY"].Value); got != "Dégustation, vins; fromages" || props["SUMMARY"].Value != `Dégustation\, vins\; fromages` {
			t.Errorf("SUMMARY %q", props["SUMMARY"].Value)
		}
		if got := ical.UnescapeText(props["DESCRIPTION"].Value); got != strings.TrimSpace(message) {
			t.Errorf("DESCRIPTION reads back as %q", got)
		}
		if !strings.Contains(props["ATTENDEE"].Params, "CN=Hélène Dupré") || !strings.Contains(props["ORGANIZER"].Params, "Fromagerie Alpha") {
			t.Errorf("people: %q / %q", props["ORGANIZER"].Params, props["ATTENDEE"].Params)
		}

		// Sent again after a change: same UID, a higher sequence.
		later := start.Add(time.Hour)
		db.SetClock(func() time.Time { return time.Now().Add(time.Minute) })
		if _, err := s.UpdateConversation(ctx, appt.ID, crm.ConversationInput{At: &later}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.SendInvitation(ctx, appt.ID, service.InvitationInput{Lang: "en"}); err != nil {
			t.Fatal(err)
		}
		again, _ := invite(t, srv.WaitFor(t, "helene@example.fr"))
		if !strings.Contains(again, "UID:"+uid) || strings.Contains(again, "SEQUENCE:0\r\n") || !strings.Contains(again, "DTSTART:20260504T083000Z") {
			t.Errorf("second invitation:\n%s", again)
		}

		timeline, _ := s.Conversations(ctx, contact.ID)
		if timeline[0].Kind != crm.Email || !strings.Contains(timeline[0].Subject, "Invitation") {
			t.Errorf("timeline: %+v", timeline[0])
		}
		if got, _ := s.Contact(ctx, contact.ID); got.LastContactAt == nil {
			t.Error("last contact not moved")
		}
		log, _ := s.Activity(ctx, activityFilter(10))
		if log[0].Action != "send_invitation" || log[0].RecordID != contact.ID {
			t.Errorf("activity: %+v", log[0])
		}
		deliveries, _ := db.ListMailLog(ctx, 10)
		if len(deliveries) != 2 || deliveries[0].Template != "appointment" || deliveries[0].Status != "sent" || deliveries[0].To != "helene@example.fr" {
			t.Errorf("mail log: %+v", deliveries)
		}
	})
}

// TestSendInvitationRefusals: a task, a contact without an e-mail address
// and a role without the right to send are refused, and nothing is sent.
func TestSendInvitationRefusals(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := newService(t, db)
		srv := withSMTP(t, s)
		ctx, _ := mustCreate(t, s, "Alpha", "owner@example.fr")
		noMail, _ := s.CreateContact(ctx, crm.Input{LastName: ptr("Sans adresse")})
		withMail, _ := s.CreateContact(ctx, crm.Input{LastName: ptr("Avec"), Email: ptr("avec@example.fr")})
		at := time.Now().Add(time.Hour)
		apptNoMail, _ := s.AddConversation(ctx, noMail.ID, crm.ConversationInput{Kind: ptr(crm.Appointment), Subject: ptr("RDV"), At: &at, DurationMin: ptr(30)})
		task, _ := s.AddConversation(ctx, withMail.ID, crm.ConversationInput{Kind: ptr(crm.Task), Subject: ptr("Rappeler")})
		appt, _ := s.AddConversation(ctx, withMail.ID, crm.ConversationInput{Kind: ptr(crm.Appointment), Subject: ptr("RDV"), At: &at, DurationMin: ptr(30)})
		accountant, _ := access.Builtin(access.RoleAccountant)
		for _, tc := range []struct {
			name  string
			ctx   context.Context
			id    int64
			kind  errs.Kind
			field string
		}{
			{"no e-mail address", ctx, apptNoMail.ID, errs.Invalid, "email:no_email"},
			{"not an appointment", ctx, task.ID, errs.Invalid, "kind:not_appointment"},
			{"no right to send", access.WithRights(ctx, accountant), appt.ID, errs.Forbidden, ""},
			{"unknown entry", ctx, 999999, errs.NotFound, ""},
		} {
			_, err := s.SendInvitation(tc.ctx, tc.id, service.InvitationInput{})
			var fields []string
			for _, f := range errs.FieldsOf(err) {
				fields = append(fields, f.Field+":"+f.Code)
			}
			if !errs.Is(err, tc.kind) || strings.Join(fields, " ") != tc.field {
				t.Errorf("%s: %v %v", tc.name, err, fields)
			}
		}
		if n := len(srv.Messages()); n != 0 {
			t.Errorf("%d messages sent", n)
		}
	})
}
